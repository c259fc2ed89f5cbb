// Lifeline agent console. Plain JavaScript, no framework: the queue, one
// conversation, and the admin pages, kept live by server-sent events.
"use strict";

// ---------- language ----------
// The console's own words in each language it speaks. A key missing from
// a language falls back to English, so a new language can start small.
const I18N = {
  en: {
    "nav.queue": "Queue", "nav.faq": "FAQ", "nav.contacts": "Contacts", "nav.broadcasts": "Broadcasts", "nav.agents": "Agents",
    "nav.system": "System", "queue.failed": "The queue could not be loaded: {0}",
    "live": "live", "offline": "offline", "live.title": "Live updates", "lang.label": "Language", "logout": "Log out", "close": "Close",
    "help.title": "Keyboard shortcuts", "help.search": "Search the queue", "help.move": "Next or previous conversation",
    "help.claim": "Claim the open conversation", "help.release": "Release it to the bot", "help.send": "Send the reply",
    "help.back": "Back to the list, close this help", "help.toggle": "Show or hide this help",
    "login.title": "Log in", "login.user": "User name", "login.password": "Password", "login.submit": "Log in",
    "first.summary": "First start: no account yet?",
    "first.token": "The first account is created with the admin token. The server prints it once, at its first start (or uses LIFELINE_ADMIN_TOKEN if you set one). With that token, create an admin account here:",
    "first.tokenLabel": "Admin token", "first.id": "Login name", "first.name": "Your name", "first.password": "Password (10 characters or more)",
    "first.submit": "Create the admin account and log in", "first.cmdIntro": "Or from a terminal:",
    "first.then": "Admins create the other accounts on the Agents page.",
    "tab.waiting": "Waiting", "tab.active": "Active", "tab.closed": "Closed",
    "search.label": "Search the queue", "search.placeholder": "Search by number, name or words  /",
    "empty.waiting": "Nobody is waiting.", "empty.active": "No conversation is claimed.", "empty.closed": "Nothing closed yet.",
    "empty.search": "No conversation matches the search.",
    "conv.none": "Choose a conversation from the list.", "conv.back": "Back to the list",
    "conv.claim": "Claim", "conv.transferTo": "Transfer to", "conv.transfer": "Transfer", "conv.release": "Release to bot",
    "conv.releaseTitle": "Give the conversation back to the bot", "conv.outcome": "Outcome", "conv.close": "Close",
    "conv.reply": "Reply", "conv.send": "Send", "conv.sendTitle": "Send (Ctrl+Enter)",
    "conv.placeholder": "Write a reply… (Ctrl+Enter sends)", "conv.claimFirst": "Claim the conversation to reply",
    "conv.ownerOnly": "Only the owner can reply", "conv.chooseTransfer": "Choose who to transfer to.",
    "conv.transferPick": "transfer to…", "conv.newMessages": "New messages ↓", "conv.newMessagesN": "{0} new messages ↓",
    "outcome.resolved": "Resolved", "outcome.referred": "Referred to emergency services", "outcome.info": "Information given",
    "outcome.noResponse": "No response from user", "outcome.spam": "Duplicate or spam",
    "tpl.explain": "The 24-hour window has closed: WhatsApp only allows an approved template now.", "tpl.label": "Template",
    "tpl.name": "template name", "tpl.lang": "Template language", "tpl.langPlaceholder": "language, e.g. en",
    "tpl.send": "Send template", "tpl.pick": "choose a template…", "tpl.missing": "A template needs a name and a language.",
    "note.summary": "Internal note", "note.placeholder": "Only agents see notes", "note.add": "Add note", "note.by": "note by {0}",
    "urgent": "URGENT", "needsHelp": "needs help", "returning": "back", "returning.title": "wrote again within a day of a need-help or urgent conversation: ahead of everyone not in danger", "overdue": "overdue", "you": "you", "unread": "new",
    "waitingFor": "waiting {0}", "waited": "waited {0}", "position": "#{0}",
    "meta.urgent": "URGENT: danger to life", "meta.owner": "owner: {0}", "meta.queue": "#{0} in queue, waiting {1}",
    "meta.lang": "language: {0}", "status.waiting": "waiting", "status.active": "active", "status.closed": "closed",
    "reason.asked": "Asked for a person", "reason.no_answer": "The FAQ had no answer twice", "reason.not_helpful": "An answer did not help",
    "reason.need_help": "Check-in: needs help", "reason.danger": "Danger to life", "reason.needs help": "Needs help",
    "latest": "Latest: ", "who.user": "user", "who.bot": "bot", "who.broadcast": "broadcast",
    "loc.shared": "Shared location", "loc.open": "Open map", "loc.app": "Open in maps app",
    "window.open": "Free replies allowed for {0} more (WhatsApp's 24-hour window).",
    "window.closed": "The 24-hour window has closed: only a template can be sent.",
    "dur.under": "under a minute", "dur.min": "{0} min", "dur.h": "{0} h {1} min", "ago": "{0} ago", "justNow": "just now",
    "alerts.on": "Alerts on: click to mute", "alerts.muted": "Alerts muted: click to turn on",
    "alerts.ask": "Turn on alerts (sound and desktop notifications)", "alerts.blocked": "Desktop notifications are blocked in this browser's site settings; sound alerts: click to toggle",
    "notify.urgent": "Urgent: danger to life", "notify.help": "Someone needs help", "notify.body": "{0} waiting in the Lifeline queue",
    "faq.title": "FAQ", "faq.import": "Import", "faq.replace": "replace the FAQ", "faq.merge": "merge into the FAQ", "faq.mode": "Import mode",
    "faq.search": "Search preview", "faq.q": "Ask as a user would", "faq.anyLang": "any language", "faq.searchBtn": "Search",
    "faq.unanswered": "Unanswered questions", "faq.refresh": "Refresh", "contacts.title": "Contacts", "bc.title": "Broadcasts",
    "bc.chart": "Answers over time", "agents.title": "Agents", "agents.new": "New account", "agents.id": "login name",
    "agents.name": "full name", "agents.password": "password (10+ characters)", "agents.create": "Create",
    "role.agent": "agent", "role.admin": "admin",
    "st.queued": "queued", "st.sending": "sending", "st.sent": "sent", "st.delivered": "delivered", "st.read": "read", "st.failed": "failed",
    "admin.notAvailable": "{0} is not available on this server yet.", "admin.failed": "{0} could not be loaded: {1}", "nothing": "Nothing yet.",
  },
  ar: {
    "nav.queue": "القائمة", "nav.faq": "الأسئلة الشائعة", "nav.contacts": "جهات الاتصال", "nav.broadcasts": "الرسائل الجماعية", "nav.agents": "الموظفون",
    "nav.system": "النظام", "queue.failed": "تعذّر تحميل القائمة: {0}",
    "live": "مباشر", "offline": "غير متصل", "live.title": "تحديثات مباشرة", "lang.label": "اللغة", "logout": "خروج", "close": "إغلاق",
    "help.title": "اختصارات لوحة المفاتيح", "help.search": "البحث في القائمة", "help.move": "المحادثة التالية أو السابقة",
    "help.claim": "استلام المحادثة المفتوحة", "help.release": "إعادتها إلى المساعد الآلي", "help.send": "إرسال الرد",
    "help.back": "العودة إلى القائمة، إغلاق هذه المساعدة", "help.toggle": "إظهار هذه المساعدة أو إخفاؤها",
    "login.title": "تسجيل الدخول", "login.user": "اسم المستخدم", "login.password": "كلمة المرور", "login.submit": "دخول",
    "first.summary": "أول تشغيل: لا يوجد حساب بعد؟",
    "first.token": "يُنشأ الحساب الأول برمز المشرف. يطبعه الخادم مرة واحدة عند أول تشغيل (أو يستخدم LIFELINE_ADMIN_TOKEN إن حدّدته). بهذا الرمز أنشئ حساب مشرف هنا:",
    "first.tokenLabel": "رمز المشرف", "first.id": "اسم الدخول", "first.name": "اسمك", "first.password": "كلمة المرور (10 أحرف أو أكثر)",
    "first.submit": "أنشئ حساب المشرف وسجّل الدخول", "first.cmdIntro": "أو من الطرفية:",
    "first.then": "ينشئ المشرفون بقية الحسابات في صفحة الموظفين.",
    "tab.waiting": "في الانتظار", "tab.active": "نشطة", "tab.closed": "مغلقة",
    "search.label": "البحث في القائمة", "search.placeholder": "ابحث بالرقم أو الاسم أو الكلمات  /",
    "empty.waiting": "لا أحد في الانتظار.", "empty.active": "لا توجد محادثة مستلمة.", "empty.closed": "لا شيء مغلق بعد.",
    "empty.search": "لا توجد محادثة تطابق البحث.",
    "conv.none": "اختر محادثة من القائمة.", "conv.back": "العودة إلى القائمة",
    "conv.claim": "استلام", "conv.transferTo": "تحويل إلى", "conv.transfer": "تحويل", "conv.release": "إعادة إلى المساعد",
    "conv.releaseTitle": "إعادة المحادثة إلى المساعد الآلي", "conv.outcome": "النتيجة", "conv.close": "إغلاق",
    "conv.reply": "الرد", "conv.send": "إرسال", "conv.sendTitle": "إرسال (Ctrl+Enter)",
    "conv.placeholder": "اكتب رداً… (Ctrl+Enter للإرسال)", "conv.claimFirst": "استلم المحادثة لترد",
    "conv.ownerOnly": "يرد صاحب المحادثة فقط", "conv.chooseTransfer": "اختر من تحوّل إليه.",
    "conv.transferPick": "تحويل إلى…", "conv.newMessages": "رسائل جديدة ↓", "conv.newMessagesN": "{0} رسائل جديدة ↓",
    "outcome.resolved": "تم الحل", "outcome.referred": "أُحيل إلى خدمات الطوارئ", "outcome.info": "أُعطيت المعلومات",
    "outcome.noResponse": "لا رد من المستخدم", "outcome.spam": "مكرر أو مزعج",
    "tpl.explain": "انتهت نافذة الـ24 ساعة: لا يسمح واتساب الآن إلا بقالب معتمد.", "tpl.label": "القالب",
    "tpl.name": "اسم القالب", "tpl.lang": "لغة القالب", "tpl.langPlaceholder": "اللغة، مثل ar",
    "tpl.send": "إرسال القالب", "tpl.pick": "اختر قالباً…", "tpl.missing": "يحتاج القالب إلى اسم ولغة.",
    "note.summary": "ملاحظة داخلية", "note.placeholder": "لا يرى الملاحظات إلا الموظفون", "note.add": "إضافة ملاحظة", "note.by": "ملاحظة من {0}",
    "urgent": "عاجل", "needsHelp": "يحتاج مساعدة", "returning": "عاد", "returning.title": "كتب مجدداً خلال يوم من محادثة احتاج فيها إلى مساعدة أو كانت عاجلة: قبل كل من ليس في خطر", "overdue": "متأخر", "you": "أنت", "unread": "جديد",
    "waitingFor": "ينتظر منذ {0}", "waited": "انتظر {0}", "position": "#{0}",
    "meta.urgent": "عاجل: خطر على الحياة", "meta.owner": "المسؤول: {0}", "meta.queue": "#{0} في القائمة، ينتظر منذ {1}",
    "meta.lang": "اللغة: {0}", "status.waiting": "في الانتظار", "status.active": "نشطة", "status.closed": "مغلقة",
    "reason.asked": "طلب التحدث إلى شخص", "reason.no_answer": "لم تجد الأسئلة الشائعة جواباً مرتين", "reason.not_helpful": "لم يُفد الجواب",
    "reason.need_help": "الاطمئنان: يحتاج مساعدة", "reason.danger": "خطر على الحياة", "reason.needs help": "يحتاج مساعدة",
    "latest": "الأحدث: ", "who.user": "المستخدم", "who.bot": "المساعد", "who.broadcast": "رسالة جماعية",
    "loc.shared": "موقع مُشارك", "loc.open": "فتح الخريطة", "loc.app": "فتح في تطبيق الخرائط",
    "window.open": "الردود الحرة مسموحة لمدة {0} أخرى (نافذة واتساب 24 ساعة).",
    "window.closed": "انتهت نافذة الـ24 ساعة: لا يمكن إرسال إلا قالب.",
    "dur.under": "أقل من دقيقة", "dur.min": "{0} د", "dur.h": "{0} س {1} د", "ago": "منذ {0}", "justNow": "الآن",
    "alerts.on": "التنبيهات مفعّلة: انقر للكتم", "alerts.muted": "التنبيهات مكتومة: انقر للتفعيل",
    "alerts.ask": "تفعيل التنبيهات (صوت وإشعارات سطح المكتب)", "alerts.blocked": "إشعارات سطح المكتب محظورة في إعدادات الموقع؛ التنبيه الصوتي: انقر للتبديل",
    "notify.urgent": "عاجل: خطر على الحياة", "notify.help": "شخص يحتاج مساعدة", "notify.body": "{0} في انتظار في قائمة Lifeline",
    "faq.title": "الأسئلة الشائعة", "faq.import": "استيراد", "faq.replace": "استبدال الأسئلة الشائعة", "faq.merge": "دمج في الأسئلة الشائعة", "faq.mode": "طريقة الاستيراد",
    "faq.search": "معاينة البحث", "faq.q": "اسأل كما يسأل المستخدم", "faq.anyLang": "أي لغة", "faq.searchBtn": "بحث",
    "faq.unanswered": "أسئلة بلا جواب", "faq.refresh": "تحديث", "contacts.title": "جهات الاتصال", "bc.title": "الرسائل الجماعية",
    "bc.chart": "الإجابات عبر الوقت", "agents.title": "الموظفون", "agents.new": "حساب جديد", "agents.id": "اسم الدخول",
    "agents.name": "الاسم الكامل", "agents.password": "كلمة المرور (10 أحرف أو أكثر)", "agents.create": "إنشاء",
    "role.agent": "موظف", "role.admin": "مشرف",
    "st.queued": "في الانتظار", "st.sending": "يُرسل", "st.sent": "أُرسلت", "st.delivered": "وصلت", "st.read": "قُرئت", "st.failed": "فشلت",
    "admin.notAvailable": "{0} غير متاح على هذا الخادم بعد.", "admin.failed": "تعذّر تحميل {0}: {1}", "nothing": "لا شيء بعد.",
  },
};

