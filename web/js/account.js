// Awaaz web client: the public home page, signing in (and staff's first-sign-in steps), registering, a forgotten password.
"use strict";

// --- public ---------------------------------------------------------------------------

async function home(main) {
  main.innerHTML = `<h1>${esc(t("app"))}</h1><p class="lead">${esc(t("tagline"))}</p>
    ${state.me ? `<p>${esc(t("signedInAs"))} <strong${/[\u0600-\u06ff]/.test(state.me.name || "") ? ' lang="ur"' : ""}>${userText(state.me.name)}</strong></p>` : ""}
    <ul class="tiles">
      ${state.me && state.me.role === "citizen" ? `<li><a href="#/file">${esc(t("file"))}</a></li><li><a href="#/mine">${esc(t("mine"))}</a></li>` : ""}
      ${state.me && state.me.role === "officer" ? `<li><a href="#/queue">${esc(t("queue"))}</a></li>` : ""}
      ${state.me && ADMIN_ROLES.includes(state.me.role) ? ADMIN_PAGES.filter(([, admins]) => state.me.role === "admin" || !admins)
    .map(([page]) => `<li><a href="#/admin/${page}">${esc(t(`admin_${page}`))}</a></li>`).join("") : ""}
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

// The tokens are kept for every tab (core.js refreshes them before they expire).
function signedIn(tokens) {
  Object.assign(state, { session: null, me: null, username: "" });
  keepSession(tokens);
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
      <button type="button" id="resend" class="plain">${esc(t("resend"))}</button>
      <button type="button" id="change" class="plain">${esc(t("changeDetails"))}</button></form>`;
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
      signUp.hidden = true; // on a phone, the code's field is the next thing in sight
      confirm.hidden = false;
      restAfterUse(confirm.querySelector("#resend"));
      confirm.elements.code.focus();
    }, (e) => say(accountProblem(e, labels), "error"));
  };
  confirm.querySelector("#change").onclick = () => {
    confirm.hidden = true;
    signUp.hidden = false;
    say("");
    signUp.elements.name.focus();
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

