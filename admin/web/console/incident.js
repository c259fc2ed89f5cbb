// Lifeline console: running an incident without curl. On the incident's
// dashboard, admins change its name, notes and audience and close it
// (PATCH /admin/incidents/{id}, POST .../close); keep its own FAQ answers
// (GET, POST /admin/incidents/{id}/faq, DELETE .../faq/{entry}); and
// correct a wrong FAQ answer for the people who received it
// (/admin/corrections). The check-ins page (#reach), for agents as well
// as admins, lists the open incidents' check-ins with the people who have
// not answered, each marked reached in one click, and the incidents' own
// answers to read. Everything calls the documented admin API and shows a
// refusal in the API's own words. Loaded after dashboard.js and before
// pages.js, which starts the console.
"use strict";

Object.assign(I18N.en, {
  "nav.reach": "Check-ins",
  "it.edit": "Change this incident", "it.save": "Save changes", "it.close": "Close the incident",
  "it.closedNote": "Once closed only the notes can change.", "it.saved": "Saved.", "it.closed": "Closed: {0}.",
  "it.saving": "Saving…", "it.closing": "Closing…", "it.notLoaded": "The incident is not loaded yet: nothing was saved. Try again in a moment.",
  "if.title": "This incident's answers", "if.explain": "While the incident is open the bot looks in these first, in every language given.",
  "if.idAuto": "(from the question)", "if.translation": "Translation (optional)", "if.add": "Add answer", "if.save": "Save answer",
  "if.added": "Added {0}.", "if.changed": "Changed {0}.", "if.removed": "Removed {0}.", "if.remove": "Remove", "if.editing": "Editing {0}",
  "if.notChanged": "{0} was not changed: {1}", "if.lost": "{0} could not be changed and its old text could not be put back: {1}. Add it again.",
  "if.closedAt": "ended with the incident", "if.by": "by {0}",
  "co.title": "Corrections", "co.explain": "An FAQ answer was wrong: change the entry on the FAQ page first, then send the people who got the old answer a correction.",
  "co.entry": "FAQ entry", "co.pick": "choose the entry…", "co.since": "Who got it in the last", "co.24h": "24 hours", "co.48h": "48 hours",
  "co.7d": "7 days", "co.30d": "30 days", "co.msgEn": "Message in English", "co.msgAr": "Message in Arabic",
  "co.newAnswer": "Where no message is given, send the entry's new answer", "co.create": "Check who gets it",
  "co.templateNote": "People outside WhatsApp's 24-hour window get the template, as a broadcast to exactly them.",
  "co.created": "{0}: {1} people got the old answer; {2} inside their 24-hour window (a text), {3} outside it (the template). Nothing is sent until you press Send.",
  "co.needsTemplate": "Some people are outside their window: give a template before sending.",
  "co.sample": "Among them: {0}", "co.send": "Send", "co.sent": "Sent {0}: {1} texts, {2} by template.",
  "co.col.entry": "Entry", "co.col.state": "State", "co.col.created": "Made", "co.col.what": "What is sent", "co.col.sent": "Sent",
  "cos.pending": "waiting to be sent", "cos.sending": "sending", "cos.sent": "sent",
  "co.people": "{0} people", "co.broadcast": "broadcast {0}",
  "re.title": "Check-ins: who has not answered", "re.explain": "Call or visit the people of an open incident's check-ins who have not answered, then mark them reached.",
  "re.none": "No incident is open.", "re.noCheckins": "This incident has no check-in yet.",
  "bc.checkinOpts": "Check-in: reminders and the unaccounted", "bc.remindCount": "Reminders to who has not answered (0: none)",
  "bc.remindEvery": "Minutes between reminders", "bc.unaccHandoff": "After the last reminder, put each person still unaccounted in the agents' queue",
  "bc.unaccWebhook": "…and send their list to the configured webhook",
});
Object.assign(I18N.ar, {
  "nav.reach": "الاطمئنان",
  "it.edit": "تعديل هذه الحادثة", "it.save": "حفظ التعديلات", "it.close": "إغلاق الحادثة",
  "it.closedNote": "بعد الإغلاق لا يمكن تغيير إلا الملاحظات.", "it.saved": "حُفظ.", "it.closed": "أُغلقت: {0}.",
  "it.saving": "جارٍ الحفظ…", "it.closing": "جارٍ الإغلاق…", "it.notLoaded": "لم تُحمَّل الحادثة بعد: لم يُحفظ شيء. حاول مجدداً بعد لحظة.",
  "if.title": "أجوبة هذه الحادثة", "if.explain": "ما دامت الحادثة مفتوحة يبحث المساعد الآلي فيها أولاً، بكل لغة مذكورة.",
  "if.idAuto": "(من السؤال)", "if.translation": "ترجمة (اختيارية)", "if.add": "إضافة جواب", "if.save": "حفظ الجواب",
  "if.added": "أُضيف {0}.", "if.changed": "عُدّل {0}.", "if.removed": "حُذف {0}.", "if.remove": "حذف", "if.editing": "تعديل {0}",
  "if.notChanged": "لم يُعدَّل {0}: {1}", "if.lost": "تعذّر تعديل {0} وتعذّرت إعادة نصه القديم: {1}. أضفه مجدداً.",
  "if.closedAt": "انتهى مع الحادثة", "if.by": "بواسطة {0}",
  "co.title": "التصحيحات", "co.explain": "كان جواب في الأسئلة الشائعة خاطئاً: عدّل المدخل في صفحة الأسئلة الشائعة أولاً، ثم أرسل تصحيحاً لمن وصلهم الجواب القديم.",
  "co.entry": "مدخل الأسئلة الشائعة", "co.pick": "اختر المدخل…", "co.since": "من وصلهم خلال آخر", "co.24h": "24 ساعة", "co.48h": "48 ساعة",
  "co.7d": "7 أيام", "co.30d": "30 يوماً", "co.msgEn": "الرسالة بالإنجليزية", "co.msgAr": "الرسالة بالعربية",
  "co.newAnswer": "حيث لا توجد رسالة، أرسل الجواب الجديد للمدخل", "co.create": "تحقق ممن سيصله",
  "co.templateNote": "من هم خارج نافذة واتساب (24 ساعة) يصلهم القالب، برسالة جماعية إليهم وحدهم.",
  "co.created": "{0}: وصل الجواب القديم إلى {1}؛ {2} داخل نافذة الـ24 ساعة (نص)، و{3} خارجها (القالب). لا يُرسل شيء حتى تضغط إرسال.",
  "co.needsTemplate": "بعضهم خارج النافذة: حدّد قالباً قبل الإرسال.",
  "co.sample": "منهم: {0}", "co.send": "إرسال", "co.sent": "أُرسل {0}: {1} نصوص، {2} بالقالب.",
  "co.col.entry": "المدخل", "co.col.state": "الحالة", "co.col.created": "أُنشئ", "co.col.what": "ما يُرسل", "co.col.sent": "أُرسل",
  "cos.pending": "بانتظار الإرسال", "cos.sending": "يُرسل", "cos.sent": "أُرسل",
  "co.people": "{0} أشخاص", "co.broadcast": "الرسالة الجماعية {0}",
  "re.title": "الاطمئنان: من لم يُجب", "re.explain": "اتصل بمن لم يُجب على رسائل الاطمئنان في الحوادث المفتوحة أو زُرهم، ثم سجّل أنه تم التواصل معهم.",
  "re.none": "لا توجد حادثة مفتوحة.", "re.noCheckins": "لا توجد رسالة اطمئنان لهذه الحادثة بعد.",
  "bc.checkinOpts": "الاطمئنان: التذكيرات ومن لم يُعرف مصيرهم", "bc.remindCount": "تذكيرات لمن لم يُجب (0: بلا)",
  "bc.remindEvery": "الدقائق بين التذكيرات", "bc.unaccHandoff": "بعد آخر تذكير، ضع كل من بقي مصيره غير معروف في قائمة الموظفين",
  "bc.unaccWebhook": "…وأرسل قائمتهم إلى الـwebhook المضبوط",
});

