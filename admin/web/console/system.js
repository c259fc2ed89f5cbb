// Lifeline console: the System page, for admins (the audit log, API
// tokens, console sessions, a backup), and the downloads other pages
// offer (a person's data, an incident's timeline as CSV) with a person's
// erasure. Every action calls the documented admin API and shows a
// refusal in the API's own words.
"use strict";

Object.assign(I18N.en, {
  "sys.title": "System", "dl.csv": "Download CSV", "dl.working": "Downloading…", "dl.done": "Downloaded {0} ({1}).",
  "dl.failed": "The download failed: {0}", "size.b": "{0} bytes", "size.kb": "{0} KB", "size.mb": "{0} MB", "size.gb": "{0} GB",
  "role.viewer": "viewer", "role.integration": "integration",
  "au.title": "Audit log", "au.actor": "Who: an account (its logins: agent:account) or token:…", "au.action": "Action (e.g. token.create, or token. for all)",
  "au.since": "From", "au.until": "Until", "au.newest": "Newest", "au.older": "Older", "au.page": "Page {0}",
  "au.col.at": "When", "au.col.who": "Who", "au.col.action": "Action", "au.col.target": "On", "au.col.detail": "Detail",
  "au.col.status": "Result", "au.col.ip": "From address", "au.badTime": "{0}: not a date and time.",
  "tk.title": "API tokens", "tk.name": "Name (what uses it)", "tk.role": "Role", "tk.approval": "Its broadcasts wait for an admin's approval",
  "tk.create": "Create token", "tk.once": "Copy the secret now: you will not see it again.", "tk.secret": "Token secret",
  "tk.copy": "Copy", "tk.copied": "Copied.", "tk.copyFailed": "Copying was refused by the browser: select the secret and copy it.",
  "tk.done": "Done", "tk.created": "Created {0} ({1}).",
  "tk.explain": "For scripts and other systems: each request carries the token as \"Authorization: Bearer …\". Give each use its own token, with the smallest role that does the job.",
  "tk.col.name": "Name", "tk.col.id": "Id", "tk.col.role": "Role", "tk.col.created": "Created", "tk.col.used": "Last used",
  "tk.col.state": "State", "tk.active": "active", "tk.revoked": "revoked", "tk.revoke": "Revoke", "tk.revokedMsg": "{0} is revoked: it is refused from now on.",
  "tk.needsApproval": "needs approval",
  "se.title": "Console sessions", "se.col.agent": "Account", "se.col.started": "Logged in", "se.col.expires": "Ends by itself",
  "se.col.id": "Session", "se.end": "End", "se.ended": "{0}'s session ended: that browser is logged out.",
  "se.explain": "Everyone logged in to the console. Ending a session logs that browser out at its next request. Sessions end by themselves 12 hours after the login.",
  "bk.title": "Backup", "bk.download": "Download a backup", "bk.working": "Taking the backup…",
  "bk.done": "Downloaded {0}: {1}, the whole store as it was at {2}.",
  "bk.unsupported": "This server cannot make a backup: {0}",
  "bk.explain": "A copy of the whole store, taken while the server keeps working: conversations, contacts, broadcasts, incidents, FAQ versions, accounts, token hashes and the audit log. It holds personal data: keep it as safe as the server. Restore it with \"lifeline restore FILE --data DIR\".",
  "er.title": "This person's data", "er.export": "Export data", "er.erase": "Erase", "er.type": "Type the number to confirm",
  "er.mismatch": "The number typed is not {0}: nothing was erased.",
  "er.explain": "Erasing deletes this person's messages, conversations, handoffs and personal fields; broadcast counts stay. If they opted out, a bare record of that is kept so that they get no broadcasts. It cannot be undone.",
  "er.done": "Erased {0}: {1} messages, {2} conversations handed to agents, {3} queued replies, {4} broadcast records, {5} files.",
  "er.keptOptOut": "Their opt-out is kept, so that they get no broadcasts.", "er.open": "Erase…",
});
Object.assign(I18N.ar, {
  "sys.title": "النظام", "dl.csv": "تنزيل CSV", "dl.working": "جارٍ التنزيل…", "dl.done": "نُزّل {0} ({1}).",
  "dl.failed": "فشل التنزيل: {0}", "size.b": "{0} بايت", "size.kb": "{0} ك.ب", "size.mb": "{0} م.ب", "size.gb": "{0} ج.ب",
  "role.viewer": "مُطّلع", "role.integration": "تكامل",
  "au.title": "سجل التدقيق", "au.actor": "من: حساب (دخوله: agent:الحساب) أو token:…", "au.action": "الإجراء (مثل token.create، أو token. للجميع)",
  "au.since": "من", "au.until": "حتى", "au.newest": "الأحدث", "au.older": "الأقدم", "au.page": "الصفحة {0}",
  "au.col.at": "الوقت", "au.col.who": "من", "au.col.action": "الإجراء", "au.col.target": "على", "au.col.detail": "التفاصيل",
  "au.col.status": "النتيجة", "au.col.ip": "العنوان", "au.badTime": "{0}: ليس تاريخاً ووقتاً.",
  "tk.title": "رموز الواجهة البرمجية", "tk.name": "الاسم (ما يستخدمه)", "tk.role": "الدور", "tk.approval": "رسائله الجماعية تنتظر موافقة مشرف",
  "tk.create": "إنشاء رمز", "tk.once": "انسخ الرمز السري الآن: لن تراه مرة أخرى.", "tk.secret": "الرمز السري",
  "tk.copy": "نسخ", "tk.copied": "نُسخ.", "tk.copyFailed": "رفض المتصفح النسخ: حدّد الرمز السري وانسخه.",
  "tk.done": "تم", "tk.created": "أُنشئ {0} ({1}).",
  "tk.explain": "للبرامج والأنظمة الأخرى: يحمل كل طلب الرمز في \"Authorization: Bearer …\". أعطِ كل استخدام رمزاً خاصاً به، بأصغر دور يكفيه.",
  "tk.col.name": "الاسم", "tk.col.id": "المعرّف", "tk.col.role": "الدور", "tk.col.created": "أُنشئ", "tk.col.used": "آخر استخدام",
  "tk.col.state": "الحالة", "tk.active": "فعّال", "tk.revoked": "ملغى", "tk.revoke": "إلغاء", "tk.revokedMsg": "أُلغي {0}: يُرفض من الآن.",
  "tk.needsApproval": "يحتاج موافقة",
  "se.title": "جلسات لوحة التحكم", "se.col.agent": "الحساب", "se.col.started": "دخل", "se.col.expires": "تنتهي تلقائياً",
  "se.col.id": "الجلسة", "se.end": "إنهاء", "se.ended": "انتهت جلسة {0}: خرج ذلك المتصفح.",
  "se.explain": "كل من دخل إلى لوحة التحكم. إنهاء الجلسة يُخرج ذلك المتصفح عند طلبه التالي. تنتهي الجلسات تلقائياً بعد 12 ساعة من الدخول.",
  "bk.title": "النسخة الاحتياطية", "bk.download": "تنزيل نسخة احتياطية", "bk.working": "جارٍ أخذ النسخة…",
  "bk.done": "نُزّل {0}: {1}، المخزن كله كما كان في {2}.",
  "bk.unsupported": "لا يستطيع هذا الخادم أخذ نسخة احتياطية: {0}",
  "bk.explain": "نسخة من المخزن كله تؤخذ والخادم يعمل: المحادثات وجهات الاتصال والرسائل الجماعية والحوادث ونسخ الأسئلة الشائعة والحسابات وبصمات الرموز وسجل التدقيق. فيها بيانات شخصية: احفظها بأمان الخادم نفسه. استرجعها بالأمر \"lifeline restore FILE --data DIR\".",
  "er.title": "بيانات هذا الشخص", "er.export": "تصدير البيانات", "er.erase": "محو", "er.type": "اكتب الرقم للتأكيد",
  "er.mismatch": "الرقم المكتوب ليس {0}: لم يُمحَ شيء.",
  "er.explain": "المحو يحذف رسائل هذا الشخص ومحادثاته وتحويلاته وبياناته الشخصية؛ تبقى أعداد الرسائل الجماعية. إن كان قد ألغى اشتراكه يُحفظ سجل مجرد بذلك كي لا تصله رسائل جماعية. لا يمكن التراجع عنه.",
  "er.done": "مُحي {0}: {1} رسائل، {2} محادثات حُوّلت لموظفين، {3} ردود في الانتظار، {4} سجلات رسائل جماعية، {5} ملفات.",
  "er.keptOptOut": "حُفظ إلغاء اشتراكه كي لا تصله رسائل جماعية.", "er.open": "محو…",
});

