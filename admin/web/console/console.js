// Lifeline agent console. Plain JavaScript, no framework: the queue, one
// conversation, and the admin pages, kept live by server-sent events.
"use strict";

class APIError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(method, path, body) {
  const opts = { method, headers: {}, credentials: "same-origin" };
  if (body instanceof Blob) { opts.headers["Content-Type"] = body.type || "application/octet-stream"; opts.body = body; }
  else if (body !== undefined) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
  const res = await fetch(path, opts);
  let data = null;
  const type = res.headers.get("Content-Type") || "";
  if (type.includes("json")) data = await res.json().catch(() => null);
  else data = await res.text();
  if (res.status === 401 && path !== "/admin/login") showLogin();
  if (!res.ok) throw new APIError(res.status, (data && data.error) || res.statusText || ("HTTP " + res.status));
  return data;
}

const state = {
  me: null,
  status: "waiting",
  selected: null,    // handoff id on screen
  detail: null,
  agents: [],
  page: "queue",
  events: null,
};

// ---------- time helpers ----------
function ago(seconds) {
  if (seconds < 60) return "under a minute";
  const m = Math.floor(seconds / 60);
  if (m < 60) return m + " min";
  const hrs = Math.floor(m / 60);
  return hrs + " h " + (m % 60) + " min";
}
function clock(t) {
  const d = new Date(t);
  return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}
function since(t) { return Math.max(0, (Date.now() - new Date(t).getTime()) / 1000); }

// ---------- login ----------
function showLogin() {
  state.me = null;
  if (state.events) { state.events.close(); state.events = null; }
  for (const p of document.querySelectorAll(".page")) p.hidden = true;
  $("page-login").hidden = false;
  $("nav").hidden = true;
  $("logout").hidden = true;
  $("who").textContent = "";
  setLive(false);
}

$("login-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("login-error").textContent = "";
  try {
    await api("POST", "/admin/login", { user: $("login-user").value, password: $("login-password").value });
    $("login-password").value = "";
    await start();
  } catch (e) {
    $("login-error").textContent = e.message;
  }
});

$("logout").addEventListener("click", async () => {
  try { await api("POST", "/admin/logout"); } catch (e) { /* logged out anyway */ }
  showLogin();
});

async function start() {
  try {
    state.me = await api("GET", "/admin/me");
  } catch (e) {
    showLogin();
    return;
  }
  document.body.classList.toggle("is-admin", state.me.role === "admin");
  $("who").textContent = state.me.name + " (" + state.me.role + ")";
  $("nav").hidden = false;
  $("logout").hidden = false;
  $("page-login").hidden = true;
  connectEvents();
  loadAgents();
  route();
}

// ---------- pages ----------
function route() {
  if (!state.me) return;
  let page = (location.hash || "#queue").slice(1);
  if (!$("page-" + page) || page === "login") page = "queue";
  if (page !== "queue" && state.me.role !== "admin") page = "queue";
  state.page = page;
  for (const p of document.querySelectorAll(".page")) p.hidden = p.id !== "page-" + page;
  for (const a of document.querySelectorAll("#nav a")) a.classList.toggle("current", a.dataset.page === page);
  const load = { queue: loadQueue, faq: loadUnanswered, contacts: loadContacts, broadcasts: loadBroadcasts, agents: loadAgentsPage }[page];
  if (load) load();
}
window.addEventListener("hashchange", route);

// ---------- live updates ----------
function setLive(on) {
  $("live").textContent = on ? "live" : "offline";
  $("live").classList.toggle("off", !on);
}

let reloadTimer = null;
let reloadDetail = false;
function scheduleReload(detail) {
  reloadDetail = reloadDetail || detail;
  if (reloadTimer) return;
  reloadTimer = setTimeout(() => {
    reloadTimer = null;
    const d = reloadDetail;
    reloadDetail = false;
    if (state.page === "queue") {
      loadQueue();
      if (d && state.selected) loadDetail(state.selected);
    } else if (state.page === "broadcasts") {
      loadBroadcasts();
    }
  }, 150);
}

