// Lifeline simulator: a phone-like chat with the real engine through the
// sandbox API. Replies to a message come back from POST /sandbox/messages;
// anything else (an agent's reply, a queue update) is picked up by polling
// the conversation.
"use strict";

const sim = { from: "", seen: new Set(), busy: false };

function randomNumber() {
  let n = "1555";
  for (let i = 0; i < 7; i++) n += Math.floor(Math.random() * 10);
  return n;
}

function now() { return new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }); }
function timeOf(t) { return new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }); }

function scroll() { const c = $("chat"); c.scrollTop = c.scrollHeight; }

function mine(text, at) {
  $("chat").append(h("li", { class: "b me", dir: "auto" }, h("div", { text }), h("div", { class: "t", text: at || now() })));
  scroll();
}

function system(text) {
  $("chat").append(h("li", { class: "sys", text }));
  scroll();
}

// bubble renders one outbound message in WhatsApp's shape.
function bubble(o, who, at) {
  const li = h("li", { class: "b" + (who ? " agent" : ""), dir: "auto" });
  if (who) li.append(h("div", { class: "who", text: who }));
  if (o.header) li.append(h("div", { class: "hdr", text: o.header }));
  if (o.kind === "template" && o.template) {
    li.append(h("div", { text: o.text || "[template " + o.template.name + " (" + o.template.language + ")]" }));
  } else if (o.kind === "location" && o.location) {
    li.append(h("div", { text: "📍 " + (o.location.name || "") + " " + o.location.latitude + ", " + o.location.longitude }));
  } else {
    li.append(h("div", { text: o.text || "" }));
  }
  if (o.kind === "location_request") {
    // WhatsApp shows a "Send location" button; here it shares like the 📍 button.
    li.append(h("div", { class: "replybtns" }, h("button", { type: "button", text: "📍 Send location", onclick: () => $("loc").click() })));
  }
  if (o.footer) li.append(h("div", { class: "ftr", text: o.footer }));
  li.append(h("div", { class: "t", text: at || now() }));
  if (o.kind === "buttons" && o.buttons) {
    li.append(h("div", { class: "replybtns" }, o.buttons.map((b) =>
      h("button", { type: "button", dir: "auto", text: b.title, "data-id": b.id,
        onclick: () => send({ button: b.id, text: b.title }, b.title) }))));
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
      ul.append(h("li", { dir: "auto", "data-id": r.id, onclick: () => { closeSheet(); send({ button: r.id, text: r.title }, r.title); } },
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

// send posts one message and shows the bot's replies; then it marks the
// transcript entries those replies became as seen, so polling does not
// show them twice.
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
    for (const r of data.replies || []) bubble(r);
    const msgs = await conversation();
    const i = msgs.findIndex((m) => m.message_id === data.message_id);
    if (i >= 0) {
      let left = (data.replies || []).length;
      sim.seen.add(msgs[i].seq);
      for (const m of msgs.slice(i + 1)) {
        if (left === 0) break;
        if (m.dir === "out" && m.author === "bot") { sim.seen.add(m.seq); left--; }
      }
    }
  } catch (e) {
    system("Could not reach the server: " + e.message);
  } finally {
    sim.busy = false;
    $("status").textContent = "online";
  }
}

// poll shows what arrived outside a reply: agents' messages above all.
async function poll() {
  if (sim.busy || !sim.from) return;
  let msgs;
  try { msgs = await conversation(); } catch (e) { return; }
  if (sim.busy) return;
  for (const m of msgs) {
    if (sim.seen.has(m.seq)) continue;
    sim.seen.add(m.seq);
    if (m.dir === "in") { mine(m.text || "[" + m.type + "]", timeOf(m.at)); continue; }
    const agent = (m.author || "").startsWith("agent:");
    bubble({ kind: m.type === "template" ? "text" : m.type, text: m.text }, agent ? "Agent " + m.author.slice(6) : "", timeOf(m.at));
  }
}

async function load(from) {
  sim.from = from;
  sim.seen = new Set();
  localStorage.setItem("lifeline.sim.from", from);
  $("from").value = from;
  $("chat").replaceChildren();
  system("You are +" + from);
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
