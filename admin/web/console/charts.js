// Lifeline console: a broadcast's figures over time and the map of shared
// locations. Both are plain SVG drawn here from the admin API's numbers,
// with no library and nothing fetched from elsewhere, so that they work
// offline; each has a table with the same figures for screen readers.
// Loaded before pages.js, which starts the console: the strings here must
// be in place when the page is first translated.
"use strict";

Object.assign(I18N.en, {
  "nav.map": "Map",
  "fig.title": "Over time: {0}", "fig.show": "Chart", "fig.people": "People over time", "fig.table": "The figures as a table",
  "fig.time": "Time", "fig.delivery": "Delivery rate", "fig.response": "Response time (median)", "fig.engagement": "Engagement",
  "fig.target": "target {0}", "fig.targeted": "targeted {0}", "fig.minutes": "{0} min", "fig.seconds": "{0} s", "fig.none": "Nothing sent yet.",
  "fig.latest": "{0}: {1} at {2}", "fig.desc": "From {0} to {1}. {2}",
  "fig.urgent": "Urgent", "fig.measured": "{0} against the target {1}: {2}",
  "map.title": "Map of shared locations", "map.people": "People who shared a location", "map.places": "Places",
  "map.offline": "Drawn from the coordinates alone: no map tiles are configured (LIFELINE_MAP_TILE_URL).",
  "map.tiles": "Map tiles from {0}.", "map.none": "Nobody has shared a location and no place is recorded.",
  "map.who": "Who or what", "map.kind": "Kind", "map.where": "Where", "map.when": "Shared", "map.person": "person",
  "map.urgent": "urgent", "map.openApp": "Open in maps app", "map.openWeb": "OpenStreetMap", "map.close": "Close",
  "map.point": "{0}, {1}: {2}", "map.scale": "Scale: {0}", "map.graticule": "Lines every {0}°",
  "map.svgTitle": "{0} people and {1} places", "map.selected": "Selected: {0}",
});
Object.assign(I18N.ar, {
  "nav.map": "الخريطة",
  "fig.title": "عبر الزمن: {0}", "fig.show": "رسم بياني", "fig.people": "الأشخاص عبر الزمن", "fig.table": "الأرقام في جدول",
  "fig.time": "الوقت", "fig.delivery": "نسبة الوصول", "fig.response": "زمن الاستجابة (الوسيط)", "fig.engagement": "التفاعل",
  "fig.target": "الهدف {0}", "fig.targeted": "المستهدفون {0}", "fig.minutes": "{0} د", "fig.seconds": "{0} ث", "fig.none": "لم يُرسل شيء بعد.",
  "fig.latest": "{0}: {1} عند {2}", "fig.desc": "من {0} إلى {1}. {2}",
  "fig.urgent": "عاجل", "fig.measured": "{0} مقابل الهدف {1}: {2}",
  "map.title": "خريطة المواقع المُرسلة", "map.people": "أشخاص أرسلوا موقعهم", "map.places": "الأماكن",
  "map.offline": "مرسومة من الإحداثيات وحدها: لا توجد بلاطات خريطة مُعدّة (LIFELINE_MAP_TILE_URL).",
  "map.tiles": "بلاطات الخريطة من {0}.", "map.none": "لم يُرسل أحد موقعه ولا يوجد مكان مسجّل.",
  "map.who": "من أو ماذا", "map.kind": "النوع", "map.where": "المكان", "map.when": "أُرسل", "map.person": "شخص",
  "map.urgent": "عاجل", "map.openApp": "فتح في تطبيق الخرائط", "map.openWeb": "OpenStreetMap", "map.close": "إغلاق",
  "map.point": "{0}، {1}: {2}", "map.scale": "المقياس: {0}", "map.graticule": "خطوط كل {0}°",
  "map.svgTitle": "{0} أشخاص و{1} أماكن", "map.selected": "المحدد: {0}",
});

