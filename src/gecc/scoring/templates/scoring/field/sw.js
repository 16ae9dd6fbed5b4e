/* GECC Certify, field app: the service worker (scope /field/), rendered by
   gecc.scoring.views.field.ServiceWorkerView so it knows the static files' addresses.
   Version {{ version }}.

   - The shell (/field/) and every file it needs are kept when the worker installs;
     a /field/ navigation goes to the network first and falls back to the kept shell,
     then to the offline page.
   - Evidence previews and photos are kept as they are first fetched (cache first: both are
     immutable, an evidence version and a photo by its SHA-256 never change).
   - The JSON API (pack, sync, submit, photo uploads) is never cached: no route matches it,
     so it always goes to the network. */
"use strict";

const CONFIG = {{ config|safe }};

importScripts("{{ workbox_sw }}");
workbox.setConfig({debug: false, modulePathCb: (name) => CONFIG.modules[name]});

// Load the modules now: importScripts only works while the worker first runs.
const {clientsClaim, setCacheNameDetails} = workbox.core;
const {registerRoute, NavigationRoute, setCatchHandler} = workbox.routing;
const {NetworkFirst, CacheFirst, StaleWhileRevalidate} = workbox.strategies;
const {precache, addRoute, cleanupOutdatedCaches} = workbox.precaching;
const {ExpirationPlugin} = workbox.expiration;

setCacheNameDetails({prefix: "gecc-field"});
const SHELL_CACHE = "gecc-field-shell";
const EVIDENCE_CACHE = "gecc-field-evidence";
const PHOTO_CACHE = "gecc-field-photos";
const STATIC_CACHE = "gecc-field-static";

self.skipWaiting();
clientsClaim();

// A page is kept only when it is the shell itself: not a redirect to the sign-in page,
// not an error page.
const onlyTheShell = {
  cacheWillUpdate: async ({response}) =>
    response && response.status === 200 && !response.redirected ? response : null,
  cacheKeyWillBeUsed: async () => CONFIG.shell,
};

function offlinePage() {
  return new Response(CONFIG.offlineHtml, {
    status: 503, headers: {"Content-Type": "text/html; charset=utf-8"},
  });
}

async function keepShell() {
  const response = await fetch(CONFIG.shell, {credentials: "same-origin", cache: "reload"});
  if (response.status === 200 && !response.redirected) {
    const cache = await caches.open(SHELL_CACHE);
    await cache.put(CONFIG.shell, response);
  }
}

self.addEventListener("install", (event) => {
  // The shell is kept from the network at install (signed in: the worker is registered by
  // the shell itself); a failure here must not stop the rest of the worker from installing.
  event.waitUntil(keepShell().catch(() => undefined));
});

// Navigations inside /field/: the network first (the freshest shell), then the kept shell.
registerRoute(new NavigationRoute(new NetworkFirst({
  cacheName: SHELL_CACHE,
  networkTimeoutSeconds: 8,
  plugins: [onlyTheShell, {
    handlerDidError: async () => (await caches.match(CONFIG.shell, {cacheName: SHELL_CACHE}))
      || offlinePage(),
  }],
}), {allowlist: [new RegExp("^" + CONFIG.shell.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + "$")]}));

// The shell's own files, kept at install (revisions from the server).
precache(CONFIG.precache);
cleanupOutdatedCaches();
addRoute({ignoreURLParametersMatching: [/.*/]});

// Evidence previews (pictures the unit uploaded): immutable per version.
registerRoute(({url, request}) => request.method === "GET"
    && url.origin === self.location.origin
    && url.pathname.startsWith(CONFIG.evidencePrefix) && url.searchParams.get("inline") === "1",
  new CacheFirst({cacheName: EVIDENCE_CACHE, plugins: [
    {cacheWillUpdate: async ({response}) => (response && response.status === 200 ? response : null)},
    new ExpirationPlugin({maxEntries: 2000, maxAgeSeconds: 60 * 24 * 3600}),
  ]}));

// Photos by SHA-256 (GET only: the uploads are PUT/POST and never cached).
const PHOTO_PATH = new RegExp("^" + CONFIG.photoPrefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
  + "[0-9a-f]{64}/$");
registerRoute(({url, request}) => request.method === "GET"
    && url.origin === self.location.origin && PHOTO_PATH.test(url.pathname),
  new CacheFirst({cacheName: PHOTO_CACHE, plugins: [
    {cacheWillUpdate: async ({response}) => (response && response.status === 200 ? response : null)},
    new ExpirationPlugin({maxEntries: 2000, maxAgeSeconds: 60 * 24 * 3600}),
  ]}));

// Any other static file the shell asks for (stale while revalidate).
registerRoute(({url, request}) => request.method === "GET"
    && url.origin === self.location.origin && url.pathname.startsWith(CONFIG.staticPrefix),
  new StaleWhileRevalidate({cacheName: STATIC_CACHE, plugins: [
    new ExpirationPlugin({maxEntries: 200}),
  ]}));

setCatchHandler(async ({request}) => (request.mode === "navigate" ? offlinePage() : Response.error()));
