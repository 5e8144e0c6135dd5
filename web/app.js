// Awaaz web client: citizens, officers and the public; English and Urdu; no build step.
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
    try { state.me = await api("GET", "/v1/me"); } catch (e) { state.token = null; sessionStorage.removeItem("awaaz.token"); }
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

// --- public ---------------------------------------------------------------------------

async function home(main) {
  main.innerHTML = `<h1>${esc(t("app"))}</h1><p class="lead">${esc(t("tagline"))}</p>
    ${state.me ? `<p>${esc(t("signedInAs"))} <strong>${esc(state.me.name)}</strong></p>` : ""}
    <ul class="tiles">
      ${state.me && state.me.role === "citizen" ? `<li><a href="#/file">${esc(t("file"))}</a></li><li><a href="#/mine">${esc(t("mine"))}</a></li>` : ""}
      ${state.me && state.me.role === "officer" ? `<li><a href="#/queue">${esc(t("queue"))}</a></li>` : ""}
      ${!state.me ? `<li><a href="#/login">${esc(t("login"))}</a></li><li><a href="#/register">${esc(t("register"))}</a></li>` : ""}
      <li><a href="#/dashboard">${esc(t("dashboard"))}</a></li>
    </ul>`;
}

// --- signing in, first sign-in steps, a forgotten password -------------------------------
// Staff answer a password with a step (a code from their authenticator app, a new password,
// setting the app up); each step replaces the one before on the same page, until tokens come.

// Where to go once signed in: the page the person was on when they were asked to sign in.
function headedFor() {
  const next = new URLSearchParams(location.hash.split("?")[1] || "").get("next") || "";
  return /^#\/(?!login|forgot|register)/.test(next) ? next : "#/";
}

function signedIn(tokens) {
  state.token = tokens.id_token;
  sessionStorage.setItem("awaaz.token", state.token);
  state.me = null;
  state.username = "";
  location.hash = headedFor();
}

async function login(main) {
  main.innerHTML = `<h1>${esc(t("login"))}</h1><div id="step"></div>`;
  passwordStep(main.querySelector("#step"), state.username || "");
}

function passwordStep(step, username) {
  step.innerHTML = `<form id="f" class="stack">
      <label>${esc(t("username"))}<input name="username" autocomplete="username" dir="ltr" required value="${esc(username)}"></label>
      <label>${esc(t("password"))}<input name="password" type="password" autocomplete="current-password" required></label>
      <button>${esc(t("login"))}</button>
    </form>
    <p><a href="#/forgot" id="forgot-link">${esc(t("forgot"))}</a></p><p><a href="#/register">${esc(t("register"))}</a></p>`;
  const form = step.querySelector("#f");
  // Whoever forgot their password has typed who they are already.
  step.querySelector("#forgot-link").onclick = () => { state.username = form.elements.username.value; };
  form.onsubmit = (ev) => {
    ev.preventDefault();
    const username = form.elements.username.value;
    sending(form, async () => {
      nextStep(step, username, await api("POST", "/v1/auth/login", { username, password: form.elements.password.value }));
    });
  };
}

// The server's answer to a password or a step: tokens (signed in), or the next step.
function nextStep(step, username, answer) {
  if (!answer.challenge) return signedIn(answer);
  say(""); // what was said before the step ("please sign in", a wrong code) no longer holds
  const challenge = { username, name: answer.challenge, session: answer.session, since: Date.now() };
  const show = { mfa: codeStep, new_password: newPasswordStep, mfa_setup: setupStep }[answer.challenge];
  if (!show) return say(esc(t("error")), "error");
  show(step, challenge);
}

async function answerChallenge(challenge, answer) {
  const out = await api("POST", "/v1/auth/challenge",
    { username: challenge.username, session: challenge.session, challenge: challenge.name, ...answer });
  if (out.session) Object.assign(challenge, { session: out.session, since: Date.now() });
  return out;
}

// A step's session lasts 3 minutes. The server's error code tells an expired session from a wrong
// code; without one, a 401 after those minutes is taken for the session.
const SESSION_MS = 3 * 60 * 1000;
const sessionOver = (challenge, e) => e.code === "sign_in_expired" ||
  (e.code !== "wrong_credentials" && Date.now() - challenge.since >= SESSION_MS - 5000);
const wrongCode = (e) => e.code === "wrong_code" || (e.status === 400 && (e.details || []).some((d) => d.field === "code"));

function stepFailed(step, challenge, e) {
  const input = step.querySelector("input[name=code]");
  if (e.status === 401 && sessionOver(challenge, e)) {
    passwordStep(step, challenge.username);
    say(esc(t("sessionExpired")), "error");
    step.querySelector("input[name=password]").focus();
  } else if (input && (e.status === 401 || wrongCode(e))) {
    say(esc(t("wrongTotp")), "error");
    input.value = "";
    input.focus();
  } else {
    say(accountProblem(e, { new_password: t("newPassword"), code: t("totpCode") }), "error");
  }
}

const codeField = () => `<label>${esc(t("totpCode"))}<input name="code" inputmode="numeric" autocomplete="one-time-code"
  dir="ltr" required></label>`;

// Six digits, however they were typed or pasted ("123 456").
function sixDigits(form) {
  const code = form.elements.code.value.replace(/\D/g, "");
  if (code.length !== 6) {
    say(esc(t("sixDigits")), "error");
    form.elements.code.focus();
    return null;
  }
  return code;
}