const SVG = "http://www.w3.org/2000/svg";
// s builds an SVG element; like h, text is set as text.
function svgEl(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") el.textContent = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) if (c) el.append(c);
  return el;
}
let svgIds = 0;
const svgId = (p) => p + "-" + (++svgIds);

// niceStep is a round step (1, 2 or 5 times a power of ten) that splits
// span into about n parts.
function niceStep(span, n) {
  if (!(span > 0)) return 1;
  const raw = span / n, p = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}
function hhmm(d, secs) {
  return d.toLocaleTimeString(locale(), secs ? { hour: "2-digit", minute: "2-digit", second: "2-digit" } : { hour: "2-digit", minute: "2-digit" });
}

// lineChart draws series of numbers over the same times, with an
// optional target line, at the width of its box. Labels of the time axis
// are spaced by the width they need, so they never overlap; the legend is
// HTML below the drawing and wraps on a phone.
function lineChart(o) {
  const W = Math.max(260, Math.floor(o.width)), H = o.height || 200;
  // The right margin holds half of a centred time label.
  const m = { l: 46, r: 30, t: 14, b: 26 };
  const pw = W - m.l - m.r, ph = H - m.t - m.b;
  const n = o.times.length;
  let top = o.yMax || 0;
  for (const sr of o.series) for (const v of sr.values) if (v !== null) top = Math.max(top, v);
  if (o.target) top = Math.max(top, o.target.value);
  const step = niceStep(top || 1, 4);
  top = Math.max(step, Math.ceil(top / step) * step);
  const x = (i) => m.l + (n <= 1 ? pw : (pw * i) / (n - 1));
  const y = (v) => m.t + ph - (ph * v) / top;
  const title = svgId("t"), desc = svgId("d");
  const svg = svgEl("svg", { viewBox: "0 0 " + W + " " + H, width: W, height: H, role: "img", "aria-labelledby": title + " " + desc, dir: "ltr", class: "chart" },
    svgEl("title", { id: title, text: o.title }), svgEl("desc", { id: desc, text: o.desc }));
  // The value axis: grid lines and their labels.
  for (let v = 0; v <= top + 1e-9; v += step) {
    svg.append(svgEl("line", { x1: m.l, x2: W - m.r, y1: y(v), y2: y(v), class: "grid" }),
      svgEl("text", { x: m.l - 6, y: y(v) + 4, "text-anchor": "end", class: "tick", text: o.yFormat(v) }));
  }
  // The time axis: as many labels as fit at 64 px each.
  const secs = o.stepSeconds < 60;
  const every = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(pw / 64))));
  // A label that reads as the one before (the last point, now, inside the
  // last bucket) is left out.
  let prev = null;
  for (let i = 0; i < n; i += every) {
    const anchor = n === 1 ? "end" : i === 0 ? "start" : "middle";
    const label = hhmm(o.times[i], secs);
    if (label !== prev) svg.append(svgEl("text", { x: x(i), y: H - 8, "text-anchor": anchor, class: "tick", text: label }));
    prev = label;
  }
  if (o.target) {
    const ty = y(o.target.value);
    svg.append(svgEl("line", { x1: m.l, x2: W - m.r, y1: ty, y2: ty, class: "target-line", "data-target": o.target.value }),
      // Above the line, or below it when the line is near the top.
      svgEl("text", { x: W - m.r - 8, y: ty - m.t < 14 ? ty + 13 : ty - 4, "text-anchor": "end", class: "target-label", text: o.target.label }));
  }
  // A value of null is not measured yet (a rate before anything was
  // sent): the line starts where the measure does.
  for (const sr of o.series) {
    const pts = sr.values.map((v, i) => (v === null ? null : x(i).toFixed(1) + "," + y(v).toFixed(1))).filter(Boolean).join(" ");
    svg.append(svgEl("polyline", { points: pts, class: "line", stroke: sr.color, "data-key": sr.key }));
    const last = sr.values.length - 1;
    if (last >= 0 && sr.values[last] !== null) svg.append(svgEl("circle", { cx: x(last), cy: y(sr.values[last]), r: 3, fill: sr.color }));
  }
  const legend = h("div", { class: "legend chart-legend" }, o.series.map((sr) => {
    const sw = h("i", { class: "sw" });
    sw.style.background = sr.color;
    return h("span", { "data-key": sr.key }, sw, sr.label + " ", h("bdi", { class: "n", dir: "ltr", "data-fig": sr.key, text: sr.text(sr.values[sr.values.length - 1]) }));
  }));
  return h("figure", { class: "chart-box", "data-chart": o.key }, h("figcaption", { text: o.title }), svg, legend);
}

