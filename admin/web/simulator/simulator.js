// Lifeline simulator: a phone-like chat with the real engine through the
// sandbox API (POST /sandbox/messages). Everything shown comes from the
// stored conversation, polled, so that a reload shows the same messages
// with the same buttons, and a check-in sent long ago can still be answered.
"use strict";

const sim = { from: "", seen: new Set(), shownIn: new Set(), busy: false };

function randomNumber() {
  // +1 555-2xxxxxx: on WhatsApp in the sandbox (555-01xx numbers are not).
  let n = "15552";
  for (let i = 0; i < 6; i++) n += Math.floor(Math.random() * 10);
  return n;
}

function now() { return new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }); }
function timeOf(t) { return new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }); }

function scroll() { const c = $("chat"); c.scrollTop = c.scrollHeight; }

function mine(text, at) {
  $("chat").append(h("li", { class: "b me" }, h("div", {}, isolate(text)), h("div", { class: "t", dir: "ltr", text: at || now() })));
  scroll();
}

function system(text) {
  $("chat").append(h("li", { class: "sys", text }));
  scroll();
}

// tap sends what a button sends back: its id (a reply button, a list
// row) or its payload (a template's quick reply), with its title.
function tap(id, title) { return () => send({ button: id, text: title }, title); }

// mediaLabel is the placeholder of a file: the simulator shows no files.
function mediaLabel(kind, name) {
  const icon = { image: "🖼", video: "🎞", audio: "🎤", document: "📄", sticker: "🏷" }[kind] || "📎";
  return icon + " [" + kind + (name ? ": " + name : "") + "]";
}

// bubble renders one outbound message in WhatsApp's shape. tpl is the
// server's rendering of a template (its body and buttons), when known.
function bubble(o, who, at, tpl) {
  const li = h("li", { class: "b" + (who ? " agent" : ""), dir: "auto", "data-kind": o.kind || "text" });
  if (who) li.append(h("div", { class: "who", text: who }));
  if (o.header) li.append(h("div", { class: "hdr", text: o.header }));
  if (o.kind === "template" && o.template) {
    if (tpl && tpl.header) li.append(h("div", { class: "hdr", text: tpl.header }));
    li.append(h("div", { text: (tpl && tpl.body) || o.text || "[template " + o.template.name + " (" + o.template.language + ")]" }));
  } else if (o.kind === "location" && o.location) {
    const l = o.location;
    li.append(h("div", { class: "loc" }, "📍 " + (l.name || "") + " ", h("bdi", { dir: "ltr", text: l.latitude + ", " + l.longitude })));
    if (l.address) li.append(h("div", { class: "ftr", text: l.address }));
  } else if (o.media) {
    li.append(h("div", { class: "media", text: mediaLabel(o.kind, o.media.filename) }));
    if (o.media.caption) li.append(h("div", { text: o.media.caption }));
  } else {
    li.append(h("div", { text: o.text || "" }));
  }
  if (o.footer) li.append(h("div", { class: "ftr", text: o.footer }));
  li.append(h("div", { class: "t", text: at || now() }));
  if (o.kind === "location_request") {
    // WhatsApp shows a "Send location" button; here it shares like the 📍 button.
    li.append(h("div", { class: "replybtns" }, h("button", { type: "button", text: "📍 Send location", onclick: () => $("loc").click() })));
  }
  if (o.kind === "buttons" && o.buttons) {
    li.append(h("div", { class: "replybtns" }, o.buttons.map((b) =>
      h("button", { type: "button", dir: "auto", text: b.title, "data-id": b.id, onclick: tap(b.id, b.title) }))));
  }
  if (o.kind === "template" && tpl && tpl.buttons && tpl.buttons.length) {
    // Quick replies answer with their payload; a URL or phone button is
    // shown but goes nowhere here.
    li.append(h("div", { class: "replybtns" }, tpl.buttons.map((b) => b.payload
      ? h("button", { type: "button", dir: "auto", text: b.text, "data-id": b.payload, onclick: tap(b.payload, b.text) })
      : h("button", { type: "button", dir: "auto", text: b.text, disabled: true, title: b.type }))));
  }
  if (o.kind === "list" && o.sections) {
    li.append(h("div", { class: "replybtns" }, h("button", { type: "button", class: "listbtn", dir: "auto", text: "☰ " + (o.list_button || "Options"),
      onclick: () => openSheet(o) })));
  }
  $("chat").append(li);
  scroll();
}