function bindCodeForm(step, challenge) {
  const form = step.querySelector("#challenge");
  form.onsubmit = (ev) => {
    ev.preventDefault();
    const code = sixDigits(form);
    if (code === null) return;
    sending(form, async () => nextStep(step, challenge.username, await answerChallenge(challenge, { code })),
      (e) => stepFailed(step, challenge, e));
  };
  form.elements.code.focus();
}

function codeStep(step, challenge) {
  step.innerHTML = `<form id="challenge" class="stack" data-challenge="mfa">
      <h2>${esc(t("mfaTitle"))}</h2><p>${esc(t("mfaHint"))}</p>
      ${codeField()}<button>${esc(t("verify"))}</button></form>`;
  bindCodeForm(step, challenge);
}

function newPasswordStep(step, challenge) {
  step.innerHTML = `<form id="challenge" class="stack" data-challenge="new_password">
      <h2>${esc(t("newPasswordTitle"))}</h2><p>${esc(t("newPasswordHint"))}</p>
      <input name="username" autocomplete="username" value="${esc(challenge.username)}" hidden>
      <label>${esc(t("newPassword"))}<input name="new_password" type="password" minlength="14" autocomplete="new-password" required
        aria-describedby="password-rule"></label><small id="password-rule">${esc(t("staffPasswordRule"))}</small>
      <button>${esc(t("save"))}</button></form>`;
  const form = step.querySelector("#challenge");
  form.onsubmit = (ev) => {
    ev.preventDefault();
    sending(form, async () => nextStep(step, challenge.username,
      await answerChallenge(challenge, { new_password: form.elements.new_password.value })), (e) => stepFailed(step, challenge, e));
  };
  form.elements.new_password.focus();
}

// The authenticator app's key in groups of four, to copy or type; the otpauth link opens the app on this phone.
async function setupStep(step, challenge) {
  step.innerHTML = `<p aria-busy="true">${esc(t("setupLoading"))}</p>`;
  let setup;
  try {
    setup = await answerChallenge(challenge, {});
  } catch (e) {
    // No key, no way on: back to the password (a 401 here can only be the session's end).
    passwordStep(step, challenge.username);
    return say(e.status === 401 ? esc(t("sessionExpired")) : accountProblem(e), "error");
  }
  const key = String(setup.secret || "").replace(/\s+/g, "");
  const grouped = (key.match(/.{1,4}/g) || []).join(" ");
  const uri = String(setup.otpauth_uri || "");
  step.innerHTML = `<form id="challenge" class="stack" data-challenge="mfa_setup">
      <h2>${esc(t("setupTitle"))}</h2><p>${esc(t("setupIntro"))}</p>
      <ol class="steps">
        <li>${esc(t("setupInstall"))}</li>
        <li>${esc(t("setupAdd"))}
          ${uri.startsWith("otpauth://") ? `<p><a href="${esc(uri)}" id="otpauth">${esc(t("openInApp"))}</a></p>` : ""}
          <p>${esc(t("setupKey"))}<br><code class="secret" dir="ltr" id="secret">${esc(grouped)}</code></p></li>
        <li>${esc(t("setupCode"))}</li>
      </ol>
      ${codeField()}<button>${esc(t("verify"))}</button></form>`;
  bindCodeForm(step, challenge);
}

async function forgot(main) {
  main.innerHTML = `<h1>${esc(t("forgotTitle"))}</h1>
    <form id="forgot" class="stack"><p>${esc(t("forgotHint"))}</p>
      <label>${esc(t("username"))}<input name="username" autocomplete="username" dir="ltr" required value="${esc(state.username || "")}"></label>
      <button>${esc(t("sendCode"))}</button></form>
    <form id="reset" class="stack" hidden>
      <label>${esc(t("code"))}<input name="code" inputmode="numeric" autocomplete="one-time-code" dir="ltr" required></label>
      <label>${esc(t("newPassword"))}<input name="password" type="password" minlength="8" autocomplete="new-password" required
        aria-describedby="password-rule"></label><small id="password-rule">${esc(t("passwordRules"))}</small>
      <button>${esc(t("setPassword"))}</button>
      <button type="button" id="resend" class="plain">${esc(t("resend"))}</button></form>
    <p><a href="#/login">${esc(t("backToSignIn"))}</a></p>`;
  const ask = main.querySelector("#forgot");
  const reset = main.querySelector("#reset");
  let username = "";
  const sendCode = async () => say(sentTo((await api("POST", "/v1/auth/forgot-password", { username })).delivery), "ok");
  ask.onsubmit = (ev) => {
    ev.preventDefault();
    username = ask.elements.username.value;
    sending(ask, async () => {
      await sendCode();
      ask.hidden = true;
      reset.hidden = false;
      restAfterUse(reset.querySelector("#resend"));
      reset.elements.code.focus();
    });
  };
  reset.querySelector("#resend").onclick = (ev) => {
    restAfterUse(ev.target);
    sendCode().catch((e) => say(accountProblem(e), "error"));
  };
  reset.onsubmit = (ev) => {
    ev.preventDefault();
    sending(reset, async () => {
      await api("POST", "/v1/auth/reset-password", { username, code: reset.elements.code.value.trim(), password: reset.elements.password.value });
      state.username = username;
      state.flash = [esc(t("passwordChanged")), "ok"];
      location.hash = "#/login";
    }, (e) => {
      if (wrongCode(e)) {
        say(esc(t("wrongCode")), "error");
        reset.elements.code.focus();
      } else {
        say(accountProblem(e, { password: t("newPassword"), code: t("code") }), "error");
      }
    });
  };
}

