// Awaaz web client: citizens, officers and the public; English and Urdu; no build step.
// This file holds what every page uses (the API, texts, the shell, the router); each page lives in its own file.
// Every server text goes through esc() before it reaches the page.
"use strict";

const API = ((window.AWAAZ_CONFIG || {}).apiBaseUrl || "http://127.0.0.1:8000").replace(/\/$/, "");
// The session (tokens, when the ID token expires, who is signed in) lives in localStorage, shared by
// every tab of this browser: a link opened in a new tab is signed in too. docs/web.md weighs this.
const SESSION = "awaaz.session";
const storedSession = () => { try { return JSON.parse(localStorage.getItem(SESSION)) || null; } catch (e) { return null; } };
const state = {
  lang: localStorage.getItem("awaaz.lang") || "en",
  session: storedSession(),
  token: null,
  me: null,
  categories: [],
  districts: [],
};

const t = (key) => (window.AWAAZ_TEXT[state.lang] || {})[key] ?? window.AWAAZ_TEXT.en[key] ?? key;
// Staff read a case's state in the office's terms ("New — to acknowledge"), citizens in their own.
const statusText = (s) => ((state.me && state.me.role !== "citizen" && t("officerStatuses")[s]) || t("statuses")[s] || s);
const term = (s) => (t("terms")[s] || s);
const esc = (v) => String(v ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
// Urdu numbers and dates in Extended Arabic-Indic digits (۱۲۳); English in Western digits.
const locale = () => (state.lang === "ur" ? "ur-PK-u-nu-arabext" : "en-PK");
const num = (n) => (n === null || n === undefined ? "—" : new Intl.NumberFormat(locale()).format(n));
const pct = (r) => (r === null || r === undefined ? "—" : new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: 0 }).format(r));
const day = (iso) => (iso ? new Intl.DateTimeFormat(locale(), { dateStyle: "medium" }).format(new Date(iso)) : "—");
// Urdu says the time of day in words, never a Latin AM/PM: صبح (morning), دوپہر (midday), سہ پہر (afternoon), شام (evening), رات (night).
const URDU_DAY_PERIODS = [[4, "رات"], [12, "صبح"], [15, "دوپہر"], [17, "سہ پہر"], [20, "شام"], [24, "رات"]];
function when(iso) {
  if (!iso) return "—";
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return "—";
  if (state.lang !== "ur") return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(at);
  const clock = new Intl.DateTimeFormat(locale(), { hour: "numeric", minute: "2-digit", hour12: true }).formatToParts(at)
    .filter((p) => p.type === "hour" || p.type === "minute").map((p) => p.value).join(":");
  const period = URDU_DAY_PERIODS.find(([until]) => at.getHours() < until)[1];
  return `${day(iso)}، ${clock} ${period}`;
}
// Text people typed (subjects, descriptions, notes, names, office names) keeps its own direction inside
// either page; phone numbers, tracking numbers (C-…) and codes read left to right, as typed.
const userText = (v) => `<bdi>${esc(v)}</bdi>`;
const asTyped = (v) => `<bdi dir="ltr">${esc(v)}</bdi>`;
const named = (item) => (state.lang === "ur" && item.name_ur ? item.name_ur : item.name);

// --- the session -------------------------------------------------------------------------
// The ID token is refreshed a fifth of its life (at most a minute) before it expires, and once more
// on a 401; a refused refresh ends the session: sign-in, with the page kept (drafts stay in localStorage).
state.token = state.session && state.session.id_token;
state.me = state.session && state.session.me;
let refreshTimer = null;
let refreshing = null;

function saveSession() {
  if (state.session) localStorage.setItem(SESSION, JSON.stringify(state.session));
}

function keepSession(tokens) {
  const life = (Number(tokens.expires_in) || 3600) * 1000;
  const before = state.session || {};
  state.session = {
    id_token: tokens.id_token,
    refresh_token: tokens.refresh_token || before.refresh_token || null, // opaque (staff's start "staff:")
    expires_at: Date.now() + life,
    life,
    me: before.me || null,
  };
  state.token = state.session.id_token;
  saveSession();
  planRefresh();
}

function rememberMe(me) {
  state.me = me;
  if (state.session) {
    state.session.me = me;
    saveSession();
  }
}

