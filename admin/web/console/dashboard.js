// Lifeline console: the incident dashboard (#dashboard/{incident}). For
// each broadcast and check-in of the incident, its figures as numbers and
// as charts over time; the incident's three target figures against their
// targets; the people who answered that they need help, with where they
// are and how their conversation stands; and the map of the locations the
// incident's people shared. Everything comes from documented admin
// routes: the incident's report (with who needs help), each broadcast's
// series and unaccounted list, the handoffs, the places and the map
// settings. The page reloads on
// every live event, so it follows the work without a reload of the page.
// Loaded after charts.js (lineChart, figuresView, renderMap) and before
// pages.js, which starts the console.
"use strict";

Object.assign(I18N.en, {
  "dash.open": "Dashboard", "dash.title": "Incident dashboard: {0}", "dash.back": "All incidents",
  "dash.targets": "Targets", "dash.broadcasts": "Broadcasts and check-ins", "dash.needHelp": "People who need help",
  "dash.map": "Shared locations of this incident", "dash.compose": "New broadcast for this incident",
  "dash.delivery": "Delivery", "dash.response": "First reply to a handoff (p90)", "dash.engagement": "Engagement",
  "dash.atLeast": "target at least {0}", "dash.under": "target under {0}", "dash.notYet": "nothing to measure yet",
  "dash.of": "{0} of {1}", "dash.replies": "{0} replies measured, {1} waiting",
  "dash.noBroadcasts": "This incident has no broadcast yet.", "dash.nobody": "Nobody has answered that they need help.",
  "dash.who": "Who", "dash.broadcast": "Broadcast", "dash.answered": "Answered", "dash.where": "Location", "dash.state": "State",
  "dash.noHandoff": "no conversation open", "dash.claimedBy": "claimed by {0}", "dash.urgent": "URGENT",
  "dash.meta": "{0} · {1} · opened {2}", "dash.num.urgent": "Urgent",
  "dash.unaccounted": "Unaccounted: {0} left, {1} reached by staff",
  "dash.more": "And {0} more, not listed here: the broadcast's recipients CSV has everyone.", "dash.final": "The last reminder has gone: nobody will be asked again.",
  "dash.ref": "Ref", "dash.lang": "Language", "dash.delivery.col": "Delivery", "dash.reached": "Reached by staff",
  "dash.markReached": "Mark reached", "dash.note": "Note (how they were reached)",
});
Object.assign(I18N.ar, {
  "dash.open": "لوحة المتابعة", "dash.title": "لوحة متابعة الحادثة: {0}", "dash.back": "كل الحوادث",
  "dash.targets": "الأهداف", "dash.broadcasts": "الرسائل الجماعية ورسائل الاطمئنان", "dash.needHelp": "من يحتاجون مساعدة",
  "dash.map": "المواقع المُرسلة في هذه الحادثة", "dash.compose": "رسالة جماعية جديدة لهذه الحادثة",
  "dash.delivery": "الوصول", "dash.response": "أول رد على طلب مساعدة (المئين 90)", "dash.engagement": "التفاعل",
  "dash.atLeast": "الهدف {0} على الأقل", "dash.under": "الهدف أقل من {0}", "dash.notYet": "لا شيء للقياس بعد",
  "dash.of": "{0} من {1}", "dash.replies": "{0} ردود مقيسة، {1} بالانتظار",
  "dash.noBroadcasts": "لا توجد رسائل جماعية لهذه الحادثة بعد.", "dash.nobody": "لم يُجب أحد بأنه يحتاج مساعدة.",
  "dash.who": "من", "dash.broadcast": "الرسالة", "dash.answered": "وقت الإجابة", "dash.where": "الموقع", "dash.state": "الحالة",
  "dash.noHandoff": "لا محادثة مفتوحة", "dash.claimedBy": "يتابعها {0}", "dash.urgent": "عاجل",
  "dash.meta": "{0} · {1} · فُتحت {2}", "dash.num.urgent": "عاجل",
  "dash.unaccounted": "غير معروف مصيرهم: بقي {0}، وتواصل الفريق مع {1}",
  "dash.more": "و{0} غيرهم لا تظهر هنا: ملف CSV لمستلمي الرسالة فيه الجميع.", "dash.final": "أُرسل آخر تذكير: لن يُسأل أحد مرة أخرى.",
  "dash.ref": "المرجع", "dash.lang": "اللغة", "dash.delivery.col": "الوصول", "dash.reached": "تواصل معه الفريق",
  "dash.markReached": "تم التواصل", "dash.note": "ملاحظة (كيف تم التواصل)",
});

// dash is the dashboard's state: the incident shown and what was loaded
// for it; compose is an incident the broadcast composer should preselect.
const dash = { id: null, seq: 0, data: null, compose: null, open: new Set(), map: { people: [], places: [], tiles: "", selected: null, prefix: "dash-map" } };