async function register(main) {
  main.innerHTML = `<h1>${esc(t("register"))}</h1>
    <form id="f" class="stack">
      <label>${esc(t("name"))}<input name="name" required autocomplete="name"></label>
      <label>${esc(t("phone"))}<input name="phone" inputmode="tel" autocomplete="tel" dir="ltr"></label>
      <label>${esc(t("email"))}<input name="email" type="email" autocomplete="email" dir="ltr"></label>
      <label>${esc(t("password"))}<input name="password" type="password" minlength="8" required autocomplete="new-password"
        aria-describedby="password-rule"></label><small id="password-rule">${esc(t("citizenPasswordRule"))}</small>
      <button>${esc(t("register"))}</button>
    </form>
    <form id="c" class="stack" hidden><h2>${esc(t("confirm"))}</h2>
      <label>${esc(t("code"))}<input name="code" inputmode="numeric" required autocomplete="one-time-code" dir="ltr"></label>
      <button>${esc(t("send"))}</button>
      <button type="button" id="resend" class="plain">${esc(t("resend"))}</button></form>`;
  let username = "";
  const labels = { name: t("name"), phone: t("phone"), email: t("email"), password: t("password"), code: t("code") };
  const signUp = main.querySelector("#f");
  const confirm = main.querySelector("#c");
  signUp.onsubmit = (ev) => {
    ev.preventDefault();
    const f = new FormData(signUp);
    const body = { name: f.get("name"), password: f.get("password"), language: state.lang, user_type: "resident" };
    if (f.get("phone")) body.phone = f.get("phone");
    if (f.get("email")) body.email = f.get("email");
    sending(signUp, async () => {
      const out = await api("POST", "/v1/auth/register", body);
      username = out.username;
      say(sentTo(out.delivery), "ok");
      confirm.hidden = false;
      restAfterUse(confirm.querySelector("#resend"));
      confirm.elements.code.focus();
    }, (e) => say(accountProblem(e, labels), "error"));
  };
  confirm.querySelector("#resend").onclick = (ev) => {
    restAfterUse(ev.target);
    api("POST", "/v1/auth/resend-code", { username })
      .then((out) => say(sentTo(out.delivery), "ok"), (e) => say(accountProblem(e), "error"));
  };
  confirm.onsubmit = (ev) => {
    ev.preventDefault();
    sending(confirm, async () => {
      await api("POST", "/v1/auth/confirm", { username, code: confirm.elements.code.value.trim() });
      state.username = username;
      state.flash = [esc(t("confirmed")), "ok"];
      location.hash = "#/login";
    }, (e) => say(wrongCode(e) ? esc(t("wrongCode")) : accountProblem(e, labels), "error"));
  };
}

// --- citizen --------------------------------------------------------------------------

async function lists() {
  if (!state.categories.length) state.categories = (await api("GET", "/v1/categories?kind=complaint")).items;
  if (!state.districts.length) state.districts = (await api("GET", "/v1/districts")).items;
  if (!state.publication) state.publication = await api("GET", "/v1/publication");
}

// What publishing means, as the server words it, in the page's language.
const publicationTerms = () => (state.lang === "ur" ? state.publication.statement_ur : state.publication.statement);

