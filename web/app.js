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
    throw { status: response.status, code: error.code, message: error.message || t("error"), details: error.details || [] };
  }
  return data;
}

function problem(e) {
  if (e.status === 409) return e.code === "version_conflict" ? t("conflict") : t("notAllowed");
  const fields = (e.details || []).map((d) => `${esc(d.field)}: ${esc(d.problem)}`).join("<br>");
  return `${esc(e.message)}${fields ? "<br>" + fields : ""}`;
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

async function render() {
  applyLanguage();
  say("");
  if (state.token && !state.me) {
    try { state.me = await api("GET", "/v1/me"); } catch (e) { state.token = null; sessionStorage.removeItem("awaaz.token"); }
  }
  nav();
  const [, route, id] = (location.hash || "#/").split("?")[0].split("/");
  const view = {
    "": home, login, register, file, mine, case: caseView, queue, officer: officerCase, dashboard, notifications,
    info: information, request: requestView, feedback,
  }[route || ""] || home;
  const main = document.getElementById("main");
  main.setAttribute("aria-busy", "true");
  try {
    await view(main, decodeURIComponent(id || ""));
  } catch (e) {
    say(problem(e), "error");
  }
  main.removeAttribute("aria-busy");
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

async function login(main) {
  main.innerHTML = `<h1>${esc(t("login"))}</h1>
    <form id="f" class="stack">
      <label>${esc(t("username"))}<input name="username" autocomplete="username" required></label>
      <label>${esc(t("password"))}<input name="password" type="password" autocomplete="current-password" required></label>
      <button>${esc(t("login"))}</button>
    </form><p><a href="#/register">${esc(t("register"))}</a></p>`;
  main.querySelector("#f").onsubmit = async (ev) => {
    ev.preventDefault();
    const form = new FormData(ev.target);
    try {
      const tokens = await api("POST", "/v1/auth/login", { username: form.get("username"), password: form.get("password") });
      state.token = tokens.id_token;
      sessionStorage.setItem("awaaz.token", state.token);
      state.me = null;
      location.hash = "#/";
    } catch (e) { say(problem(e), "error"); }
  };
}

async function register(main) {
  main.innerHTML = `<h1>${esc(t("register"))}</h1>
    <form id="f" class="stack">
      <label>${esc(t("name"))}<input name="name" required autocomplete="name"></label>
      <label>${esc(t("phone"))}<input name="phone" inputmode="tel" autocomplete="tel"></label>
      <label>${esc(t("email"))}<input name="email" type="email" autocomplete="email"></label>
      <label>${esc(t("password"))}<input name="password" type="password" minlength="8" required autocomplete="new-password"></label>
      <button>${esc(t("register"))}</button>
    </form>
    <form id="c" class="stack" hidden><h2>${esc(t("confirm"))}</h2>
      <label>${esc(t("code"))}<input name="code" inputmode="numeric" required autocomplete="one-time-code"></label>
      <button>${esc(t("send"))}</button></form>`;
  let username = "";
  main.querySelector("#f").onsubmit = async (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    const body = { name: f.get("name"), password: f.get("password"), language: state.lang, user_type: "resident" };
    if (f.get("phone")) body.phone = f.get("phone");
    if (f.get("email")) body.email = f.get("email");
    try {
      const out = await api("POST", "/v1/auth/register", body);
      username = out.username;
      say(`${esc(out.delivery.channel)} → ${esc(out.delivery.destination)}`);
      main.querySelector("#c").hidden = false;
    } catch (e) { say(problem(e), "error"); }
  };
  main.querySelector("#c").onsubmit = async (ev) => {
    ev.preventDefault();
    try {
      await api("POST", "/v1/auth/confirm", { username, code: new FormData(ev.target).get("code") });
      location.hash = "#/login";
    } catch (e) { say(problem(e), "error"); }
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
      <label>${esc(t("district"))}<select name="district" id="dist" required>
        ${state.districts.map((d) => `<option value="${esc(d.id)}">${esc(named(d))}</option>`).join("")}</select></label>
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
  fill("");
  main.querySelector("#q").oninput = (ev) => fill(ev.target.value);
  const similar = async () => {
    if (!cat.value) return;
    const text = main.querySelector("[name=description]").value;
    const found = await api("GET", `/v1/similar-complaints?category_id=${encodeURIComponent(cat.value)}&district=${encodeURIComponent(main.querySelector("#dist").value)}&text=${encodeURIComponent(text)}`);
    main.querySelector("#similar").innerHTML = `<h2>${esc(t("similar"))}</h2>` + (found.items.length
      ? `<ul>${found.items.map((s) => `<li><strong>${esc(s.id)}</strong> — ${esc(s.subject)} (${esc(statusText(s.status))})</li>`).join("")}</ul>`
      : `<p>${esc(t("noSimilar"))}</p>`) +
      (found.others.count ? `<p>${esc(t("othersLikeIt"))} ${esc(num(found.others.count))}</p>` : "");
  };
  cat.onchange = similar;
  main.querySelector("#dist").onchange = similar;
  main.querySelector("#f").onsubmit = async (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    try {
      const attachments = await upload([...ev.target.elements.files.files].slice(0, 5));
      const out = await api("POST", "/v1/complaints", {
        category_id: f.get("category_id"), subject: f.get("subject"), description: f.get("description"),
        location: { district: f.get("district"), address: f.get("address") || null }, attachments,
        publish: f.get("publish") === "true", public_name: f.get("public_name") === "true",
      }, { "Idempotency-Key": crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) });
      say(`${esc(t("submitted"))} <strong>${esc(out.id)}</strong> — <a href="#/case/${esc(out.id)}">${esc(t("track"))}</a>`, "ok");
      ev.target.reset();
    } catch (e) { say(problem(e), "error"); }
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
      ${c.attachments && c.attachments.length ? `<dt>${esc(t("attachments"))}</dt><dd>${esc(num(c.attachments.length))}</dd>` : ""}</dl>
    <p>${esc(c.description)}</p>`;
}

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

async function notifications(main) {
  const found = await api("GET", "/v1/notifications?limit=50");
  main.innerHTML = `<h1>${esc(t("notifications"))}</h1>` + (found.items.length
    ? `<ul class="cards">${found.items.map((n) => `<li><time>${esc(when(n.at))}</time><p>${esc(n.message)}</p>
        ${n.case_id ? `<a href="#/${state.me.role === "officer" ? "officer" : "case"}/${esc(n.case_id)}">${esc(n.case_id)}</a>` : ""}</li>`).join("")}</ul>`
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
  main.querySelector("#f").onsubmit = async (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    try {
      const out = await api("POST", "/v1/information-requests", Object.fromEntries(f));
      location.hash = `#/request/${out.id}`;
    } catch (e) { say(problem(e), "error"); }
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
  main.querySelector("#f").onsubmit = async (ev) => {
    ev.preventDefault();
    const f = Object.fromEntries([...new FormData(ev.target)].filter(([, v]) => v !== ""));
    if (f.kind === "rating") f.rating = Number(f.rating); else delete f.rating;
    try { const out = await api("POST", "/v1/feedback", f); await render(); say(`${esc(t("thanks"))} <strong>${esc(out.id)}</strong>`, "ok"); }
    catch (e) { say(problem(e), "error"); }
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
