// Lifeline console: what the agent's composer picks from (canned replies
// with their variables, the synced templates with their parameters), the
// server-side conversation search, and the admin pages for places and
// canned replies. Loaded after console.js, before pages.js starts it all.
"use strict";

Object.assign(I18N.en, {
  "nav.places": "Places", "nav.replies": "Replies",
  "canned.label": "Canned replies", "canned.none": "No canned reply in this language yet: admins add them on the Replies page.",
  "canned.use": "Canned reply: {0}",
  "tpl.pick": "choose a template…", "tpl.none": "No template is approved in {0}: ask an admin to have one approved, then sync the list.",
  "tpl.noneAny": "No approved template: ask an admin to sync the template list.",
  "tpl.notIn": "not approved in {0}", "tpl.header": "Header parameter {0}", "tpl.body": "Parameter {0}",
  "tpl.choose": "Choose a template first.", "tpl.fill": "Fill every parameter.",
  "search.found": "Found in conversations", "search.searching": "Searching…", "search.nothing": "No other conversation matches.",
  "search.more": "More matches than shown: add words to narrow the search.", "search.noHandoff": "no conversation with an agent",
  "search.byNumber": "number", "search.byName": "name", "search.byMessage": "message",
  "pl.title": "Places", "pl.add": "Add a place", "pl.name": "Name", "pl.nameAr": "Name in Arabic", "pl.kind": "Kind",
  "pl.lat": "Latitude", "pl.lon": "Longitude", "pl.address": "Address", "pl.capacity": "Capacity (people)", "pl.district": "District", "pl.districtAr": "District in Arabic", "pl.addBtn": "Add place",
  "pl.import": "Import a CSV file", "pl.importBtn": "Import",
  "pl.importHelp": "Columns: id, name, name_ar, kind, lat, lon, address, district, district_ar, capacity, state. People who cannot share their location name their district. A bad row rejects the whole file and every bad row is listed.",
  "pl.added": "Added {0}.", "pl.imported": "Imported: {0} new, {1} updated.", "pl.chooseFile": "Choose a CSV file first.",
  "pl.col.name": "Place", "pl.col.kind": "Kind", "pl.col.state": "State", "pl.col.where": "Where", "pl.col.capacity": "Capacity",
  "pl.col.updated": "Updated", "pl.stateOf": "State of {0}", "pl.changed": "{0} is now {1}.",
  "pk.shelter": "shelter", "pk.clinic": "clinic", "pk.water": "water", "pk.food": "food", "pk.charging": "charging", "pk.office": "office", "pk.other": "other",
  "ps.open": "open", "ps.full": "full", "ps.closed": "closed",
  "cr.title": "Canned replies", "cr.new": "New canned reply", "cr.edit": "Edit {0}", "cr.lang": "Language code", "cr.titleField": "Button title",
  "cr.text": "Text", "cr.save": "Save", "cr.saved": "Saved {0}.", "cr.deleted": "Deleted {0}.", "cr.vars": "Variables: {0}",
  "cr.col.lang": "Language", "cr.col.title": "Title", "cr.col.text": "Text", "cr.col.by": "Changed by", "cr.editBtn": "Edit", "cr.deleteBtn": "Delete",
  "cr.deleteOf": "Delete {0}",
  "sms.badge": "SMS", "sms.title": "This person writes by SMS: text only, no templates or files",
  "sms.noTemplate": "This person writes by SMS: templates do not go by SMS, write a text reply.",
  "meta.sms": "by SMS", "window.sms": "By SMS: text replies only, no 24-hour window.",
  "ro.note": "Read only: this person has no conversation with an agent. Everything they and the bot wrote is shown.",
  "ro.title": "Transcript",
});
Object.assign(I18N.ar, {
  "nav.places": "الأماكن", "nav.replies": "الردود الجاهزة",
  "canned.label": "الردود الجاهزة", "canned.none": "لا يوجد رد جاهز بهذه اللغة بعد: يضيفها المشرفون في صفحة الردود الجاهزة.",
  "canned.use": "رد جاهز: {0}",
  "tpl.pick": "اختر قالباً…", "tpl.none": "لا يوجد قالب معتمد بلغة {0}: اطلب من مشرف اعتماد قالب ثم مزامنة القائمة.",
  "tpl.noneAny": "لا يوجد قالب معتمد: اطلب من مشرف مزامنة قائمة القوالب.",
  "tpl.notIn": "غير معتمد بلغة {0}", "tpl.header": "متغير الترويسة {0}", "tpl.body": "المتغير {0}",
  "tpl.choose": "اختر قالباً أولاً.", "tpl.fill": "املأ كل المتغيرات.",
  "search.found": "نتائج في المحادثات", "search.searching": "جارٍ البحث…", "search.nothing": "لا توجد محادثة أخرى مطابقة.",
  "search.more": "توجد نتائج أكثر مما يظهر: أضف كلمات لتضييق البحث.", "search.noHandoff": "لا محادثة مع موظف",
  "search.byNumber": "الرقم", "search.byName": "الاسم", "search.byMessage": "رسالة",
  "pl.title": "الأماكن", "pl.add": "إضافة مكان", "pl.name": "الاسم", "pl.nameAr": "الاسم بالعربية", "pl.kind": "النوع",
  "pl.lat": "خط العرض", "pl.lon": "خط الطول", "pl.address": "العنوان", "pl.capacity": "السعة (أشخاص)", "pl.district": "الحي", "pl.districtAr": "الحي بالعربية", "pl.addBtn": "إضافة المكان",
  "pl.import": "استيراد ملف CSV", "pl.importBtn": "استيراد",
  "pl.importHelp": "الأعمدة: id, name, name_ar, kind, lat, lon, address, district, district_ar, capacity, state. من لا يستطيع مشاركة موقعه يكتب اسم حيّه. صف خاطئ يرفض الملف كله وتُذكر كل الصفوف الخاطئة.",
  "pl.added": "أُضيف {0}.", "pl.imported": "استُورد: {0} جديدة، {1} محدّثة.", "pl.chooseFile": "اختر ملف CSV أولاً.",
  "pl.col.name": "المكان", "pl.col.kind": "النوع", "pl.col.state": "الحالة", "pl.col.where": "الموقع", "pl.col.capacity": "السعة",
  "pl.col.updated": "آخر تحديث", "pl.stateOf": "حالة {0}", "pl.changed": "{0} الآن {1}.",
  "pk.shelter": "مأوى", "pk.clinic": "عيادة", "pk.water": "ماء", "pk.food": "طعام", "pk.charging": "شحن", "pk.office": "مكتب", "pk.other": "أخرى",
  "ps.open": "مفتوح", "ps.full": "ممتلئ", "ps.closed": "مغلق",
  "cr.title": "الردود الجاهزة", "cr.new": "رد جاهز جديد", "cr.edit": "تعديل {0}", "cr.lang": "رمز اللغة", "cr.titleField": "عنوان الزر",
  "cr.text": "النص", "cr.save": "حفظ", "cr.saved": "حُفظ {0}.", "cr.deleted": "حُذف {0}.", "cr.vars": "المتغيرات: {0}",
  "cr.col.lang": "اللغة", "cr.col.title": "العنوان", "cr.col.text": "النص", "cr.col.by": "عدّله", "cr.editBtn": "تعديل", "cr.deleteBtn": "حذف",
  "cr.deleteOf": "حذف {0}",
  "sms.badge": "SMS", "sms.title": "يكتب هذا الشخص برسائل SMS: نص فقط، بلا قوالب ولا ملفات",
  "sms.noTemplate": "يكتب هذا الشخص برسائل SMS: القوالب لا تُرسل عبر SMS، اكتب رداً نصياً.",
  "meta.sms": "عبر SMS", "window.sms": "عبر SMS: ردود نصية فقط، بلا نافذة 24 ساعة.",
  "ro.note": "للقراءة فقط: لا محادثة لهذا الشخص مع موظف. يظهر كل ما كتبه هو والبوت.",
  "ro.title": "النص الكامل",
});