function forgetSession() {
  clearTimeout(refreshTimer);
  localStorage.removeItem(SESSION);
  sessionStorage.removeItem("awaaz.token"); // where a session lived before
  Object.assign(state, { session: null, token: null, me: null });
}

const refreshDue = (s) => s.expires_at - Math.min(60_000, s.life / 5);

function planRefresh(wait) {
  clearTimeout(refreshTimer);
  const s = state.session;
  if (!s || !s.refresh_token) return;
  refreshTimer = setTimeout(() => refreshSession().catch((e) => {
    if (e.code !== "session_ended") planRefresh(30_000); // offline or a server error: the session holds, try again
  }), wait ?? Math.max(0, refreshDue(s) - Date.now()));
}

// New tokens for the refresh token; one request at a time, shared by whoever asks meanwhile.
function refreshSession() {
  refreshing = refreshing || (async () => {
    const s = state.session;
    if (!s || !s.refresh_token) throw sessionEnded();
    let response;
    try {
      response = await fetch(API + "/v1/auth/refresh", {
        method: "POST", headers: { Accept: "application/json", "Content-Type": "application/json" },
        body: JSON.stringify({ refresh_token: s.refresh_token }),
      });
    } catch (e) {
      throw { status: 0, message: t("offline"), details: [] };
    }
    if (state.session !== s && state.session) return; // another tab's tokens arrived meanwhile
    if ([400, 401, 403].includes(response.status)) throw sessionEnded();
    if (!response.ok) throw { status: response.status, message: t("error"), details: [] };
    keepSession(await response.json());
    // Who is signed in may have changed meanwhile (a name, an office): the nav shows it as it is now.
    api("GET", "/v1/me").then((me) => { rememberMe(me); nav(); }, () => {});
  })().finally(() => { refreshing = null; });
  return refreshing;
}

// The session is over (its refresh was refused): the nav stops offering "Sign out", and the person
// goes to sign in, then back to this page. Only the session is forgotten: drafts stay.
function sessionEnded() {
  const was = location.hash || "#/";
  const hadOne = Boolean(state.session);
  forgetSession();
  if (hadOne && !/^#\/(login|forgot|register)/.test(was)) {
    state.flash = [esc(t("sessionEnded")), "error"];
    location.hash = `#/login?next=${encodeURIComponent(was)}`;
  }
  return { status: 401, code: "session_ended", message: t("sessionEnded"), details: [] };
}

// Signing out on purpose: this tab and every other one (the storage event) forget the session.
function signOut() {
  const sub = state.me && state.me.sub;
  forgetSession();
  // On a shared phone nothing of this person's typing stays behind (drafts.js); an expiry keeps it.
  if (sub && typeof dropDrafts === "function") dropDrafts(sub);
  window.dispatchEvent(new CustomEvent("awaaz:signedout", { detail: { sub } }));
  if (location.hash === "#/" || location.hash === "") render();
  else location.hash = "#/";
}