function connectEvents() {
  if (state.events) return;
  const es = new EventSource("/admin/events");
  state.events = es;
  // Whatever happened while disconnected is picked up by reloading.
  es.onopen = () => { setLive(true); scheduleReload(true); };
  es.onerror = () => {
    setLive(false);
    if (es.readyState === EventSource.CLOSED) {
      state.events = null;
      setTimeout(() => { if (state.me) connectEvents(); }, 3000);
    }
  };
  es.onmessage = (m) => {
    let ev;
    try { ev = JSON.parse(m.data); } catch (e) { return; }
    scheduleReload(ev.user === state.selected);
  };
}

// ---------- queue ----------
for (const tab of document.querySelectorAll(".tab")) {
  tab.addEventListener("click", () => {
    state.status = tab.dataset.status;
    for (const t of document.querySelectorAll(".tab")) t.classList.toggle("active", t === tab);
    loadQueue();
  });
}

let queueSeq = 0;
async function loadQueue() {
  const seq = ++queueSeq;
  let open, closed;
  try {
    open = await api("GET", "/admin/handoffs");
    if (state.status === "closed") closed = await api("GET", "/admin/handoffs?status=closed");
  } catch (e) {
    return;
  }
  if (seq !== queueSeq) return; // a newer load is on its way
  const all = open.handoffs;
  $("count-waiting").textContent = all.filter((x) => x.status === "waiting").length;
  $("count-active").textContent = all.filter((x) => x.status === "active").length;
  const list = state.status === "closed" ? closed.handoffs : all.filter((x) => x.status === state.status);
  renderQueue(list);
}

function displayName(x) { return x.name ? x.name + " · +" + x.user : "+" + x.user; }

function renderQueue(list) {
  const ul = $("queue-list");
  ul.replaceChildren();
  $("queue-empty").hidden = list.length > 0;
  $("queue-empty").textContent = { waiting: "Nobody is waiting.", active: "No conversation is claimed.", closed: "Nothing closed yet." }[state.status];
  for (const x of list) {
    const waited = x.status === "waiting" ? since(x.created_at) : x.wait_seconds;
    const li = h("li", {
      class: "item" + (x.overdue ? " overdue" : "") + (x.id === state.selected ? " selected" : ""),
      "data-id": x.id, "data-status": x.status, tabindex: "0",
      onclick: () => select(x.id),
      onkeydown: (e) => { if (e.key === "Enter") select(x.id); },
    },
      h("div", { class: "line1" },
        x.urgent ? h("span", { class: "badge urgent", text: "URGENT" })
          : x.priority ? h("span", { class: "badge priority", text: "needs help" }) : null,
        h("span", { class: "name", dir: "auto", text: displayName(x) }),
        x.overdue ? h("span", { class: "badge overdue", text: "overdue" }) : null,
        x.status === "active" ? h("span", { class: "badge" + (x.agent === state.me.id ? " mine" : ""), text: x.agent === state.me.id ? "you" : x.agent }) : null,
      ),
      h("div", { class: "first", dir: "auto", text: x.first_message || x.query || reasonText(x.reason) }),
      x.last_message && x.last_message !== x.first_message
        ? h("div", { class: "last muted", dir: "auto", text: "Latest: " + x.last_message }) : null,
      x.location ? h("div", { class: "muted", text: "📍 " + x.location.latitude + ", " + x.location.longitude }) : null,
      h("div", { class: "muted" },
        x.status === "closed" ? (x.outcome + " · " + clock(x.closed_at))
          : (x.status === "waiting" ? "#" + x.position + " · waiting " : "waited ") + ago(waited)),
    );
    li.dataset.created = x.created_at;
    ul.append(li);
  }
}

function reasonText(r) {
  return { asked: "Asked for a person", no_answer: "The FAQ had no answer twice", not_helpful: "An answer did not help", need_help: "Check-in: needs help", danger: "Danger to life", "needs help": "Needs help" }[r] || r || "";
}

// Waiting times tick without a reload.
setInterval(() => {
  if (state.page !== "queue" || !state.me) return;
  for (const li of document.querySelectorAll("#queue-list li[data-status=waiting]")) {
    const m = li.querySelector(".muted");
    if (m) m.textContent = m.textContent.replace(/waiting .*/, "waiting " + ago(since(li.dataset.created)));
  }
  if (state.detail) renderWindow(state.detail);
}, 30000);