// baseLang is a language code without region or script: en_US and en are en.
function baseLang(code) { return String(code || "").toLowerCase().split(/[-_]/)[0]; }

// ---------- canned replies ----------
state.canned = [];
state.cannedVars = {};
async function loadCanned() {
  try {
    const r = await api("GET", "/admin/canned-replies");
    state.canned = r.canned_replies || [];
    state.cannedVars = r.variables || {};
    state.cannedError = "";
  } catch (e) { state.canned = []; state.cannedError = e.message; }
  if (state.detail) renderCanned(state.detail);
}

// fillVars puts the conversation's values in place of {name}, {agent}...;
// a variable the console does not know stays as written.
function fillVars(text, d) {
  const vars = {
    name: d.name || "+" + d.user, number: "+" + d.user, agent: (state.me && (state.me.name || state.me.id)) || "",
    position: d.position ? String(d.position) : "", wait: duration(since(d.created_at)),
  };
  return text.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? vars[k] : m));
}

// cannedFor is the replies in the person's language, or, when there are
// none, in the console's.
function cannedFor(d) {
  const exact = String(d.lang || "").toLowerCase();
  let list = state.canned.filter((c) => c.lang === exact);
  if (!list.length) list = state.canned.filter((c) => baseLang(c.lang) === baseLang(exact) && exact);
  if (!list.length) list = state.canned.filter((c) => baseLang(c.lang) === lang);
  return list;
}