// ---------- a broadcast's figures over time ----------
const figs = { id: null, data: null, seq: 0 };

// The colours have at least 3:1 contrast on white, and differ in lightness
// as well as hue.
const figLines = [
  ["sent", "col.sent", "#1f4e9c"], ["delivered", "col.delivered", "#2a7f8f"], ["read", "col.read", "#6b4fa3"],
  ["replied", "col.replied", "#8a5a00"], ["safe", "col.safe", "#2e7d32"], ["need_help", "col.needHelp", "#b3261e"],
  ["urgent", "fig.urgent", "#6d0f0a"], ["unaccounted", "col.unaccounted", "#5f6368"],
];

async function loadFigures() {
  const card = $("bc-figures-card");
  if (!figs.id || !bc.list.some((b) => b.id === figs.id)) {
    const b = bc.list.find((x) => x.sent > 0);
    figs.id = b ? b.id : null;
  }
  if (!figs.id) { card.hidden = true; return; }
  card.hidden = false;
  const id = figs.id, seq = ++figs.seq;
  let data;
  try { data = await api("GET", "/admin/broadcasts/" + enc(id) + "/series"); }
  catch (e) { unavailable($("bc-figures"), t("fig.people"), e); return; }
  if (seq !== figs.seq) return; // a later load is on its way
  figs.data = data;
  renderFigures();
}

function renderFigures() {
  const data = figs.data, box = $("bc-figures");
  if (!data) return;
  const b = bc.list.find((x) => x.id === data.id) || { name: data.id };
  fill($("bc-figures-title"), t("fig.title", ""), isolate(b.name));
  fill(box, figuresView(data, box.clientWidth || 320, "figures-table"));
}