// itools is the dashboard's incident tools: the incident shown, as last
// read, its own FAQ entries, and the entry being edited. seq numbers the
// reads and saves of the incident: an answer to one that a later one
// overtook is dropped. failed is a last read that failed; busy a save or
// close waiting for its answer.
const itools = { id: null, inc: null, faq: [], editing: null, dirty: false, seq: 0, failed: false, busy: false };

// result shows an outcome in box: ok, or an error in the API's words.
function result(box, text, ok) {
  box.className = "result " + (ok ? "ok" : "error");
  box.textContent = text;
}

// working says in box that an action is on its way: its outcome
// replaces this, so an earlier outcome is never read as this one's.
function working(box, text) {
  box.className = "result muted";
  box.textContent = text;
}

// itButtons enables Save and Close only once the form holds the shown
// incident as read, and while no save or close is waiting for its answer.
function itButtons() {
  const ready = !!itools.inc && itools.inc.id === itools.id && !itools.busy;
  $("it-save").disabled = !ready;
  $("it-close").disabled = !ready;
}

// loadIncidentTools reads what the tools show; fresh is a newly shown
// incident, whose forms are filled anew.
async function loadIncidentTools(id, fresh) {
  if (fresh) {
    itools.id = id;
    itools.inc = null;
    itools.dirty = false;
    itools.failed = false;
    itButtons();
    resetOverlayForm();
    for (const b of ["it-result", "if-result", "co-result"]) { $(b).textContent = ""; $(b).className = "result"; }
  }
  await loadIncidentEdit(id, fresh);
  await Promise.all([loadOverlay(id), loadCorrections(id, fresh)]);
}
// Coming back to the dashboard of the same incident reads it again.
window.addEventListener("hashchange", () => {
  if (state.me && state.page === "dashboard" && state.pageArg === itools.id) loadIncidentTools(itools.id, false);
});

// ---------- name, notes, audience, close ----------
async function loadIncidentEdit(id, fresh) {
  const seq = ++itools.seq;
  let x;
  try { x = await api("GET", "/admin/incidents/" + enc(id)); }
  catch (e) {
    if (itools.id === id && seq === itools.seq) { itools.failed = true; result($("it-result"), e.message, false); }
    return;
  }
  // Another incident is shown, or a later read or a save has answered
  // (a read sent before a save would put the old values back).
  if (itools.id !== id || seq !== itools.seq) return;
  itools.inc = x;
  itools.failed = false;
  if (state.page === "dashboard" && dash.id === id) dashHeader({ name: x.name, kind: x.kind, state: x.state, drill: x.drill, from: x.opened_at });
  const closed = x.state === "closed";
  // A form being typed in keeps what was typed until it is saved.
  if (fresh || !itools.dirty) {
    itools.dirty = false;
    $("it-name").value = x.name || "";
    $("it-notes").value = x.notes || "";
    const a = x.audience || {};
    $("it-regions").value = (a.regions || []).join(", ");
    $("it-tags").value = (a.tags_any || []).join(", ");
    const sms = x.sms || {}, texts = sms.texts || {};
    $("it-sms-en").value = texts.en || "";
    $("it-sms-ar").value = texts.ar || "";
    $("it-sms-after").value = minutes(sms.after) || "";
  }
  showIncidentSMS(x);
  for (const f of ["it-name", "it-regions", "it-tags", "it-sms-en", "it-sms-ar", "it-sms-after"]) $(f).disabled = closed;
  $("it-close").hidden = closed;
  itButtons();
  // A closed incident's answers are kept for the record, not changed.
  $("if-form").hidden = closed;
}