// The figures of each broadcast, in the order the broadcasts page uses.
const dashNums = [
  ["targeted", "col.targeted"], ["sent", "col.sent"], ["delivered", "col.delivered"], ["read", "col.read"], ["replied", "col.replied"],
  ["safe", "col.safe"], ["need_help", "col.needHelp"], ["urgent", "dash.num.urgent"], ["unaccounted", "col.unaccounted"],
];
const checkinOnly = ["safe", "need_help", "urgent", "unaccounted"];

// One load at a time per incident: a live event during a load asks for
// one more after it, so that the page still ends on the latest commit
// without loads piling up behind each other (the report of an incident
// affecting 100,000 people takes about two seconds to compute; live
// events come up to twice a second while statuses arrive).
let dashBusy = false, dashAgain = false;
async function loadDashboard() {
  if (dashBusy && state.pageArg === dash.id) { dashAgain = true; return; }
  dashBusy = true;
  try { await loadDashboardOnce(); } finally { dashBusy = false; }
  if (dashAgain) {
    dashAgain = false;
    if (state.page === "dashboard") loadDashboard(); // not once the coordinator has left the page
  }
}

async function loadDashboardOnce() {
  const id = state.pageArg;
  if (!id) { location.hash = "#incidents"; return; }
  if (dash.id !== id) { dash.id = id; dash.data = null; dash.map.selected = null; loadIncidentTools(id, true); }
  // The incident tools' read failed: Save stays off until a reload reads it.
  else if (itools.failed) { itools.failed = false; loadIncidentEdit(id, false); }
  const seq = ++dash.seq;
  let rep, hs, ps, cfg, series, unacc;
  try {
    [rep, hs, ps, cfg] = await Promise.all([api("GET", "/admin/incidents/" + enc(id) + "/report?unaccounted=omit"), api("GET", "/admin/handoffs"),
      api("GET", "/admin/places"), api("GET", "/admin/map")]);
    const bcs = rep.broadcasts || [];
    // Who needs help and who opened a handoff come with the report: what
    // is loaded on each live event grows with them, not with everyone a
    // check-in reached.
    [series, unacc] = await Promise.all([
      Promise.all(bcs.map((b) => api("GET", "/admin/broadcasts/" + enc(b.id) + "/series"))),
      Promise.all(bcs.map((b) => b.kind === "checkin" ? api("GET", "/admin/broadcasts/" + enc(b.id) + "/unaccounted?limit=" + unaccountedShown) : null))]);
  } catch (e) {
    if (seq === dash.seq) { $("dash-error").textContent = e.message; unavailable($("dash-broadcasts"), t("dash.broadcasts"), e); }
    return;
  }
  if (seq !== dash.seq || dash.id !== id) return; // a later load is on its way
  $("dash-error").textContent = "";
  dash.data = { rep, handoffs: hs.handoffs || [], places: ps.places || [], tiles: cfg.tile_url || "", series, unaccounted: unacc };
  renderDashboard();
}

function renderDashboard() {
  const d = dash.data;
  if (!d || state.page !== "dashboard") return;
  const rep = d.rep;
  dashHeader(rep);
  $("dash-report").setAttribute("href", "/admin/incidents/" + enc(rep.incident) + "/report?format=html");
  renderDashTargets(rep);
  renderDashBroadcasts(d);
  renderDashHelp(d);
  renderDashMap(d);
}

// dashHeader shows the incident's name, kind, state and opening time, x
// being its report or (as a report has them) its own read. The incident
// tools' read (incident.js) answers long before the report, and fills the
// header with the form below it: were the header filled only by the
// report, it would grow then and push the form down under a pointer about
// to press Save, and the press would land above the button.
function dashHeader(x) {
  fill($("dash-title"), t("dash.title", ""), isolate(x.name));
  fill($("dash-meta"), x.drill ? [h("span", { class: "badge drill", text: t("inc.drillBadge") }), " "] : null,
    t("dash.meta", t("kind." + x.kind), t("state." + x.state), ""), timeCell(x.from));
  $("dash-compose").hidden = x.state === "closed";
}

