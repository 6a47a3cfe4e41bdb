// lianyun service worker: caches the app shell (styles, script, icons, offline page), and keeps
// a copy of the public pages a villager reads again without a signal: the policies, the
// village payout boards and the articles. Pages are fetched from the network first, so nobody
// reads stale public data while online; offline, a kept copy answers, marked with the time it
// was fetched, and any other page answers with the offline page. Personal pages send no-store
// and are never kept here.
const CACHE = "lianyun-shell-v2";
const PAGES = "lianyun-pages-v1";
const MOST_PAGES = 60;
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
    caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE && k !== PAGES).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

async function keep(request, response) {
  const body = await response.text();
  const cache = await caches.open(PAGES);
  await cache.put(request, new Response(body, {
    headers: { "Content-Type": "text/html; charset=utf-8", "X-Lianyun-Fetched": new Date().toISOString() },
  }));
  const keys = await cache.keys();
  for (const old of keys.slice(0, Math.max(0, keys.length - MOST_PAGES))) await cache.delete(old);
}

async function kept(request) {
  const hit = await (await caches.open(PAGES)).match(request);
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
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
    return;
  }
  if (request.mode === "navigate") {
    const wanted = KEPT.some((pattern) => pattern.test(url.pathname));
    event.respondWith(
      fetch(request).then((response) => {
        const cacheable = response.ok && !/no-store|private/.test(response.headers.get("Cache-Control") || "");
        if (wanted && cacheable) event.waitUntil(keep(request, response.clone()));
        return response;
      }).catch(() => (wanted ? kept(request) : caches.match("/offline/")))
    );
  }
});
