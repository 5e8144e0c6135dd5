// Awaaz web client: installable and offline-tolerant.
// - Registers the service worker (sw.js: the app shell from a cache when the network is out).
// - Keeps copies of what a citizen read (their cases and requests, the lists the filing form needs,
//   who they are) in IndexedDB, per person, and shows them when the network cannot be reached,
//   saying so and since when. Signing out deletes that person's copies.
// - Keeps a complaint filed with no network (its Idempotency-Key, its files as Blobs) in an outbox in
//   IndexedDB and sends it when the connection returns and on every start of the app, one tab at a time
//   (navigator.locks) and always with the same key: a retry after a lost answer files nothing new.
//   A refusal (4xx) keeps it, with the reason shown; only the citizen can delete it.
// It wraps core.js's api() rather than changing it: whatever api() does (signing, refreshing a
// session), the copies are made from and given in place of its answers.
"use strict";

// --- IndexedDB ------------------------------------------------------------------------

let offlineDbOpen = null;

function offlineDb() {
  if (!offlineDbOpen) {
    offlineDbOpen = new Promise((resolve, reject) => {
      const opening = indexedDB.open("awaaz-offline", 1);
      opening.onupgradeneeded = () => {
        const db = opening.result;
        db.createObjectStore("copies", { keyPath: "key" }).createIndex("sub", "sub");
        db.createObjectStore("outbox", { keyPath: "key" }).createIndex("sub", "sub");
      };
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () => reject(opening.error);
    });
    offlineDbOpen.catch(() => { offlineDbOpen = null; });
  }
  return offlineDbOpen;
}

// One transaction on one store: `work` makes requests; the answer is the last request's result, once committed.
async function offlineStore(name, mode, work) {
  const db = await offlineDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(name, mode);
    const request = work(tx.objectStore(name));
    tx.oncomplete = () => resolve(request ? request.result : undefined);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

const allOf = (name, sub) => offlineStore(name, "readonly", (s) => s.index("sub").getAll(sub));

// --- copies of what was read ----------------------------------------------------------

const COPIES_KEPT = 40; // per person: their list, the cases they opened last
// What is kept: who is signed in, a citizen's own cases and requests, the lists the forms are drawn from.
const PERSONAL = /^\/v1\/(complaints|information-requests)(\/[^/?]+)?(\?.*)?$/;
const PUBLIC = /^\/v1\/(categories|districts|publication|organisations)(\?.*)?$/;
// The signed-in person's copy of /v1/me is known by who their token names (its `sub`; never the token itself),
// so that a refreshed token still finds it.
function tokenSub() {
  try {
    const part = state.token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(part)).sub || "";
  } catch (e) {
    return "";
  }
}

function copyKey(path) {
  if (path === "/v1/me") return state.token && tokenSub() ? { key: `me ${tokenSub()}`, sub: "" } : null;
  if (PUBLIC.test(path)) return { key: `public ${path}`, sub: "" };
  if (PERSONAL.test(path) && state.me && state.me.role === "citizen") return { key: `${state.me.sub} ${path}`, sub: state.me.sub };
  return null;
}

async function keepCopy(where, path, data) {
  await offlineStore("copies", "readwrite", (s) => s.put({ ...where, path, data, at: new Date().toISOString() }));
  if (!where.sub) return;
  const kept = await allOf("copies", where.sub);
  const old = kept.sort((a, b) => b.at.localeCompare(a.at)).slice(COPIES_KEPT);
  if (old.length) await offlineStore("copies", "readwrite", (s) => { for (const c of old) s.delete(c.key); });
}

const copyOf = (where) => offlineStore("copies", "readonly", (s) => s.get(where.key));

const apiOnline = api;
async function apiWithCopies(method, path, body, headers, ...more) {
  const where = method === "GET" ? copyKey(path) : null;
  try {
    const data = await apiOnline(method, path, body, headers, ...more);
    if (where) {
      keepCopy(where, path, data).catch(() => null);
      if (where.sub) showingCopyFrom(null);
    }
    return data;
  } catch (e) {
    if (e.status !== 0 || !where) throw e;
    const copy = await copyOf(where).catch(() => null);
    if (!copy) throw e;
    if (where.sub) showingCopyFrom(copy.at);
    return copy.data;
  }
}
try {
  api = apiWithCopies;
} catch (e) {
  console.error("offline.js: api() cannot be wrapped; no copies are kept for offline reading", e);
}

// --- what the page says about being offline -------------------------------------------

const offlineBar = document.createElement("p");
offlineBar.id = "offline-note";
offlineBar.className = "offline-note";
offlineBar.setAttribute("role", "status");
offlineBar.hidden = true;
const outboxBox = document.createElement("section");
outboxBox.id = "outbox";
outboxBox.className = "outbox";
outboxBox.setAttribute("aria-labelledby", "outbox-title");
outboxBox.hidden = true;
document.getElementById("message").after(offlineBar, outboxBox);