async function file(main) {
  await lists();
  main.innerHTML = `<h1>${esc(t("file"))}</h1>
    <form id="f" class="stack">
      <label>${esc(t("category"))}<input id="q" type="search" placeholder="${esc(t("searchCategory"))}" autocomplete="off"></label>
      <select name="category_id" id="cat" size="6" required aria-label="${esc(t("category"))}"></select>
      <label>${esc(t("district"))}<select name="district" id="dist" required aria-describedby="dist-needed">
        <option value="">${esc(t("chooseDistrict"))}</option>
        ${state.districts.map((d) => `<option value="${esc(d.id)}">${esc(named(d))}</option>`).join("")}</select></label>
      <small id="dist-needed" class="needed" hidden>${esc(t("districtNeeded"))}</small>
      <section id="similar" aria-live="polite"></section>
      <label>${esc(t("subject"))}<input name="subject" required minlength="3" maxlength="150"></label>
      <label>${esc(t("description"))}<textarea name="description" required minlength="10" maxlength="4000" rows="5"></textarea></label>
      <label>${esc(t("address"))}<input name="address" maxlength="300" autocomplete="street-address"></label>
      <label>${esc(t("attachments"))}<input name="files" type="file" multiple accept="image/jpeg,image/png,application/pdf,video/mp4"></label>
      <fieldset class="stack"><legend>${esc(t("publication"))}</legend>
        <p id="terms">${esc(publicationTerms())}</p>
        <label class="check"><input type="checkbox" name="publish" value="true"> ${esc(t("publishIt"))}</label>
        <label class="check"><input type="checkbox" name="public_name" value="true"> ${esc(t("showName"))}</label>
      </fieldset>
      <button>${esc(t("send"))}</button>
    </form>`;
  const cat = main.querySelector("#cat");
  const fill = (q) => {
    const needle = q.trim().toLowerCase();
    cat.innerHTML = state.categories
      .filter((c) => !needle || [c.name, c.name_ur, c.group].join(" ").toLowerCase().includes(needle))
      .map((c) => `<option value="${esc(c.id)}">${esc(named(c))}</option>`).join("");
  };
  // The browser's own bubble for an unchosen problem, in the page's language.
  const categoryChosen = () => cat.setCustomValidity(cat.value ? "" : t("categoryNeeded"));
  fill("");
  categoryChosen();
  main.querySelector("#q").oninput = (ev) => { fill(ev.target.value); categoryChosen(); };
  // No district is chosen for the citizen: a wrong one would send the complaint to another city's office.
  const dist = main.querySelector("#dist");
  const needed = main.querySelector("#dist-needed");
  const districtChosen = () => {
    const chosen = Boolean(dist.value);
    dist.setCustomValidity(chosen ? "" : t("districtNeeded")); // the browser's own bubble says it in the page's language
    needed.hidden = chosen;
    dist.setAttribute("aria-invalid", String(!chosen));
    return chosen;
  };
  dist.setCustomValidity(t("districtNeeded"));
  dist.addEventListener("invalid", districtChosen);
  const similar = async () => {
    if (!cat.value || !dist.value) return;
    const text = main.querySelector("[name=description]").value;
    const found = await api("GET", `/v1/similar-complaints?category_id=${encodeURIComponent(cat.value)}&district=${encodeURIComponent(main.querySelector("#dist").value)}&text=${encodeURIComponent(text)}`);
    main.querySelector("#similar").innerHTML = `<h2>${esc(t("similar"))}</h2>` + (found.items.length
      ? `<ul>${found.items.map((s) => `<li><strong>${esc(s.id)}</strong> — ${esc(s.subject)} (${esc(statusText(s.status))})</li>`).join("")}</ul>`
      : `<p>${esc(t("noSimilar"))}</p>`) +
      (found.others.count ? `<p>${esc(t("othersLikeIt"))} ${esc(num(found.others.count))}</p>` : "");
  };
  cat.onchange = () => { categoryChosen(); similar(); };
  dist.onchange = () => { districtChosen(); similar(); };
  const form = main.querySelector("#f");
  const key = filingKey();
  const uploads = uploadsOnce();
  form.onsubmit = (ev) => {
    ev.preventDefault();
    if (!districtChosen()) return dist.focus();
    const f = new FormData(form);
    sending(form, async () => {
      const attachments = await uploads([...form.elements.files.files].slice(0, 5));
      const out = await api("POST", "/v1/complaints", {
        category_id: f.get("category_id"), subject: f.get("subject"), description: f.get("description"),
        location: { district: f.get("district"), address: f.get("address") || null }, attachments,
        publish: f.get("publish") === "true", public_name: f.get("public_name") === "true",
      }, key.headers());
      key.filed();
      state.flash = [`${esc(t("submitted"))} <strong>${esc(out.id)}</strong>`, "ok"];
      location.hash = `#/case/${encodeURIComponent(out.id)}`;
    }, (e) => say(problem(e, { district: t("district"), subject: t("subject"), description: t("description") }), "error"));
  };
}

// The same files are uploaded once per form: a retry sends the same upload ids, so the same body
// as the first try (the server refuses a key replayed with another body).
function uploadsOnce() {
  let last = { files: [], ids: [] };
  return async (files) => {
    if (files.length === last.files.length && files.every((f, i) => f === last.files[i])) return last.ids;
    last = { files, ids: await upload(files) };
    return last.ids;
  };
}

// Each file goes straight to storage with a presigned POST (never through the API); the
// complaint then names the upload ids. The storage answer is opaque to the page (CORS).
async function upload(files) {
  const ids = [];
  for (const file of files) {
    const signed = await api("POST", "/v1/uploads", { filename: file.name, content_type: file.type, size: file.size });
    const form = new FormData();
    for (const [name, value] of Object.entries(signed.fields)) form.append(name, value);
    form.append("file", file);
    await fetch(signed.url, { method: "POST", body: form, mode: "no-cors" });
    ids.push(signed.upload_id);
  }
  return ids;
}

async function mine(main) {
  const found = await api("GET", "/v1/complaints?limit=50");
  main.innerHTML = `<h1>${esc(t("mine"))}</h1>` + (found.items.length ? `<ul class="cards">${found.items.map((c) => `
    <li><a href="#/case/${esc(c.id)}"><strong>${esc(c.id)}</strong> ${esc(c.subject)}</a>
      <span class="badge">${esc(statusText(c.status))}</span> <small>${esc(t("due"))}: ${esc(day(c.due_at))}</small></li>`).join("")}</ul>`
    : `<p>${esc(t("none"))}</p>`);
}

function timeline(events) {
  return `<h2>${esc(t("timeline"))}</h2><ol class="timeline">${events.map((e) => `
    <li><time datetime="${esc(e.at)}">${esc(when(e.at))}</time> <strong>${esc(statusText(e.type) || e.type)}</strong>
      ${e.note ? `<p>${esc(e.note)}</p>` : ""}</li>`).join("")}</ol>`;
}

function caseHead(c) {
  return `<h1>${esc(c.id)} — ${esc(c.subject)}</h1>
    <dl class="facts"><dt>${esc(t("status"))}</dt><dd>${esc(statusText(c.status))}</dd>
      <dt>${esc(t("office"))}</dt><dd>${esc(c.office ? named(c.office) : "—")}</dd>
      <dt>${esc(t("level"))}</dt><dd>${esc(num(c.level))}</dd>
      <dt>${esc(t("due"))}</dt><dd>${esc(day(c.due_at))}</dd>
      ${c.kind === "complaint" ? `<dt>${esc(t("publication"))}</dt><dd>${esc(c.published_at ? `${t("publishedOn")} ${day(c.published_at)}` : t("private"))}${c.hidden ? ` — ${esc(t("hiddenByOffice"))}: ${esc(c.hidden.note)}` : ""}</dd>` : ""}
      </dl>
    <p>${esc(c.description)}</p>${attachedFiles(c.attachments || [])}`;
}