function renderCanned(d) {
  const box = $("canned");
  box.setAttribute("role", "group");
  box.setAttribute("aria-label", t("canned.label"));
  const list = cannedFor(d);
  const mine = d.status === "active" && state.me && d.agent === state.me.id;
  box.replaceChildren(...list.map((c) => {
    const text = fillVars(c.text, d);
    return h("button", { type: "button", dir: "auto", class: "canned-btn", "data-id": c.id, title: text, text: c.title,
      "aria-label": t("canned.use", c.title), disabled: !mine,
      onclick: () => { const ta = $("reply-text"); ta.value = text; ta.focus(); } });
  }));
  // A list that could not be loaded is not an empty one: the agent is told.
  if (state.cannedError) box.append(h("span", { class: "error", text: t("admin.failed", t("canned.label"), state.cannedError) }));
  else if (!list.length) box.append(h("span", { class: "muted", text: t("canned.none") }));
}

// ---------- templates ----------
state.templates = null; // the synced list; null when this server has none
async function loadTemplates() {
  try { state.templates = (await api("GET", "/admin/templates")).templates || []; } catch (e) { state.templates = null; }
  if (state.detail) renderTemplates(state.detail);
}

// templateChoices lists what the agent may pick: every synced template,
// those not approved in the person's language disabled with the reason;
// without a synced list, the templates the server configured.
function templateChoices(d) {
  if (state.templates === null) {
    return (d.templates || []).map((tp) => ({ tp: Object.assign({ status: "APPROVED", body_params: 0, header_params: 0 }, tp), ok: true }));
  }
  const want = baseLang(d.lang);
  return state.templates.map((tp) => ({ tp, ok: tp.status === "APPROVED" && (!want || baseLang(tp.language) === want) }));
}

// paramNames are the names of a named template's body variables
// ({{first_name}}), in order; positional templates have none.
function paramNames(tp) {
  if (!tp.named) return [];
  return [...new Set([...String(tp.body || "").matchAll(/\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/g)].map((m) => m[1]))];
}

function renderTemplates(d) {
  const sel = $("template-pick");
  const was = sel.value;
  sel.setAttribute("aria-label", t("tpl.label"));
  sel.replaceChildren(h("option", { value: "", text: t("tpl.pick") }));
  const choices = templateChoices(d);
  for (const { tp, ok } of choices) {
    const why = ok ? "" : " · " + (tp.status !== "APPROVED" ? tp.status.toLowerCase() : t("tpl.notIn", d.lang));
    sel.append(h("option", { value: tp.name + "|" + tp.language, disabled: !ok, text: tp.name + " (" + tp.language + ")" + why }));
  }
  sel.value = choices.some((c) => c.ok && c.tp.name + "|" + c.tp.language === was) ? was : "";
  const usable = choices.filter((c) => c.ok).length;
  $("template-info").textContent = usable ? "" : d.lang && choices.length ? t("tpl.none", d.lang) : t("tpl.noneAny");
  renderTemplateParams();
}

function chosenTemplate() {
  const [name, language] = $("template-pick").value.split("|");
  if (!name) return null;
  const d = state.detail || {};
  const c = templateChoices(d).find((x) => x.tp.name === name && x.tp.language === language);
  return c ? c.tp : null;
}