// ---------- one conversation ----------
async function select(id) {
  state.selected = id;
  for (const li of document.querySelectorAll("#queue-list li")) li.classList.toggle("selected", li.dataset.id === id);
  await loadDetail(id);
}

async function loadDetail(id) {
  try {
    const d = await api("GET", "/admin/handoffs/" + encodeURIComponent(id));
    if (state.selected !== id) return;
    state.detail = d;
    renderDetail(d);
  } catch (e) {
    $("conv-error").textContent = e.message;
  }
}

function renderDetail(d) {
  $("conv-none").hidden = true;
  $("conv-body").hidden = false;
  $("conv-error").textContent = "";
  $("conv-title").textContent = displayName(d);
  $("conv-title").setAttribute("dir", "auto");
  const meta = [d.status];
  if (d.urgent) meta.push("URGENT: danger to life");
  else if (d.priority) meta.push("needs help");
  if (d.agent) meta.push("owner: " + (d.agent === state.me.id ? "you" : d.agent));
  if (d.status === "waiting") meta.push("#" + d.position + " in queue, waiting " + ago(since(d.created_at)));
  if (d.reason) meta.push(reasonText(d.reason));
  if (d.lang) meta.push("language: " + d.lang);
  $("conv-meta").textContent = meta.join(" · ");

  const mine = d.status === "active" && d.agent === state.me.id;
  const admin = state.me.role === "admin";
  $("btn-claim").hidden = d.status !== "waiting";
  $("transfer-to").hidden = $("btn-transfer").hidden = !(d.status === "active" && (mine || admin));
  $("btn-release").hidden = d.status === "closed" || (d.status === "active" && !mine && !admin);
  $("close-outcome").hidden = $("btn-close").hidden = $("btn-release").hidden;
  renderTransferOptions(d);

  const ol = $("transcript");
  const atBottom = ol.scrollHeight - ol.scrollTop - ol.clientHeight < 40;
  ol.replaceChildren();
  const items = [];
  for (const m of d.messages) items.push({ at: m.at, kind: "msg", m });
  for (const n of d.notes || []) items.push({ at: n.at, kind: "note", n });
  for (const a of d.log || []) items.push({ at: a.at, kind: "event", a });
  items.sort((x, y) => new Date(x.at) - new Date(y.at));
  for (const it of items) ol.append(renderItem(it));
  if (atBottom || ol.dataset.for !== d.id) ol.scrollTop = ol.scrollHeight;
  ol.dataset.for = d.id;

  $("reply-text-box").querySelectorAll("textarea, button").forEach((b) => { b.disabled = !mine; });
  $("reply-text").placeholder = mine ? "Write a reply…" : (d.status === "waiting" ? "Claim the conversation to reply" : "Only the owner can reply");
  renderWindow(d);
  renderTemplates(d);
  renderCanned(d);
}

function renderItem(it) {
  if (it.kind === "note") {
    return h("li", { class: "msg note", dir: "auto" }, it.n.text, h("div", { class: "meta", text: "note by " + it.n.agent + " · " + clock(it.at) }));
  }
  if (it.kind === "event") {
    const a = it.a;
    return h("li", { class: "msg event", text: clock(a.at) + " · " + (a.agent ? a.agent + " " : "") + a.action + (a.detail ? " (" + a.detail + ")" : "") });
  }
  const m = it.m;
  const agent = (m.author || "").startsWith("agent:");
  const li = h("li", { class: "msg " + m.dir + (agent ? " agent" : ""), dir: "auto" });
  let text = m.text || "";
  if (m.dir === "in" && m.type === "location") text = "📍 " + (m.text || "") + " " + m.lat + ", " + m.lng;
  else if (!text) text = "[" + m.type + "]";
  li.append(h("span", { dir: "auto", text }));
  const msg = m.message;
  if (msg && msg.buttons) li.append(h("div", { class: "btns" }, msg.buttons.map((b) => h("span", { dir: "auto", text: b.title }))));
  if (msg && msg.sections) {
    const rows = msg.sections.flatMap((s) => s.rows || []);
    li.append(h("div", { class: "btns" }, rows.map((r) => h("span", { dir: "auto", text: r.title }))));
  }
  const author = m.author || "";
  const who = m.dir === "in" ? "user" : agent ? author.slice(6) : author.startsWith("broadcast:") ? "broadcast" : "bot";
  const status = m.dir === "out" && m.status ? " · " + m.status + (m.error ? " (" + m.error + ")" : "") : "";
  li.append(h("div", { class: "meta", dir: "ltr", text: who + " · " + clock(m.at) + status }));
  return li;
}