// --- attached files ----------------------------------------------------------------
// The case view carries a short-lived link per file (only to its citizen and the office
// working it): photos show as thumbnails, other files as links. A link used after it
// expired fetches the page again, which signs fresh ones.

const linkable = (a) => typeof a.url === "string" && /^https?:\/\//.test(a.url);
const expired = (el) => el.dataset.expires && Date.parse(el.dataset.expires) <= Date.now();

function fileSize(bytes) {
  if (!bytes) return "";
  const mb = bytes >= 1024 * 1024;
  return new Intl.NumberFormat(locale(), { style: "unit", unit: mb ? "megabyte" : "kilobyte", maximumFractionDigits: mb ? 1 : 0 })
    .format(mb ? bytes / (1024 * 1024) : Math.max(1, bytes / 1024));
}

function fileKind(a) {
  if (a.content_type.startsWith("image/")) return t("fileKinds").photo;
  return t("fileKinds")[{ "application/pdf": "pdf", "video/mp4": "video" }[a.content_type] || "file"];
}

function attachedFile(a) {
  const about = [fileKind(a), fileSize(a.size)].filter(Boolean).join(", ");
  if (!linkable(a)) return `<li class="file"><bdi>${esc(a.filename)}</bdi> <small>(${esc(about)})</small></li>`;
  const link = `href="${esc(a.url)}" target="_blank" rel="noopener noreferrer" data-expires="${esc(a.url_expires_at || "")}"`;
  if (a.content_type.startsWith("image/")) {
    return `<li class="photo"><a ${link} title="${esc(t("openFull"))}">
      <img class="thumb" src="${esc(a.url)}" loading="lazy" alt="${esc(`${t("fileKinds").photo}: ${a.filename}`)}" data-expires="${esc(a.url_expires_at || "")}"></a></li>`;
  }
  return `<li class="file"><a ${link}><bdi>${esc(a.filename)}</bdi></a> <small>(${esc(about)})</small></li>`;
}

function attachedFiles(files) {
  if (!files.length) return "";
  const closed = files.some((a) => !linkable(a)) ? `<p><small>${esc(t("filesClosed"))}</small></p>` : "";
  return `<section class="files" aria-labelledby="files-title"><h2 id="files-title">${esc(t("files"))}</h2>
    <ul class="attachments">${files.map(attachedFile).join("")}</ul>${closed}</section>`;
}

document.addEventListener("click", (ev) => {
  const link = ev.target.closest && ev.target.closest(".attachments a[data-expires]");
  if (link && expired(link)) { ev.preventDefault(); render(); }
});
// A thumbnail scrolled into view after its link expired: fetch the page again (error does not bubble).
document.addEventListener("error", (ev) => {
  if (ev.target.matches && ev.target.matches("img.thumb") && expired(ev.target)) render();
}, true);

// --- what the case says its viewer may do ----------------------------------------------
// The server is the only source of workflow rules: each case carries `allowed_actions`
// (where to send, which fields, their choices and labels in both languages). The page
// renders those and keeps no list of actions, reasons or deadlines of its own.

const labelOf = (x) => (state.lang === "ur" && x.label_ur ? x.label_ur : x.label);
const TEXTAREAS = new Set(["note", "message", "grounds", "comment", "reason"]);
const ACCEPT = "image/jpeg,image/png,application/pdf,video/mp4";
// A form's id where the page's tests and styles know it by another name than its action.
const FORM_ID = { feedback: "verdict" };

function fieldHtml(f) {
  const name = esc(f.name);
  const required = f.required ? "required" : "";
  const text = `${esc(labelOf(f))}${f.required ? "" : ` <small>(${esc(t("optional"))})</small>`}`;
  if (f.type === "choice") {
    const blank = f.required ? "" : `<option value=""></option>`;
    return `<label>${text}<select name="${name}" ${required}>${blank}${f.choices.map((c) => `<option value="${esc(c.value)}">${esc(labelOf(c))}</option>`).join("")}</select></label>`;
  }
  if (f.type === "boolean") return `<label class="check"><input type="checkbox" name="${name}" value="true"> ${text}</label>`;
  if (f.type === "integer") return `<label>${text}<input type="number" name="${name}" min="${esc(f.minimum ?? "")}" max="${esc(f.maximum ?? "")}" ${required}></label>`;
  if (f.type === "uploads") return `<label>${text}<input type="file" name="${name}" multiple accept="${ACCEPT}"></label>`;
  const limit = f.max_length ? `maxlength="${esc(f.max_length)}"` : "";
  return TEXTAREAS.has(f.name)
    ? `<label>${text}<textarea name="${name}" rows="3" ${limit} ${required}></textarea></label>`
    : `<label>${text}<input name="${name}" ${limit} ${required}></label>`;
}

// A required yes/no (the citizen's verdict) is answered with one button per answer.
const decidingField = (a) => a.fields.find((f) => f.type === "boolean" && f.required);

function actionFields(a) {
  const deciding = decidingField(a);
  return a.fields.filter((f) => f !== deciding).map(fieldHtml).join("");
}

function actionButtons(a) {
  const deciding = decidingField(a);
  if (!deciding) return `<button>${esc(t("send"))}</button>`;
  return `<div class="row">${deciding.choices.map((c, i) => `<button name="${esc(deciding.name)}" value="${esc(c.value)}" ${i ? 'class="secondary"' : ""}>${esc(labelOf(c))}</button>`).join("")}</div>`;
}