// showIncidentSMS says on the dashboard what the incident's default SMS
// fallback is: its texts per language and its delay for critical ones.
function showIncidentSMS(x) {
  const sms = x.sms, box = $("dash-sms");
  if (!sms || sms.off || !Object.keys(sms.texts || {}).length) { box.textContent = t("it.smsNone"); box.dataset.sms = ""; return; }
  const parts = Object.entries(sms.texts).map(([l, text], i) => [i ? " · " : "", h("bdi", { dir: "ltr", text: l + ": " }), isolate(text)]);
  const after = minutes(sms.after);
  fill(box, tNodes("it.smsNow", h("span", { id: "dash-sms-texts" }, parts.flat())), after ? [" · ", tNodes("it.smsAfter", number(after))] : null);
  box.dataset.sms = Object.keys(sms.texts).sort().join(",");
}

// incidentSMSChange is the form's SMS default when it differs from the
// incident's (nothing when it does not): texts in other languages, the
// segment budget and the fallback language are kept; both texts emptied
// remove the default.
function incidentSMSChange(x) {
  const cur = x.sms && !x.sms.off ? x.sms : null, ct = cur ? cur.texts || {} : {};
  const en = $("it-sms-en").value.trim(), ar = $("it-sms-ar").value.trim(), after = $("it-sms-after").value.trim();
  if (en === (ct.en || "") && ar === (ct.ar || "") && Number(after || 0) === minutes(cur && cur.after)) return undefined;
  const texts = Object.assign({}, ct);
  delete texts.en; delete texts.ar;
  if (en) texts.en = en;
  if (ar) texts.ar = ar;
  if (!en && !ar) return cur ? { off: true } : undefined;
  const sms = { texts };
  sms.fallback_language = cur && texts[cur.fallback_language] ? cur.fallback_language : en ? "en" : "ar";
  if (cur && cur.max_segments) sms.max_segments = cur.max_segments;
  if (after) sms.after = after + "m";
  return sms;
}

$("it-form").addEventListener("input", () => { itools.dirty = true; });
// incidentAction runs a save or a close of the shown incident: it says
// the action is on its way, and always ends with act's outcome or its
// error in the form's result, whatever else runs meanwhile; then, either
// way, after. Without the incident as read (still loading, or its read
// failed) nothing is sent: the form may still hold another incident's
// values.
async function incidentAction(text, act, after) {
  const box = $("it-result"), x = itools.inc;
  if (itools.busy) return;
  if (!x || x.id !== itools.id) {
    result(box, t("it.notLoaded"), false);
    if (itools.id) loadIncidentEdit(itools.id, false);
    return;
  }
  itools.busy = true;
  itButtons();
  working(box, text);
  try {
    result(box, await act(x), true);
  } catch (e) {
    result(box, e.message, false);
  } finally {
    itools.busy = false;
    itButtons();
  }
  if (after) after(x);
}

$("it-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  incidentAction(t("it.saving"), async (x) => {
    const body = { notes: $("it-notes").value.trim() };
    if (x.state !== "closed") {
      body.name = $("it-name").value.trim();
      // The audience's other parts (languages, fields…) stay as they are.
      body.audience = Object.assign({}, x.audience || {}, { regions: list($("it-regions").value), tags_any: list($("it-tags").value) });
      const sms = incidentSMSChange(x);
      if (sms) body.sms = sms;
    }
    // A read sent before the save answered may hold the values before it:
    // its answer is dropped.
    itools.seq++;
    const got = await api("PATCH", "/admin/incidents/" + enc(x.id), body);
    itools.seq++;
    if (itools.id === x.id) {
      itools.inc = got;
      itools.dirty = false;
      showIncidentSMS(got);
    }
    // The composer takes the new default for this incident's next broadcast.
    const i = inc.list.findIndex((y) => y.id === x.id);
    if (i >= 0) inc.list[i] = got;
    if (bcx.incident === x.id) bcx.incident = null;
    return t("it.saved");
  }, loadDashboard);
});

// confirmTwice is in pages.js, which runs after this script.
document.addEventListener("DOMContentLoaded", () => confirmTwice($("it-close"), "it.close", () => incidentAction(t("it.closing"), async (x) => {
  await api("POST", "/admin/incidents/" + enc(x.id) + "/close");
  return t("it.closed", x.name);
}, (x) => { loadIncidentTools(x.id, false); loadDashboard(); }), "it-close"));