// Another tab signed in, refreshed, or signed out.
window.addEventListener("storage", (ev) => {
  if (ev.key !== SESSION && ev.key !== null) return;
  const s = storedSession();
  if (s && state.session && s.id_token === state.session.id_token) return;
  const someoneElse = !s || !state.me || !s.me || s.me.sub !== state.me.sub;
  Object.assign(state, { session: s, token: s && s.id_token });
  if (!s) {
    forgetSession();
    render();
  } else {
    planRefresh();
    if (someoneElse) {
      state.me = s.me || null;
      if (/^#\/login/.test(location.hash)) location.hash = headedFor();
      else render();
    }
  }
});
// A phone waking up: its timers may have slept past the refresh.
document.addEventListener("visibilitychange", () => { if (!document.hidden) planRefresh(); });
window.addEventListener("online", () => planRefresh());

async function api(method, path, body, headers = {}, again = false) {
  const own = !path.startsWith("/v1/auth/");
  if (own && state.session && Date.now() >= refreshDue(state.session)) {
    // Late (a sleeping tab): new tokens first. Offline, the request itself will tell.
    await refreshSession().catch((e) => { if (e.code === "session_ended") throw e; });
  }
  const sent = { Accept: "application/json", "Accept-Language": state.lang, ...headers };
  if (state.token) sent.Authorization = `Bearer ${state.token}`;
  if (body !== undefined) sent["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(API + path, { method, headers: sent, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw { status: 0, message: t("offline"), details: [] };
  }
  if (response.status === 401 && own && state.token) {
    // Refused: refresh once and try again; a second refusal ends the session.
    if (again) throw sessionEnded();
    await refreshSession();
    return api(method, path, body, headers, true);
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

// What went wrong, for the message at the top. A 409 says the server's own words (an account that
// exists already…), except a case changed meanwhile or an action its stage does not allow.
// A 400's field problems go next to their fields in `form` (the one being sent, by default);
// the top names those fields: `labels[field]`, else the field's own label on the page.
function problem(e, labels = {}, form = sendingForm) {
  if (e.status === 409 && e.code === "version_conflict") return esc(t("conflict"));
  if (e.status === 409 && e.code === "transition_not_allowed") return esc(t("notAllowed"));
  const details = e.details || [];
  const placed = form && form.isConnected ? showFieldProblems(form, details) : new Map();
  const items = details.map((d) => {
    const control = placed.get(d);
    const name = (labels[d.field] || (control && labelText(control)) || "").replace(/[?؟:]+$/, ""); // "What happened?: …" reads oddly
    return `<li>${name ? `${esc(name)}: ` : ""}${esc(d.problem)}</li>`;
  });
  return `${esc(e.message)}${items.length ? `<ul class="problems">${items.join("")}</ul>` : ""}`;
}

// --- each field's problem under the field ------------------------------------------------
// A problem names its field by the server's path: `location.district` is the control `district`,
// `attachments.0` is `attachments`; a file's own problem (its type, size or name) is the files' control.
const FIELD_CONTROLS = { attachments: ["attachments", "files"], content_type: ["files", "attachments"], size: ["files", "attachments"], filename: ["files", "attachments"] };

function controlFor(form, field) {
  const parts = String(field).split(".").filter((p) => !/^\d+$/.test(p));
  const last = parts[parts.length - 1] || "";
  for (const name of [parts.join("."), last, ...(FIELD_CONTROLS[last] || [])]) {
    const found = name && form.elements.namedItem(name);
    const control = found && (found instanceof RadioNodeList ? found[0] : found);
    if (control && control.type !== "hidden" && !control.closest("[hidden]")) return control;
  }
  return null;
}

// A control's label as the page shows it, without its "(optional)".
function labelText(control) {
  const label = control.closest("label") || (control.id && control.form && control.form.querySelector(`label[for="${CSS.escape(control.id)}"]`));
  const text = label ? [...label.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join(" ") : control.getAttribute("aria-label") || "";
  return text.replace(/\s+/g, " ").trim();
}

let fieldProblemIds = 0;

// Clears a form's field problems: what was added, and the control's own description as it was.
function clearFieldProblems(form) {
  for (const note of form.querySelectorAll(".field-problem")) note.remove();
  for (const control of form.querySelectorAll("[data-problem-of]")) {
    const before = control.dataset.describedBefore;
    if (before) control.setAttribute("aria-describedby", before); else control.removeAttribute("aria-describedby");
    control.removeAttribute("aria-invalid");
    delete control.dataset.problemOf;
    delete control.dataset.describedBefore;
  }
}

// Each problem under its control (aria-invalid, aria-describedby); returns detail → control for those placed.
function showFieldProblems(form, details) {
  clearFieldProblems(form);
  const placed = new Map();
  for (const d of details) {
    const control = controlFor(form, d.field);
    if (!control) continue;
    placed.set(d, control);
    let note = control.dataset.problemOf && form.querySelector(`#${CSS.escape(control.dataset.problemOf)}`);
    if (note) { note.textContent += ` ${d.problem}`; continue; }
    note = document.createElement("small");
    note.className = "field-problem";
    note.id = `field-problem-${++fieldProblemIds}`;
    note.textContent = d.problem;
    (control.closest("label") || control).after(note);
    control.dataset.describedBefore = control.getAttribute("aria-describedby") || "";
    control.dataset.problemOf = note.id;
    control.setAttribute("aria-describedby", [note.id, control.dataset.describedBefore].filter(Boolean).join(" "));
    control.setAttribute("aria-invalid", "true");
  }
  return placed;
}

// The browser's own file picker reads "Choose Files / No file chosen" in the browser's language: each
// file input gets a button in the page's language instead. The input stays (not shown) and takes the
// files; uploads.js lists those chosen under it, with their state.
function dressFileInputs(root) {
  for (const input of root.querySelectorAll("input[type=file]:not([data-dressed])")) {
    input.dataset.dressed = "true";
    const pick = document.createElement("button");
    pick.type = "button";
    pick.className = "plain pick";
    pick.textContent = t(input.multiple ? "chooseFiles" : "chooseFile");
    pick.onclick = () => input.click();
    input.hidden = true; // still takes the files: the button opens it
    input.after(pick);
  }
}
new MutationObserver(() => dressFileInputs(document)).observe(document.documentElement, { childList: true, subtree: true });

// The browser's own bubble for a field it checks (left empty, too short, not an e-mail, out of range)
// speaks the page's language: Chromium's own would be in the phone's interface language. A field whose
// page code sets its own message (the problem list, the district) keeps that one.
function bubbleText(c) {
  const v = c.validity;
  const choosing = c.tagName === "SELECT" || c.type === "radio" || c.type === "checkbox" || c.type === "file";
  if (v.valueMissing) return t(choosing ? "chooseOne" : "fillIn");
  if (v.tooShort) return t("tooShort").replace("{n}", num(c.minLength)).replace("{now}", num(c.value.length));
  if (v.tooLong) return t("tooLong").replace("{n}", num(c.maxLength));
  if (v.typeMismatch) return t(c.type === "email" ? "emailNeeded" : "wrongFormat");
  if (v.rangeUnderflow || v.rangeOverflow) return t("numberBetween").replace("{min}", num(Number(c.min))).replace("{max}", num(Number(c.max)));
  if (v.badInput || v.stepMismatch) return t("numberNeeded");
  if (v.patternMismatch) return t("wrongFormat");
  return "";
}

const bubbleGroup = (c) => (c.type === "radio" && c.form ? [...c.form.querySelectorAll(`input[type=radio][name="${CSS.escape(c.name)}"]`)] : [c]);

document.addEventListener("invalid", (ev) => {
  const c = ev.target;
  if (!c.setCustomValidity || (c.validity.customError && !c.dataset.bubble)) return;
  if (c.dataset.bubble) c.setCustomValidity(""); // our last word: ask the browser again what is wrong now
  const text = bubbleText(c);
  if (!text) return;
  c.setCustomValidity(text);
  c.dataset.bubble = "1";
}, true);

// Once changed, the browser checks the field afresh (and the bubble above words it again if needed).
function bubbleAnswered(ev) {
  if (!ev.target.dataset || !ev.target.dataset.bubble) return;
  for (const c of bubbleGroup(ev.target)) {
    if (!c.dataset.bubble) continue;
    c.setCustomValidity("");
    delete c.dataset.bubble;
  }
}
document.addEventListener("input", bubbleAnswered, true);
document.addEventListener("change", bubbleAnswered, true);

// A field's problem goes once the person changes the field.
document.addEventListener("input", (ev) => {
  const control = ev.target;
  if (!control.dataset || !control.dataset.problemOf) return;
  const note = document.getElementById(control.dataset.problemOf);
  if (note) note.remove();
  const before = control.dataset.describedBefore;
  if (before) control.setAttribute("aria-describedby", before); else control.removeAttribute("aria-describedby");
  control.removeAttribute("aria-invalid");
  delete control.dataset.problemOf;
  delete control.dataset.describedBefore;
});

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
// The form being answered is where problem() puts each field's problem.
let sendingForm = null;

async function sending(form, work, failed = (e) => say(accountProblem(e), "error")) {
  if (form.getAttribute("aria-busy") === "true") return;
  const buttons = [...form.querySelectorAll("button")].filter((b) => !b.disabled);
  form.setAttribute("aria-busy", "true");
  for (const b of buttons) b.disabled = true;
  try {
    clearFieldProblems(form);
    await work();
  } catch (e) {
    sendingForm = form;
    try { failed(e); } finally { sendingForm = null; }
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
}

// The English page's Urdu words (the brand's "آواز", the "اردو" switch) in Nastaliq, from a 2 KB cut of the font
// (Makefile) rather than the 105 KB Urdu font. Declared once the first page is drawn: declared in style.css,
// or before that page's answers are in, it would hold one of the browser's six connections meanwhile.
function wordsFont() {
  if (wordsFont.added || !window.FontFace || !document.fonts) return;
  wordsFont.added = true;
  for (const weight of ["400", "700"]) {
    document.fonts.add(new FontFace("Awaaz Nastaliq Words", `url("fonts/nastaliq-words-${weight}.woff2") format("woff2")`,
      { weight, display: "swap", unicodeRange: "U+0622, U+0627, U+062F, U+0631-0632, U+0648" }));
  }
}

// The header: the brand, the language switch and, on a phone, a menu button (a disclosure: aria-expanded)
// that opens the links below it; wider screens show the links in the bar. Each render closes the menu.
function menuOpen(open, focusButton = false) {
  const button = document.getElementById("menu");
  button.setAttribute("aria-expanded", String(open));
  document.getElementById("top").classList.toggle("open", open);
  if (focusButton) button.focus();
}

function nav() {
  const role = state.me && state.me.role;
  const links = [["#/", t("home")], ["#/dashboard", t("dashboard")]];
  if (role === "citizen") {
    links.push(["#/file", t("file")], ["#/mine", t("mine")], ["#/followed", t("followedNav")], ["#/info", t("information")], ["#/feedback", t("feedbackNav")], ["#/notifications", t("notifications")]);
  }
  if (role === "officer") links.push(["#/queue", t("queue")], ["#/notifications", t("notifications")]);
  if (ADMIN_ROLES.includes(role)) links.push(["#/topics", t("topicsNav")]);
  if (state.me && state.me.triage) links.push(["#/triage", t("triage")]); // admins and triage officers (suggest.js)
  if (ADMIN_ROLES.includes(role)) {
    links.push(...ADMIN_PAGES.filter(([, admins]) => role === "admin" || !admins).map(([page]) => [`#/admin/${page}`, t(`admin_${page}`)]));
  }
  const path = (location.hash || "#/").split("?")[0];
  const here = path.startsWith("#/admin/") ? path : `#/${path.split("/")[1] || ""}`;
  if (state.me) links.push(["#/settings", t("settings")]);
  document.getElementById("nav").innerHTML =
    links.map(([href, label]) => `<a href="${href}"${href === here ? ' aria-current="page"' : ""}>${esc(label)}</a>`).join("") +
    (state.me ? `<button type="button" id="logout">${esc(t("logout"))}</button>` : `<a href="#/login"${here === "#/login" ? ' aria-current="page"' : ""}>${esc(t("login"))}</a>`);
  // The skip link moves the focus to the page's content (its #main would otherwise read as a route).
  const skip = document.querySelector(".skip");
  skip.textContent = t("skipToContent");
  skip.onclick = (ev) => { ev.preventDefault(); document.getElementById("main").focus(); };
  document.getElementById("menu-label").textContent = t("menu");
  const lang = document.getElementById("lang");
  lang.textContent = t("switchTo");
  lang.lang = state.lang === "ur" ? "en" : "ur";
  lang.onclick = () => {
    state.lang = state.lang === "ur" ? "en" : "ur";
    localStorage.setItem("awaaz.lang", state.lang);
    render().then(offerMessageLanguage);
  };
  menuOpen(false);
  document.getElementById("menu").onclick = (ev) => menuOpen(ev.currentTarget.getAttribute("aria-expanded") !== "true");
  const out = document.getElementById("logout");
  if (out) out.onclick = signOut;
}

// An open menu closes with Escape (focus back on its button), on a choice made in it, or on a tap elsewhere.
document.addEventListener("keydown", (ev) => {
  if (ev.key === "Escape" && document.getElementById("top").classList.contains("open")) menuOpen(false, true);
});
document.addEventListener("click", (ev) => {
  const top = document.getElementById("top");
  if (!top.classList.contains("open")) return;
  if (ev.target.closest("#nav a") || !ev.target.closest("#top")) menuOpen(false);
});

// Administration's pages (js/admin.js, its texts and styles) load when one is first opened: nobody else
// downloads them. [page, for admins only (not organisation admins)]
const ADMIN_ROLES = ["admin", "org_admin"];
const ADMIN_PAGES = [["directory", false], ["rules", false], ["staff", false], ["audit", false], ["queues", true], ["report", false]];
let adminLoaded = null;

async function administration(main, page) {
  const role = state.me && state.me.role;
  if (!role) throw { status: 401, message: t("signInFirst"), details: [] };
  if (!ADMIN_ROLES.includes(role)) throw { status: 403, message: t("adminOnly"), details: [] };
  adminLoaded = adminLoaded || Promise.all([["link", "admin.css"], ["script", "js/i18n-admin.js"], ["script", "js/admin.js"]]
    .map(([tag, src]) => document.querySelector(`[data-admin="${src}"]`) || new Promise((done, failed) => {
      const el = document.createElement(tag);
      if (tag === "link") Object.assign(el, { rel: "stylesheet", href: src }); else Object.assign(el, { src, async: false });
      el.dataset.admin = src;
      el.onload = done;
      el.onerror = () => { el.remove(); failed({ status: 0, message: t("offline"), details: [] }); };
      document.head.append(el);
    }))).catch((e) => { adminLoaded = null; throw e; });
  await adminLoaded;
  return adminPage(main, page);
}

// Files only some pages use load once such a page is drawn, off the first paint of every other page (its
// budget: tests/e2e/test_web_speed.py); the service worker still keeps them for offline use.
const lazyLoaded = {};

function lazyFiles(files) {
  const key = files.join(" ");
  lazyLoaded[key] = lazyLoaded[key] || Promise.all(files
    .map((src) => document.querySelector(`[data-lazy="${src}"]`) || new Promise((done, failed) => {
      const el = src.endsWith(".css")
        ? Object.assign(document.createElement("link"), { rel: "stylesheet", href: src })
        : Object.assign(document.createElement("script"), { src, async: false });
      el.dataset.lazy = src;
      el.onload = done;
      el.onerror = () => { el.remove(); failed({ status: 0, message: t("offline"), details: [] }); };
      document.head.append(el);
    }))).catch((e) => { delete lazyLoaded[key]; throw e; });
  return lazyLoaded[key];
}

// Category suggestions, "I'm not sure", triage and the moderation flag (js/suggest.js and its texts).
const suggestScripts = () => lazyFiles(["js/i18n-suggest.js", "js/suggest.js"]);
// "Me too", followed complaints, affected counts and an office's merge (js/metoo.js): the pages that show them wait for it.
const metooScripts = () => lazyFiles(["js/metoo.js"]);
const withMetoo = (view) => (...args) => metooScripts().then(() => view(...args));
// The dashboard's satisfaction gap and trends, and the admins' monthly report (js/gap.js, js/trends.js).
const insightScripts = () => lazyFiles(["gap.css", "js/gap.js", "js/trends.js"]);

// Each render is numbered; one that finishes after a newer one began (a slow answer, the citizen
// already elsewhere) paints nothing. A page is drawn into a fresh <main> and shown only if still current.
let renders = 0;

// Who is signed in, asked as soon as this script runs (the page's other scripts may still be on their way):
// on a phone's slow network the first page is a round trip sooner. The first render reads the answer.
let meAsked = state.token && !state.me ? api("GET", "/v1/me") : null;
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
    try {
      rememberMe(await asked);
    } catch (e) {
      if (e.code === "session_ended") return; // on its way to sign in
    }
    if (!current()) return;
  }
  nav();
  const [, route, id] = (location.hash || "#/").split("?")[0].split("/");
  const view = {
    "": home, login, forgot, register, file, mine, case: withMetoo(caseView), queue: withMetoo(queue), officer: withMetoo(officerCase),
    dashboard, notifications, info: information, request: withMetoo(requestView), feedback, history: officeHistory,
    topics: (page) => lazyFiles(["js/topics.js"]).then(() => risingTopics(page)), settings, admin: administration,
    followed: withMetoo((...args) => followedView(...args)),
    triage: (page) => suggestScripts().then(() => triagePage(page)),
  }[route || ""] || home;
  const shown = document.getElementById("main");
  const main = shown.cloneNode(false);
  // A fresh page: not busy (a render overtaken by this one may have marked the shown one so), no page's own class.
  main.removeAttribute("aria-busy");
  main.removeAttribute("class");
  shown.setAttribute("aria-busy", "true");
  try {
    await view(main, decodeURIComponent(id || ""));
    if (current()) shown.replaceWith(main);
    setTimeout(wordsFont, 0);
  } catch (e) {
    if (!current() || e.code === "session_ended") return;
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
window.addEventListener("DOMContentLoaded", () => { planRefresh(); render(); });