function renderWindow(d) {
  const w = $("window-info");
  const open = d.window_until && new Date(d.window_until) > new Date();
  w.className = "window";
  if (open) {
    const left = (new Date(d.window_until) - Date.now()) / 1000;
    w.textContent = "Free replies allowed for " + ago(left) + " more (WhatsApp's 24-hour window).";
    if (left < 3600) w.classList.add("closing");
  } else {
    w.textContent = "The 24-hour window has closed: only a template can be sent.";
    w.classList.add("closed");
  }
  const mine = d.status === "active" && d.agent === state.me.id;
  $("reply-text-box").hidden = !open;
  $("reply-template-box").hidden = open || !mine;
}

function renderTemplates(d) {
  const sel = $("template-pick");
  sel.replaceChildren(h("option", { value: "", text: "choose a template…" }));
  for (const t of d.templates || []) sel.append(h("option", { value: t.name + "|" + t.language, text: t.name + " (" + t.language + ")" }));
}
$("template-pick").addEventListener("change", () => {
  const [name, lang] = $("template-pick").value.split("|");
  $("template-name").value = name || "";
  $("template-lang").value = lang || "";
});

const cannedDefault = {
  en: ["Hello, my name is {agent}. I am here to help you.", "Are you safe right now?", "Can you share your location?", "Help is on the way. Stay where you are if it is safe.", "Thank you. I will hand you back to the assistant now."],
  ar: ["مرحباً، اسمي {agent}. أنا هنا لمساعدتك.", "هل أنت بأمان الآن؟", "هل يمكنك مشاركة موقعك؟", "المساعدة في الطريق. ابقَ في مكانك إن كان آمناً.", "شكراً لك. سأعيدك الآن إلى المساعد الآلي."],
};
function renderCanned(d) {
  const box = $("canned");
  box.replaceChildren();
  const list = cannedDefault[d.lang] || cannedDefault.en;
  for (const t of list) {
    const text = t.replace("{agent}", state.me.name);
    box.append(h("button", { type: "button", dir: "auto", title: "Insert", text: text.length > 28 ? text.slice(0, 26) + "…" : text,
      onclick: () => { const ta = $("reply-text"); ta.value = text; ta.focus(); } }));
  }
}

function renderTransferOptions(d) {
  const sel = $("transfer-to");
  sel.replaceChildren(h("option", { value: "", text: "transfer to…" }));
  for (const a of state.agents) {
    if (a.disabled || a.id === d.agent) continue;
    sel.append(h("option", { value: a.id, text: a.name + " (" + a.id + ")" }));
  }
}

async function loadAgents() {
  try { state.agents = (await api("GET", "/admin/agents")).agents; } catch (e) { state.agents = []; }
}

async function act(fn) {
  $("conv-error").textContent = "";
  try {
    await fn();
  } catch (e) {
    $("conv-error").textContent = e.message;
  }
  if (state.selected) await loadDetail(state.selected);
  loadQueue();
}