// ---------- the incident's own FAQ entries ----------
// overlayTable lists an incident's entries, with Edit and Remove when
// actions are given.
function overlayTable(entries, id, actions) {
  const heads = ["faq.id", "faq.question", "faq.languages"];
  if (actions) heads.push("actions");
  return grid(heads, entries.map((e) => h("tr", { "data-id": e.id },
    h("td", { dir: "ltr", text: e.id }),
    h("td", {}, isolate(e.question), h("div", { class: "muted" }, isolate(e.answer)),
      Object.entries(e.translations || {}).map(([l, tr]) => h("div", { class: "muted" }, h("bdi", { dir: "ltr", text: l + ": " }), isolate(tr.question), " · ", isolate(tr.answer))),
      h("div", { class: "muted" }, timeCell(e.created_at), e.created_by ? [" · ", t("if.by", ""), isolate(e.created_by)] : null,
        e.closed_at ? " · " + t("if.closedAt") : null)),
    h("td", { dir: "ltr", text: [e.lang, ...Object.keys(e.translations || {})].join(", ") }),
    actions ? h("td", { class: "acts" }, actions(e)) : null)), { id });
}

async function loadOverlay(id) {
  let r;
  try { r = await api("GET", "/admin/incidents/" + enc(id) + "/faq"); }
  catch (e) { unavailable($("if-list"), t("if.title"), e); return; }
  if (itools.id !== id) return;
  itools.faq = r.entries || [];
  const open = !itools.inc || itools.inc.state !== "closed";
  fill($("if-list"), overlayTable(itools.faq, "if-table", open ? (e) => [
    btn("faq.edit", () => editOverlay(e), { "data-act": "edit" }),
    confirmTwice(h("button", { type: "button", class: "danger", text: t("if.remove"), "data-act": "remove" }), "if.remove", async () => {
      try {
        await api("DELETE", "/admin/incidents/" + enc(id) + "/faq/" + enc(e.id));
        result($("if-result"), t("if.removed", e.id), true);
        if (itools.editing === e.id) resetOverlayForm();
      } catch (err) { result($("if-result"), e.id + ": " + err.message, false); }
      loadOverlay(id);
    }, "if-remove:" + id + ":" + e.id),
  ] : null));
}

function resetOverlayForm() {
  itools.editing = null;
  $("if-form").reset();
  $("if-lang").value = lang;
  $("if-tlang").value = lang === "ar" ? "en" : "ar";
  $("if-id").readOnly = false;
  $("if-save").textContent = t("if.add");
  $("if-save").dataset.i18n = "if.add";
  $("if-cancel").hidden = true;
}
$("if-cancel").addEventListener("click", () => { resetOverlayForm(); $("if-result").textContent = ""; });

function editOverlay(e) {
  itools.editing = e.id;
  $("if-id").value = e.id;
  $("if-id").readOnly = true;
  $("if-lang").value = e.lang || "";
  $("if-q").value = e.question || "";
  $("if-a").value = e.answer || "";
  const [tl, tr] = Object.entries(e.translations || {})[0] || [$("if-lang").value === "ar" ? "en" : "ar", {}];
  $("if-tlang").value = tl;
  $("if-tq").value = tr.question || "";
  $("if-ta").value = tr.answer || "";
  $("if-save").textContent = t("if.save");
  $("if-save").dataset.i18n = "if.save";
  $("if-cancel").hidden = false;
  result($("if-result"), t("if.editing", e.id), true);
  $("if-q").focus();
}

// plainEntry is an overlay entry as the API takes it back: the FAQ entry
// without what the overlay added (incident, created, closed).
function plainEntry(old) {
  return Object.fromEntries(Object.entries(old).filter(([k]) => !["incident", "created_at", "created_by", "closed_at"].includes(k)));
}

// overlayEntry is the entry the form describes, as the API takes it; an
// edited entry keeps what the form does not show (other wordings, other
// translations, a category or attachment).
function overlayEntry(old) {
  const e = {};
  if (old) {
    Object.assign(e, plainEntry(old));
    e.translations = Object.assign({}, old.translations || {});
  }
  Object.assign(e, { id: $("if-id").value.trim() || undefined, lang: $("if-lang").value.trim(), question: $("if-q").value.trim(), answer: $("if-a").value.trim() });
  const tl = $("if-tlang").value.trim(), tq = $("if-tq").value.trim(), ta = $("if-ta").value.trim();
  const oldTl = old ? (Object.keys(old.translations || {})[0] || "") : "";
  if (e.translations && oldTl && oldTl !== tl) delete e.translations[oldTl];
  if (tl && (tq || ta)) {
    e.translations = e.translations || {};
    const was = e.translations[tl] || {};
    e.translations[tl] = Object.assign({}, was, { question: tq, answer: ta });
  } else if (e.translations && tl) delete e.translations[tl];
  if (e.translations && Object.keys(e.translations).length === 0) delete e.translations;
  return e;
}

$("if-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const id = itools.id, box = $("if-result");
  const old = itools.editing ? itools.faq.find((x) => x.id === itools.editing) : null;
  const e = overlayEntry(old);
  if (!old) {
    try {
      const r = await api("POST", "/admin/incidents/" + enc(id) + "/faq", e);
      result(box, t("if.added", r.id), true);
      resetOverlayForm();
    } catch (err) { result(box, err.message, false); }
    loadOverlay(id);
    return;
  }
  // The API has no replace: the entry is removed and added again. A new
  // text the API refuses puts the old one back, so nothing is lost.
  try { await api("DELETE", "/admin/incidents/" + enc(id) + "/faq/" + enc(old.id)); }
  catch (err) { result(box, t("if.notChanged", old.id, err.message), false); loadOverlay(id); return; }
  try {
    await api("POST", "/admin/incidents/" + enc(id) + "/faq", e);
    result(box, t("if.changed", old.id), true);
    resetOverlayForm();
  } catch (err) {
    try {
      await api("POST", "/admin/incidents/" + enc(id) + "/faq", plainEntry(old));
      result(box, t("if.notChanged", old.id, err.message), false);
    } catch (err2) { result(box, t("if.lost", old.id, err.message + "; " + err2.message), false); }
  }
  loadOverlay(id);
});