// ---------- downloads ----------
// sizeText is a byte count as people read it: "3.4 MB".
function sizeText(n) {
  const units = [["size.gb", 1 << 30], ["size.mb", 1 << 20], ["size.kb", 1 << 10]];
  for (const [key, u] of units) if (n >= u) return t(key, (Math.round((n / u) * 10) / 10).toLocaleString(locale()));
  return t("size.b", n);
}

// saveFrom downloads path with the console's credentials and saves it as
// a file. It is fetched rather than linked so that a refusal (a bad
// filter, a store that cannot back up, a session that ended) is shown in
// status in the API's words instead of being saved as the file. It
// returns the file's size, or -1 when nothing was saved.
async function saveFrom(path, name, status, working) {
  status.className = "result muted";
  status.textContent = t(working || "dl.working");
  let res;
  try {
    res = await fetch(path, { credentials: "same-origin" });
  } catch (e) {
    downloadFailed(status, e.message);
    return -1;
  }
  if (!res.ok) {
    let msg = res.statusText || "HTTP " + res.status;
    const body = await res.text().catch(() => "");
    try { msg = JSON.parse(body).error || msg; } catch (e) { if (body) msg = body.slice(0, 300); }
    if (res.status === 401) showLogin();
    downloadFailed(status, msg, res.status);
    return -1;
  }
  let blob;
  try { blob = await res.blob(); } catch (e) { downloadFailed(status, e.message); return -1; }
  const fromServer = /filename="([^"]+)"/.exec(res.headers.get("Content-Disposition") || "");
  const file = name || (fromServer && fromServer[1]) || "download";
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: file, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  // The browser has the file once the click is handled; the URL is kept a
  // while for browsers that read it late.
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  status.className = "result ok";
  fill(status, sentence("dl.done", h("bdi", { dir: "ltr", text: file }), sizeText(blob.size)));
  return blob.size;
}

