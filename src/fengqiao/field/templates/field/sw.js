{% autoescape off %}/* Service worker of the field pages: keeps the app shell (page, script, style, icons) for use
   without network. API answers (people, cases) are never cached: the network or nothing. */
"use strict";
const CACHE = "fengqiao-field-{{ version }}";
const SHELL = "{{ shell_url }}";
const ASSETS = [SHELL, "{{ manifest_url }}"{% for url in assets %}, "{{ url }}"{% endfor %}];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith("fengqiao-field-") && key !== CACHE)
        .map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === SHELL) {
    // The page: the network first (fresh choices, and the login page when the session ended),
    // the kept shell when there is no network.
    event.respondWith(
      fetch(request).then((response) => {
        if (response.ok && !response.redirected) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(SHELL, copy));
        }
        return response;
      }).catch(() => caches.match(SHELL))
    );
    return;
  }
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((hit) => hit || fetch(request)));
  }
  // Everything else (the API above all) goes to the network untouched and is never stored.
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "logout") {
    event.waitUntil(
      caches.keys()
        .then((keys) => Promise.all(keys.filter((key) => key.startsWith("fengqiao-field-")).map((key) => caches.delete(key))))
        .then(() => event.source && event.source.postMessage({type: "logged-out"}))
    );
  }
});
{% endautoescape %}
