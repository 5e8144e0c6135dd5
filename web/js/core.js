// Awaaz web client: citizens, officers and the public; English and Urdu; no build step.
// This file holds what every page uses (the API, texts, the shell, the router); each page lives in its own file.
// Every server text goes through esc() before it reaches the page.
"use strict";

const API = ((window.AWAAZ_CONFIG || {}).apiBaseUrl || "http://127.0.0.1:8000").replace(/\/$/, "");
const state = {
  lang: localStorage.getItem("awaaz.lang") || "en",
  token: sessionStorage.getItem("awaaz.token"),
  me: null,
  categories: [],
  districts: [],
};

const t = (key) => (window.AWAAZ_TEXT[state.lang] || {})[key] ?? window.AWAAZ_TEXT.en[key] ?? key;
const statusText = (s) => (t("statuses")[s] || s);
const term = (s) => (t("terms")[s] || s);
const esc = (v) => String(v ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const locale = () => (state.lang === "ur" ? "ur-PK" : "en-PK");
const num = (n) => (n === null || n === undefined ? "—" : new Intl.NumberFormat(locale()).format(n));
const pct = (r) => (r === null || r === undefined ? "—" : new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: 0 }).format(r));
const when = (iso) => (iso ? new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso)) : "—");
const day = (iso) => (iso ? new Intl.DateTimeFormat(locale(), { dateStyle: "medium" }).format(new Date(iso)) : "—");
const named = (item) => (state.lang === "ur" && item.name_ur ? item.name_ur : item.name);

async function api(method, path, body, headers = {}) {
  const sent = { Accept: "application/json", "Accept-Language": state.lang, ...headers };
  if (state.token) sent.Authorization = `Bearer ${state.token}`;
  if (body !== undefined) sent["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(API + path, { method, headers: sent, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw { status: 0, message: t("offline"), details: [] };
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const error = (data && data.error) || {};
    throw {
      status: response.status, code: error.code, message: error.message || t("error"), details: error.details || [],
      retryAfter: response.headers.get("Retry-After"),
    };
  }
  return data;
}

// `labels` names a form's fields in the page's language, where the server's field names would read as code.
function problem(e, labels = {}) {
  if (e.status === 409) return e.code === "version_conflict" ? t("conflict") : t("notAllowed");
  const fields = (e.details || []).map((d) => `${esc(labels[d.field] || d.field)}: ${esc(d.problem)}`).join("<br>");
  return `${esc(e.message)}${fields ? "<br>" + fields : ""}`;
}

// Too many tries (429): how long to wait, from Retry-After (seconds or a date): seconds under a minute
// (a sign-in's backoff starts at one), whole minutes above.
function tooMany(retryAfter) {
  let seconds = Number(retryAfter);
  if (retryAfter && Number.isNaN(seconds)) seconds = (Date.parse(retryAfter) - Date.now()) / 1000;
  seconds = Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : 60;
  const [n, forms] = seconds < 60 ? [seconds, t("tooManySeconds")] : [Math.ceil(seconds / 60), t("tooMany")];
  return (forms[new Intl.PluralRules(locale()).select(n)] || forms.other).replace("{n}", num(n));
}

// What went wrong with signing in, resetting a password or a code: a 429 says how long to wait, never the raw text.
const accountProblem = (e, labels) => (e.status === 429 ? esc(tooMany(e.retryAfter)) : problem(e, labels));

// Where a code went ("a code was sent by SMS to +92 300 ***67"): the address keeps its own direction in Urdu.
const sentTo = (delivery) => esc((t("sentBy")[delivery.channel] || t("sentBy").sms))
  .replace("{to}", `<bdi dir="ltr">${esc(delivery.destination)}</bdi>`);

// One request per form at a time: its buttons stay disabled until the answer is in (no double submit).
async function sending(form, work, failed = (e) => say(accountProblem(e), "error")) {
  if (form.getAttribute("aria-busy") === "true") return;
  const buttons = [...form.querySelectorAll("button")].filter((b) => !b.disabled);
  form.setAttribute("aria-busy", "true");
  for (const b of buttons) b.disabled = true;
  try {
    await work();
  } catch (e) {
    failed(e);
  } finally {
    form.removeAttribute("aria-busy");
    for (const b of buttons) b.disabled = false;
  }
}

// One Idempotency-Key per form, made when the form is shown and kept until a success: a second
// click, or a retry after a lost answer or a server error, files the same case, never a second one.
function filingKey() {
  const make = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);
  let key = make();
  return { headers: () => ({ "Idempotency-Key": key }), filed: () => { key = make(); } };
}

