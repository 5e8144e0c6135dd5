// Awaaz web client: a citizen's cases, what the case says its viewer may do, attached files.
"use strict";


async function mine(main) {
  const found = await api("GET", "/v1/complaints?limit=50");
  main.innerHTML = `<h1>${esc(t("mine"))}</h1>` + (found.items.length ? `<ul class="cards">${found.items.map((c) => `
    <li><a href="#/case/${esc(c.id)}"><strong>${asTyped(c.id)}</strong> ${userText(c.subject)}</a>
      <span class="badge">${esc(statusText(c.status))}</span> <small>${esc(t("due"))}: ${esc(day(c.due_at))}</small></li>`).join("")}</ul>`
    : `<p>${esc(t("none"))}</p>`);
}

function timeline(events) {
  return `<h2>${esc(t("timeline"))}</h2><ol class="timeline">${events.map((e) => `
    <li><time datetime="${esc(e.at)}">${esc(when(e.at))}</time> <strong>${esc(statusText(e.type) || e.type)}</strong>
      ${e.note ? `<p dir="auto">${esc(e.note)}</p>` : ""}</li>`).join("")}</ol>`;
}

function caseHead(c) {
  return `<h1>${asTyped(c.id)} — ${userText(c.subject)}</h1>
    <dl class="facts"><dt>${esc(t("status"))}</dt><dd>${esc(statusText(c.status))}</dd>
      <dt>${esc(t("office"))}</dt><dd>${c.office ? userText(named(c.office)) : "—"}</dd>
      <dt>${esc(t("level"))}</dt><dd>${esc(levelText(c.level))}</dd>
      <dt>${esc(t("due"))}</dt><dd>${esc(day(c.due_at))}</dd>${typeof affectedFacts === "function" ? affectedFacts(c) : ""}
      ${c.kind === "complaint" ? `<dt>${esc(t("publication"))}</dt><dd>${esc(c.published_at ? `${t("publishedOn")} ${day(c.published_at)}` : t("private"))}${c.hidden ? ` — ${esc(t("hiddenByOffice"))}: ${userText(c.hidden.note)}` : ""}${typeof withheldNote === "function" ? withheldNote(c) : ""}</dd>` : ""}
      ${answersHtml(c)}</dl>
    <p dir="auto">${esc(c.description)}</p>${attachedFiles(c.attachments || [])}`;
}

// Level 0 is the office the case went to first; each escalation or reopening is one level up.
const levelText = (level) => (level ? t("levelUp") : t("levelFirst")).replace("{n}", num((level || 0) + 1));

// The answers to the category's questions ("Whole area", "Since when"), in the page's language:
// the questions and their choices come from the category (loaded by answersKnown before drawing).
function answersHtml(c) {
  const answers = Object.entries(c.attributes || {});
  if (!answers.length) return "";
  const category = state.categories.find((x) => x.id === c.category_id);
  const questions = (category && category.attributes) || [];
  return answers.map(([code, value]) => {
    const q = questions.find((a) => a.code === code);
    const choices = (q && q.values) || [];
    const said = choices.length ? String(value).split(",").map((v) => {
      const choice = choices.find((x) => x.key === v);
      return choice ? named(choice) : v;
    }).join("، ") : value;
    return `<dt>${esc(q ? saidIn(q, "description") : code)}</dt><dd>${userText(said)}</dd>`;
  }).join("");
}

