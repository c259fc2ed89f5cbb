package understand

// A phone lost to a hazard, the sender writing from someone else's ("my
// phone drowned in the flood, I'm writing from my neighbour's") tells why
// the alerts stopped, not an emergency: with nothing naming a person at
// risk, no situation and no negated safety, the hazard it names does not
// make it danger. "Writing from my sister's phone, he took mine and he is
// hitting me" names a threat and stays danger.
var (
	borrowedPhoneSet = compile([]string{
		"from my neighbour's phone", "from my neighbor's phone", "from my sister's phone", "from my brother's phone", "from my son's phone",
		"from my daughter's phone", "from my cousin's phone", "from my friend's phone", "from my wife's phone", "from my husband's phone",
		"from a friend's phone", "from someone else's phone", "de celui de ma voisine", "de celui de mon voisin", "du téléphone de", "du portable de",
		"del de mi", "del celular de", "del teléfono de", "desde el celular de", "desde el de mi", "vom handy meiner", "vom handy meines", "vom handy von",
		"vom telefon meiner", "do celular da", "do celular do", "do celular de", "do telefone da", "do telefone do",
		"من تلفون", "من جوال", "من موبايل", "mn telefon", "men telefon", "mn portable", "के फोन से", "के फ़ोन से", "ke phone se", "کے فون سے",
	})
	lostPhoneSet = compile([]string{
		"my phone", "my mobile", "my cell", "mon téléphone", "mon portable", "mon telephone", "mi celular", "mi teléfono", "mi telefono", "se me murió el celular",
		"se me murio el celular", "mein handy", "mein telefon", "meu celular", "meu telefone", "تلفوني", "جوالي", "موبايلي", "telefoni", "mobili",
		"मेरा फोन", "मेरा फ़ोन", "mera phone", "میرا فون",
	})
)

// borrowedPhoneOnly reports whether the message tells of a phone lost and
// another's used, naming no person at risk.
func borrowedPhoneOnly(rd *reading) bool {
	if !borrowedPhoneSet.match(rd.padded) || !lostPhoneSet.match(rd.padded) || negatedSet.match(rd.padded) {
		return false
	}
	strong, _ := dangerSet.scan(rd.masked)
	return !strong && !pairedRisk(rd.masked) && conceptAt(rd.masked) < 0 && cueSets.scan(rd.padded)&cueUrgent == 0
}