// figuresView is a broadcast's series drawn as charts: the people over
// time, the three target figures, and the same figures as a table (with
// tableId as its id). The broadcasts page and the incident dashboard
// both draw with it.
function figuresView(data, width, tableId) {
  // The response time is drawn in minutes, the unit of its target.
  const pts = (data.points || []).map((p) => Object.assign({ response_p50_minutes: (p.response_p50_seconds || 0) / 60 }, p));
  if (pts.length === 0) return [h("p", { class: "muted", text: t("fig.none") })];
  const checkin = data.kind === "checkin";
  const times = pts.map((p) => new Date(p.at));
  const last = pts[pts.length - 1];
  const from = hhmm(times[0], data.step_seconds < 60), to = hhmm(times[times.length - 1], data.step_seconds < 60);
  const lines = figLines.filter(([k]) => checkin || !["safe", "need_help", "urgent", "unaccounted"].includes(k));
  const series = lines.map(([k, label, color]) => ({ key: k, label: t(label), color, values: pts.map((p) => p[k] || 0), text: (v) => String(v) }));
  const latest = series.map((sr) => sr.label + " " + sr.values[sr.values.length - 1]).join(", ");
  const charts = [lineChart({
    key: "people", title: t("fig.people"), width, height: 220, times, stepSeconds: data.step_seconds, series,
    yMax: data.targeted, yFormat: (v) => String(Math.round(v)),
    target: data.targeted ? { value: data.targeted, label: t("fig.targeted", data.targeted) } : null,
    desc: t("fig.desc", from, to, t("col.targeted") + " " + data.targeted + ", " + latest),
  })];
  const tg = data.targets || {};
  const pct = (v) => Math.round(v * 100) + "%";
  const small = width >= 700 ? Math.floor((width - 24) / 3) : width;
  const rateChart = (key, label, field, target, fmt, color, ok, measured) => {
    const values = pts.map((p) => (measured(p) ? p[field] || 0 : null));
    const now = values[values.length - 1] || 0;
    const verdict = last.sent > 0 ? t(ok(now) ? "target.met" : "target.missed") : "–";
    return lineChart({
      key, title: label, width: small, height: 170, times, stepSeconds: data.step_seconds, yFormat: fmt, yMax: key === "response" ? 0 : 1,
      series: [{ key, label, color, values, text: (v) => (v === null ? "–" : fmt(v)) }], target: { value: target, label: t("fig.target", fmt(target)) },
      desc: t("fig.desc", from, to, t("fig.measured", label + " " + fmt(now), fmt(target), verdict)),
    });
  };
  const mins = (v) => (v > 0 && v < 1 ? t("fig.seconds", Math.round(v * 60)) : t("fig.minutes", Math.round(v * 10) / 10));
  const rates = h("div", { class: "chart-row" },
    rateChart("delivery", t("fig.delivery"), "delivery_rate", tg.delivery_rate || 0.95, pct, "#2a7f8f", (v) => v >= (tg.delivery_rate || 0.95), (p) => p.sent > 0),
    rateChart("response", t("fig.response"), "response_p50_minutes", (tg.response_seconds || 300) / 60, mins, "#8a5a00", (v) => v <= (tg.response_seconds || 300) / 60, (p) => p.replied > 0),
    rateChart("engagement", t("fig.engagement"), "engagement_rate", tg.engagement_rate || 0.3, pct, "#6b4fa3", (v) => v >= (tg.engagement_rate || 0.3), (p) => p.delivered > 0));
  // The same figures as a table, for whoever cannot see the lines.
  const cols = lines.map(([k, label]) => [k, t(label)]);
  const table = h("details", { class: "fig-table" }, h("summary", { text: t("fig.table") }),
    h("div", { class: "scroll", tabindex: "0" }, h("table", { id: tableId },
      h("thead", {}, h("tr", {}, h("th", { scope: "col", text: t("fig.time") }), cols.map(([, l]) => h("th", { scope: "col", text: l })),
        h("th", { scope: "col", text: t("fig.delivery") }), h("th", { scope: "col", text: t("fig.response") }), h("th", { scope: "col", text: t("fig.engagement") }))),
      h("tbody", {}, pts.map((p, i) => h("tr", {}, h("th", { scope: "row", text: hhmm(times[i], data.step_seconds < 60) }),
        cols.map(([k]) => h("td", { class: "num-cell" }, number(p[k] || 0))),
        h("td", { class: "num-cell", text: p.sent > 0 ? pct(p.delivery_rate) : "–" }),
        h("td", { class: "num-cell", text: p.replied > 0 ? mins(p.response_p50_minutes) : "–" }),
        h("td", { class: "num-cell", text: p.delivered > 0 ? pct(p.engagement_rate) : "–" })))))));
  return [charts, rates, table];
}

// A phone turned sideways, or a window resized, redraws at the new width.
let figResize = null;
window.addEventListener("resize", () => {
  clearTimeout(figResize);
  figResize = setTimeout(() => { if (state.page === "broadcasts") renderFigures(); if (state.page === "map") renderMap(mapState); if (state.page === "dashboard") renderDashboard(); }, 200);
});

// ---------- the map of shared locations ----------
// A map's state: its points and where it is drawn (prefix names its
// elements: prefix, prefix-svg, prefix-note, prefix-detail, prefix-list).
// The map page and the incident dashboard each have one.
const mapState = { people: [], places: [], tiles: "", selected: null, prefix: "map" };