// The category's questions, for a case that answered some (one request, kept for the session).
async function answersKnown(c) {
  if (!Object.keys(c.attributes || {}).length || state.categories.length) return;
  state.categories = (await api("GET", "/v1/categories?kind=complaint")).items;
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

// An iPhone's HEIC photo is kept as sent: a browser that draws it (Safari) shows its thumbnail,
// the others a "Photo (HEIC)" card whose link downloads it. The page learns which from the first one.
const HEIC = /^image\/hei[cf]$/;
let heicDrawn = null; // unknown until a HEIC thumbnail loads (true) or fails (false)

function heicCard(a, link) {
  const label = `${t("heicPhoto")}${a.size ? `, ${fileSize(a.size)}` : ""}`;
  const attempt = heicDrawn === false ? "" : `<img class="thumb" src="${esc(a.url)}" hidden data-heic alt="${esc(`${t("fileKinds").photo}: ${a.filename}`)}" data-expires="${esc(a.url_expires_at || "")}">`;
  return `<li class="file heic"><a ${link}>${attempt}<span class="card"><bdi>${esc(a.filename)}</bdi> <small>(${esc(label)})</small></span></a>
    <small class="hint">${esc(t("heicHint"))}</small></li>`;
}

function attachedFile(a) {
  const about = [fileKind(a), fileSize(a.size)].filter(Boolean).join(", ");
  if (!linkable(a)) return `<li class="file"><bdi>${esc(a.filename)}</bdi> <small>(${esc(about)})</small></li>`;
  const link = `href="${esc(a.url)}" target="_blank" rel="noopener noreferrer" data-expires="${esc(a.url_expires_at || "")}"`;
  if (HEIC.test(a.content_type)) return heicCard(a, link);
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
  if (!ev.target.matches || !ev.target.matches("img.thumb")) return;
  if (expired(ev.target)) render();
  else if (ev.target.matches("[data-heic]")) heicDrawn = false; // this browser cannot draw HEIC: the card stays
}, true);
// A HEIC photo this browser draws: its thumbnail replaces the card.
document.addEventListener("load", (ev) => {
  if (!ev.target.matches || !ev.target.matches("img[data-heic]") || !ev.target.naturalWidth) return;
  heicDrawn = true;
  ev.target.hidden = false;
  ev.target.closest("li").classList.replace("file", "photo");
}, true);

// --- what the case says its viewer may do ----------------------------------------------
// The server is the only source of workflow rules: each case carries `allowed_actions`
// (where to send, which fields, their choices and labels in both languages). The page
// renders those and keeps no list of actions, reasons or deadlines of its own.

const labelOf = (x) => (state.lang === "ur" && x.label_ur ? x.label_ur : x.label);
const TEXTAREAS = new Set(["note", "message", "grounds", "comment", "reason"]);
// ACCEPT (the types a file input offers) is uploads.js's.
// A form's id where the page's tests and styles know it by another name than its action.
const FORM_ID = { feedback: "verdict" };

// Every field says whether it must be filled: "(required)" or "(optional)" beside its name, in the page's
// language, and `required` on the input itself. A long list of choices (a transfer's offices) is a
// searchable picker (officer.js), not a select of hundreds of options.
const LONG_LIST = 12;

function fieldHtml(f) {
  const name = esc(f.name);
  const required = f.required ? `required aria-required="true"` : "";
  const text = `${esc(labelOf(f))} <small class="${f.required ? "req" : "opt"}">(${esc(t(f.required ? "required" : "optional"))})</small>`;
  if (f.type === "choice" && f.choices.length > LONG_LIST) return pickerHtml(f, text);
  if (f.type === "choice") {
    const blank = f.required ? "" : `<option value=""></option>`;
    return `<label>${text}<select name="${name}" ${required}>${blank}${f.choices.map((c) => `<option value="${esc(c.value)}">${esc(labelOf(c))}</option>`).join("")}</select></label>`;
  }
  if (f.type === "boolean") return `<label class="check"><input type="checkbox" name="${name}" value="true" ${required}> ${text}</label>`;
  if (f.type === "integer") return `<label>${text}<input type="number" name="${name}" min="${esc(f.minimum ?? "")}" max="${esc(f.maximum ?? "")}" ${required}></label>`;
  if (f.type === "uploads") return `<label>${text}<input type="file" name="${name}" multiple accept="${ACCEPT}" ${required}></label>`;
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
  clearFieldProblems(form);
  try {
    await api(a.method, a.path, await actionBody(a, form, submitter), { "If-Match": String(c.version) });
    dropDraft(form);
    await render();
  } catch (e) {
    if (e.status === 409) await render();
    say(problem(e, {}, form), "error");
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
        <form id="${id}" class="stack" data-action="${esc(a.action)}" data-draft>${actionFields(a)}
        <button class="secondary">${esc(labelOf(a))}</button></form></details>`;
    }
    return `<form id="${id}" class="stack" data-action="${esc(a.action)}" data-draft>
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
  // The steps of category suggestion, triage and moderation are named by suggest.js's texts.
  const [c] = await Promise.all([api("GET", `/v1/complaints/${encodeURIComponent(id)}`), suggestScripts().catch(() => {})]);
  await answersKnown(c);
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