// renderDashTargets shows the report's three target figures, each with
// its target and whether it is met.
function renderDashTargets(rep) {
  const tile = (key, label, value, target, met, sub) => h("div", { class: "dash-tile " + (met === true ? "ok" : met === false ? "missed" : ""),
    "data-target": key, "data-met": met === true ? "yes" : met === false ? "no" : "" },
    h("div", { class: "lbl", text: label }), h("div", { class: "big" }, h("bdi", { dir: "ltr", class: "n", text: value })),
    h("div", { class: "muted", text: target }),
    h("div", { class: "muted" }, met === null || met === undefined ? t("dash.notYet") : t(met ? "target.met" : "target.missed")),
    sub ? h("div", { class: "muted", text: sub }) : null);
  const r = (x, key, label) => tile(key, label, x.value === null || x.value === undefined ? "–" : percent(x.value),
    t("dash.atLeast", percent(x.target || 0)), x.met, t("dash.of", x.numerator, x.denominator));
  const hr = rep.first_human_reply || {};
  fill($("dash-targets"),
    r(rep.delivery || {}, "delivery", t("dash.delivery")),
    tile("response", t("dash.response"), hr.p90_seconds === null || hr.p90_seconds === undefined ? "–" : duration(hr.p90_seconds),
      t("dash.under", duration(hr.target_seconds || 300)), hr.met, t("dash.replies", hr.count || 0, hr.no_reply || 0)),
    r(rep.engagement || {}, "engagement", t("dash.engagement")));
}

// renderDashBroadcasts shows each broadcast's latest figures as numbers
// and its series as charts.
function renderDashBroadcasts(d) {
  const box = $("dash-broadcasts");
  const bcs = d.rep.broadcasts || [];
  if (bcs.length === 0) { fill(box, h("p", { class: "muted", text: t("dash.noBroadcasts") })); return; }
  const width = Math.max(260, (box.clientWidth || 320) - 2);
  fill(box, bcs.map((b, i) => {
    const s = d.series[i] || { points: [] }, pts = s.points || [];
    const last = pts.length ? pts[pts.length - 1] : {};
    const checkin = b.kind === "checkin";
    const value = (k) => {
      if (!checkin && checkinOnly.includes(k)) return "–";
      if (k === "targeted") return s.targeted || b.targeted || 0;
      // Before the first send, every targeted person of a check-in is unaccounted.
      if (k === "unaccounted" && pts.length === 0) return s.targeted || b.targeted || 0;
      return last[k] || 0;
    };
    return h("article", { class: "dash-bc", "data-id": b.id, "data-kind": b.kind, "data-state": b.state },
      h("h3", {}, b.drill ? [h("span", { class: "badge drill", text: t("bc.drillBadge") }), " "] : null, isolate(b.name), " ",
        h("span", { class: "muted", text: t(checkin ? "bc.kindCheckinShort" : "bc.kindNotice") }), " ",
        h("span", { class: "badge st-" + b.state, text: stateText(b.state) })),
      h("div", { class: "dash-nums" }, dashNums.map(([k, label]) => h("div", { class: "dash-num", "data-num": k },
        h("span", { class: "lbl", text: t(label) }), number(value(k))))),
      ...figuresView(s, width, "dash-table-" + b.id).flat(),
      d.unaccounted[i] ? unaccountedView(b, d.unaccounted[i]) : null);
  }));
}

// unaccountedShown is how many of a check-in's unaccounted a page lists:
// early in a large check-in that is nearly everyone, loaded again on each
// live event; the rest are counted and in the recipients CSV.
const unaccountedShown = 200;

// unaccountedView is a check-in's people without an answer, for staff
// to reach by other means and mark: each then counts as accounted for.
// errBox and reload are where a refusal is shown and what reloads after
// a mark: the dashboard's, or the agents' check-ins page's.
function unaccountedView(b, l, errBox, reload) {
  errBox = errBox || $("dash-error");
  reload = reload || loadDashboard;
  const people = l.people || [];
  const row = (p) => {
    const note = h("input", { type: "text", dir: "auto", maxlength: "500", "aria-label": t("dash.note"), placeholder: t("dash.note") });
    const mark = h("form", { class: "inline-form" }, note, h("button", { type: "submit", text: t("dash.markReached"), "data-act": "reached" }));
    mark.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      errBox.textContent = "";
      try { await api("POST", "/admin/broadcasts/" + enc(b.id) + "/unaccounted/" + enc(p.ref) + "/reached", { note: note.value.trim() }); }
      catch (e) { errBox.textContent = b.name + ": " + e.message; }
      reload();
    });
    return h("tr", { "data-ref": p.ref, "data-wa": p.wa_id || "", "data-reached": p.reached ? "yes" : "no" },
      h("th", { scope: "row" }, p.name ? [isolate(p.name), " · "] : null, p.wa_id ? phone(p.wa_id) : isolate(p.ref)),
      h("td", { text: p.language || "" }), h("td", { text: p.delivery || "" }),
      h("td", {}, p.reached ? [isolate(p.reached.by || ""), " · ", timeCell(p.reached.at),
        p.reached.note ? h("div", { class: "muted" }, isolate(p.reached.note)) : null] : mark));
  };
  const key = "unacc:" + b.id;
  const box = h("details", { class: "fig-table dash-unacc", open: dash.open.has(key) },
    h("summary", { text: t("dash.unaccounted", l.remaining || 0, l.reached_by_staff || 0) }),
    l.final ? h("p", { class: "muted", text: t("dash.final") }) : null,
    grid(["dash.who", "dash.lang", "dash.delivery.col", "dash.reached"], people.map(row), { class: "unacc-table" }),
    l.more ? h("p", { class: "muted", "data-more": String(l.more), text: t("dash.more", l.more) }) : null);
  // Kept open across the live reloads that rebuild it.
  box.addEventListener("toggle", () => { if (box.open) dash.open.add(key); else dash.open.delete(key); });
  return box;
}