// ---------- corrections ----------
async function loadCorrections(id, fresh) {
  const pick = $("co-entry");
  if (fresh || pick.options.length <= 1) {
    try {
      const d = await api("GET", "/admin/kb/entries");
      const was = pick.value;
      fill(pick, h("option", { value: "", text: t("co.pick") }),
        (d.entries || []).map((e) => h("option", { value: e.id, text: e.id + " · " + String(e.question || "").slice(0, 50) })));
      pick.value = was;
    } catch (e) { result($("co-result"), e.message, false); }
  }
  let r;
  try { r = await api("GET", "/admin/corrections"); }
  catch (e) { unavailable($("co-list"), t("co.title"), e); return; }
  if (itools.id !== id) return;
  const mine = (r.corrections || []).filter((c) => c.incident === id).sort((a, b) => new Date(b.created_at) - new Date(a.created_at));
  fill($("co-list"), grid(["co.col.entry", "co.col.state", "co.col.created", "co.col.what", "co.col.sent", "actions"], mine.map((c) => h("tr", { "data-id": c.id, "data-state": c.state },
    h("td", { dir: "ltr", text: c.entry }),
    h("td", {}, h("span", { class: "badge st-" + c.state, text: corState(c.state) })),
    h("td", {}, timeCell(c.created_at), c.created_by ? h("div", { class: "muted" }, isolate(c.created_by)) : null),
    h("td", {}, Object.entries(c.messages || {}).map(([l, m]) => h("div", {}, h("bdi", { dir: "ltr", text: l + ": " }), isolate(m))),
      c.new_answer ? h("div", { class: "muted", text: t("co.newAnswer") }) : null),
    h("td", {}, c.sent_at ? [timeCell(c.sent_at), h("div", { class: "muted", text: t("co.sent", "", c.free_form || 0, c.template || 0) }),
      c.broadcast ? h("div", { class: "muted", dir: "ltr", text: c.broadcast }) : null] : null),
    h("td", { class: "acts" }, c.state === "pending" ? confirmTwice(h("button", { type: "button", class: "primary", text: t("co.send"), "data-act": "send" }), "co.send", async () => {
      try {
        const body = {};
        const tpl = correctionTemplates();
        if (tpl) Object.assign(body, tpl);
        const v = await api("POST", "/admin/corrections/" + enc(c.id) + "/send", body);
        result($("co-result"), t("co.sent", c.id, v.free_form || 0, v.template || 0), true);
      } catch (e) { result($("co-result"), c.id + ": " + e.message, false); }
      loadCorrections(id, false);
    }, "co-send:" + c.id) : null))), { id: "co-table" }));
}

function corState(s) { const x = t("cos." + s); return x === "cos." + s ? s : x; }

// correctionTemplates is the template the form names, for the people
// outside their window; it serves every language, English first.
function correctionTemplates() {
  const name = $("co-tpl").value.trim(), language = $("co-tpl-lang").value.trim();
  if (!name && !language) return null;
  return { templates: { en: { name, language } }, fallback_language: "en" };
}

$("co-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const id = itools.id, box = $("co-result");
  const messages = {};
  if ($("co-msg-en").value.trim()) messages.en = $("co-msg-en").value.trim();
  if ($("co-msg-ar").value.trim()) messages.ar = $("co-msg-ar").value.trim();
  const body = Object.assign({ entry: $("co-entry").value, since: $("co-since").value, incident: id,
    messages: Object.keys(messages).length ? messages : undefined, new_answer: $("co-new-answer").checked || undefined }, correctionTemplates() || {});
  try {
    const v = await api("POST", "/admin/corrections", body);
    fill(box, h("p", { text: t("co.created", v.id, v.people, v.in_window, v.outside_window) }),
      v.needs_template ? h("p", { class: "error", text: t("co.needsTemplate") }) : null,
      Object.entries(v.preview || {}).map(([l, p]) => h("p", { class: "muted" }, h("bdi", { dir: "ltr", text: l + ": " }), isolate(p))),
      (v.sample || []).length ? h("p", { class: "muted" }, t("co.sample", ""), h("bdi", { dir: "ltr", text: v.sample.join(", ") })) : null);
    box.className = "result ok";
    $("co-form").reset();
  } catch (e) { result(box, e.message, false); }
  loadCorrections(id, false);
});

// ---------- check-ins: who has not answered (agents and admins) ----------
const reach = { seq: 0 };