// renderTemplateParams shows one field per parameter and the body with
// the values filled in, so the agent sees what the person will read.
function renderTemplateParams() {
  const tp = chosenTemplate();
  const box = $("template-params");
  // A live update re-renders the conversation while the agent types: keep
  // the same fields (and the focus and caret in them) when the template
  // has not changed, and only refresh the preview.
  const key = tp ? tp.name + "|" + tp.language : "";
  if (key && box.dataset.template === key && box.querySelector("input")) {
    previewTemplate();
    return;
  }
  box.dataset.template = key;
  const kept = Object.fromEntries([...box.querySelectorAll("input")].map((i) => [i.dataset.key, i.value]));
  box.replaceChildren();
  $("template-preview").hidden = !tp;
  if (!tp) return;
  const names = paramNames(tp);
  const field = (key, label) => h("label", {}, h("span", { text: label }),
    h("input", { "data-key": key, dir: "auto", value: kept[key] || "", oninput: previewTemplate }));
  for (let i = 1; i <= (tp.header_params || 0); i++) box.append(field("h" + i, t("tpl.header", i)));
  for (let i = 1; i <= (tp.body_params || 0); i++) box.append(field("b" + i, t("tpl.body", names[i - 1] ? "{{" + names[i - 1] + "}}" : "{{" + i + "}}")));
  previewTemplate();
}
function previewTemplate() {
  const tp = chosenTemplate();
  if (!tp) return;
  const vals = Object.fromEntries([...$("template-params").querySelectorAll("input")].map((i) => [i.dataset.key, i.value]));
  const names = paramNames(tp);
  const body = String(tp.body || tp.name).replace(/\{\{\s*(\w+)\s*\}\}/g, (m, k) => {
    const i = /^\d+$/.test(k) ? Number(k) : names.indexOf(k) + 1;
    return vals["b" + i] || m;
  });
  $("template-preview").textContent = body;
}
$("template-pick").addEventListener("change", renderTemplateParams);

$("btn-send-template").addEventListener("click", () => {
  const tp = chosenTemplate();
  if (!tp) { $("conv-error").textContent = t("tpl.choose"); return; }
  const inputs = [...$("template-params").querySelectorAll("input")];
  if (inputs.some((i) => !i.value.trim())) { $("conv-error").textContent = t("tpl.fill"); return; }
  const names = paramNames(tp);
  const header = inputs.filter((i) => i.dataset.key[0] === "h").map((i) => ({ type: "text", text: i.value.trim() }));
  const body = inputs.filter((i) => i.dataset.key[0] === "b").map((i, n) =>
    Object.assign({ type: "text", text: i.value.trim() }, names[n] ? { parameter_name: names[n] } : {}));
  const components = [];
  if (header.length) components.push({ type: "header", parameters: header });
  if (body.length) components.push({ type: "body", parameters: body });
  const template = { name: tp.name, language: tp.language };
  if (components.length) template.components = components;
  act(async () => {
    await api("POST", "/admin/handoffs/" + hid() + "/messages", { template });
    $("template-pick").value = "";
    renderTemplateParams();
    state.scrollOnRender = true;
  });
});

// ---------- conversation search ----------
// The queue filters what is loaded at once; the server then searches
// every conversation the agent may read (numbers, names, words of the
// transcript) and lists the others it found below the queue.
let searchTimer = null, searchSeq = 0;
function searchServer() {
  clearTimeout(searchTimer);
  const q = $("queue-search").value.trim();
  if (q.length < 2) { $("search-box").hidden = true; return; }
  searchTimer = setTimeout(async () => {
    const seq = ++searchSeq;
    $("search-box").hidden = false;
    $("search-status").textContent = t("search.searching");
    let r;
    try { r = await api("GET", "/admin/search?q=" + enc(q) + "&limit=20"); } catch (e) {
      if (seq === searchSeq) $("search-status").textContent = e.message;
      return;
    }
    if (seq !== searchSeq) return;
    const shown = new Set([...document.querySelectorAll("#queue-list li")].map((li) => li.dataset.id));
    const hits = r.results.filter((x) => !shown.has(x.user));
    $("search-results").replaceChildren(...hits.map(searchItem));
    $("search-status").textContent = hits.length ? (r.complete ? "" : t("search.more")) : t("search.nothing");
  }, 250);
}

