// KeyBot service worker: the app works offline after the first visit. Cache-first for the files the build
// listed (app shell, app wasm, ORT loaders, models: precached at install; the ORT wasm builds: cached when the
// page first uses one, since only one of the two is needed); every other request goes to the network untouched.
// The build (web/stage.cmake) fills in the @...@ placeholders; a new version gets a new cache, old ones are dropped.
const VERSION = '@KEYBOT_SW_VERSION@';
const PRECACHE = [@KEYBOT_SW_PRECACHE@];
const ON_DEMAND = [@KEYBOT_SW_ON_DEMAND@];
const CACHE = `keybot-${VERSION}`;
const scope = new URL(self.registration.scope);
const key = (rel) => new URL(rel, scope).href;
const known = new Set([...PRECACHE, ...ON_DEMAND].map(key));

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(PRECACHE.map((f) => new Request(key(f), { cache: 'reload' }))))
    .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n.startsWith('keybot-') && n !== CACHE).map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

async function cacheFirst(request) {
  const url = new URL(request.url);
  const k = url.pathname.endsWith('/') ? key(url.pathname + 'index.html') : url.origin + url.pathname;
  const cache = await caches.open(CACHE);
  const hit = await cache.match(k);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) await cache.put(k, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== scope.origin) return;
  const path = url.pathname.endsWith('/') ? url.origin + url.pathname + 'index.html' : url.origin + url.pathname;
  if (known.has(path)) event.respondWith(cacheFirst(event.request));
});

// The page names the ORT build it uses ({type: 'cache', urls}): cached now, so the next visit works offline.
self.addEventListener('message', (event) => {
  if (event.data?.type !== 'cache') return;
  const wanted = (event.data.urls || []).map(key).filter((u) => known.has(u));
  event.waitUntil(caches.open(CACHE).then(async (c) => {
    for (const u of wanted) if (!(await c.match(u))) await c.add(u);
  }));
});