function initialLang() {
  const saved = localStorage.getItem("lifeline.lang");
  if (saved && I18N[saved]) return saved;
  for (const l of navigator.languages || [navigator.language || "en"]) {
    const base = String(l).toLowerCase().split("-")[0];
    if (I18N[base]) return base;
  }
  return "en";
}
let lang = initialLang();

// t translates key, putting args in place of {0}, {1}…
function t(key, ...args) {
  const s = (I18N[lang] && I18N[lang][key]) || I18N.en[key] || key;
  return s.replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)]));
}

// locale formats dates and numbers; Latin digits in Arabic too, so that
// times read like the phone numbers beside them.
function locale() { return lang === "ar" ? "ar-u-nu-latn" : "en-GB"; }

// applyLang translates the page's fixed words and sets its direction.
function applyLang() {
  document.documentElement.lang = lang;
  document.documentElement.dir = lang === "ar" ? "rtl" : "ltr";
  $("lang").value = lang;
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of document.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
  for (const el of document.querySelectorAll("[data-i18n-aria]")) el.setAttribute("aria-label", t(el.dataset.i18nAria));
  setLive(!!(state.events && state.live));
  renderAlertsButton();
  renderWho();
}

$("lang").addEventListener("change", () => {
  lang = I18N[$("lang").value] ? $("lang").value : "en";
  localStorage.setItem("lifeline.lang", lang);
  applyLang();
  if (state.me) {
    renderQueue();
    if (state.detail) renderDetail(state.detail);
    if (state.page !== "queue") route();
  }
});

