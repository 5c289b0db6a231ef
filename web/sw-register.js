// Registers the service worker (sw.js) that keeps KeyBot working offline after the first visit. Only on http(s)
// origins that allow it (secure contexts: https or localhost).
(function () {
  'use strict';
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  if (new URLSearchParams(location.search).has('nosw')) return;  // troubleshooting: run without the cache
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('sw.js').catch((e) => console.warn('keybot: service worker not registered:', e));
  });
})();