// The body an action sends: its fixed part, then each field as the form holds it.
async function actionBody(a, form, submitter) {
  const body = { ...a.fixed };
  for (const f of a.fields) {
    const input = form.elements[f.name];
    if (f.type === "boolean") {
      if (f === decidingField(a)) body[f.name] = submitter && submitter.value === "true";
      else if (input && input.checked) body[f.name] = true;
    } else if (f.type === "uploads") {
      const files = input ? [...input.files].slice(0, f.max_items || 5) : [];
      if (files.length) body[f.name] = await upload(files);
    } else if (input && input.value !== "") {
      body[f.name] = f.type === "integer" ? Number(input.value) : input.value;
    }
  }
  return body;
}

async function perform(a, c, form, submitter) {
  for (const b of form.querySelectorAll("button")) b.disabled = true; // one send per click
  try {
    await api(a.method, a.path, await actionBody(a, form, submitter), { "If-Match": String(c.version) });
    await render();
  } catch (e) {
    if (e.status === 409) await render();
    say(problem(e), "error");
  } finally {
    for (const b of form.querySelectorAll("button")) b.disabled = false;
  }
}

// The citizen's actions on their own case: one form each (reply, verdict, appeal…). One that
// ends the case for good (withdrawing it) stays folded until opened, its button saying what it does.
function citizenForms(c) {
  return c.allowed_actions.map((a) => {
    const id = esc(FORM_ID[a.action] || a.action);
    if (a.final) {
      return `<details class="final"><summary>${esc(labelOf(a))}</summary>
        <form id="${id}" class="stack" data-action="${esc(a.action)}">${actionFields(a)}
        <button class="secondary">${esc(labelOf(a))}</button></form></details>`;
    }
    return `<form id="${id}" class="stack" data-action="${esc(a.action)}">
      <h2>${esc(labelOf(a))}</h2>${a.action === "reply" ? `<p>${esc(t("replyHint"))}</p>` : ""}
      ${a.until ? `<p>${esc(t("until"))} ${esc(day(a.until))}</p>` : ""}
      ${actionFields(a)}${actionButtons(a)}</form>`;
  }).join("");
}

function bindCitizenForms(main, c) {
  for (const form of main.querySelectorAll("form[data-action]")) {
    const a = c.allowed_actions.find((x) => x.action === form.dataset.action);
    form.onsubmit = (ev) => { ev.preventDefault(); perform(a, c, form, ev.submitter); };
  }
}

async function caseView(main, id) {
  const c = await api("GET", `/v1/complaints/${encodeURIComponent(id)}`);
  main.innerHTML = caseHead(c) + citizenForms(c) + timeline(c.timeline);
  bindCitizenForms(main, c);
}

// Where a notice's case opens: staff open any kind in their queue; a citizen's complaint (C-),
// information request (R-) or feedback (F-, listed on the feedback page) each has its own page.
function caseLink(id) {
  if (state.me.role !== "citizen") return `#/officer/${encodeURIComponent(id)}`;
  if (id.startsWith("R-")) return `#/request/${encodeURIComponent(id)}`;
  if (id.startsWith("F-")) return "#/feedback";
  return `#/case/${encodeURIComponent(id)}`;
}

async function notifications(main) {
  const found = await api("GET", "/v1/notifications?limit=50");
  main.innerHTML = `<h1>${esc(t("notifications"))}</h1>` + (found.items.length
    ? `<ul class="cards">${found.items.map((n) => `<li><time>${esc(when(n.at))}</time><p>${esc(n.message)}</p>
        ${n.case_id ? `<a href="${esc(caseLink(n.case_id))}">${esc(n.case_id)}</a>` : ""}</li>`).join("")}</ul>`
    : `<p>${esc(t("none"))}</p>`);
}

async function organisations() {
  const tree = (await api("GET", "/v1/organisations")).items;
  return tree.flatMap((level) => level.organisations.map((o) => ({ ...o, offices: flatten(o.offices) })));
}

function flatten(offices) {
  return offices.flatMap((o) => [o, ...flatten(o.offices || [])]);
}

async function information(main) {
  const [orgs, found] = await Promise.all([organisations(), api("GET", "/v1/information-requests?limit=50")]);
  main.innerHTML = `<h1>${esc(t("information"))}</h1><p>${esc(t("informationHint"))}</p>
    <form id="f" class="stack">
      <label>${esc(t("organisation"))}<select name="organisation_id" required>
        ${orgs.map((o) => `<option value="${esc(o.id)}">${esc(named(o))}</option>`).join("")}</select></label>
      <label>${esc(t("subject"))}<input name="subject" required minlength="3" maxlength="150"></label>
      <label>${esc(t("question"))}<textarea name="question" required minlength="10" maxlength="4000" rows="4"></textarea></label>
      <button>${esc(t("send"))}</button></form>
    <h2>${esc(t("mine"))}</h2>` + (found.items.length ? `<ul class="cards">${found.items.map((r) => `
      <li><a href="#/request/${esc(r.id)}"><strong>${esc(r.id)}</strong> ${esc(r.subject)}</a>
        <span class="badge">${esc(statusText(r.status))}</span> <small>${esc(t("due"))}: ${esc(day(r.due_at))}</small></li>`).join("")}</ul>`
    : `<p>${esc(t("none"))}</p>`);
  const form = main.querySelector("#f");
  const key = filingKey();
  form.onsubmit = (ev) => {
    ev.preventDefault();
    const body = Object.fromEntries(new FormData(form));
    sending(form, async () => {
      const out = await api("POST", "/v1/information-requests", body, key.headers());
      key.filed();
      state.flash = [`${esc(t("requestReceived"))} <strong>${esc(out.id)}</strong>`, "ok"];
      location.hash = `#/request/${encodeURIComponent(out.id)}`;
    }, (e) => say(problem(e, { subject: t("subject"), question: t("question") }), "error"));
  };
}