function searchItem(x) {
  // A hit with a handoff opens it; one without opens the transcript, read only.
  const open = x.handoff && x.handoff !== "none" ? () => select(x.user) : () => openTranscript(x);
  return h("li", { class: "item search-hit", "data-id": x.user, tabindex: "0", onclick: open,
    onkeydown: (e) => { if (e.key === "Enter") open(); } },
    h("div", { class: "line1" }, h("span", { class: "name" }, displayName(x)), langBadge(x.lang),
      h("span", { class: "badge", text: x.handoff ? t("status." + x.handoff) : t("search.noHandoff") })),
    h("div", { class: "first" }, x.snippet ? isolate(x.snippet) : t("search.by" + x.match[0].toUpperCase() + x.match.slice(1))),
    x.at ? h("div", { class: "muted line3" }, when(x.at)) : null);
}

// readOnly switches the conversation pane between a handoff (actions and
// composer) and a transcript with nobody to answer (neither).
function readOnly(on) {
  $("conv").classList.toggle("readonly", on);
  $("conv-readonly").hidden = !on;
}

// openTranscript shows the conversation of someone without a handoff,
// from the transcript route: what they and the bot wrote, nothing to act on.
async function openTranscript(x) {
  const user = String(x.user);
  state.selected = null;
  state.detail = null;
  state.transcriptOf = user;
  $("page-queue").classList.add("open");
  for (const li of document.querySelectorAll("#queue-list li, #search-results li")) li.classList.toggle("selected", li.dataset.id === user);
  let r;
  try { r = await api("GET", "/admin/conversations/" + enc(user)); } catch (e) {
    $("conv-none").hidden = true;
    $("conv-body").hidden = false;
    readOnly(true);
    $("conv-error").textContent = e.message;
    return;
  }
  if (state.transcriptOf !== user) return;
  $("conv-none").hidden = true;
  $("conv-body").hidden = false;
  $("conv-error").textContent = "";
  readOnly(true);
  $("conv-title").replaceChildren(...displayName({ user, name: x.name }));
  $("conv-meta").textContent = t("ro.title") + (x.lang ? " · " + t("meta.lang", x.lang) : "");
  const ol = $("transcript");
  ol.replaceChildren(...(r.messages || []).map((m) => renderItem({ at: m.at, kind: "msg", m })));
  ol.dataset.for = "transcript:" + user;
  ol.dataset.count = ol.children.length;
  scrollToEnd();
}

// ---------- places ----------
const placeStates = ["open", "full", "closed"];
async function loadPlacesPage() {
  const box = $("places");
  let data;
  try { data = await api("GET", "/admin/places"); } catch (e) { return unavailable(box, t("pl.title"), e); }
  const ps = data.places || [];
  if (!ps.length) { fill(box, h("p", { class: "muted", text: t("nothing") })); return; }
  fill(box, grid(["pl.col.name", "pl.col.kind", "pl.col.state", "pl.col.where", "pl.col.capacity", "pl.col.updated"], ps.map((p) => {
    const name = p.name[lang] || p.name.default || p.id;
    const sel = h("select", { "aria-label": t("pl.stateOf", name), "data-place": p.id,
      onchange: async (ev) => {
        const to = ev.target.value;
        try {
          const np = await api("POST", "/admin/places/" + enc(p.id) + "/state", { state: to });
          $("pl-result").textContent = t("pl.changed", name, t("ps." + np.state));
        } catch (e) { $("pl-result").textContent = e.message; }
        loadPlacesPage();
      } }, placeStates.map((s) => h("option", { value: s, text: t("ps." + s), selected: s === p.state })));
    return h("tr", { "data-id": p.id, class: "state-" + p.state },
      h("td", {}, isolate(name), p.address ? h("div", { class: "muted" }, isolate(p.address)) : null,
        p.district ? h("div", { class: "muted district" }, isolate(p.district[lang] || p.district.default || Object.values(p.district)[0])) : null),
      h("td", { text: t("pk." + p.kind) === "pk." + p.kind ? p.kind : t("pk." + p.kind) }),
      h("td", {}, sel),
      h("td", {}, mapLink(p.lat, p.lon, true)),
      h("td", {}, p.capacity ? number(p.capacity) : "–"),
      h("td", {}, timeCell(p.updated_at), p.updated_by ? " · " + p.updated_by : ""));
  }), { id: "place-table" }));
}