// dashHelp lists each person who answered a check-in of the incident
// that they need help, once (their latest answer, as the report lists
// them), with their handoff.
function dashHelp(d) {
  const handoffs = new Map(d.handoffs.map((x) => [x.user, x]));
  const people = (d.rep.need_help || []).map((p) => Object.assign({}, p, { broadcast: p.broadcast_name, handoff: handoffs.get(p.wa_id) || null }));
  // Urgent first, then those nobody works on, then the latest answers.
  const rank = (p) => (p.handoff && p.handoff.urgent ? 0 : 2) + (p.handoff && p.handoff.agent ? 1 : 0);
  return people.sort((a, b) => rank(a) - rank(b) || new Date(b.answered_at) - new Date(a.answered_at));
}

function helpLocation(p) {
  const loc = p.handoff && p.handoff.location;
  const lat = p.latitude != null ? Number(p.latitude) : loc ? loc.latitude : null;
  const lon = p.longitude != null ? Number(p.longitude) : loc ? loc.longitude : null;
  if (lat === null || lon === null || !isFinite(lat) || !isFinite(lon)) return null;
  return { lat, lon, label: loc ? loc.name || loc.address || "" : "" };
}

function renderDashHelp(d) {
  const rows = dashHelp(d).map((p) => {
    const x = p.handoff, loc = helpLocation(p);
    const pt = loc ? { kind: "person", user: p.wa_id, name: x ? x.name || "" : "", lat: loc.lat, lon: loc.lon } : null;
    return h("tr", { "data-wa": p.wa_id, "data-status": x ? x.status : "" },
      h("th", { scope: "row" }, x && x.name ? [isolate(x.name), " · "] : null, phone(p.wa_id)),
      h("td", {}, isolate(p.broadcast)),
      h("td", {}, timeCell(p.answered_at)),
      h("td", {}, loc ? [h("bdi", { class: "num", dir: "ltr", text: loc.lat.toFixed(5) + ", " + loc.lon.toFixed(5) }),
        loc.label ? h("div", { class: "muted" }, isolate(loc.label)) : null, h("div", {}, mapLinks(pt))] : "–",
        p.description ? h("div", { class: "muted" }, isolate(p.description)) : null),
      h("td", {}, x ? [x.urgent ? [h("span", { class: "badge urgent", text: t("dash.urgent") }), " "] : null,
        h("span", { class: "badge st-" + x.status, text: t("status." + x.status) }),
        x.agent ? h("div", { class: "muted" }, t("dash.claimedBy", ""), isolate(x.agent)) : null] : h("span", { class: "muted", text: t("dash.noHandoff") })),
      h("td", {}, btn("bc.openConv", () => openConversation(p.wa_id), { "data-act": "open" })));
  });
  fill($("dash-help"), rows.length === 0 ? h("p", { class: "muted", text: t("dash.nobody") })
    : grid(["dash.who", "dash.broadcast", "dash.answered", "dash.where", "dash.state", "actions"], rows, { id: "dash-help-table" }));
}

// renderDashMap draws the locations shared by the incident's people
// (those who opened a handoff during it, or answered a check-in that they
// need help) and the places, as the map page does.
function renderDashMap(d) {
  const ours = new Set([...(d.rep.handoff_users || []), ...(d.rep.need_help || []).map((p) => p.wa_id)]);
  const people = mapPeople(d.handoffs.filter((x) => ours.has(x.user)));
  // A location sent with a check-in answer, when no handoff holds one.
  for (const p of dashHelp(d)) {
    const loc = helpLocation(p);
    if (!loc || people.some((x) => x.user === p.wa_id)) continue;
    people.push({ id: "p:" + p.wa_id, kind: "person", user: p.wa_id, name: "", urgent: false, lat: loc.lat, lon: loc.lon, label: p.description || "", at: p.answered_at });
  }
  Object.assign(dash.map, { people, places: mapPlaces(d.places), tiles: d.tiles });
  renderMap(dash.map);
}

$("dash-compose").addEventListener("click", () => {
  dash.compose = dash.id;
  if (inc.list.length) fillIncidentPicker();
  location.hash = "#broadcasts";
  $("bc-new").open = true;
});