async function loadReach(force) {
  // A note being typed is not wiped by a timed or live reload.
  const a = document.activeElement;
  if (force !== true && a && $("reach").contains(a) && a.tagName === "INPUT" && a.value) return;
  const seq = ++reach.seq;
  let parts;
  try {
    const d = await api("GET", "/admin/incidents?state=open");
    parts = await Promise.all((d.incidents || []).map(async (x) => {
      const [rep, faq] = await Promise.all([api("GET", "/admin/incidents/" + enc(x.id) + "/report"), api("GET", "/admin/incidents/" + enc(x.id) + "/faq").catch(() => null)]);
      const checkins = (rep.broadcasts || []).filter((b) => b.kind === "checkin");
      const lists = await Promise.all(checkins.map((b) => api("GET", "/admin/broadcasts/" + enc(b.id) + "/unaccounted?limit=" + unaccountedShown)));
      return { x, checkins, lists, faq: faq ? faq.entries || [] : [] };
    }));
  } catch (e) {
    if (seq === reach.seq) unavailable($("reach"), t("re.title"), e);
    return;
  }
  if (seq !== reach.seq || state.page !== "reach") return;
  $("re-error").textContent = "";
  fill($("reach"), parts.length === 0 ? h("p", { class: "muted", text: t("re.none") }) : parts.map((p) => h("section", { class: "card", "data-incident": p.x.id },
    h("h2", {}, p.x.drill ? [h("span", { class: "badge drill", text: t("inc.drillBadge") }), " "] : null, isolate(p.x.name)),
    p.checkins.length === 0 ? h("p", { class: "muted", text: t("re.noCheckins") }) : p.checkins.map((b, i) => h("article", { class: "dash-bc", "data-id": b.id },
      h("h3", {}, b.drill ? [h("span", { class: "badge drill", text: t("bc.drillBadge") }), " "] : null, isolate(b.name), " ",
        h("span", { class: "badge st-" + b.state, text: stateText(b.state) })),
      unaccountedView(b, p.lists[i], $("re-error"), () => loadReach(true)))),
    p.faq.length ? [h("h3", { text: t("if.title") }), overlayTable(p.faq, "", null)] : null)));
}

// ---------- the broadcast composer: SMS fallback, templates, corrections ----------
Object.assign(I18N.en, {
  "bc.sms": "SMS fallback: for people WhatsApp cannot reach", "bc.smsOff": "No SMS for this broadcast",
  "bc.smsFromIncident": "These are the incident's default texts: the broadcast takes a copy. Change them for this broadcast only, or tick No SMS.",
  "bc.smsOwn": "Texts of this broadcast only.", "bc.smsNone": "No SMS fallback: write a text to add one.",
  "bc.smsIsOff": "No SMS for this broadcast, whatever the incident's default.",
  "pv.sms": "SMS fallback", "pv.smsFromIncident": "the incident's default", "pv.smsText": "{0}{1}: {2} segments ({3})",
  "pv.smsFallback": " (for other languages)", "pv.smsEstimate": "{0} people known to be unreachable on WhatsApp get it now; those WhatsApp fails for when sending come on top.",
  "pv.noSMS": "No SMS fallback: people WhatsApp cannot reach get nothing.",
  "pv.correction": "Correction of {0}: it goes to the people that broadcast reached.",
  "bc.syncTpl": "Sync templates from WhatsApp", "bc.syncing": "Syncing…",
  "bc.synced": "Synced {0} templates ({1} approved) from {2}.", "bc.tplInfo": "{0} templates known, last synced {1}.",
  "bc.tplNever": "The template list was never synced.",
  "bc.correct": "Send a correction", "bc.notCorrection": "Not a correction",
  "bc.correctionOf": "Correction of {0}: goes to exactly the {1} people it reached (sent, delivered, read or answered; not those it failed for).",
  "bc.correctionName": "Correction: {0}", "bc.correctionLink": "correction of {0}",
  "bc.smsSource.incident": "SMS: the incident's default", "bc.smsSource.own": "SMS: its own texts", "bc.smsSource.off": "SMS: off",
  "it.smsHint": "Empty both texts to remove the default. Broadcasts already created keep theirs.",
  "it.smsNow": "SMS fallback default: {0}", "it.smsNone": "No SMS fallback default.", "it.smsAfter": "critical broadcasts also after {0} min without delivery",
});
Object.assign(I18N.ar, {
  "bc.sms": "الرسائل النصية البديلة: لمن لا يصلهم واتساب", "bc.smsOff": "بلا رسائل نصية لهذه الرسالة",
  "bc.smsFromIncident": "هذه نصوص الحادثة الافتراضية: تأخذ الرسالة نسخة منها. غيّرها لهذه الرسالة وحدها، أو اختر «بلا رسائل نصية».",
  "bc.smsOwn": "نصوص خاصة بهذه الرسالة.", "bc.smsNone": "لا رسائل نصية بديلة: اكتب نصاً لإضافتها.",
  "bc.smsIsOff": "بلا رسائل نصية لهذه الرسالة، أياً كان إعداد الحادثة.",
  "pv.sms": "الرسائل النصية البديلة", "pv.smsFromIncident": "إعداد الحادثة الافتراضي", "pv.smsText": "{0}{1}: {2} أجزاء ({3})",
  "pv.smsFallback": " (للغات الأخرى)", "pv.smsEstimate": "يصلها الآن {0} ممن يُعرف أن واتساب لا يصلهم؛ ويُضاف إليهم من يفشل واتساب في الإرسال إليهم.",
  "pv.noSMS": "لا رسائل نصية بديلة: من لا يصلهم واتساب لن يصلهم شيء.",
  "pv.correction": "تصحيح لـ{0}: يصل إلى من وصلتهم تلك الرسالة.",
  "bc.syncTpl": "مزامنة القوالب من واتساب", "bc.syncing": "جارٍ المزامنة…",
  "bc.synced": "زُومن {0} قالباً ({1} معتمد) من {2}.", "bc.tplInfo": "{0} قالباً معروفاً، آخر مزامنة {1}.",
  "bc.tplNever": "لم تُزامن قائمة القوالب بعد.",
  "bc.correct": "إرسال تصحيح", "bc.notCorrection": "ليست تصحيحاً",
  "bc.correctionOf": "تصحيح لـ{0}: يصل إلى {1} شخصاً وصلتهم بالضبط (أُرسلت أو وصلت أو قُرئت أو أُجيب عنها؛ لا من فشلت معهم).",
  "bc.correctionName": "تصحيح: {0}", "bc.correctionLink": "تصحيح لـ{0}",
  "bc.smsSource.incident": "الرسائل النصية: إعداد الحادثة", "bc.smsSource.own": "الرسائل النصية: نصوصها الخاصة", "bc.smsSource.off": "الرسائل النصية: معطلة",
  "it.smsHint": "امسح النصين لإزالة الإعداد الافتراضي. الرسائل التي أُنشئت قبلُ تحتفظ بنصوصها.",
  "it.smsNow": "الرسائل النصية البديلة الافتراضية: {0}", "it.smsNone": "لا رسائل نصية بديلة افتراضية.", "it.smsAfter": "وللرسائل الحرجة أيضاً بعد {0} دقيقة بلا وصول",
});