const hid = () => encodeURIComponent(state.selected);
$("btn-claim").addEventListener("click", () => act(() => api("POST", "/admin/handoffs/" + hid() + "/claim")));
$("btn-release").addEventListener("click", () => act(() => api("POST", "/admin/handoffs/" + hid() + "/release")));
$("btn-close").addEventListener("click", () => act(() => api("POST", "/admin/handoffs/" + hid() + "/close", { outcome: $("close-outcome").value })));
$("btn-transfer").addEventListener("click", () => {
  const to = $("transfer-to").value;
  if (!to) { $("conv-error").textContent = "Choose who to transfer to."; return; }
  act(() => api("POST", "/admin/handoffs/" + hid() + "/transfer", { to }));
});
async function sendReply() {
  const text = $("reply-text").value.trim();
  if (!text) return;
  await act(async () => {
    await api("POST", "/admin/handoffs/" + hid() + "/messages", { text });
    $("reply-text").value = "";
  });
}
$("btn-send").addEventListener("click", sendReply);
$("reply-text").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); sendReply(); }
});
$("btn-send-template").addEventListener("click", () => {
  const name = $("template-name").value.trim(), language = $("template-lang").value.trim();
  if (!name || !language) { $("conv-error").textContent = "A template needs a name and a language."; return; }
  act(() => api("POST", "/admin/handoffs/" + hid() + "/messages", { template: { name, language } }));
});
$("btn-note").addEventListener("click", () => {
  const text = $("note-text").value.trim();
  if (!text) return;
  act(async () => { await api("POST", "/admin/handoffs/" + hid() + "/notes", { text }); $("note-text").value = ""; });
});

// ---------- generic tables for the admin pages ----------
function firstArray(data) {
  if (Array.isArray(data)) return data;
  if (data && typeof data === "object") {
    for (const v of Object.values(data)) if (Array.isArray(v)) return v;
  }
  return null;
}

function table(rows, maxCols) {
  if (!rows || rows.length === 0) return h("p", { class: "muted", text: "Nothing yet." });
  const cols = [];
  for (const r of rows.slice(0, 50)) {
    for (const [k, v] of Object.entries(r || {})) {
      if (!cols.includes(k) && (v === null || typeof v !== "object")) cols.push(k);
    }
  }
  const shown = cols.slice(0, maxCols || 8);
  return h("table", {},
    h("thead", {}, h("tr", {}, shown.map((c) => h("th", { text: c.replace(/_/g, " ") })))),
    h("tbody", {}, rows.slice(0, 500).map((r) => h("tr", {}, shown.map((c) => h("td", { dir: "auto", text: r[c] === undefined || r[c] === null ? "" : String(r[c]) }))))));
}

function notAvailable(box, what, e) {
  box.replaceChildren(h("p", { class: "muted", text: e.status === 404 || e.status === 405
    ? what + " is not available on this server yet."
    : what + " could not be loaded: " + e.message }));
}

// ---------- FAQ ----------
$("faq-import").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const f = $("faq-file").files[0];
  if (!f) return;
  // The import takes the file as the body, its format named by the content type.
  const ext = f.name.toLowerCase().split(".").pop();
  const type = { csv: "text/csv", tsv: "text/tab-separated-values", json: "application/json", md: "text/markdown" }[ext];
  if (!type) { $("faq-import-result").textContent = "Choose a .csv, .tsv, .json or .md file."; return; }
  $("faq-import-result").textContent = "Importing…";
  try {
    const r = await api("POST", "/admin/kb/import?mode=" + $("faq-mode").value, new Blob([f], { type }));
    $("faq-import-result").textContent = typeof r === "string" ? r : JSON.stringify(r, null, 2);
  } catch (e) {
    $("faq-import-result").textContent = (e.status === 404 ? "FAQ import is not available on this server yet." : "Import failed: " + e.message);
  }
});
$("faq-search").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const box = $("faq-search-result");
  const q = new URLSearchParams({ q: $("faq-q").value });
  if ($("faq-lang").value) q.set("lang", $("faq-lang").value);
  try {
    const r = await api("GET", "/admin/kb/search?" + q);
    const rows = firstArray(r) || [];
    box.replaceChildren(
      h("p", { class: "muted", text: r && r.decision ? "Decision: " + r.decision + (r.lang ? " · language " + r.lang : "") : "" }),
      table(rows, 6));
  } catch (e) { notAvailable(box, "FAQ search", e); }
});
async function loadUnanswered() {
  const box = $("faq-unanswered");
  try { box.replaceChildren(table(firstArray(await api("GET", "/admin/kb/unanswered")) || [])); }
  catch (e) { notAvailable(box, "The unanswered-question report", e); }
}
$("faq-unanswered-load").addEventListener("click", loadUnanswered);