// A button asking for another code rests 30 seconds after each use, counting down on its face.
function restAfterUse(button, seconds = 30) {
  let left = seconds;
  button.disabled = true;
  const tick = () => {
    if (!button.isConnected || left <= 0) {
      clearInterval(timer);
      button.disabled = false;
      button.textContent = t("resend");
      return;
    }
    button.textContent = `${t("resend")} (${num(left)})`;
    left -= 1;
  };
  const timer = setInterval(tick, 1000);
  tick();
}

function say(html, kind = "info") {
  const box = document.getElementById("message");
  box.innerHTML = html;
  box.className = `message ${kind}`;
  box.hidden = !html;
  if (html) box.focus();
}

// --- shell ----------------------------------------------------------------------------

function applyLanguage() {
  document.documentElement.lang = state.lang;
  document.documentElement.dir = state.lang === "ur" ? "rtl" : "ltr";
  document.title = `${t("app")} — ${t("tagline")}`;
  wordsFont();
}

// The English page's Urdu words (the brand's "آواز", the "اردو" switch) in Nastaliq, from a 2 KB cut of the font
// (Makefile) rather than the 105 KB Urdu font. Declared here, once the scripts are in: declared in style.css,
// it would be fetched at the first layout and hold one of the browser's six connections while scripts still load.
function wordsFont() {
  if (wordsFont.added || !window.FontFace || !document.fonts) return;
  wordsFont.added = true;
  for (const weight of ["400", "700"]) {
    document.fonts.add(new FontFace("Awaaz Nastaliq Words", `url("fonts/nastaliq-words-${weight}.woff2") format("woff2")`,
      { weight, display: "swap", unicodeRange: "U+0622, U+0627, U+062F, U+0631-0632, U+0648" }));
  }
}

function nav() {
  const role = state.me && state.me.role;
  const links = [["#/", t("home")], ["#/dashboard", t("dashboard")]];
  if (role === "citizen") {
    links.push(["#/file", t("file")], ["#/mine", t("mine")], ["#/info", t("information")], ["#/feedback", t("feedbackNav")], ["#/notifications", t("notifications")]);
  }
  if (role === "officer") links.push(["#/queue", t("queue")], ["#/notifications", t("notifications")]);
  document.getElementById("nav").innerHTML =
    links.map(([href, label]) => `<a href="${href}">${esc(label)}</a>`).join("") +
    `<button type="button" id="lang" lang="${state.lang === "ur" ? "en" : "ur"}">${esc(t("switchTo"))}</button>` +
    (state.me ? `<button type="button" id="logout">${esc(t("logout"))}</button>` : `<a href="#/login">${esc(t("login"))}</a>`);
  document.getElementById("lang").onclick = () => {
    state.lang = state.lang === "ur" ? "en" : "ur";
    localStorage.setItem("awaaz.lang", state.lang);
    render();
  };
  const out = document.getElementById("logout");
  if (out) out.onclick = () => { sessionStorage.removeItem("awaaz.token"); state.token = null; state.me = null; location.hash = "#/"; };
}

// Each render is numbered; one that finishes after a newer one began (a slow answer, the citizen
// already elsewhere) paints nothing. A page is drawn into a fresh <main> and shown only if still current.
let renders = 0;

// Who is signed in, asked as soon as this script runs (the page's other scripts may still be on their way):
// on a phone's slow network the first page is a round trip sooner. The first render reads the answer.
let meAsked = state.token ? api("GET", "/v1/me") : null;
if (meAsked) meAsked.catch(() => {});

async function render() {
  const seq = ++renders;
  const current = () => seq === renders;
  applyLanguage();
  say("");
  if (state.flash) {
    say(...state.flash);
    state.flash = null;
  }
  if (state.token && !state.me) {
    const asked = meAsked || api("GET", "/v1/me");
    meAsked = null;
    try { state.me = await asked; } catch (e) { state.token = null; sessionStorage.removeItem("awaaz.token"); }
    if (!current()) return;
  }
  nav();
  const [, route, id] = (location.hash || "#/").split("?")[0].split("/");
  const view = {
    "": home, login, forgot, register, file, mine, case: caseView, queue, officer: officerCase, dashboard, notifications,
    info: information, request: requestView, feedback,
  }[route || ""] || home;
  const shown = document.getElementById("main");
  const main = shown.cloneNode(false);
  shown.setAttribute("aria-busy", "true");
  try {
    await view(main, decodeURIComponent(id || ""));
    if (current()) shown.replaceWith(main);
  } catch (e) {
    if (!current()) return;
    // A page that needs a signed-in person sends a stranger to sign in, and back here afterwards.
    if (e.status === 401 && !state.me && route !== "login") {
      state.flash = [esc(t("signInFirst"))];
      location.hash = `#/login?next=${encodeURIComponent(location.hash)}`;
    } else {
      say(problem(e), "error");
    }
  } finally {
    shown.removeAttribute("aria-busy");
  }
}

window.addEventListener("hashchange", render);
window.addEventListener("DOMContentLoaded", render);