let copyShownFrom = null; // when the copy the page shows was saved; null when it shows fresh answers

function showingCopyFrom(at) {
  copyShownFrom = at;
  drawOfflineBar();
}

function drawOfflineBar() {
  const text = copyShownFrom ? t("offlineSince").replace("{when}", when(copyShownFrom)) : navigator.onLine ? "" : t("offlineNow");
  offlineBar.textContent = text;
  offlineBar.hidden = !text;
}

// A message that does not take the focus from whoever is typing elsewhere on the page.
function tell(html, kind) {
  const box = document.getElementById("message");
  box.innerHTML = html;
  box.className = `message ${kind}`;
  box.hidden = false;
}

// --- the outbox: complaints filed with no network --------------------------------------

// Files the complaint, or keeps it to be sent later when the network cannot be reached (null then).
// The same Idempotency-Key goes with it; so do the upload ids when the files went up before the network did.
async function fileOrQueue(body, files, key, uploads) {
  const entry = { key: key.headers()["Idempotency-Key"], body: { ...body } };
  let unreachable;
  try {
    entry.body.attachments = await uploads(files);
    return await api("POST", "/v1/complaints", entry.body, key.headers());
  } catch (e) {
    // A file storage would not take while the service answers is the citizen's to retry or remove
    // (uploads.js shows how); only with the network gone does the complaint wait in the outbox.
    if (e.status !== 0 || (e.code === "upload_failed" && navigator.onLine)) throw e;
    unreachable = e;
  }
  const kept = entry.body.attachments ? [] : files.map((f) => ({ name: f.name, type: f.type, blob: f }));
  try {
    await offlineStore("outbox", "readwrite", (s) => s.put({ ...entry, sub: state.me.sub, files: kept, at: new Date().toISOString(), error: null }));
  } catch (refused) {
    throw unreachable; // no storage (a private window): the form and its draft stay, the page says the network is out
  }
  drawOutbox();
  return null;
}

let outboxSending = null;
let outboxRetry = null;
let outboxStartedFor = null;

// Sends what waits in the outbox, one tab at a time: a tab that gets the lock after another sent
// an entry finds it gone. Without locks (old browsers), the Idempotency-Key still files it once.
function sendOutbox() {
  if (!state.me || !state.token || outboxSending) return outboxSending;
  const sub = state.me.sub;
  outboxStartedFor = sub;
  const work = () => sendOutboxOf(sub);
  outboxSending = (navigator.locks ? navigator.locks.request("awaaz-outbox", work) : work())
    .catch(() => null)
    .finally(() => { outboxSending = null; drawOutbox(); });
  return outboxSending;
}

async function sendOutboxOf(sub) {
  const waiting = (await allOf("outbox", sub)).sort((a, b) => a.at.localeCompare(b.at));
  const filed = [];
  let unreachable = false;
  for (const { key } of waiting) {
    const entry = await offlineStore("outbox", "readonly", (s) => s.get(key));
    if (!entry || !state.me || state.me.sub !== sub) continue;
    try {
      if (!entry.body.attachments) {
        entry.body.attachments = await upload(entry.files.map((f) => new File([f.blob], f.name, { type: f.type })));
        entry.files = [];
        await offlineStore("outbox", "readwrite", (s) => s.put(entry)); // a retry sends the same body
      }
      const out = await api("POST", "/v1/complaints", entry.body, { "Idempotency-Key": entry.key });
      await offlineStore("outbox", "readwrite", (s) => s.delete(entry.key));
      filed.push(out.id);
    } catch (e) {
      if (e.status === 0) { unreachable = true; break; }
      entry.error = { status: e.status, code: e.code || null, message: e.message || "", details: e.details || [] };
      await offlineStore("outbox", "readwrite", (s) => s.put(entry));
    }
  }
  // Online but the service unreachable (no `online` event will come): try again in a while.
  clearTimeout(outboxRetry);
  if (unreachable) outboxRetry = setTimeout(sendOutbox, 30_000);
  if (filed.length) {
    outboxNews.postMessage({ sub, filed });
    toldFiled(filed);
  }
}

// Whichever tab sent it, every tab of this person gives the citizen the tracking number.
function toldFiled(filed) {
  const said = `${esc(t("queuedSent"))} ${filed.map((id) => `<strong>${esc(id)}</strong>`).join(", ")}`;
  if ((location.hash || "").startsWith("#/mine")) {
    state.flash = [said, "ok"];
    render();
  } else {
    tell(said, "ok");
  }
  drawOutbox();
}