async function requestView(main, id) {
  const r = await api("GET", `/v1/information-requests/${encodeURIComponent(id)}`);
  const answer = r.answer ? `<h2>${esc(t("answer"))}</h2><p>${esc(r.answer.note)}</p>` : "";
  main.innerHTML = caseHead({ ...r, description: r.question }) + answer + citizenForms(r) + timeline(r.timeline);
  bindCitizenForms(main, r);
}

async function feedback(main) {
  const [orgs, found] = await Promise.all([organisations(), api("GET", "/v1/feedback?limit=50")]);
  main.innerHTML = `<h1>${esc(t("feedbackNav"))}</h1>
    <form id="f" class="stack">
      <label>${esc(t("kind"))}<select name="kind" id="kind">
        ${["appreciation", "suggestion", "rating"].map((k) => `<option value="${k}">${esc(t(k))}</option>`).join("")}</select></label>
      <label>${esc(t("organisation"))}<select name="organisation_id" id="org">
        ${orgs.map((o) => `<option value="${esc(o.id)}">${esc(named(o))}</option>`).join("")}</select></label>
      <label>${esc(t("office"))}<select name="office_id" id="office"></select></label>
      <label>${esc(t("message"))}<textarea name="message" required maxlength="2000" rows="3"></textarea></label>
      <label id="rating-field" hidden>${esc(t("rating"))}<input name="rating" type="number" min="1" max="5" value="4"></label>
      <button>${esc(t("send"))}</button></form>
    <h2>${esc(t("mine"))}</h2>` + (found.items.length ? `<ul class="cards">${found.items.map((f) => `
      <li><strong>${esc(f.id)}</strong> ${esc(f.subject)} <span class="badge">${esc(statusText(f.status))}</span></li>`).join("")}</ul>`
    : `<p>${esc(t("none"))}</p>`);
  const offices = () => {
    const org = orgs.find((o) => o.id === main.querySelector("#org").value);
    main.querySelector("#office").innerHTML = `<option value="">—</option>` +
      (org ? org.offices.map((o) => `<option value="${esc(o.id)}">${esc(named(o))}</option>`).join("") : "");
  };
  offices();
  main.querySelector("#org").onchange = offices;
  main.querySelector("#kind").onchange = (ev) => { main.querySelector("#rating-field").hidden = ev.target.value !== "rating"; };
  const form = main.querySelector("#f");
  const key = filingKey();
  form.onsubmit = (ev) => {
    ev.preventDefault();
    const f = Object.fromEntries([...new FormData(form)].filter(([, v]) => v !== ""));
    if (f.kind === "rating") f.rating = Number(f.rating); else delete f.rating;
    // The page has no view of one feedback: it draws itself again, the new one at the head of the list.
    sending(form, async () => {
      const out = await api("POST", "/v1/feedback", f, key.headers());
      key.filed();
      state.flash = [`${esc(t("thanks"))} <strong>${esc(out.id)}</strong>`, "ok"];
      await render();
    }, (e) => say(problem(e, { message: t("message"), rating: t("rating") }), "error"));
  };
}

// --- officer --------------------------------------------------------------------------

// How urgent a case is comes from the server (the same rule its sweeper reminds offices by).
const URGENCY = { on_time: ["on-time", "onTime"], due_soon: ["nearly-due", "dueSoon"], overdue: ["overdue", "overdue"] };
const urgencyClass = (c) => (URGENCY[c.urgency] || [""])[0];
const urgencyText = (c) => (c.urgency ? ` — ${esc(t(URGENCY[c.urgency][1]))}` : "");

async function queue(main) {
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const query = new URLSearchParams({ limit: "50" });
  for (const k of ["kind", "overdue"]) if (params.get(k)) query.set(k, params.get(k));
  const found = await api("GET", `/v1/officer/cases?${query}`);
  main.innerHTML = `<h1>${esc(t("queue"))}</h1>
    <form id="filters" class="row"><label>${esc(t("kind"))}<select name="kind">
      ${["", "complaint", "information", "feedback"].map((k) => `<option value="${k}" ${params.get("kind") === k ? "selected" : ""}>${esc(k ? term(k) : t("all"))}</option>`).join("")}</select></label>
      <label><input type="checkbox" name="overdue" value="true" ${params.get("overdue") ? "checked" : ""}> ${esc(t("overdueOnly"))}</label>
      <button>${esc(t("send"))}</button></form>` +
    (found.items.length ? `<ul class="cards">${found.items.map((c) => `
      <li class="${urgencyClass(c)}"><a href="#/officer/${esc(c.id)}"><strong>${esc(c.id)}</strong> ${esc(c.subject)}</a>
        <span class="badge">${esc(statusText(c.status))}</span>
        <small>${esc(t("due"))}: ${esc(day(c.due_at))}${urgencyText(c)}</small></li>`).join("")}</ul>` : `<p>${esc(t("none"))}</p>`);
  main.querySelector("#filters").onsubmit = (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    const q = new URLSearchParams();
    if (f.get("kind")) q.set("kind", f.get("kind"));
    if (f.get("overdue")) q.set("overdue", "true");
    location.hash = `#/queue?${q}`;
  };
}

