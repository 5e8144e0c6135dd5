// Awaaz web client: uploading files straight to storage, each file's progress shown, a failure retried.
"use strict";

// What a file input offers. HEIC/HEIF is what an iPhone's camera saves: kept as sent (docs/attachments.md).
const ACCEPT = "image/jpeg,image/png,image/heic,image/heif,.heic,.heif,application/pdf,video/mp4";
const UPLOAD_TYPES = new Set(["image/jpeg", "image/png", "image/heic", "image/heif", "application/pdf", "video/mp4"]);
const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
const MAX_FILES = 5;
// Some browsers give a .heic file no type (or a generic one): the name says what it is.
const BY_EXTENSION = { heic: "image/heic", heif: "image/heif", jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", pdf: "application/pdf", mp4: "video/mp4" };
// A failed send is tried again after 1, 2 and 4 seconds before the file is shown as not sent.
const RETRY_AFTER_MS = [1000, 2000, 4000];

function contentType(file) {
  const given = (file.type || "").toLowerCase().replace("image/jpg", "image/jpeg").replace(/-sequence$/, "");
  if (UPLOAD_TYPES.has(given)) return given;
  const extension = (file.name.split(".").pop() || "").toLowerCase();
  return BY_EXTENSION[extension] || given;
}

// One entry per chosen File: its upload id once signed, its state, and the send under way.
//   waiting → uploading (retrying) → uploaded | failed (try again, or remove) | refused (cannot be sent: remove)
//   | extra (beyond the five a case takes at once: remove it or another)
const entries = new WeakMap();

function entryOf(file) {
  let entry = entries.get(file);
  if (!entry) {
    entry = { file, type: contentType(file), state: "waiting", signed: null, running: null, removed: false, views: new Set() };
    if (!UPLOAD_TYPES.has(entry.type) || file.size < 1 || file.size > MAX_UPLOAD_BYTES) entry.state = "refused";
    entries.set(file, entry);
  }
  return entry;
}

class Retryable extends Error {}
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// One try: sign (once per file: every retry sends the same upload id, so a resent form has the same
// body under the same Idempotency-Key), then POST it to storage. The bucket's CORS lets the page read
// the answer, so a refused or lost upload is seen, never assumed.
async function sendOnce(entry) {
  if (!entry.signed) {
    try {
      entry.signed = await api("POST", "/v1/uploads", { filename: entry.file.name, content_type: entry.type, size: entry.file.size });
    } catch (e) {
      if (e.status === 0 || e.status === 429 || e.status >= 500) throw new Retryable();
      entry.state = "refused";
      throw e;
    }
  }
  const form = new FormData();
  for (const [name, value] of Object.entries(entry.signed.fields)) form.append(name, value);
  form.append("file", entry.file);
  let response;
  try {
    response = await fetch(entry.signed.url, { method: "POST", body: form });
  } catch (e) {
    throw new Retryable(); // offline, the connection dropped, or the answer was unreadable
  }
  if (response.ok) return;
  if (response.status === 403) entry.signed = null; // the signed form expired: sign again
  throw new Retryable();
}

// Send a file, trying again with backoff; resolves when it is stored, marks it failed otherwise.
function send(entry) {
  if (["uploaded", "refused", "extra"].includes(entry.state) || entry.removed) return Promise.resolve();
  if (entry.running) return entry.running;
  entry.running = (async () => {
    for (let attempt = 0; ; attempt += 1) {
      if (!attempt) setState(entry, "uploading");
      try {
        await sendOnce(entry);
        setState(entry, "uploaded");
        return;
      } catch (e) {
        if (!(e instanceof Retryable) || attempt >= RETRY_AFTER_MS.length || entry.removed) {
          setState(entry, entry.state === "refused" ? "refused" : "failed");
          return;
        }
        setState(entry, "retrying"); // shown while it waits to try again
        await pause(RETRY_AFTER_MS[attempt]);
      }
    }
  })().finally(() => { entry.running = null; });
  return entry.running;
}

// --- what the citizen sees: one line per file under its input ----------------------------

const STATE_TEXT = { waiting: "uploadWaiting", uploading: "uploading", retrying: "uploadRetrying", uploaded: "uploaded", failed: "uploadFailed", refused: "uploadRefused", extra: "uploadExtra" };

function setState(entry, next) {
  entry.state = next;
  for (const li of entry.views) if (li.isConnected) li.replaceWith(fileLine(entry));
  settled();
}

// Once no file is left unsent, the warning that one was is taken down.
function settled() {
  const box = document.getElementById("message");
  if (!box || box.hidden || box.textContent !== t("uploadsNotSent")) return;
  if (!document.querySelector(".uploads li.failed, .uploads li.refused, .uploads li.extra")) say("");
}

function fileLine(entry) {
  const li = document.createElement("li");
  li.className = `upload ${entry.state}`;
  li.dataset.state = entry.state;
  const name = esc(entry.file.name);
  const again = entry.state === "failed"
    ? `<button type="button" class="secondary" data-do="again" aria-label="${esc(`${t("tryAgain")}: ${entry.file.name}`)}">${esc(t("tryAgain"))}</button>` : "";
  li.innerHTML = `<span class="name"><bdi>${name}</bdi> <small><bdi>${esc(fileSize(entry.file.size))}</bdi></small></span>
    <span class="state" role="status">${esc(t(STATE_TEXT[entry.state]))}</span>
    <span class="row">${again}<button type="button" class="secondary" data-do="remove" aria-label="${esc(`${t("removeFile")}: ${entry.file.name}`)}">${esc(t("removeFile"))}</button></span>`;
  li.querySelector("[data-do=remove]").onclick = () => removeFile(entry);
  const retry = li.querySelector("[data-do=again]");
  if (retry) retry.onclick = () => send(entry);
  entry.views = new Set([...entry.views].filter((v) => v.isConnected));
  entry.views.add(li);
  return li;
}

// The list of an input's files, right after its label; drawn anew when the choice changes.
function listOf(input) {
  const holder = input.closest("label") || input;
  let list = holder.nextElementSibling;
  if (!list || !list.classList.contains("uploads")) {
    list = document.createElement("ul");
    list.className = "uploads";
    holder.after(list);
  }
  return list;
}

function chosen(input) {
  return [...input.files].filter((f) => !entryOf(f).removed);
}

function drawList(input) {
  const list = listOf(input);
  const files = chosen(input);
  list.replaceChildren(...files.map((f, i) => {
    const entry = entryOf(f);
    if (i >= MAX_FILES) entry.state = "extra"; // shown, never sent: the citizen removes one to choose
    else if (entry.state === "extra") entry.state = "waiting";
    return fileLine(entry);
  }));
  list.hidden = !files.length;
  for (const f of files.slice(0, MAX_FILES)) send(entryOf(f));
}

function removeFile(entry) {
  entry.removed = true;
  for (const input of document.querySelectorAll("input[type=file]")) {
    if (![...input.files].includes(entry.file)) continue;
    try { // the input forgets the file too, where the browser lets a page set its files
      const kept = new DataTransfer();
      for (const f of input.files) if (f !== entry.file) kept.items.add(f);
      input.files = kept.files;
    } catch (e) { /* the entry stays removed: it is neither shown nor sent */ }
    drawList(input);
    settled();
    input.focus();
  }
}

// Sending starts as soon as files are chosen, while the citizen writes: by the time they press
// send, the files are usually there.
document.addEventListener("change", (ev) => {
  const input = ev.target;
  if (!(input instanceof HTMLInputElement) || input.type !== "file") return;
  for (const f of input.files) entryOf(f).removed = false;
  drawList(input);
});

// --- what the forms call -----------------------------------------------------------------

// The upload ids of `files` (those not removed), once each is stored: a file still sending is awaited,
// a failed one tried again. If one cannot be sent, nothing is filed: the error says so, the form keeps
// everything typed, and the file's line offers to try again or remove it.
async function upload(files) {
  const wanted = files.map(entryOf).filter((e) => !e.removed).slice(0, MAX_FILES);
  await Promise.all(wanted.map(send));
  const missing = wanted.filter((e) => e.state !== "uploaded");
  if (missing.length) {
    throw { status: 0, code: "upload_failed", message: t("uploadsNotSent"), details: [] };
  }
  return wanted.map((e) => e.signed.upload_id);
}

// Kept for the filing form: the same files give the same upload ids (a retry resends the same body).
function uploadsOnce() {
  return (files) => upload(files);
}
