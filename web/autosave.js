// KeyBot autosave: every image of the session (its file bytes, once) and its annotation (after every change,
// debounced on the C++ side) go to IndexedDB on this origin, so a reload or a crash loses nothing. The wasm app
// calls saveImage / saveSession / clear (src/app/annotator.cpp); keybot-bridge.js calls restore() at start.
// window.keybotAutosave:
//   saveImage(key, name, bytes|null, annotationJson)   bytes only the first time a key is saved (hasImage)
//   saveSession({images: [{key, name}], active})       the open images in list order and the open one
//   restore()     -> Promise<{images: [{key, name, bytes, annotation}], active}> (empty when nothing saved)
//   clear()       forget everything;   flushed() -> Promise resolved when every write has completed
//   available     false when IndexedDB cannot be used (private mode, blocked): saving is then skipped
(function () {
  'use strict';
  const DB_NAME = 'keybot-autosave', VERSION = 1;
  const known = new Set();  // keys whose bytes are stored
  let pending = 0, waiters = [], lastError = null;
  let dbPromise = null;

  function open() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        let req;
        try { req = indexedDB.open(DB_NAME, VERSION); } catch (e) { reject(e); return; }
        req.onupgradeneeded = () => {
          const db = req.result;
          if (!db.objectStoreNames.contains('images')) db.createObjectStore('images', { keyPath: 'key' });
          if (!db.objectStoreNames.contains('session')) db.createObjectStore('session');
        };
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
        req.onblocked = () => reject(new Error('IndexedDB is blocked by another tab'));
      });
      dbPromise.catch((e) => { api.available = false; lastError = e; console.warn('keybot autosave unavailable:', e); });
    }
    return dbPromise;
  }

  // Runs fn(store...) in one transaction; counts as pending until it completes.
  function write(stores, fn) {
    pending++;
    const done = (error) => {
      if (error) { lastError = error; console.warn('keybot autosave failed:', error); }
      if (--pending === 0) { const w = waiters; waiters = []; w.forEach((r) => r()); }
    };
    open().then((db) => {
      const tx = db.transaction(stores, 'readwrite');
      tx.oncomplete = () => done(null);
      tx.onerror = () => done(tx.error);
      tx.onabort = () => done(tx.error || new Error('transaction aborted'));
      fn(...stores.map((s) => tx.objectStore(s)));
    }, (e) => done(e));
  }

  function saveImage(key, name, bytes, annotation) {
    if (api.available === false) return;
    if (bytes) known.add(key);
    write(['images'], (images) => {
      if (bytes) {
        images.put({ key, name, bytes, annotation, updated: Date.now() });
        return;
      }
      const get = images.get(key);
      get.onsuccess = () => {
        const rec = get.result;
        if (rec) { rec.annotation = annotation; rec.updated = Date.now(); images.put(rec); }
      };
    });
  }

  function saveSession(session) {
    if (api.available === false) return;
    write(['session', 'images'], (store, images) => {
      store.put(session, 'current');
      // Images no longer in the session are dropped (e.g. after "New session").
      const keep = new Set(session.images.map((i) => i.key));
      const cursor = images.openKeyCursor ? images.openKeyCursor() : images.openCursor();
      cursor.onsuccess = () => {
        const c = cursor.result;
        if (!c) return;
        if (!keep.has(c.primaryKey)) { images.delete(c.primaryKey); known.delete(c.primaryKey); }
        c.continue();
      };
    });
  }

  function clear() {
    known.clear();
    if (api.available === false) return;
    write(['session', 'images'], (store, images) => { store.clear(); images.clear(); });
  }

  async function restore() {
    const empty = { images: [], active: -1 };
    let db;
    try { db = await open(); } catch { return empty; }
    return new Promise((resolve) => {
      const tx = db.transaction(['session', 'images'], 'readonly');
      const out = { images: [], active: -1 };
      const s = tx.objectStore('session').get('current');
      s.onsuccess = () => {
        const session = s.result;
        if (!session || !Array.isArray(session.images)) return;
        out.active = session.active;
        const images = tx.objectStore('images');
        session.images.forEach((item, i) => {
          const g = images.get(item.key);
          g.onsuccess = () => { if (g.result && g.result.bytes) out.images[i] = g.result; };
        });
      };
      tx.oncomplete = () => {
        const images = out.images.filter(Boolean);
        images.forEach((r) => known.add(r.key));
        resolve({ images, active: out.active });
      };
      tx.onerror = () => resolve(empty);
      tx.onabort = () => resolve(empty);
    });
  }

  function flushed() {
    return pending === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve));
  }

  const api = {
    available: typeof indexedDB !== 'undefined',
    saveImage, saveSession, clear, restore, flushed,
    hasImage: (key) => known.has(key),
    pending: () => pending,
    lastError: () => (lastError ? String(lastError.message || lastError) : ''),
  };
  window.keybotAutosave = api;
})();