// bcx is the composer's state beyond the form: the incident whose SMS
// default filled the SMS texts, that default, the broadcast a
// correction corrects, and the synced template list.
const bcx = { incident: null, def: null, correction: null, reached: null, templates: [] };

// minutes reads a Go duration ("15m0s", "1h30m0s") as whole minutes.
function minutes(d) {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?/.exec(String(d || ""));
  return m ? Number(m[1] || 0) * 60 + Number(m[2] || 0) : 0;
}

// fillComposerSMS fills the SMS texts from the chosen incident's default
// when the incident changes: the broadcast then takes a copy of it.
function fillComposerSMS() {
  const id = $("bc-incident").value;
  if (id === bcx.incident) return;
  bcx.incident = id;
  const x = inc.list.find((i) => i.id === id);
  bcx.def = x && x.sms && !x.sms.off ? x.sms : null;
  const texts = bcx.def ? bcx.def.texts || {} : {};
  $("bc-sms-en").value = texts.en || "";
  $("bc-sms-ar").value = texts.ar || "";
  $("bc-sms-off").checked = false;
  smsFromText();
  specChanged();
}
$("bc-incident").addEventListener("change", fillComposerSMS);

// composerSMS is the form's SMS fallback as the API takes it: left out
// when the texts are the incident's default (the server copies it and
// its record says so), {"off": true} when ticked off or emptied with a
// default there.
function composerSMS() {
  const en = $("bc-sms-en").value.trim(), ar = $("bc-sms-ar").value.trim();
  const def = bcx.def && bcx.incident === $("bc-incident").value ? bcx.def : null;
  if ($("bc-sms-off").checked) return { mode: "off", sms: { off: true } };
  const dt = def ? def.texts || {} : {};
  if (def && en === (dt.en || "") && ar === (dt.ar || "")) return { mode: "incident" };
  if (!en && !ar) return def ? { mode: "off", sms: { off: true } } : { mode: "none" };
  const texts = {};
  if (en) texts.en = en;
  if (ar) texts.ar = ar;
  const sms = { texts, fallback_language: en ? "en" : "ar" };
  if (def && def.after && $("bc-critical").checked) sms.after = def.after;
  return { mode: "own", sms };
}

function smsFromText() {
  const m = composerSMS().mode;
  $("bc-sms-from").textContent = t({ incident: "bc.smsFromIncident", own: "bc.smsOwn", off: "bc.smsIsOff", none: "bc.smsNone" }[m]);
  for (const f of ["bc-sms-en", "bc-sms-ar"]) $(f).disabled = $("bc-sms-off").checked;
}
$("bc-sms-box").addEventListener("input", smsFromText);
$("bc-sms-box").addEventListener("change", smsFromText);

// composeExtras adds to the spec what this file's parts of the form say:
// the SMS fallback, and for a correction its original instead of an
// audience.
function composeExtras(s) {
  const c = composerSMS();
  if (c.sms) s.sms = c.sms;
  if (bcx.correction) {
    s.correction_of = bcx.correction.id;
    delete s.audience;
  }
}

// previewExtras shows what the preview says of the SMS fallback and of
// a correction.
function previewExtras(pv) {
  const out = [];
  if (pv.correction_of) {
    const o = bc.list.find((b) => b.id === pv.correction_of);
    out.push(h("p", { class: "pv-correction" }, tNodes("pv.correction", isolate(o ? o.name : pv.correction_of))));
  }
  const sms = pv.sms;
  if (!sms) {
    out.push(h("p", { class: "muted pv-sms", text: t("pv.noSMS") }));
    return out;
  }
  out.push(h("div", { class: "pv-sms" },
    h("p", {}, h("strong", { text: t("pv.sms") }), pv.sms_from_incident ? [" · ", h("span", { class: "badge", text: t("pv.smsFromIncident") })] : null),
    (sms.texts || []).map((x) => h("div", { class: "pv-sms-text", "data-lang": x.language },
      h("p", {}, tNodes("pv.smsText", h("bdi", { dir: "ltr", text: x.language }), x.fallback ? t("pv.smsFallback") : "",
        number(x.segments), h("bdi", { dir: "ltr", text: x.encoding }))),
      h("p", {}, isolate(x.text)))),
    h("p", { class: "muted" }, tNodes("pv.smsEstimate", number(sms.estimated_recipients))),
    sms.note ? h("p", { class: "error" }, isolate(sms.note)) : null));
  return out;
}

