package understand

import "strings"

// A sender who takes back an earlier message ("forget my first message,
// the water is coming in now", "ignore what I said, grandma can't walk")
// tells what holds now after the retraction: the well-being the retracted
// message or its clause told ("forget my message saying we're all fine")
// no longer stands, and must not keep the danger told after it from
// raising the message. The retraction is read as a clause of its own; the
// clauses up to and including it are dropped before anything else reads the
// message, so "forget my last message, we're all fine now" stays safe.

// retractPhrases take back an earlier message.
var retractPhrases = []string{
	"forget my message", "forget my first message", "forget my last message", "forget my earlier message", "forget my previous message",
	"forget what i said", "forget what i wrote", "ignore my message", "ignore my first message", "ignore my last message",
	"ignore my earlier message", "ignore my earlier msg", "ignore my last msg", "ignore my previous message", "ignore what i said",
	"ignore what i wrote", "scratch my last message", "disregard my message", "disregard my last message", "disregard my earlier message",
	"oubliez mon message", "oublie mon message", "oubliez mon premier message", "oubliez mon dernier message", "oubliez ce que j'ai dit",
	"oubliez ce que j'ai écrit", "ignorez mon message", "ignorez mon dernier message", "oubliez mon message précédent",
	"olviden mi mensaje", "olvida mi mensaje", "olviden mi primer mensaje", "olviden mi último mensaje", "olviden lo que dije",
	"olvida lo que dije", "ignoren mi mensaje", "ignoren mi último mensaje", "ignoren lo que dije", "olviden lo que escribí",
	"vergesst meine nachricht", "vergiss meine nachricht", "vergessen sie meine nachricht", "vergesst meine erste nachricht",
	"vergesst meine letzte nachricht", "vergesst was ich gesagt habe", "vergesst was ich geschrieben habe", "ignoriert meine nachricht",
	"ignorieren sie meine nachricht", "vergesst meine vorige nachricht",
	"esqueçam minha mensagem", "esquece minha mensagem", "esqueçam a minha mensagem", "esqueçam minha primeira mensagem",
	"esqueçam minha última mensagem", "esqueçam o que eu disse", "esquece o que eu disse", "ignorem minha mensagem", "ignora minha mensagem",
	"esquecam minha mensagem", "esquecam o que eu disse",
	"انسوا رسالتي", "انسى رسالتي", "انسي رسالتي", "انسوا الرساله", "انسوا كلامي", "انسى كلامي", "تجاهلوا رسالتي", "تجاهل رسالتي",
	"انسوا اللي قلته", "انسوا شو قلت", "مش زي ما قلت",
	"ensaw resalti", "insa resalti", "ensa resalti", "insaw risalti", "ensaw kalami", "insa kalami", "tjahalo resalti", "ensaw elli 2olto",
	"पिछला मैसेज भूल जाओ", "पिछला मैसेज भूल जाइए", "पहला मैसेज भूल जाओ", "मेरा मैसेज भूल जाओ", "जो मैंने कहा भूल जाओ", "पिछला मैसेज छोड़ो",
	"pichla message bhool jao", "pichla msg bhool jao", "pehla message bhool jao", "mera message bhool jao", "jo maine kaha bhool jao",
	"پچھلا میسج بھول جائیں", "پچھلا میسج بھول جاؤ", "پہلا میسج بھول جائیں", "میرا میسج بھول جائیں", "جو میں نے کہا بھول جائیں",
	"pichla message bhool jayen", "pichla message bhool jaen",
}

var retractSet = compile(retractPhrases)

// retracted returns text without the clauses up to and including the last
// one that takes back an earlier message, and whether one did; when
// nothing with content follows the retraction, text is kept whole.
func retracted(text string) (string, bool) {
	cut := -1 // byte index just after the retracting clause
	start := 0
	for i, r := range text {
		if !clauseEnd(r) {
			continue
		}
		if retractSet.match(" " + Normalize(text[start:i]) + " ") {
			cut = i + len(string(r))
		}
		start = i + len(string(r))
	}
	if cut < 0 {
		return text, false
	}
	rest := strings.TrimSpace(text[cut:])
	if !hasContent(strings.Fields(Normalize(rest))) {
		return text, false
	}
	return rest, true
}
