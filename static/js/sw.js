// lianyun service worker: caches the app shell (styles, script, icons, offline page), and keeps
// a copy of the public pages a villager reads again without a signal: the policies, the
// village payout boards and the articles. Pages are fetched from the network first, so nobody
// reads stale public data while online; offline, a kept copy answers, marked with the time it
// was fetched, and any other page answers with the offline page. Personal pages send no-store
// and are kept only when the server marks them X-Lianyun-Keep: personal, which it does for a
// signed-in villager's own payout statements: the last few, in a cache of their own that is
// emptied at sign-out and after a month.
const CACHE = "lianyun-shell-v2";
const PAGES = "lianyun-pages-v1";
const PERSONAL = "lianyun-personal-v1";
const MOST_PAGES = 60;
const MOST_PERSONAL = 3;
const PERSONAL_DAYS = 30;
const SHELL = [
  "/static/css/app.css",
  "/static/js/app.js",
  "/static/icons/icon-192.png",
  "/static/icons/icon-512.png",
  "/offline/",
];
const KEPT = [/^\/$/, /^\/policies\//, /^\/payouts\/boards\/\d+\/$/, /^\/learning\/(\d+\/)?$/];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => ![CACHE, PAGES, PERSONAL].includes(k)).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

async function keep(name, most, request, response) {
  const body = await response.text();
  const cache = await caches.open(name);
  await cache.delete(request); // a page read again becomes the newest
  await cache.put(request, new Response(body, {
    headers: { "Content-Type": "text/html; charset=utf-8", "X-Lianyun-Fetched": new Date().toISOString() },
  }));
  const keys = await cache.keys();
  for (const old of keys.slice(0, Math.max(0, keys.length - most))) await cache.delete(old);
}

async function kept(request) {
  let hit = await (await caches.open(PAGES)).match(request);
  if (!hit) {
    hit = await (await caches.open(PERSONAL)).match(request);
    const age = hit ? Date.now() - Date.parse(hit.headers.get("X-Lianyun-Fetched")) : 0;
    if (age > PERSONAL_DAYS * 86400000) {
      await (await caches.open(PERSONAL)).delete(request);
      hit = undefined;
    }
  }
  if (!hit) return caches.match("/offline/");
  const body = await hit.text();
  const when = new Date(hit.headers.get("X-Lianyun-Fetched") || Date.now());
  const english = /<html lang="en"/.test(body);
  const time = when.toLocaleString(english ? "en-GB" : "zh-CN", { hour12: false });
  const note = english
    ? "No network: this copy was saved on this phone at " + time + "."
    : "没有网络：这是本机 " + time + " 保存的副本。";
  const marked = body.replace("<main>", '<main><p class="notice" data-test="offline-copy">' + note + "</p>");
  return new Response(marked, { headers: { "Content-Type": "text/html; charset=utf-8" } });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === "/accounts/logout/") {
    event.waitUntil(caches.delete(PERSONAL)); // signing out leaves nothing personal behind
    return;
  }
  if (request.method !== "GET") return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
    return;
  }
  if (request.mode === "navigate") {
    const wanted = KEPT.some((pattern) => pattern.test(url.pathname));
    event.respondWith(
      fetch(request).then((response) => {
        const cacheable = response.ok && !/no-store|private/.test(response.headers.get("Cache-Control") || "");
        if (wanted && cacheable) event.waitUntil(keep(PAGES, MOST_PAGES, request, response.clone()));
        if (response.ok && response.headers.get("X-Lianyun-Keep") === "personal") {
          event.waitUntil(keep(PERSONAL, MOST_PERSONAL, request, response.clone()));
        }
        return response;
      }).catch(() => kept(request))
    );
  }
});