function openSheet(o) {
  $("sheet-title").textContent = o.list_button || "Options";
  const ul = $("sheet-rows");
  ul.replaceChildren();
  for (const s of o.sections) {
    if (s.title) ul.append(h("li", { class: "sys", text: s.title }));
    for (const r of s.rows || []) {
      ul.append(h("li", { dir: "auto", "data-id": r.id, tabindex: "0", role: "button", onclick: () => { closeSheet(); tap(r.id, r.title)(); } },
        r.title, r.description ? h("small", { text: r.description }) : null));
    }
  }
  $("sheet").hidden = false;
}
function closeSheet() { $("sheet").hidden = true; }
$("sheet-close").addEventListener("click", closeSheet);

async function conversation() {
  const res = await fetch("/sandbox/conversations/" + encodeURIComponent(sim.from));
  if (!res.ok) throw new Error("HTTP " + res.status);
  return (await res.json()).messages || [];
}

// send posts one message, shown at once, then shows what the transcript
// holds after it: the bot's replies with their buttons, as stored, so
// that a reload shows the same.
async function send(body, shown) {
  if (sim.busy) return;
  sim.busy = true;
  $("status").textContent = "typing…";
  mine(shown);
  try {
    const res = await fetch("/sandbox/messages", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(Object.assign({ from: sim.from, name: $("name").value }, body)),
    });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) { system(data.error || "error " + res.status); return; }
    sim.shownIn.add(data.message_id);
    sim.busy = false;
    await poll();
  } catch (e) {
    system("Could not reach the server: " + e.message);
  } finally {
    sim.busy = false;
    $("status").textContent = "online";
  }
}

// inText is how one of the person's own messages reads.
function inText(m) {
  if (m.type === "location") return "📍 " + (m.text || "") + " " + m.lat + ", " + m.lng;
  if (m.media || /^(image|audio|video|document|sticker)$/.test(m.type)) return mediaLabel(m.type, m.media && m.media.filename) + (m.text ? " " + m.text : "");
  return m.text || "[" + m.type + "]";
}

// poll shows every transcript entry not on screen yet: the bot's and
// agents' messages, broadcasts, and the person's own messages sent from
// elsewhere (another tab, before a reload).
async function poll() {
  if (sim.busy || !sim.from) return;
  let msgs;
  try { msgs = await conversation(); } catch (e) { return; }
  if (sim.busy) return;
  for (const m of msgs) {
    const key = m.seq + "|" + (m.at || "");
    if (sim.seen.has(key)) continue;
    sim.seen.add(key);
    if (m.dir === "in") {
      if (!sim.shownIn.has(m.message_id)) mine(inText(m), timeOf(m.at));
      continue;
    }
    const author = m.author || "";
    const who = author.startsWith("agent:") ? "Agent " + author.slice(6) : "";
    bubble(m.message || { kind: m.type, text: m.text }, who, timeOf(m.at), m.template);
  }
}

async function load(from) {
  sim.from = from;
  sim.seen = new Set();
  sim.shownIn = new Set();
  localStorage.setItem("lifeline.sim.from", from);
  $("from").value = from;
  $("chat").replaceChildren();
  $("chat").append(h("li", { class: "sys" }, "You are ", phone(from)));
  await poll();
}

$("composer").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const text = $("text").value.trim();
  if (!text) return;
  $("text").value = "";
  send({ text }, text);
});

$("loc").addEventListener("click", () => {
  const share = (lat, lng, name) => send({ location: { latitude: lat, longitude: lng, name } }, "📍 " + name);
  if (!navigator.geolocation) { share(24.7136, 46.6753, "Sample location"); return; }
  navigator.geolocation.getCurrentPosition(
    (p) => share(p.coords.latitude, p.coords.longitude, "My location"),
    () => share(24.7136, 46.6753, "Sample location"),
    { timeout: 5000 });
});

$("from").addEventListener("change", () => {
  const v = $("from").value.replace(/\D/g, "");
  if (v) load(v);
});
$("new-user").addEventListener("click", () => load(randomNumber()));

load(localStorage.getItem("lifeline.sim.from") || randomNumber());
setInterval(poll, 2000);
