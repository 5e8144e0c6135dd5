// Awaaz service worker: the app shell (page, scripts, styles, fonts, icons) from a versioned cache
// when the network cannot be reached. It never touches the API (no /v1/, no other origin): the
// citizen's own cases are kept by the page itself (js/offline.js), per person, in IndexedDB.
//
// The page's own files are network-first (a new deploy arrives on the next load; the cache is only
// the fallback) and refreshed in the cache on every load; fonts and icons, which never change under
// the same name, are cache-first. A new VERSION (bump it when the list below changes) empties the old cache.
// Every file index.html loads must be in SHELL (tests/unit/test_web_shell.py checks it). Administration's
// files (js/admin.js, js/i18n-admin.js, admin.css), which core.js loads when an admin page is opened, are
// not: every citizen's phone would download them here. Once an admin has opened a page, fetch() keeps them.
"use strict";

const VERSION = "awaaz-shell-v7";
const SHELL = [
  "./", "index.html", "config.js", "style.css", "manifest.webmanifest",
  "js/i18n.js", "js/core.js", "js/account.js", "js/uploads.js", "js/file.js", "js/case.js", "js/requests.js",
  "js/officer.js", "js/topics.js", "js/dashboard.js", "js/drafts.js", "js/offline.js", "js/settings.js", "js/map.js",
  "js/gap.js", "gap.css", "js/trends.js",
  "js/metoo.js",
  "js/i18n-suggest.js", "js/suggest.js",
  "icons/icon.svg", "icons/icon-192.png",
];
const LASTING = /\/(fonts|icons)\//;

self.addEventListener("install", (event) => {
  // One missing file (renamed by a later change) must not keep the whole shell out of the cache.
  event.waitUntil(caches.open(VERSION)
    .then((cache) => Promise.all(SHELL.map((path) => fetch(path).then((r) => (r.ok ? stored(r) : null))
      .then((r) => r && cache.put(path, r)).catch(() => null))))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith("awaaz-shell-") && k !== VERSION).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

// What the cache keeps is the body as the page reads it (decoded), so the transfer's own headers go:
// a gzipped file's Content-Length (its compressed size) would cut the kept page short offline.
async function stored(response) {
  const headers = new Headers(response.headers);
  headers.delete("Content-Length");
  headers.delete("Content-Encoding");
  return new Response(await response.clone().blob(), { status: response.status, statusText: response.statusText, headers });
}

const keep = async (request, response) => {
  if (response.ok && response.type === "basic") {
    const cache = await caches.open(VERSION);
    await cache.put(request, await stored(response));
  }
  return response;
};

async function networkFirst(request) {
  try {
    return await keep(request, await fetch(request));
  } catch (offline) {
    const kept = await caches.match(request, { ignoreSearch: true }) ||
      (request.mode === "navigate" ? await caches.match("./") || await caches.match("index.html") : undefined);
    if (kept) return kept;
    throw offline;
  }
}

async function cacheFirst(request) {
  return (await caches.match(request)) || keep(request, await fetch(request));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || /^\/(v1|open311)\//.test(url.pathname)) return;
  event.respondWith(LASTING.test(url.pathname) ? cacheFirst(request) : networkFirst(request));
});