// APIError carries the API's own words and, for an import, its row errors.
class APIError extends Error {
  constructor(status, message, data) { super(message); this.status = status; this.data = data; }
}

// headers, when given, are sent as well; a request that carries its own
// Authorization (the admin token, on a first start) is made on that
// token's behalf alone, without the console's session.
async function api(method, path, body, headers) {
  const opts = { method, headers: Object.assign({}, headers), credentials: headers && headers.Authorization ? "omit" : "same-origin" };
  // A form (a file upload) sets its own multipart boundary.
  if (body instanceof FormData) opts.body = body;
  else if (body instanceof Blob) { opts.headers["Content-Type"] = body.type || "application/octet-stream"; opts.body = body; }
  else if (body !== undefined) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
  const res = await fetch(path, opts);
  let data = null;
  const type = res.headers.get("Content-Type") || "";
  if (type.includes("json")) data = await res.json().catch(() => null);
  else data = await res.text();
  if (res.status === 401 && path !== "/admin/login") showLogin();
  if (!res.ok) throw new APIError(res.status, (data && data.error) || res.statusText || ("HTTP " + res.status), data);
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
  live: false,
  open: [],          // the open handoffs as last loaded
  closed: [],        // the closed ones, when that tab was loaded
  search: "",
  scrollOnRender: false,
};

// ---------- time ----------
// Times are shown in the viewer's time zone, as "14:05" (with the day
// when it is not today) and as a duration ("4 min", "3 min ago"); never
// as the API's ISO strings.
function duration(seconds) {
  if (seconds < 60) return t("dur.under");
  const m = Math.floor(seconds / 60);
  if (m < 60) return t("dur.min", m);
  return t("dur.h", Math.floor(m / 60), m % 60);
}
function since(at) { return Math.max(0, (Date.now() - new Date(at).getTime()) / 1000); }
function relative(at) { const s = since(at); return s < 60 ? t("justNow") : t("ago", duration(s)); }
function clock(at) {
  const d = new Date(at);
  if (isNaN(d)) return "";
  const today = new Date().toDateString() === d.toDateString();
  const opts = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  if (!today) Object.assign(opts, { day: "numeric", month: "short" });
  return d.toLocaleString(locale(), opts);
}
// when is an element showing a time: "14:05", its full date on hover.
function when(at, withRelative) {
  const d = new Date(at);
  return h("time", {
    datetime: at, title: d.toLocaleString(locale(), { dateStyle: "full", timeStyle: "short" }),
    text: clock(at) + (withRelative ? " · " + relative(at) : ""),
  });
}
const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

// ---------- login ----------
function showLogin() {
  state.me = null;
  if (state.events) { state.events.close(); state.events = null; }
  for (const p of document.querySelectorAll(".page")) p.hidden = true;
  $("page-login").hidden = false;
  $("nav").hidden = true;
  $("logout").hidden = true;
  $("btn-alerts").hidden = true;
  document.body.classList.remove("signed-in");
  $("who").textContent = "";
  document.title = "Lifeline";
  $("first-cmd").textContent = "curl -s " + location.origin + "/admin/agents -H \"Authorization: Bearer $TOKEN\" \\\n" +
    "  -H 'Content-Type: application/json' \\\n" +
    "  -d '{\"id\": \"amira\", \"name\": \"Amira\", \"role\": \"admin\", \"password\": \"a long passphrase\"}'";
  setLive(false);
}