function downloadFailed(status, msg, code) {
  status.className = "result error";
  // The API's words are English: isolated, they read whole in Arabic too.
  fill(status, sentence(code === 501 ? "bk.unsupported" : "dl.failed", isolate(msg)));
}

// ---------- the System page ----------
function loadSystemPage() {
  loadAudit();
  loadTokens();
  loadSessions();
  // #system/tokens opens the page at that card: on a phone the cards are
  // one long column.
  const card = state.pageArg && $("sys-" + state.pageArg);
  if (card) card.scrollIntoView({ block: "start" });
}

// ---------- audit log ----------
// Pages go back in time with the API's "next" (an entry's sequence
// number); the ones before are kept to come back to.
const au = { before: "", back: [], next: "" };

// auditQuery is the filter the form describes, as the API takes it;
// paging is added by the caller. A time that is not one throws.
function auditQuery() {
  const q = new URLSearchParams();
  const actor = $("au-actor").value.trim(), action = $("au-action").value.trim();
  if (actor) q.set("actor", actor);
  if (action) q.set("action", action);
  for (const [k, id] of [["since", "au-since"], ["until", "au-until"]]) {
    const v = $(id).value;
    if (!v) continue;
    const d = new Date(v); // a datetime-local value is the viewer's local time
    if (isNaN(d)) throw new Error(t("au.badTime", v));
    q.set(k, d.toISOString().replace(/\.\d{3}Z$/, "Z"));
  }
  return q;
}