async function officerCase(main, id) {
  const c = await api("GET", `/v1/officer/cases/${encodeURIComponent(id)}`);
  const contact = c.citizen_contact ? `<p><small>${esc(c.citizen_contact.phone || "")} ${esc(c.citizen_contact.email || "")}</small></p>` : "";
  const actions = c.allowed_actions;
  const form = actions.length ? `<form id="act" class="stack"><h2>${esc(t("action"))}</h2>
      <label>${esc(t("action"))}<select name="action" id="action">${actions.map((a) => `<option value="${esc(a.action)}">${esc(labelOf(a))}</option>`).join("")}</select></label>
      <div id="extra" class="stack"></div>
      <button>${esc(t("act"))}</button></form>` : "";
  main.innerHTML = caseHead(c) + contact + form + timeline(c.timeline);
  if (!actions.length) return;
  const chosen = () => actions.find((a) => a.action === main.querySelector("#action").value);
  const show = () => { main.querySelector("#extra").innerHTML = actionFields(chosen()); };
  show();
  main.querySelector("#action").onchange = show;
  const act = main.querySelector("#act");
  act.onsubmit = (ev) => { ev.preventDefault(); perform(chosen(), c, act, ev.submitter); };
}

// --- public dashboard -----------------------------------------------------------------

function bars(rows, keys, colours) {
  const width = 640, rowHeight = 26, label = 180, max = Math.max(1, ...rows.flatMap((r) => keys.map((k) => r[k] || 0)));
  const scale = (v) => ((width - label - 60) * v) / max;
  const body = rows.map((r, i) => {
    const y = i * rowHeight * keys.length + 4;
    return `<text x="0" y="${y + 14}" class="label">${esc(r.label)}</text>` + keys.map((k, j) =>
      `<rect x="${label}" y="${y + j * rowHeight}" width="${scale(r[k] || 0)}" height="${rowHeight - 6}" fill="${colours[j]}"><title>${esc(t(k))}: ${num(r[k])}</title></rect>
       <text x="${label + scale(r[k] || 0) + 4}" y="${y + j * rowHeight + 14}" class="value">${num(r[k])}</text>`).join("");
  }).join("");
  const height = rows.length * rowHeight * keys.length + 8;
  return `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(keys.map(t).join(", "))}" class="chart">${body}</svg>
    <p class="legend">${keys.map((k, j) => `<span style="--c:${colours[j]}">${esc(t(k))}</span>`).join(" ")}</p>`;
}

async function dashboard(main) {
  // Counters are read per organisation and day: one level at a time keeps an answer to a few thousand keys.
  const levels = (await api("GET", "/v1/organisations")).items;
  const level = new URLSearchParams(location.hash.split("?")[1] || "").get("level") || "federal";
  const stats = await api("GET", `/v1/stats?group_by=organisation&level=${encodeURIComponent(level)}`);
  const months = [];
  for (let m = 5; m >= 0; m--) {
    const start = new Date(); start.setUTCDate(1); start.setUTCMonth(start.getUTCMonth() - m);
    const end = new Date(start); end.setUTCMonth(end.getUTCMonth() + 1); end.setUTCDate(0);
    months.push({ from: start.toISOString().slice(0, 10), to: end.toISOString().slice(0, 10) });
  }
  const monthly = await Promise.all(months.map((p) => api("GET", `/v1/stats?level=${encodeURIComponent(level)}&from=${p.from}&to=${p.to}`)));
  const total = stats.totals;
  const top = stats.groups.filter((g) => g.figures.received).sort((a, b) => b.figures.received - a.figures.received).slice(0, 10)
    .map((g) => ({ label: named(g), received: g.figures.received, resolved: g.figures.resolved, satisfiedRate: g.figures.satisfied }));
  const series = monthly.map((s, i) => ({ label: new Intl.DateTimeFormat(locale(), { month: "short", year: "numeric" }).format(new Date(months[i].from)),
    received: s.totals.received, resolved: s.totals.resolved, satisfiedRate: s.totals.satisfied }));
  main.innerHTML = `<h1>${esc(t("dashboard"))}</h1>
    <label>${esc(t("level"))}<select id="level">${levels.map((l) => `<option value="${esc(l.id)}" ${l.id === level ? "selected" : ""}>${esc(named(l))}</option>`).join("")}</select></label>
    <ul class="figures">
      <li><strong>${num(total.received)}</strong> ${esc(t("received"))}</li>
      <li><strong>${pct(total.resolved_rate)}</strong> ${esc(t("resolvedRate"))}</li>
      <li><strong>${pct(total.satisfied_rate)}</strong> ${esc(t("satisfiedOf"))}</li>
      <li><strong>${num(total.reopened)}</strong> ${esc(t("reopened"))}</li>
      <li><strong>${num(total.overdue)}</strong> ${esc(t("overdueCount"))}</li>
      <li><strong>${num(total.median_days_to_resolve)}</strong> ${esc(t("medianDays"))}</li></ul>
    <h2>${esc(t("byOrganisation"))}</h2>${top.length ? bars(top, ["received", "resolved", "satisfiedRate"], ["#0b6e4f", "#2a9d8f", "#e9c46a"]) : `<p>${esc(t("none"))}</p>`}
    <h2>${esc(t("overTime"))}</h2>${bars(series, ["received", "resolved", "satisfiedRate"], ["#0b6e4f", "#2a9d8f", "#e9c46a"])}`;
  main.querySelector("#level").onchange = (ev) => { location.hash = `#/dashboard?level=${encodeURIComponent(ev.target.value)}`; };
}

window.addEventListener("hashchange", render);
window.addEventListener("DOMContentLoaded", render);