$("login-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  askAlertsOnce(); // the submit is a user gesture: the browser may ask now
  $("login-error").textContent = "";
  try {
    await api("POST", "/admin/login", { user: $("login-user").value, password: $("login-password").value });
    $("login-password").value = "";
    await start();
  } catch (e) {
    $("login-error").textContent = e.message;
  }
});

// The first admin account, made with the admin token the server printed
// at its first start: the token is sent once, in this request's header,
// and kept nowhere; the console then logs in with the new account.
$("first-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("first-error").textContent = "";
  const id = $("first-id").value.trim(), password = $("first-password").value;
  try {
    await api("POST", "/admin/agents", { id, name: $("first-name").value.trim(), role: "admin", password },
      { Authorization: "Bearer " + $("first-token").value.trim() });
    $("first-token").value = "";
    await api("POST", "/admin/login", { user: id, password });
    $("first-password").value = "";
    $("first-start").open = false;
    await start();
  } catch (e) {
    $("first-error").textContent = e.message;
  }
});

$("logout").addEventListener("click", async () => {
  try { await api("POST", "/admin/logout"); } catch (e) { /* logged out anyway */ }
  showLogin();
});

function renderWho() {
  if (state.me) $("who").replaceChildren(isolate(state.me.name), " (" + t("role." + state.me.role) + ")");
}

async function start() {
  try {
    state.me = await api("GET", "/admin/me");
  } catch (e) {
    showLogin();
    return;
  }
  document.body.classList.toggle("is-admin", state.me.role === "admin");
  renderWho();
  $("nav").hidden = false;
  $("logout").hidden = false;
  $("btn-alerts").hidden = false;
  document.body.classList.add("signed-in");
  $("page-login").hidden = true;
  alerts.known = null;
  renderAlertsButton();
  connectEvents();
  loadAgents();
  loadCanned();
  loadTemplates();
  route();
}

// ---------- pages ----------
function route() {
  if (!state.me) return;
  // A page may take an argument after a slash: #dashboard/{incident}.
  const parts = (location.hash || "#queue").slice(1).split("/");
  let page = parts[0];
  state.pageArg = decodeURIComponent(parts.slice(1).join("/"));
  if (!$("page-" + page) || page === "login") page = "queue";
  // Agents have the queue and the check-ins they work (#reach); the
  // rest is for admins.
  if (!["queue", "reach"].includes(page) && state.me.role !== "admin") page = "queue";
  state.page = page;
  for (const p of document.querySelectorAll(".page")) p.hidden = p.id !== "page-" + page;
  const navPage = page === "dashboard" ? "incidents" : page;
  for (const a of document.querySelectorAll("#nav a")) a.classList.toggle("current", a.dataset.page === navPage);
  const load = { queue: loadQueue, incidents: loadIncidents, faq: loadFAQPage, contacts: loadContacts, broadcasts: loadBroadcasts, agents: loadAgentsPage,
    places: loadPlacesPage, replies: loadRepliesPage, map: loadMapPage, dashboard: loadDashboard, reach: loadReach, system: loadSystemPage }[page];
  if (load) load();
}
window.addEventListener("hashchange", route);

// ---------- live updates ----------
function setLive(on) {
  state.live = on;
  $("live").textContent = on ? t("live") : t("offline");
  $("live").classList.toggle("off", !on);
}

