// Small DOM helpers shared by the console and the simulator.
"use strict";

const $ = (id) => document.getElementById(id);

// h builds an element; text is always set as text, never parsed as HTML.
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// isolate shows text someone else typed (a profile name, a message) in a
// <bdi>: direction marks inside it, such as a name ending in U+202E
// RIGHT-TO-LEFT OVERRIDE, cannot reorder what is shown after it.
function isolate(text, attrs) {
  return h("bdi", Object.assign({ dir: "auto", text: text === undefined || text === null ? "" : String(text) }, attrs || {}));
}

// phone shows a WhatsApp number left to right and isolated, whatever
// language or marks surround it.
function phone(n) {
  return h("bdi", { class: "num", dir: "ltr", text: "+" + String(n || "").replace(/^\+/, "") });
}