const outboxNews = "BroadcastChannel" in window ? new BroadcastChannel("awaaz-outbox") : { postMessage() {} };
outboxNews.onmessage = (ev) => {
  if (state.me && ev.data && ev.data.sub === state.me.sub) toldFiled(ev.data.filed);
};

async function drawOutbox() {
  const waiting = state.me ? await allOf("outbox", state.me.sub).catch(() => []) : [];
  outboxBox.hidden = !waiting.length;
  if (!waiting.length) { outboxBox.innerHTML = ""; return; }
  waiting.sort((a, b) => a.at.localeCompare(b.at));
  outboxBox.innerHTML = `<h2 id="outbox-title">${esc(t("outbox"))}</h2><ul class="cards">${waiting.map((entry) => `
    <li data-key="${esc(entry.key)}"><strong><bdi>${esc(entry.body.subject)}</bdi></strong>
      <br><small>${esc(t("outboxSaved"))}: ${esc(when(entry.at))}</small>
      <p>${entry.error ? `${esc(t("outboxFailed"))} ${problem(entry.error)}` : esc(outboxSending ? t("outboxSending") : t("outboxWaiting"))}</p>
      <div class="row"><button type="button" data-send>${esc(t("sendNow"))}</button>
        <button type="button" class="secondary" data-delete>${esc(t("discardQueued"))}</button></div></li>`).join("")}</ul>`;
  for (const item of outboxBox.querySelectorAll("li[data-key]")) {
    item.querySelector("[data-send]").onclick = () => { sendOutbox(); drawOutbox(); };
    item.querySelector("[data-delete]").onclick = async () => {
      if (!confirm(t("discardQueuedConfirm"))) return;
      await offlineStore("outbox", "readwrite", (s) => s.delete(item.dataset.key));
      drawOutbox();
    };
  }
}

// --- when things happen -----------------------------------------------------------------

// A new page (a route, the other language, a sign-in): the notes are drawn again; the first page a
// person sees after the app starts (or after signing in) sends what waits in their outbox.
new MutationObserver(() => {
  drawOfflineBar();
  drawOutbox();
  if (state.me && outboxStartedFor !== state.me.sub && navigator.onLine) {
    sendOutbox();
    // The filing form's lists (file.js), kept for a form drawn offline.
    if (state.me.role === "citizen" && typeof lists === "function") setTimeout(() => lists().catch(() => null), 2000);
  }
}).observe(document.body, { childList: true });

window.addEventListener("hashchange", () => { copyShownFrom = null; });
window.addEventListener("online", () => { drawOfflineBar(); sendOutbox(); });
window.addEventListener("offline", drawOfflineBar);
// What waits in the outbox shows even when the first page cannot be drawn (offline, nothing kept for it).
window.addEventListener("load", () => { drawOfflineBar(); drawOutbox(); });

// Signing out on a shared phone: this person's drafts and copies go (what waits in their outbox stays, sent when they sign in again).
document.addEventListener("click", (ev) => {
  if (!ev.target.closest || !ev.target.closest("#logout") || !state.me) return;
  const sub = state.me.sub;
  dropDrafts(sub);
  offlineStore("copies", "readwrite", (s) => {
    s.delete(`me ${sub}`);
    const mine = s.index("sub").getAllKeys(sub);
    mine.onsuccess = () => { for (const key of mine.result) s.delete(key); };
  }).catch(() => null);
  outboxBox.hidden = true;
  outboxStartedFor = null;
}, true);

// Fonts the page loaded before the service worker took control went past it: fetched again through
// it, they are kept for offline use (only the families the page used: the Urdu font once Urdu was shown).
function keepUsedFonts() {
  if (!navigator.serviceWorker.controller) return;
  const bare = (family) => family.replace(/["']/g, "").trim();
  const used = new Set([...document.fonts].filter((f) => f.status === "loaded").map((f) => bare(f.family)));
  for (const sheet of document.styleSheets) {
    let rules = [];
    try { rules = [...sheet.cssRules]; } catch (e) { continue; }
    for (const rule of rules.filter((r) => r instanceof CSSFontFaceRule && used.has(bare(r.style.getPropertyValue("font-family"))))) {
      const src = /url\(["']?([^"')]+)/.exec(rule.style.getPropertyValue("src"));
      if (src) fetch(new URL(src[1], sheet.href || location.href)).catch(() => null);
    }
  }
}

if ("serviceWorker" in navigator) {
  // Registered a moment after the page has loaded: on a slow network, what the page itself asks for comes first.
  const registerWorker = () => navigator.serviceWorker.register("sw.js").then(keepUsedFonts).catch(() => null);
  window.addEventListener("load", () => setTimeout(registerWorker, 1500));
  navigator.serviceWorker.addEventListener("controllerchange", keepUsedFonts);
  document.fonts.addEventListener("loadingdone", keepUsedFonts);
}