let reloadTimer = null;
let reloadDetail = false;
let reloadQueue = false;
// scheduleReload reloads what the page shows after a live event. A
// delivery status (figuresOnly) changes a broadcast's figures and no
// conversation: the queue is left alone.
function scheduleReload(detail, figuresOnly) {
  reloadDetail = reloadDetail || detail;
  reloadQueue = reloadQueue || !figuresOnly;
  if (reloadTimer) return;
  reloadTimer = setTimeout(() => {
    reloadTimer = null;
    const d = reloadDetail, q = reloadQueue;
    reloadDetail = reloadQueue = false;
    // The queue is loaded on every page: it drives the alerts and the
    // title badge wherever the agent is.
    if (q) loadQueue();
    if (state.page === "queue" && d && state.selected) loadDetail(state.selected);
    else if (state.page === "broadcasts") loadBroadcasts();
    else if (state.page === "incidents") loadIncidents();
    else if (state.page === "dashboard") loadDashboard();
    else if (state.page === "reach") loadReach();
    else if (state.page === "map" && q) loadMapPage();
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
    scheduleReload(ev.user === state.selected, ev.kind === "status");
  };
}

// ---------- alerts: sound, desktop notification, title badge ----------
// A new urgent or need-help handoff rings (a short tone made with
// WebAudio, no sound file), shows a desktop notification when the agent
// allowed them, and counts in the tab title. The notification names no
// person and quotes no message: a desktop may be seen by others.
const alerts = {
  known: null,       // id → tier of the waiting handoffs at the last load; null before the first
  audio: null,
  muted: localStorage.getItem("lifeline.muted") === "1",
};

function audio() {
  const AC = window.AudioContext || window.webkitAudioContext;
  if (!AC) return null;
  if (!alerts.audio) alerts.audio = new AC();
  return alerts.audio;
}
// Browsers start audio only after a user gesture: the first one unlocks it.
function unlockAudio() {
  const a = audio();
  if (a && a.state === "suspended") a.resume().catch(() => {});
}
// The first click of a signed-in agent (who may not have typed a password
// in this tab) is also when the browser asks about notifications, once.
document.addEventListener("pointerdown", () => { if (state.me) askAlertsOnce(); else unlockAudio(); });
document.addEventListener("keydown", unlockAudio, { once: true });

function beep(urgent) {
  const a = alerts.audio;
  if (alerts.muted || !a || a.state !== "running") return;
  const tones = urgent ? [880, 660, 880] : [660];
  tones.forEach((f, i) => {
    const o = a.createOscillator(), g = a.createGain();
    const at = a.currentTime + i * 0.22;
    o.frequency.value = f;
    g.gain.setValueAtTime(0.0001, at);
    g.gain.exponentialRampToValueAtTime(0.3, at + 0.02);
    g.gain.exponentialRampToValueAtTime(0.0001, at + 0.18);
    o.connect(g).connect(a.destination);
    o.start(at);
    o.stop(at + 0.2);
  });
}

function notifyPermission() { return "Notification" in window ? Notification.permission : "unsupported"; }

// askAlertsOnce asks for the desktop notification permission the first
// time the agent does something (a click), and never again by itself.
function askAlertsOnce() {
  unlockAudio();
  if (localStorage.getItem("lifeline.notifyAsked") || notifyPermission() !== "default") return;
  localStorage.setItem("lifeline.notifyAsked", "1");
  Notification.requestPermission().then(renderAlertsButton, () => {});
}

function renderAlertsButton() {
  const b = $("btn-alerts");
  const perm = notifyPermission();
  b.classList.toggle("muted", alerts.muted);
  const label = perm === "default" ? t("alerts.ask") : perm === "denied" ? t("alerts.blocked") : alerts.muted ? t("alerts.muted") : t("alerts.on");
  b.title = label;
  b.setAttribute("aria-label", label);
}

$("btn-alerts").addEventListener("click", () => {
  unlockAudio();
  if (notifyPermission() === "default") {
    localStorage.setItem("lifeline.notifyAsked", "1");
    alerts.muted = false;
    localStorage.removeItem("lifeline.muted");
    Notification.requestPermission().then(renderAlertsButton, () => {});
  } else {
    alerts.muted = !alerts.muted;
    localStorage.setItem("lifeline.muted", alerts.muted ? "1" : "");
    if (!alerts.muted) beep(false); // let the agent hear what an alert sounds like
  }
  renderAlertsButton();
});

// checkAlerts compares the waiting handoffs with the last load: one that
// is new, or newly urgent or in need of help, alerts.
function checkAlerts(open) {
  const waiting = open.filter((x) => x.status === "waiting");
  const fresh = alerts.known === null ? []
    : waiting.filter((x) => tier(x) < 2 && (!alerts.known.has(x.id) || alerts.known.get(x.id) > tier(x)));
  alerts.known = new Map(waiting.map((x) => [x.id, tier(x)]));
  if (fresh.length === 0) return;
  const urgent = fresh.some((x) => x.urgent);
  beep(urgent);
  if (!alerts.muted && notifyPermission() === "granted") {
    try {
      const n = new Notification(urgent ? t("notify.urgent") : t("notify.help"),
        { body: t("notify.body", fresh.length), tag: "lifeline-queue", renotify: true, requireInteraction: urgent });
      const id = fresh[0].id;
      n.onclick = () => { window.focus(); location.hash = "#queue"; setTab("waiting"); loadQueue(); select(id); n.close(); };
    } catch (e) { /* some browsers allow notifications only from a service worker */ }
  }
}

// The tab title counts what needs the agent now: waiting urgent and
// need-help handoffs, and their own conversations with unread messages.
function renderTitle() {
  const n = state.open.filter((x) => (x.status === "waiting" && tier(x) < 2) || isUnread(x)).length;
  document.title = (n > 0 ? "(" + n + ") " : "") + "Lifeline";
}

// ---------- unread ----------
// seen keeps, per conversation, the user's last message (its time and
// words) when the agent last had it on screen; it lives in this browser
// only. Times have a second's precision, so the words tell apart two
// messages sent in the same second.
function seenKey() { return "lifeline.seen." + (state.me ? state.me.id : ""); }
function seenMap() { try { return JSON.parse(localStorage.getItem(seenKey()) || "{}"); } catch (e) { return {}; } }
function lastOf(x) { return x.last_message_at ? x.last_message_at + "|" + (x.last_message || "") : ""; }
function markSeen(x) {
  if (!x.last_message_at) return;
  const m = seenMap();
  m[x.id] = lastOf(x);
  localStorage.setItem(seenKey(), JSON.stringify(m));
}
function isUnread(x) {
  if (x.status !== "active" || !x.last_message_at || x.id === state.selected) return false;
  if (x.agent !== state.me.id) return false; // unread marks the agent's own conversations
  const seen = seenMap()[x.id];
  return lastOf(x) !== seen && (!seen || new Date(x.last_message_at) >= new Date(seen.split("|")[0]));
}

// ---------- queue ----------
// tier orders the queue: danger to life, then need help, then the rest.
function tier(x) { return x.urgent ? 0 : x.priority ? 1 : 2; }
// overdueAfter is how long each tier may wait before it is flagged:
// someone in danger cannot wait as long as someone with a question.
const overdueAfter = [2 * 60, 5 * 60, 15 * 60];
function isOverdue(x) { return x.status === "waiting" && since(x.created_at) > overdueAfter[tier(x)]; }

function setTab(status) {
  state.status = status;
  for (const t of document.querySelectorAll(".tab")) {
    t.classList.toggle("active", t.dataset.status === status);
    t.setAttribute("aria-selected", t.dataset.status === status ? "true" : "false");
  }
}
for (const tab of document.querySelectorAll(".tab")) {
  tab.setAttribute("role", "tab");
  tab.addEventListener("click", () => { setTab(tab.dataset.status); loadQueue(); });
}
$("queue-search").addEventListener("input", () => { state.search = $("queue-search").value.trim().toLowerCase(); renderQueue(); searchServer(); });

let queueSeq = 0;
async function loadQueue() {
  if (!state.me) return;
  const seq = ++queueSeq;
  let open, closed;
  try {
    open = await api("GET", "/admin/handoffs");
    if (state.status === "closed" && state.page === "queue") closed = await api("GET", "/admin/handoffs?status=closed");
  } catch (e) {
    // The list on screen stays, with what went wrong above it: an agent
    // must not take a stale queue for an empty one.
    if (seq === queueSeq && e.status !== 401) $("queue-error").textContent = t("queue.failed", e.message);
    return;
  }
  if (seq !== queueSeq) return; // a newer load is on its way
  $("queue-error").textContent = "";
  state.open = open.handoffs;
  if (closed) state.closed = closed.handoffs;
  checkAlerts(state.open);
  renderQueue();
}

function matches(x, q) {
  if (!q) return true;
  return [x.user, x.name, x.first_message, x.query, x.last_message, x.agent].some((s) => s && String(s).toLowerCase().includes(q));
}

// displayName is the user's name and number as nodes: the name isolated,
// the number left to right, so that neither can reorder the other.
function displayName(x) { return x.name ? [isolate(x.name, { class: "who" }), " · ", phone(x.user)] : [phone(x.user)]; }

function langBadge(l) {
  if (!l) return null;
  return h("span", { class: "badge lang", title: t("meta.lang", l), text: l.toUpperCase() });
}

function renderQueue() {
  if (!state.me) return;
  const all = state.open;
  $("count-waiting").textContent = all.filter((x) => x.status === "waiting").length;
  $("count-active").textContent = all.filter((x) => x.status === "active").length;
  // The queue keeps the order the server lists it in (GET /admin/handoffs),
  // the one rule the places people are told come from too: urgent, then
  // people back within a day of a need-help or urgent conversation, then
  // need help, then the rest, each oldest first (bot/handoffs compareQueue).
  const base = state.status === "closed" ? state.closed : all.filter((x) => x.status === state.status);
  const list = base.filter((x) => matches(x, state.search));
  const ul = $("queue-list");
  // A rebuilt list keeps the keyboard focus on the item that had it.
  const focused = ul.contains(document.activeElement) ? document.activeElement.dataset.id : null;
  ul.replaceChildren();
  $("queue-empty").hidden = list.length > 0;
  $("queue-empty").textContent = base.length > 0 ? t("empty.search") : t("empty." + state.status);
  for (const x of list) ul.append(queueItem(x));
  if (focused) for (const li of ul.children) if (li.dataset.id === focused) li.focus();
  renderTitle();
}

function queueItem(x) {
  const overdue = isOverdue(x), unread = isUnread(x);
  const waited = x.status === "waiting" ? since(x.created_at) : x.wait_seconds;
  const cls = ["item", "tier-" + tier(x)];
  if (overdue) cls.push("overdue");
  if (unread) cls.push("unread");
  if (x.id === state.selected) cls.push("selected");
  const li = h("li", {
    class: cls.join(" "), "data-id": x.id, "data-status": x.status, "data-tier": tier(x), tabindex: "0",
    onclick: () => select(x.id),
    onkeydown: (e) => { if (e.key === "Enter") select(x.id); },
  },
    h("div", { class: "line1" },
      x.urgent ? h("span", { class: "badge urgent", text: t("urgent") })
        : x.priority ? h("span", { class: "badge priority", text: t("needsHelp") }) : null,
      x.returning && !x.urgent ? h("span", { class: "badge returning", title: t("returning.title"), text: t("returning") }) : null,
      h("span", { class: "name" }, displayName(x)),
      langBadge(x.lang),
      x.channel === "sms" ? smsBadge() : null,
      overdue ? h("span", { class: "badge overdue", text: t("overdue") }) : null,
      unread ? h("span", { class: "badge unread", text: t("unread") }) : null,
      x.status === "active" ? h("span", { class: "badge" + (x.agent === state.me.id ? " mine" : ""), text: x.agent === state.me.id ? t("you") : x.agent }) : null,
    ),
    h("div", { class: "first" }, x.first_message || x.query ? isolate(x.first_message || x.query) : reasonText(x.reason)),
    x.status === "active" && x.last_message && x.last_message !== x.first_message
      ? h("div", { class: "last muted" }, t("latest"), isolate(x.last_message)) : null,
    h("div", { class: "muted line3" },
      h("span", { class: "wait" },
        x.status === "closed" ? [outcomeText(x.outcome), " · ", when(x.closed_at)]
          : x.status === "waiting" ? t("position", x.position) + " · " + t("waitingFor", duration(waited))
            : t("waited", duration(waited))),
      x.location ? mapLink(x.location.latitude, x.location.longitude, true) : null,
    ),
  );
  return li;
}

// smsBadge marks a conversation, or a message, that goes by SMS: text
// only, no templates or files.
function smsBadge() { return h("span", { class: "badge sms", title: t("sms.title"), text: t("sms.badge") }); }

function outcomeKey(o) {
  return { resolved: "resolved", "referred to emergency services": "referred", "information given": "info",
    "no response from user": "noResponse", "duplicate or spam": "spam" }[o] || "";
}
function outcomeText(o) { const k = outcomeKey(o); return k ? t("outcome." + k) : o; }

function reasonText(r) {
  if (!r) return "";
  const s = t("reason." + r);
  return s === "reason." + r ? r : s;
}

// mapLink is a pin that opens the place: OpenStreetMap in the browser,
// and the phone's own maps app (a geo: link) where there is one.
function mapLink(lat, lng, small) {
  const la = Number(lat).toFixed(5), lo = Number(lng).toFixed(5);
  const osm = "https://www.openstreetmap.org/?mlat=" + la + "&mlon=" + lo + "#map=16/" + la + "/" + lo;
  const box = h("span", { class: "loc" + (small ? " small" : "") },
    h("a", { href: osm, target: "_blank", rel: "noopener noreferrer", class: "pin", title: t("loc.open"), onclick: (e) => e.stopPropagation() },
      h("span", { class: "pin-icon", "aria-hidden": "true" }), h("bdi", { class: "num", dir: "ltr", text: la + ", " + lo })));
  if (!small && /Android|iPhone|iPad|Mobile/i.test(navigator.userAgent)) {
    box.append(" ", h("a", { href: "geo:" + la + "," + lo + "?q=" + la + "," + lo, text: t("loc.app") }));
  }
  return box;
}

// Waiting times and overdue flags move with the clock, without a reload.
setInterval(() => {
  if (!state.me) return;
  if (state.page === "queue") renderQueue();
  if (state.detail) { renderMeta(state.detail); renderWindow(state.detail); }
}, 15000);

// ---------- one conversation ----------
async function select(id) {
  state.selected = id;
  state.transcriptOf = null;
  $("page-queue").classList.add("open");
  for (const li of document.querySelectorAll("#queue-list li")) {
    li.classList.toggle("selected", li.dataset.id === id);
    if (li.dataset.id === id) {
      li.classList.remove("unread");
      const b = li.querySelector(".badge.unread");
      if (b) b.remove();
    }
  }
  renderTitle();
  await loadDetail(id);
}

function deselect() {
  state.selected = null;
  state.detail = null;
  state.transcriptOf = null;
  readOnly(false);
  $("page-queue").classList.remove("open");
  $("conv-body").hidden = true;
  $("conv-none").hidden = false;
  $("transcript").dataset.for = "";
  renderQueue();
}
$("btn-back").addEventListener("click", deselect);

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

function renderMeta(d) {
  const meta = [t("status." + d.status)];
  if (d.urgent) meta.push(t("meta.urgent"));
  else if (d.priority) meta.push(t("needsHelp"));
  if (d.agent) meta.push(t("meta.owner", d.agent === state.me.id ? t("you") : d.agent));
  if (d.status === "waiting") meta.push(t("meta.queue", d.position, duration(since(d.created_at))));
  if (d.reason) meta.push(reasonText(d.reason));
  if (d.lang) meta.push(t("meta.lang", d.lang));
  if (d.channel === "sms") meta.push(t("meta.sms"));
  $("conv-meta").textContent = meta.join(" · ");
}

function nearBottom(el) { return el.scrollHeight - el.scrollTop - el.clientHeight < 48; }

// scrollToEnd shows the latest message; what is on screen then counts
// as read for the "new messages" marker.
function scrollToEnd() {
  const ol = $("transcript");
  ol.scrollTop = ol.scrollHeight;
  ol.dataset.read = ol.dataset.count || "0";
  $("new-marker").hidden = true;
}

function renderDetail(d) {
  readOnly(false);
  $("conv-none").hidden = true;
  $("conv-body").hidden = false;
  // A refresh of the same conversation (a live update) keeps the error
  // the agent was just shown ("Fill every parameter."); only another
  // conversation starts without one.
  if ($("transcript").dataset.for !== d.id) $("conv-error").textContent = "";
  $("conv-title").replaceChildren(...displayName(d));
  renderMeta(d);

  const mine = d.status === "active" && d.agent === state.me.id;
  const admin = state.me.role === "admin";
  $("btn-claim").hidden = d.status !== "waiting";
  $("transfer-to").hidden = $("btn-transfer").hidden = !(d.status === "active" && (mine || admin));
  $("btn-release").hidden = d.status === "closed" || (d.status === "active" && !mine && !admin);
  $("close-outcome").hidden = $("btn-close").hidden = $("btn-release").hidden;
  renderTransferOptions(d);

  // Follow the conversation as it grows, unless the agent scrolled up
  // to read: then say that there is more below instead of jumping.
  const ol = $("transcript");
  const same = ol.dataset.for === d.id;
  const follow = !same || state.scrollOnRender || nearBottom(ol);
  const keep = ol.scrollTop;
  state.scrollOnRender = false;
  ol.replaceChildren();
  // Messages keep the transcript's order (a user's message carries
  // WhatsApp's time, to the second, so times alone could misorder it);
  // notes and actions go between them by time.
  const others = [];
  for (const n of d.notes || []) others.push({ at: n.at, kind: "note", n });
  for (const a of d.log || []) others.push({ at: a.at, kind: "event", a });
  others.sort((x, y) => new Date(x.at) - new Date(y.at));
  const items = [];
  for (const m of d.messages) {
    while (others.length && new Date(others[0].at) <= new Date(m.at)) items.push(others.shift());
    items.push({ at: m.at, kind: "msg", m });
  }
  items.push(...others);
  for (const it of items) ol.append(renderItem(it));
  ol.dataset.for = d.id;
  ol.dataset.count = items.length;
  if (follow) {
    scrollToEnd();
  } else {
    ol.scrollTop = keep;
    const added = items.length - Number(ol.dataset.read || 0);
    if (added > 0) {
      $("new-marker").textContent = added > 1 ? t("conv.newMessagesN", added) : t("conv.newMessages");
      $("new-marker").hidden = false;
    }
  }
  markSeen(d);

  $("reply-text-box").querySelectorAll("textarea, button").forEach((b) => { b.disabled = !mine; });
  $("reply-text").placeholder = mine ? t("conv.placeholder") : (d.status === "waiting" ? t("conv.claimFirst") : t("conv.ownerOnly"));
  renderWindow(d);
  renderTemplates(d);
  renderCanned(d);
  renderTitle();
}

$("transcript").addEventListener("scroll", () => {
  const ol = $("transcript");
  if (nearBottom(ol)) { ol.dataset.read = ol.dataset.count || "0"; $("new-marker").hidden = true; }
});
$("new-marker").addEventListener("click", scrollToEnd);

function renderItem(it) {
  if (it.kind === "note") {
    return h("li", { class: "msg note" }, isolate(it.n.text), h("div", { class: "meta" }, t("note.by", it.n.agent), " · ", when(it.at)));
  }
  if (it.kind === "event") {
    const a = it.a;
    return h("li", { class: "msg event" }, when(a.at), " · " + (a.agent ? a.agent + " " : "") + a.action + (a.detail ? " (" + a.detail + ")" : ""));
  }
  const m = it.m;
  const agent = (m.author || "").startsWith("agent:");
  const li = h("li", { class: "msg " + m.dir + (agent ? " agent" : ""), dir: "auto" });
  if (m.type === "location" && (m.lat || m.lng)) {
    li.classList.add("location");
    li.append(h("div", { class: "loc-title", text: t("loc.shared") }));
    if (m.text) li.append(isolate(m.text));
    li.append(h("div", {}, mapLink(m.lat, m.lng, false)));
  } else if (m.media) {
    // A file the person sent: images inline, anything else as a link
    // (the server sends those as downloads); the caption under it.
    const md = m.media;
    const url = "/admin/handoffs/" + encodeURIComponent(state.selected || "") + "/media/" + encodeURIComponent(md.id);
    const label = "[" + (md.voice ? "voice note" : m.type) + (md.filename ? ": " + md.filename : "") + "]";
    if (!state.selected) {
      // A transcript read without a handoff has no media route to fetch from.
      li.append(isolate(label));
    } else if (md.state === "stored" && /^image\/(jpeg|png|webp)$/.test(md.mime_type || "")) {
      const img = h("img", { src: url, alt: label, class: "media" });
      // Set through the DOM: the console's CSP refuses style attributes.
      Object.assign(img.style, { maxWidth: "240px", maxHeight: "240px", display: "block" });
      li.append(h("a", { href: url, target: "_blank", rel: "noopener" }, img));
    } else if (md.state === "stored") {
      li.append(h("a", { href: url, download: md.filename || "", text: label }));
    } else {
      li.append(isolate(label + " (" + md.state + (md.error ? ": " + md.error : "") + ")"));
    }
    if (m.text) li.append(isolate(m.text));
  } else {
    const text = m.text || "[" + m.type + "]";
    li.append(isolate(text));
  }
  const msg = m.message;
  if (msg && msg.buttons) li.append(h("div", { class: "btns" }, msg.buttons.map((b) => h("span", { dir: "auto", text: b.title }))));
  if (msg && msg.sections) {
    const rows = msg.sections.flatMap((s) => s.rows || []);
    li.append(h("div", { class: "btns" }, rows.map((r) => h("span", { dir: "auto", text: r.title }))));
  }
  const author = m.author || "";
  const who = m.dir === "in" ? t("who.user") : agent ? author.slice(6) : author.startsWith("broadcast:") ? t("who.broadcast") : t("who.bot");
  const status = m.dir === "out" && m.status ? " · " + statusText(m.status) + (m.error ? " (" + m.error + ")" : "") : "";
  li.append(h("div", { class: "meta" }, m.channel === "sms" ? [smsBadge(), " "] : null, who + " · ", when(m.at), status));
  return li;
}

function statusText(st) {
  const s = t("st." + st);
  return s === "st." + st ? st : s;
}

function renderWindow(d) {
  const w = $("window-info");
  const open = d.window_until && new Date(d.window_until) > new Date();
  w.className = "window";
  if (open) {
    const left = (new Date(d.window_until) - Date.now()) / 1000;
    w.textContent = t("window.open", duration(left));
    if (left < 3600) w.classList.add("closing");
  } else {
    w.textContent = t("window.closed");
    w.classList.add("closed");
  }
  const mine = d.status === "active" && d.agent === state.me.id;
  if (d.channel === "sms") {
    // SMS has no 24-hour window, and WhatsApp's templates do not go by SMS.
    w.textContent = t("window.sms");
    w.classList.remove("closing", "closed");
    w.classList.add("sms");
    $("reply-text-box").hidden = false;
    $("reply-template-box").hidden = !mine;
    $("btn-send-template").disabled = true;
    $("btn-send-template").title = t("sms.noTemplate");
    $("template-info").textContent = t("sms.noTemplate");
    return;
  }
  $("btn-send-template").disabled = false;
  $("btn-send-template").removeAttribute("title");
  $("reply-text-box").hidden = !open;
  $("reply-template-box").hidden = open || !mine;
}

// renderTemplates and renderCanned are in work.js.

function renderTransferOptions(d) {
  const sel = $("transfer-to");
  sel.replaceChildren(h("option", { value: "", text: t("conv.transferPick") }));
  for (const a of state.agents) {
    if (a.disabled || a.id === d.agent) continue;
    sel.append(h("option", { value: a.id, text: a.name + " (" + a.id + ")" }));
  }
}

async function loadAgents() {
  // A failure leaves the list as it was (the transfer menu keeps its
  // names) and is handed to the caller that shows it.
  try { state.agents = (await api("GET", "/admin/agents")).agents; return null; } catch (e) { return e; }
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
function claim() { if (!$("btn-claim").hidden && state.selected) act(() => api("POST", "/admin/handoffs/" + hid() + "/claim")); }
function release() { if (!$("btn-release").hidden && state.selected) act(() => api("POST", "/admin/handoffs/" + hid() + "/release")); }
$("btn-claim").addEventListener("click", claim);
$("btn-release").addEventListener("click", release);
$("btn-close").addEventListener("click", () => act(() => api("POST", "/admin/handoffs/" + hid() + "/close", { outcome: $("close-outcome").value })));
$("btn-transfer").addEventListener("click", () => {
  const to = $("transfer-to").value;
  if (!to) { $("conv-error").textContent = t("conv.chooseTransfer"); return; }
  act(() => api("POST", "/admin/handoffs/" + hid() + "/transfer", { to }));
});
async function sendReply() {
  const text = $("reply-text").value.trim();
  if (!text || $("reply-text").disabled) return;
  await act(async () => {
    await api("POST", "/admin/handoffs/" + hid() + "/messages", { text });
    $("reply-text").value = "";
    state.scrollOnRender = true; // the agent wants to see what they sent
  });
}
$("btn-send").addEventListener("click", sendReply);
$("reply-text").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); sendReply(); }
});
$("btn-note").addEventListener("click", () => {
  const text = $("note-text").value.trim();
  if (!text) return;
  act(async () => { await api("POST", "/admin/handoffs/" + hid() + "/notes", { text }); $("note-text").value = ""; state.scrollOnRender = true; });
});