async function loadMapPage() {
  const box = $("map");
  let hs, ps, cfg;
  try {
    [hs, ps, cfg] = await Promise.all([api("GET", "/admin/handoffs"), api("GET", "/admin/places"), api("GET", "/admin/map")]);
  } catch (e) { unavailable(box, t("map.title"), e); return; }
  mapState.people = mapPeople(hs.handoffs || []);
  mapState.places = mapPlaces(ps.places || []);
  mapState.tiles = cfg.tile_url || "";
  renderMap(mapState);
}

// mapPeople are the handoffs with a shared location, as map points.
function mapPeople(handoffs) {
  return handoffs.filter((x) => x.location && isFinite(x.location.latitude) && isFinite(x.location.longitude))
    .map((x) => ({ id: "p:" + x.id, kind: "person", user: x.user, name: x.name || "", urgent: !!x.urgent, lat: x.location.latitude,
      lon: x.location.longitude, label: x.location.name || x.location.address || "", at: x.location_at }));
}
function mapPlaces(places) {
  return places.map((p) => ({ id: "pl:" + p.id, kind: p.kind, state: p.state, lat: p.lat, lon: p.lon,
    name: p.name[lang] || p.name.default || p.id, label: p.address || "" }));
}

// Web Mercator, the projection of map tiles: x and y from 0 to 1 over the world.
const mercX = (lon) => (lon + 180) / 360;
const mercY = (lat) => {
  const r = (Math.max(-85, Math.min(85, lat)) * Math.PI) / 180;
  return (1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2;
};
const unmercLat = (y) => (Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180) / Math.PI;

function pointName(p) {
  if (p.kind === "person") return (p.name ? p.name + " " : "") + "+" + String(p.user).replace(/^\+/, "");
  return p.name;
}
function pointKind(p) {
  if (p.kind === "person") return t(p.urgent ? "map.urgent" : "map.person");
  const k = t("pk." + p.kind);
  return k === "pk." + p.kind ? p.kind : k;
}

function renderMap(ms) {
  const box = $(ms.prefix), all = ms.people.concat(ms.places);
  $(ms.prefix + "-note").textContent = ms.tiles ? t("map.tiles", new URL(ms.tiles.replace(/\{[zxy]\}/g, "0")).host) : t("map.offline");
  if (all.length === 0) { fill(box, h("p", { class: "muted", text: t("map.none") })); fill($(ms.prefix + "-list"), ""); return; }
  const W = Math.max(280, Math.floor(box.clientWidth || 320)), H = Math.round(Math.min(560, Math.max(280, W * 0.62)));
  const pad = 40; // room for the edge labels and the scale bar
  // The bounding box of the points, at least about a kilometre wide.
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const p of all) {
    const x = mercX(p.lon), y = mercY(p.lat);
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  const minSpan = 0.00003;
  if (x1 - x0 < minSpan) { const c = (x0 + x1) / 2; x0 = c - minSpan / 2; x1 = c + minSpan / 2; }
  if (y1 - y0 < minSpan) { const c = (y0 + y1) / 2; y0 = c - minSpan / 2; y1 = c + minSpan / 2; }
  const scale = Math.min((W - 2 * pad) / (x1 - x0), (H - 2 * pad) / (y1 - y0)); // pixels per world unit
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  const px = (x) => W / 2 + (x - cx) * scale, py = (y) => H / 2 + (y - cy) * scale;
  const wx = (X) => cx + (X - W / 2) / scale, wy = (Y) => cy + (Y - H / 2) / scale;
  const title = svgId("mt"), desc = svgId("md");
  const svg = svgEl("svg", { viewBox: "0 0 " + W + " " + H, width: W, height: H, role: "group", "aria-labelledby": title + " " + desc, dir: "ltr", class: "map-svg", id: ms.prefix + "-svg" },
    svgEl("title", { id: title, text: t("map.svgTitle", ms.people.length, ms.places.length) }),
    svgEl("desc", { id: desc, text: all.map((p) => t("map.point", p.lat.toFixed(5), p.lon.toFixed(5), pointName(p))).join("; ") }),
    svgEl("rect", { x: 0, y: 0, width: W, height: H, class: "map-bg" }));
  // Tiles, when configured, under everything else.
  if (ms.tiles) {
    const z = Math.max(0, Math.min(19, Math.round(Math.log2(scale / 256))));
    const n = Math.pow(2, z), size = scale / n;
    const tx0 = Math.floor(wx(0) * n), tx1 = Math.floor(wx(W) * n), ty0 = Math.floor(wy(0) * n), ty1 = Math.floor(wy(H) * n);
    if ((tx1 - tx0 + 1) * (ty1 - ty0 + 1) <= 64) {
      for (let tx = tx0; tx <= tx1; tx++) for (let ty = Math.max(0, ty0); ty <= Math.min(n - 1, ty1); ty++) {
        const wrapped = ((tx % n) + n) % n;
        const href = ms.tiles.replace("{z}", z).replace("{x}", wrapped).replace("{y}", ty);
        svg.append(svgEl("image", { href, x: px(tx / n), y: py(ty / n), width: size + 0.5, height: size + 0.5, class: "tile" }));
      }
    }
  }
  // The graticule: round degrees, labelled at the edges.
  const lonW = wx(0) * 360 - 180, lonE = wx(W) * 360 - 180, latN = unmercLat(wy(0)), latS = unmercLat(wy(H));
  // The graticule: round degrees, a line about every 120 px, longitudes
  // labelled along the top and latitudes along the left edge.
  const grat = svgEl("g", { class: "graticule", "aria-hidden": "true" });
  const degrees = (v, step) => v.toFixed(Math.max(0, -Math.floor(Math.log10(step)))) + "°";
  const lonStep = niceStep(lonE - lonW, Math.max(2, Math.round(W / 120))), latStep = niceStep(latN - latS, Math.max(2, Math.round(H / 120)));
  for (let lo = Math.ceil(lonW / lonStep) * lonStep; lo <= lonE; lo += lonStep) {
    const X = px(mercX(lo));
    grat.append(svgEl("line", { x1: X, x2: X, y1: 0, y2: H }), svgEl("text", { x: X + 3, y: 12, text: degrees(lo, lonStep) }));
  }
  for (let la = Math.ceil(latS / latStep) * latStep; la <= latN; la += latStep) {
    const Y = py(mercY(la));
    grat.append(svgEl("line", { x1: 0, x2: W, y1: Y, y2: Y }), svgEl("text", { x: 3, y: Y - 3, text: degrees(la, latStep) }));
  }
  svg.append(grat);
  // The scale bar, bottom right: the largest round distance (1, 2 or 5
  // times a power of ten) within a fifth of the width.
  const lat = unmercLat(cy), mPerPx = (40075016.686 * Math.cos((lat * Math.PI) / 180)) / scale;
  const room = (mPerPx * W) / 5, p10 = Math.pow(10, Math.floor(Math.log10(room)));
  const dist = [5, 2, 1].map((k) => k * p10).find((d) => d <= room) || p10, barW = dist / mPerPx;
  const distText = dist >= 1000 ? (dist / 1000) + " km" : dist + " m";
  svg.append(svgEl("g", { class: "scalebar", "aria-hidden": "true" },
    svgEl("rect", { x: W - barW - 16, y: H - 30, width: barW + 8, height: 24, class: "scale-bg" }),
    svgEl("line", { x1: W - barW - 12, x2: W - 12, y1: H - 10, y2: H - 10 }),
    svgEl("text", { x: W - 12, y: H - 15, "text-anchor": "end", text: distText })));
  // Points, places under people; a label where it does not collide.
  const placed = [];
  const fits = (r) => !placed.some((q) => r.x < q.x + q.w && q.x < r.x + r.w && r.y < q.y + q.h && q.y < r.y + r.h);
  const pts = svgEl("g", { class: "points" });
  for (const p of ms.places.concat(ms.people)) {
    const X = px(mercX(p.lon)), Y = py(mercY(p.lat));
    const name = pointName(p);
    const mark = p.kind === "person"
      ? svgEl("circle", { cx: X, cy: Y, r: 7, class: "pt person" + (p.urgent ? " urgent" : "") })
      : svgEl("rect", { x: X - 6, y: Y - 6, width: 12, height: 12, class: "pt place st-" + (p.state || "open") });
    const g = svgEl("g", { class: "point" + (ms.selected === p.id ? " selected" : ""), tabindex: "0", role: "button", "data-id": p.id,
      "aria-label": pointKind(p) + ": " + name + ", " + p.lat.toFixed(5) + ", " + p.lon.toFixed(5),
      onclick: () => selectPoint(ms, p.id), onkeydown: (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); selectPoint(ms, p.id); } } }, mark);
    const text = p.kind === "person" ? (p.name || "+" + p.user) : p.name;
    const r = { x: X + 10, y: Y - 8, w: text.length * 6.5 + 4, h: 14 };
    if (r.x + r.w > W) r.x = X - 10 - r.w;
    if (fits(r)) {
      placed.push(r);
      g.append(svgEl("text", { x: r.x + (r.x < X ? r.w : 0), y: Y + 4, "text-anchor": r.x < X ? "end" : "start", class: "pt-label", text }));
    }
    placed.push({ x: X - 7, y: Y - 7, w: 14, h: 14 });
    pts.append(g);
  }
  svg.append(pts);
  fill(box, svg);
  renderMapList(ms);
  renderSelected(ms);
}