$("pl-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const name = { default: $("pl-name").value.trim() };
  if ($("pl-name-ar").value.trim()) name.ar = $("pl-name-ar").value.trim();
  const num = (v) => (v.trim() === "" ? undefined : Number(v.trim().replace(",", ".")));
  const body = { name, kind: $("pl-kind").value, lat: num($("pl-lat").value), lon: num($("pl-lon").value) };
  if ($("pl-address").value.trim()) body.address = $("pl-address").value.trim();
  if ($("pl-capacity").value) body.capacity = Number($("pl-capacity").value);
  const district = {};
  if ($("pl-district").value.trim()) district.default = $("pl-district").value.trim();
  if ($("pl-district-ar").value.trim()) district.ar = $("pl-district-ar").value.trim();
  if (Object.keys(district).length) body.district = district;
  try {
    const p = await api("POST", "/admin/places", body);
    $("pl-result").textContent = t("pl.added", p.name.default);
    $("pl-form").reset();
  } catch (e) { fill($("pl-result"), rowErrors(e)); }
  loadPlacesPage();
});

$("pl-import-btn").addEventListener("click", async () => {
  const f = $("pl-file").files[0];
  if (!f) { $("pl-result").textContent = t("pl.chooseFile"); return; }
  try {
    const r = await api("POST", "/admin/places/import", new Blob([await f.text()], { type: "text/csv" }));
    $("pl-result").textContent = t("pl.imported", r.created || 0, r.updated || 0);
    $("pl-file").value = "";
  } catch (e) { fill($("pl-result"), rowErrors(e)); }
  loadPlacesPage();
});

// ---------- canned replies (admin) ----------
async function loadRepliesPage() {
  await loadCanned();
  $("cr-vars").textContent = t("cr.vars", Object.keys(state.cannedVars).sort().map((k) => "{" + k + "}").join(" "));
  const box = $("replies");
  if (!state.canned.length) { fill(box, h("p", { class: "muted", text: t("nothing") })); return; }
  fill(box, grid(["cr.col.lang", "cr.col.title", "cr.col.text", "cr.col.by", "actions"], state.canned.map((c) =>
    h("tr", { "data-id": c.id },
      h("td", {}, h("bdi", { dir: "ltr", text: c.lang })),
      h("td", {}, isolate(c.title)),
      h("td", {}, isolate(c.text)),
      h("td", {}, c.updated_by + " · ", timeCell(c.updated_at)),
      h("td", {},
        h("button", { type: "button", text: t("cr.editBtn"), "aria-label": t("cr.edit", c.title), onclick: () => editCanned(c) }), " ",
        h("button", { type: "button", class: "danger", text: t("cr.deleteBtn"), "aria-label": t("cr.deleteOf", c.title),
          onclick: async () => {
            try { await api("DELETE", "/admin/canned-replies/" + enc(c.id)); $("cr-result").textContent = t("cr.deleted", c.title); } catch (e) { $("cr-result").textContent = e.message; }
            loadRepliesPage();
          } })))), { id: "canned-table" }));
}

function editCanned(c) {
  $("cr-id").value = c ? c.id : "";
  $("cr-lang").value = c ? c.lang : "";
  $("cr-title").value = c ? c.title : "";
  $("cr-text").value = c ? c.text : "";
  $("cr-form-title").textContent = c ? t("cr.edit", c.title) : t("cr.new");
  $("cr-cancel").hidden = !c;
  if (c) $("cr-text").focus();
}
$("cr-cancel").addEventListener("click", () => editCanned(null));
$("cr-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const id = $("cr-id").value;
  const body = { lang: $("cr-lang").value, title: $("cr-title").value, text: $("cr-text").value };
  try {
    const c = await api(id ? "PUT" : "POST", "/admin/canned-replies" + (id ? "/" + enc(id) : ""), body);
    $("cr-result").textContent = t("cr.saved", c.title);
    editCanned(null);
  } catch (e) { $("cr-result").textContent = e.message; }
  loadRepliesPage();
});