// ---------- keyboard ----------
function toggleHelp(show) {
  const open = show === undefined ? $("help").hidden : show;
  $("help").hidden = !open;
  if (open) $("help-close").focus();
}
$("btn-help").addEventListener("click", () => toggleHelp());
$("help-close").addEventListener("click", () => { toggleHelp(false); $("btn-help").focus(); });
document.addEventListener("click", (e) => {
  if (!$("help").hidden && !$("help").contains(e.target) && e.target !== $("btn-help")) toggleHelp(false);
});

// The "/" that moves focus to the search is not typed into it, even
// where the browser delivers its character apart from the key press.
let slashPending = false;
$("queue-search").addEventListener("beforeinput", (e) => {
  if (slashPending && e.data === "/") e.preventDefault();
  slashPending = false;
});
document.addEventListener("keyup", () => { slashPending = false; });

function moveSelection(step) {
  const items = [...document.querySelectorAll("#queue-list li")];
  if (items.length === 0) return;
  let i = items.findIndex((li) => li.dataset.id === state.selected);
  i = i < 0 ? (step > 0 ? 0 : items.length - 1) : Math.min(items.length - 1, Math.max(0, i + step));
  items[i].focus();
  select(items[i].dataset.id);
}

document.addEventListener("keydown", (e) => {
  if (e.key === "Escape") {
    if (!$("help").hidden) { toggleHelp(false); return; }
    if (document.activeElement && /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName)) { document.activeElement.blur(); return; }
    if (state.selected && state.page === "queue") deselect();
    return;
  }
  if (e.ctrlKey || e.metaKey || e.altKey || !state.me) return;
  const tag = e.target && e.target.tagName;
  if (/^(INPUT|TEXTAREA|SELECT)$/.test(tag) || (e.target && e.target.isContentEditable)) return;
  if (e.key === "?") { e.preventDefault(); toggleHelp(); return; }
  if (state.page !== "queue") return;
  const keys = {
    "/": () => { slashPending = true; $("queue-search").focus(); },
    c: claim,
    r: release,
    j: () => moveSelection(1),
    k: () => moveSelection(-1),
  };
  const f = keys[e.key];
  if (f) { e.preventDefault(); f(); }
});

// The admin pages (incidents, broadcasts, FAQ, contacts, agents) are in
// pages.js, which also starts the console once both scripts are loaded.