function selectPoint(ms, id) {
  ms.selected = id;
  for (const g of document.querySelectorAll("#" + ms.prefix + "-svg .point")) g.classList.toggle("selected", g.dataset.id === id);
  renderSelected(ms);
}

function mapLinks(p) {
  const la = p.lat.toFixed(5), lo = p.lon.toFixed(5);
  return [h("a", { href: "geo:" + la + "," + lo + "?q=" + la + "," + lo + "(" + encodeURIComponent(pointName(p)) + ")", class: "geo", text: t("map.openApp") }), " · ",
    h("a", { href: "https://www.openstreetmap.org/?mlat=" + la + "&mlon=" + lo + "#map=17/" + la + "/" + lo, target: "_blank", rel: "noopener noreferrer", text: t("map.openWeb") })];
}

function renderSelected(ms) {
  const box = $(ms.prefix + "-detail");
  const p = ms.people.concat(ms.places).find((x) => x.id === ms.selected);
  if (!p) { box.hidden = true; fill(box); return; }
  box.hidden = false;
  fill(box, h("h2", {}, t("map.selected", ""), isolate(pointName(p))),
    h("p", {}, pointKind(p), p.label ? [" · ", isolate(p.label)] : null, p.at ? [" · ", timeCell(p.at)] : null),
    h("p", {}, h("bdi", { class: "num", dir: "ltr", text: p.lat.toFixed(5) + ", " + p.lon.toFixed(5) })),
    h("p", {}, mapLinks(p)),
    p.kind === "person" ? h("p", {}, btn("bc.openConv", () => openConversation(p.user), { "data-act": "open" })) : null,
    h("p", {}, btn("map.close", () => { selectPoint(ms, null); })));
}

// renderMapList is the map's table: every point, with the same links.
function renderMapList(ms) {
  const row = (p) => h("tr", { "data-id": p.id },
    h("th", { scope: "row" }, isolate(pointName(p))), h("td", { text: pointKind(p) }),
    h("td", {}, h("bdi", { class: "num", dir: "ltr", text: p.lat.toFixed(5) + ", " + p.lon.toFixed(5) }), p.label ? h("div", { class: "muted" }, isolate(p.label)) : null),
    h("td", {}, mapLinks(p)));
  fill($(ms.prefix + "-list"),
    h("h2", { text: t("map.people") }), grid(["map.who", "map.kind", "map.where", "actions"], ms.people.map(row), { id: ms.prefix + "-people" }),
    h("h2", { text: t("map.places") }), grid(["map.who", "map.kind", "map.where", "actions"], ms.places.map(row), { id: ms.prefix + "-places" }));
}