// ---------- contacts ----------
async function loadContacts() {
  const box = $("contacts");
  try { box.replaceChildren(table(firstArray(await api("GET", "/admin/contacts")) || [])); }
  catch (e) { notAvailable(box, "Contacts", e); }
}

// ---------- broadcasts ----------
function answerCounts(b) {
  const src = b.answers || b.counts || b.stats || b;
  const n = (k) => Number(src[k] || 0);
  if (!["safe", "need_help", "no_response"].some((k) => k in src)) return null;
  return { safe: n("safe"), help: n("need_help"), none: n("no_response") };
}

function chart(points) {
  // points: [{label, safe, help, none}] as stacked bars, oldest first.
  const W = 640, H = 200, pad = 24;
  const max = Math.max(1, ...points.map((p) => p.safe + p.help + p.none));
  const bw = Math.max(6, Math.min(48, (W - pad * 2) / Math.max(1, points.length) - 6));
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 " + W + " " + (H + 30));
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "Answers: safe, need help, no response");
  points.forEach((p, i) => {
    let y = H;
    const x = pad + i * (bw + 6);
    for (const [k, cls] of [["safe", "c-safe"], ["help", "c-help"], ["none", "c-none"]]) {
      const hgt = (p[k] / max) * (H - pad);
      const r = document.createElementNS(ns, "rect");
      r.setAttribute("x", x); r.setAttribute("y", y - hgt); r.setAttribute("width", bw); r.setAttribute("height", hgt);
      r.setAttribute("class", cls);
      const title = document.createElementNS(ns, "title");
      title.textContent = p.label + ": " + p[k] + " " + { safe: "safe", help: "need help", none: "no response" }[k];
      r.append(title);
      svg.append(r);
      y -= hgt;
    }
    const t = document.createElementNS(ns, "text");
    t.setAttribute("x", x); t.setAttribute("y", H + 14); t.setAttribute("font-size", "10");
    t.textContent = String(p.label).slice(0, 10);
    svg.append(t);
  });
  return h("div", { class: "chart" },
    h("div", { class: "legend" },
      h("span", {}, h("i", { class: "c-safe" }), "safe"),
      h("span", {}, h("i", { class: "c-help" }), "need help"),
      h("span", {}, h("i", { class: "c-none" }), "no response")),
    svg);
}

async function loadBroadcasts() {
  const box = $("broadcasts"), chartBox = $("broadcasts-chart");
  let data;
  try { data = await api("GET", "/admin/broadcasts"); }
  catch (e) { notAvailable(box, "Broadcasts", e); chartBox.hidden = true; return; }
  const rows = firstArray(data) || [];
  box.replaceChildren(table(rows));
  // A broadcast with a timeline of answers gets a chart over time; else one bar per broadcast.
  let points = [];
  const withTimeline = rows.find((b) => Array.isArray(b.timeline) && b.timeline.length);
  if (withTimeline) {
    points = withTimeline.timeline.map((p) => Object.assign({ label: p.at ? clock(p.at) : "" }, answerCounts(p) || { safe: 0, help: 0, none: 0 }));
  } else {
    points = rows.map((b) => { const c = answerCounts(b); return c && Object.assign({ label: b.name || b.id || "" }, c); }).filter(Boolean);
  }
  chartBox.hidden = points.length === 0;
  chartBox.replaceChildren(h("h2", { text: "Answers over time" }), chart(points));
}
setInterval(() => { if (state.page === "broadcasts" && state.me) loadBroadcasts(); }, 10000);

// ---------- agents ----------
async function loadAgentsPage() {
  await loadAgents();
  $("agents").replaceChildren(table(state.agents));
}
$("agent-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    const a = await api("POST", "/admin/agents", {
      id: $("agent-id").value, name: $("agent-name").value, role: $("agent-role").value, password: $("agent-password").value,
    });
    $("agent-result").textContent = "Created " + a.id + " (" + a.role + ").";
    $("agent-form").reset();
    loadAgentsPage();
  } catch (e) {
    $("agent-result").textContent = e.message;
  }
});

start();