async function loadAudit() {
  const box = $("audit");
  $("au-error").textContent = "";
  let q;
  try { q = auditQuery(); } catch (e) { $("au-error").textContent = e.message; return; }
  q.set("limit", "50");
  if (au.before) q.set("before", au.before);
  let r;
  try { r = await api("GET", "/admin/audit?" + q); }
  catch (e) { if (e.status === 400) { $("au-error").textContent = e.message; return; } unavailable(box, t("au.title"), e); return; }
  au.next = r.next ? String(r.next) : "";
  $("au-older").disabled = !au.next;
  $("au-newest").disabled = au.back.length === 0;
  $("au-page").textContent = t("au.page", au.back.length + 1);
  fill(box, grid(["au.col.at", "au.col.who", "au.col.action", "au.col.target", "au.col.detail", "au.col.status", "au.col.ip"],
    (r.entries || []).map((e) => h("tr", { "data-seq": e.seq, "data-action": e.action },
      h("td", {}, timeCell(e.at)),
      h("td", {}, e.name ? [isolate(e.name), h("div", { class: "muted" }, h("bdi", { dir: "ltr", text: e.actor }))] : h("bdi", { dir: "ltr", text: e.actor })),
      h("td", {}, h("bdi", { dir: "ltr", text: e.action })),
      h("td", {}, h("bdi", { dir: "ltr", text: e.target || "" })),
      h("td", {}, isolate(e.detail || "")),
      h("td", { class: "num-cell" }, e.status ? number(e.status) : ""),
      h("td", {}, h("bdi", { dir: "ltr", text: e.ip || "" })))), { id: "audit-table" }));
}

$("au-filter").addEventListener("submit", (ev) => { ev.preventDefault(); au.before = ""; au.back = []; loadAudit(); });
$("au-older").addEventListener("click", () => { if (!au.next) return; au.back.push(au.before); au.before = au.next; loadAudit(); });
$("au-newest").addEventListener("click", () => { au.before = ""; au.back = []; loadAudit(); });
$("au-csv").addEventListener("click", () => {
  let q;
  try { q = auditQuery(); } catch (e) { $("au-error").textContent = e.message; return; }
  $("au-error").textContent = "";
  saveFrom("/admin/audit.csv?" + q, "", $("au-dl"));
});

// The actor filter offers the accounts and tokens as the log names them:
// an account's actions under its id, its logins (tried before anyone is
// known) as agent:id, a token's actions as token: and its id's start.
function fillActors(agents, tokens) {
  const list = $("au-actors");
  const want = [...(agents || []).flatMap((a) => [a.id, "agent:" + a.id]), ...(tokens || []).map((x) => "token:" + x.id.slice(0, 12))];
  fill(list, want.map((v) => h("option", { value: v })));
}

// ---------- API tokens ----------
const tk = { list: [] };

