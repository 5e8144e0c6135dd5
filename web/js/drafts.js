// Awaaz web client: drafts. Nothing typed is lost: every form that takes typed text keeps a draft in
// localStorage, per signed-in person (their `sub`) and form (the page's route and the form's id), saved as
// the person types and put back when the form is drawn again (a refresh, signing in again after the
// session expired, going offline and back). A success clears it; so does signing out (shared phones).
// Passwords, codes and files are never stored.
"use strict";

const DRAFT_PREFIX = "awaaz.draft.";
// Forms opt in with a `data-draft` attribute (its value names the form; the form's id otherwise).
// The officer's action form is drawn by officer.js and opts in here.
const DRAFTED = "form[data-draft], form#act";
const NOT_KEPT = /^(password|new_password|code|session|otp|totp)$/i;
const draftsBound = new WeakSet();
const draftNotes = new WeakMap();
let restoringDraft = false; // the events a restore sends are not typing

function draftKey(form) {
  if (!state.me || !state.me.sub) return null;
  const route = (location.hash || "#/").split("?")[0];
  return `${DRAFT_PREFIX}${state.me.sub}.${route}.${form.dataset.draft || form.id}`;
}

const keptField = (el) => el.name && !NOT_KEPT.test(el.name) && el.autocomplete !== "one-time-code" &&
  !["password", "file", "hidden", "submit", "button", "reset", "image"].includes(el.type) &&
  ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName);

// What a field shows before anyone touches it (a listbox chooses nothing, a drop-down its first option).
function untouched(el) {
  if (el.type === "checkbox" || el.type === "radio") return el.checked === el.defaultChecked;
  if (el.tagName === "SELECT") {
    const first = [...el.options].find((o) => o.defaultSelected) || (el.size > 1 || el.multiple ? null : el.options[0]);
    return el.value === (first ? first.value : "");
  }
  return el.value === el.defaultValue;
}

function saveDraft(form) {
  const key = draftKey(form);
  if (!key) return;
  const fields = [...form.elements].filter(keptField);
  if (fields.every(untouched)) {
    localStorage.removeItem(key);
    return;
  }
  const values = fields.map((el) => [el.name, el.type === "checkbox" || el.type === "radio" ? el.checked : el.value, el.value]);
  try {
    localStorage.setItem(key, JSON.stringify({ at: new Date().toISOString(), values }));
  } catch (e) { /* storage full or refused: the form still works */ }
}

function draftOf(form) {
  const key = draftKey(form);
  try { return key ? JSON.parse(localStorage.getItem(key) || "null") : null; } catch (e) { return null; }
}

// The saved values go back in the order they were saved, each announcing its change, so that what a
// field draws (a filtered list of problems, an office list, an action's own fields) is there for the next.
function restoreDraft(form, draft) {
  restoringDraft = true;
  try { putBack(form, draft); } finally { restoringDraft = false; }
}

function putBack(form, draft) {
  for (const [name, value, own] of draft.values) {
    const found = form.elements[name];
    const el = found && found.length !== undefined && !found.tagName
      ? [...found].find((x) => x.value === own) || found[0] : found;
    if (!el || !keptField(el)) continue;
    if (el.type === "checkbox" || el.type === "radio") el.checked = Boolean(value);
    else el.value = value;
    el.dispatchEvent(new Event(el.tagName === "SELECT" || el.type === "checkbox" || el.type === "radio" ? "change" : "input", { bubbles: true }));
  }
}

function draftNote(form, draft) {
  const note = document.createElement("p");
  note.className = "draft-note";
  note.innerHTML = `<span>${esc(t("draftRestored").replace("{when}", when(draft.at)))}</span>
    <button type="button" class="linkish">${esc(t("discardDraft"))}</button>`;
  note.querySelector("button").onclick = () => {
    dropDraft(form);
    form.reset();
    restoringDraft = true;
    for (const el of form.elements) {
      if (keptField(el)) el.dispatchEvent(new Event(el.tagName === "SELECT" ? "change" : "input", { bubbles: true }));
    }
    restoringDraft = false;
    const first = [...form.elements].find(keptField);
    if (first) first.focus();
  };
  // Just before the form, outside it: the form's own buttons stay the only ones in it.
  form.before(note);
  draftNotes.set(form, note);
  const folded = form.closest("details");
  if (folded) folded.open = true; // a restored draft is not hidden in a folded form
}

function bindDraft(form) {
  if (draftsBound.has(form) || !draftKey(form)) return;
  draftsBound.add(form);
  const draft = draftOf(form);
  if (draft && Array.isArray(draft.values)) {
    restoreDraft(form, draft);
    draftNote(form, draft);
  }
  const save = () => { if (!restoringDraft) saveDraft(form); };
  form.addEventListener("input", save);
  form.addEventListener("change", save);
}

// A form sent with success (or queued to be sent) keeps no draft.
function dropDraft(form) {
  const key = draftKey(form);
  if (key) localStorage.removeItem(key);
  const note = draftNotes.get(form);
  if (note) note.remove();
}

// Signing out on a shared phone leaves nothing of this person's typing behind.
function dropDrafts(sub) {
  const mine = `${DRAFT_PREFIX}${sub}.`;
  for (const key of Object.keys(localStorage)) if (key.startsWith(mine)) localStorage.removeItem(key);
}

// Pages are drawn into a fresh <main> (and steps into parts of it): each drafted form is bound once it is in the page.
new MutationObserver(() => {
  for (const form of document.querySelectorAll(DRAFTED)) bindDraft(form);
}).observe(document.body, { childList: true, subtree: true });