// broadcastLinks is a broadcast's line in the list saying what it
// corrects and where its SMS comes from.
function broadcastLinks(b) {
  const parts = [];
  if (b.correction_of) {
    const o = bc.list.find((x) => x.id === b.correction_of);
    parts.push(h("span", { class: "correction-of", "data-of": b.correction_of }, tNodes("bc.correctionLink", isolate(o ? o.name : b.correction_of))));
  }
  if (b.sms) parts.push(h("span", { class: "sms-source", "data-sms": b.sms, text: t("bc.smsSource." + b.sms) }));
  if (!parts.length) return null;
  return h("div", { class: "muted" }, parts.flatMap((p, i) => i ? [" · ", p] : [p]));
}

// startCorrection opens the composer for a correction of b: its incident,
// a name saying what it corrects, and the audience "the people b
// reached", counted live.
function startCorrection(b) {
  bcx.correction = { id: b.id, name: b.name };
  $("bc-new").open = true;
  // The correction belongs to the original's incident, closed or not
  // (the API says so if it is closed), or to none.
  const sel = $("bc-incident"), id = b.incident || "";
  if (![...sel.options].some((o) => o.value === id)) sel.append(h("option", { value: id, text: id }));
  sel.value = id;
  fillComposerSMS();
  $("bc-name").value = t("bc.correctionName", b.name).slice(0, 200);
  $("bc-kind").value = "notice";
  $("bc-kind").dispatchEvent(new Event("change"));
  $("bc-audience").hidden = true;
  $("bc-correction").hidden = false;
  bcx.reached = null;
  correctionText();
  loadReached();
  specChanged();
  $("bc-correction").scrollIntoView({ block: "nearest" });
  $("bc-name").focus();
}

function correctionText() {
  const c = bcx.correction;
  if (!c) return;
  const count = bcx.reached === null ? h("span", { class: "muted", text: "…" }) : h("bdi", { id: "bc-correction-count", class: "n", dir: "ltr", text: String(bcx.reached) });
  fill($("bc-correction-text"), tNodes("bc.correctionOf", isolate(c.name), count));
}

// tNodes is t with elements (an isolated name, a number) in place of
// {0}, {1}…, so that they read right inside Arabic text.
function tNodes(key, ...nodes) {
  const s = (I18N[lang] && I18N[lang][key]) || I18N.en[key] || key;
  return s.split(/(\{\d\})/).map((p) => { const m = /^\{(\d)\}$/.exec(p); return m ? nodes[Number(m[1])] : p; });
}

// loadReached counts the people the original reached, now.
async function loadReached() {
  const c = bcx.correction;
  if (!c) return;
  try {
    const r = await api("GET", "/admin/broadcasts/" + enc(c.id) + "/reached");
    if (bcx.correction !== c) return;
    bcx.reached = r.reached;
    correctionText();
  } catch (e) { $("bc-form-error").textContent = c.name + ": " + e.message; }
}
// The count follows the statuses coming in while the form is open.
setInterval(() => { if (bcx.correction && state.page === "broadcasts" && !document.hidden) loadReached(); }, 15000);

function endCorrection() {
  bcx.correction = null;
  bcx.reached = null;
  $("bc-correction").hidden = true;
  $("bc-audience").hidden = false;
  fill($("bc-correction-text"));
}
$("bc-correction-cancel").addEventListener("click", () => { endCorrection(); specChanged(); });

// ---------- the template picker and its sync ----------
// loadComposerTemplates reads the synced list into the composer's picker.
async function loadComposerTemplates() {
  let r;
  try { r = await api("GET", "/admin/templates"); }
  catch (e) { $("bc-tpl-info").textContent = e.message; return; }
  bcx.templates = r.templates || [];
  const approved = bcx.templates.filter((x) => x.status === "APPROVED");
  fill($("bc-tpl-names"), [...new Set(approved.map((x) => x.name))].map((n) => h("option", { value: n })));
  const info = $("bc-tpl-info");
  if (r.last_sync) fill(info, tNodes("bc.tplInfo", number(bcx.templates.length), when(r.last_sync.at, true)));
  else info.textContent = t("bc.tplNever");
}
$("bc-new").addEventListener("toggle", () => { if ($("bc-new").open) loadComposerTemplates(); });

$("bc-sync-tpl").addEventListener("click", async () => {
  const b = $("bc-sync-tpl"), box = $("bc-sync-result");
  b.disabled = true;
  result(box, t("bc.syncing"), true);
  try {
    const r = await api("POST", "/admin/templates/sync");
    fill(box, tNodes("bc.synced", number(r.templates), number(r.approved), isolate(r.source)));
    box.className = "result ok";
    box.dataset.templates = String(r.templates);
  } catch (e) { result(box, e.message, false); }
  b.disabled = false;
  loadComposerTemplates();
});

// Picking a template name fills its language code for the row's contact
// language when the synced list has it.
$("bc-templates").addEventListener("change", (ev) => {
  const input = ev.target;
  if (!input.classList || !input.classList.contains("tpl-name")) return;
  const row = input.closest(".tpl-row");
  const key = row.querySelector(".tpl-key").value.trim().toLowerCase();
  const langs = bcx.templates.filter((x) => x.name === input.value.trim() && x.status === "APPROVED").map((x) => x.language);
  const pick = langs.find((l) => l.toLowerCase() === key) || langs.find((l) => l.toLowerCase().split("_")[0] === key);
  if (pick) row.querySelector(".tpl-lang").value = pick;
  specChanged();
});