async function loadTokens() {
  const box = $("tokens");
  let r;
  try { r = await api("GET", "/admin/tokens"); }
  catch (e) { unavailable(box, t("tk.title"), e); return; }
  tk.list = (r.tokens || []).slice().sort((a, b) => (a.revoked === true) - (b.revoked === true) || new Date(b.created_at) - new Date(a.created_at));
  fillActors(state.agents, tk.list);
  fill(box, grid(["tk.col.name", "tk.col.role", "tk.col.state", "tk.col.created", "tk.col.used", "tk.col.id", "actions"], tk.list.map((x) => h("tr", { "data-id": x.id, "data-revoked": x.revoked ? "yes" : "no" },
    h("td", {}, isolate(x.name)),
    h("td", {}, t("role." + x.role), x.requires_approval ? h("div", { class: "muted", text: t("tk.needsApproval") }) : null),
    h("td", {}, h("span", { class: "badge " + (x.revoked ? "st-cancelled" : "st-open"), text: t(x.revoked ? "tk.revoked" : "tk.active") })),
    h("td", {}, timeCell(x.created_at)), h("td", {}, timeCell(x.last_used)),
    h("td", {}, h("bdi", { dir: "ltr", class: "num", text: x.id.slice(0, 12) })),
    h("td", { class: "acts" }, x.revoked ? null : confirmTwice(h("button", { type: "button", class: "danger", text: t("tk.revoke"), "data-act": "revoke" }), "tk.revoke", async () => {
      $("tk-error").textContent = $("tk-result").textContent = "";
      try {
        await api("DELETE", "/admin/tokens/" + enc(x.id));
        fill($("tk-result"), sentence("tk.revokedMsg", isolate(x.name)));
      } catch (e) { fill($("tk-error"), isolate(x.name), ": " + e.message); }
      loadTokens();
    }, "revoke:" + x.id)))), { id: "token-table" }));
}

$("tk-role").addEventListener("change", () => {
  // Only tokens that may create broadcasts can be made to wait for approval.
  const can = ["admin", "integration"].includes($("tk-role").value);
  $("tk-approval").disabled = !can;
  if (!can) $("tk-approval").checked = false;
});
$("tk-role").dispatchEvent(new Event("change"));

$("tk-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("tk-error").textContent = $("tk-result").textContent = "";
  const body = { name: $("tk-name").value.trim(), role: $("tk-role").value };
  if ($("tk-approval").checked) body.requires_approval = true;
  try {
    const r = await api("POST", "/admin/tokens", body);
    $("tk-form").reset();
    $("tk-role").dispatchEvent(new Event("change"));
    $("tk-secret").value = r.secret;
    $("tk-copied").className = "result ok";
    $("tk-copied").textContent = t("tk.created", r.name, t("role." + r.role));
    $("tk-secret-box").hidden = false;
    $("tk-secret").focus();
    $("tk-secret").select();
  } catch (e) { $("tk-error").textContent = e.message; }
  loadTokens();
});

$("tk-copy").addEventListener("click", async () => {
  const out = $("tk-copied");
  try {
    await navigator.clipboard.writeText($("tk-secret").value);
    out.className = "result ok";
    out.textContent = t("tk.copied");
  } catch (e) {
    // Clipboard access needs a secure context (https or localhost).
    $("tk-secret").select();
    out.className = "result error";
    out.textContent = t("tk.copyFailed");
  }
});
// Done forgets the secret: it is on the screen once only.
$("tk-done").addEventListener("click", () => {
  $("tk-secret").value = "";
  $("tk-copied").textContent = "";
  $("tk-secret-box").hidden = true;
});

// ---------- console sessions ----------
async function loadSessions() {
  const box = $("sessions");
  let r;
  try { r = await api("GET", "/admin/sessions"); }
  catch (e) { unavailable(box, t("se.title"), e); return; }
  const list = (r.sessions || []).slice().sort((a, b) => a.agent.localeCompare(b.agent) || new Date(b.created_at) - new Date(a.created_at));
  const name = (id) => { const a = state.agents.find((x) => x.id === id); return a ? a.name : ""; };
  fill(box, grid(["se.col.agent", "se.col.started", "se.col.expires", "se.col.id", "actions"], list.map((s) => h("tr", { "data-id": s.id, "data-agent": s.agent },
    h("td", {}, h("bdi", { dir: "ltr", text: s.agent }), name(s.agent) ? h("div", { class: "muted" }, isolate(name(s.agent))) : null),
    h("td", {}, timeCell(s.created_at)), h("td", {}, when(s.expires_at)),
    h("td", {}, h("bdi", { dir: "ltr", class: "num", text: s.id.slice(0, 12) })),
    h("td", { class: "acts" }, btn("se.end", async () => {
      $("se-error").textContent = "";
      $("se-result").textContent = "";
      try {
        const x = await api("DELETE", "/admin/sessions/" + enc(s.id));
        $("se-result").textContent = t("se.ended", x.agent || s.agent);
      } catch (e) { $("se-error").textContent = s.agent + ": " + e.message; }
      if (state.me) loadSessions();
    }, { "data-act": "end", class: "danger" })))), { id: "session-table" }));
}

// ---------- backup ----------
$("bk-download").addEventListener("click", async () => {
  const b = $("bk-download");
  b.disabled = true;
  const started = new Date();
  const day = started.toISOString().slice(0, 10);
  const n = await saveFrom("/admin/backup", "lifeline-" + day + ".backup", $("bk-result"), "bk.working");
  b.disabled = false;
  if (n >= 0) fill($("bk-result"), sentence("bk.done", h("bdi", { dir: "ltr", text: "lifeline-" + day + ".backup" }), sizeText(n), when(started.toISOString())));
});

// ---------- an incident's timeline as CSV ----------
$("inc-timeline-csv").addEventListener("click", () => {
  if (!inc.timeline) return;
  saveFrom("/admin/incidents/" + enc(inc.timeline) + "/timeline?format=csv", "", $("inc-timeline-dl"));
});

// ---------- a person's data: export and erasure ----------
// exportContact saves everything kept about a person as JSON.
function exportContact(waID, status) {
  return saveFrom("/admin/contacts/" + enc(waID) + "/export", "contact-" + waID + ".json", status);
}

// Every contact the filters select, in the import's columns (an export
// imports again unchanged); the server audits it.
$("ct-export-all").addEventListener("click", () => {
  const q = contactQuery();
  q.delete("limit");
  q.delete("after");
  q.set("format", "csv");
  saveFrom("/admin/contacts?" + q, "contacts.csv", $("ct-export-all-result"));
});
$("ct-export").addEventListener("click", () => { if (ct.shown) exportContact(ct.shown, $("ct-export-result")); });

// sentence is key translated with args in place, as nodes: an argument
// that is an element (an isolated number, a file name) goes in as it is,
// so that it reads left to right inside Arabic too.
function sentence(key, ...args) {
  const marks = args.map((a, i) => (a instanceof Node ? "\u0000" + i + "\u0000" : a));
  return t(key, ...marks).split(/\u0000(\d)\u0000/).map((part, i) => (i % 2 ? args[Number(part)] : part));
}
function withPhone(waID, key, ...args) { return sentence(key, phone(waID), ...args); }

// resetErase clears the erasure form when another person is shown.
function resetErase() {
  $("er-confirm").value = "";
  $("er-result").textContent = "";
  $("er-result").className = "result";
  $("ct-export-result").textContent = "";
}

// The number must be typed, with or without its "+" and spaces: a slip
// of the finger on a list of people must not erase someone.
$("er-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const who = ct.shown, box = $("er-result");
  if (!who) return;
  box.className = "result";
  const typed = $("er-confirm").value.replace(/[\s\-()+]/g, "");
  if (typed !== who.replace(/^\+/, "")) {
    box.classList.add("error");
    fill(box, withPhone(who, "er.mismatch"));
    return;
  }
  $("er-submit").disabled = true;
  try {
    const r = await api("POST", "/admin/contacts/" + enc(who) + "/erase");
    const n = r.erased || {};
    box.classList.add("ok");
    fill(box, withPhone(who, "er.done", ...[n.messages, n.handoffs, n.queued, n.broadcasts, n.media].map((x) => number(x || 0))));
    if (n.kept_opt_out) box.append(" ", t("er.keptOptOut"));
    $("er-confirm").value = "";
    // What the card showed of the person is gone with them.
    $("ct-detail-state").textContent = "";
    fill($("ct-consent"));
    loadContacts();
  } catch (e) {
    box.classList.add("error");
    box.textContent = e.message;
  }
  $("er-submit").disabled = false;
});
