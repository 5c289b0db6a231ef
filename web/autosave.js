// KeyBot autosave: every image of the session (its file bytes, once) and its annotation (after every change,
// debounced on the C++ side) go to IndexedDB on this origin, so a reload or a crash loses nothing. Each tab saves
// its own session, so two tabs never overwrite each other's work: the session's id is kept in sessionStorage (a
// reload of the tab finds it again) and a Web Lock named after it is held while the page lives, so a tab opened
// later takes the most recent saved session that no open tab holds, or starts a new one. The wasm app calls
// saveImage / saveSession / clear (src/app/autosave_indexeddb_store.cpp); keybot-bridge.js calls restore() at start.
// Saved sessions no open tab holds are pruned at start (each holds its images' bytes, MBs, and a user who opens
// many tabs over months would otherwise keep them all): only the KEEP_MAX most recently written are kept, and only
// while written within KEEP_DAYS. A session another tab has open, and the one this tab takes, are never deleted.
// window.keybotAutosave:
//   saveImage(key, name, bytes|null, annotationJson)   bytes only the first time a key is saved (hasImage)
//   saveSession({images: [{key, name}], active})       the open images in list order and the open one
//   restore()     -> Promise<{images: [{key, name, bytes, annotation}], active, took, othersOpen}>: took says which
//                 session this tab took: 'own' (after a reload), 'earlier' (the most recent saved one no open tab
//                 holds) or 'new'; othersOpen counts the saved sessions other open tabs hold
//   clear()       forget this tab's session;   flushed() -> Promise resolved when every write has completed
//   pruned        Promise<[id]>: the saved sessions deleted at start (after restore(); [] when none or on failure)
//   onfailure     set by the page: called with a message for the user when storing fails (storage full, denied)
//   available     false when IndexedDB cannot be used (private mode, blocked): saving is then skipped (and
//                 reported through onfailure)
(function () {
  'use strict';
  // Version 2: one record per session ('sessions', by id) and per image of a session ('entries', by [session, key]).
  // Version 3: a session's `updated` (its last write of any kind) is what pruning goes by; see migrateV2.
  const DB_NAME = 'keybot-autosave', VERSION = 3;
  const ID_KEY = 'keybot-autosave-session', LOCK_PREFIX = 'keybot-autosave-session:';
  // A reload's new page may start before the old one has let go of the session's lock.
  const RELOAD_WAIT_MS = 3000;
  // Pruning: saved sessions no open tab holds, kept while written within KEEP_DAYS, at most KEEP_MAX of them.
  const KEEP_DAYS = 30, KEEP_MAX = 10;
  const known = new Set();  // keys whose bytes are stored in this tab's session
  let pending = 0, waiters = [], lastError = null;
  let dbPromise = null;
  let resolveSession;  // writes wait for this tab's session, which restore() (run by the page at start) takes
  const sessionId = new Promise((resolve) => { resolveSession = resolve; });
  let resolvePruned;
  const pruned = new Promise((resolve) => { resolvePruned = resolve; });

  function open() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        let req;
        try { req = indexedDB.open(DB_NAME, VERSION); } catch (e) { reject(e); return; }
        req.onupgradeneeded = (event) => {
          const db = req.result;
          if (event.oldVersion >= 2) { migrateV2(req.transaction); return; }
          db.createObjectStore('sessions', { keyPath: 'id' });
          db.createObjectStore('entries', { keyPath: ['session', 'key'] });
          if (event.oldVersion === 1) migrateV1(db, req.transaction);
        };
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
        req.onblocked = () => reject(new Error('a KeyBot tab of an older version keeps the storage open; close it and reload'));
      });
      dbPromise.catch((e) => { api.available = false; fail(e, true); });
    }
    return dbPromise;
  }

  // Version 1 kept one session for the whole origin: it becomes a saved session like any other, written now (so
  // pruning gives it KEEP_DAYS from the upgrade).
  function migrateV1(db, tx) {
    const id = 'v1';
    const session = tx.objectStore('session').get('current');
    session.onsuccess = () => { if (session.result) tx.objectStore('sessions').put({ ...session.result, id, updated: Date.now() }); };
    const cursor = tx.objectStore('images').openCursor();
    cursor.onsuccess = () => {
      const c = cursor.result;
      if (c) { tx.objectStore('entries').put({ ...c.value, session: id }); c.continue(); return; }
      db.deleteObjectStore('images');
      db.deleteObjectStore('session');
    };
  }

  // Version 2 wrote `updated` too (the app saves the list after every image), but nothing was ever deleted by it.
  // Every session counts as written now, so the upgrade itself deletes none for age (the user gets KEEP_DAYS from
  // it); 1 ms apart in the order of their last writes, which the KEEP_MAX cap goes by.
  function migrateV2(tx) {
    const sessions = tx.objectStore('sessions'), all = sessions.getAll();
    all.onsuccess = () => {
      const now = Date.now();
      all.result.sort((a, b) => (b.updated || 0) - (a.updated || 0)).forEach((s, i) => sessions.put({ ...s, updated: now - i }));
    };
  }

  // The user gets what went wrong in words (the status line); the browser's own name and text follow.
  function fail(error, opening) {
    if (error === lastError) return;  // an open that failed also fails every write waiting for it
    lastError = error;
    console.warn('keybot autosave failed:', error);
    const why = error && error.name === 'QuotaExceededError' ? "the browser's storage for this site is full"
      : opening ? 'this browser does not let the page store data (a private window, or site data blocked in its settings)'
        : 'the browser could not store it';
    const detail = `${(error && error.name) || 'Error'}: ${(error && error.message) || error}`;
    if (api.onfailure) api.onfailure(`${why}; export your work to keep it [${detail}]`);
  }

  // Runs fn(step, id, store...) in one transaction of this tab's session; counts as pending until it completes.
  // Callbacks inside fn go through step(): a write that throws (e.g. QuotaExceededError) ends it as a failure,
  // never as an uncaught exception.
  // `onfail` (optional): undoes what the caller assumed about a write that did not complete.
  function write(stores, fn, onfail) {
    pending++;
    let ended = false;
    const done = (error) => {
      if (ended) return;
      ended = true;
      if (error) { if (onfail) onfail(); fail(error, false); }
      if (--pending === 0) { const w = waiters; waiters = []; w.forEach((r) => r()); }
    };
    Promise.all([open(), sessionId]).then(([db, id]) => {
      const tx = db.transaction(stores, 'readwrite');
      tx.oncomplete = () => done(null);
      // A request that fails aborts its transaction with its error (storage full: QuotaExceededError at commit).
      tx.onabort = () => done(tx.error || new Error('the transaction was aborted'));
      const step = (f) => (...args) => {
        try { f(...args); } catch (e) { done(e); try { tx.abort(); } catch { /* already finished */ } }
      };
      step(fn)(step, id, ...stores.map((s) => tx.objectStore(s)));
    }).catch(done);
  }

  // All entries of session `id` ([id, key] sorts between [id] and [id, []]: arrays sort after strings).
  const entriesOf = (id) => IDBKeyRange.bound([id], [id, []]);

  function saveImage(key, name, bytes, annotation) {
    if (api.available === false) return;
    // Counted as stored at once (later saves of the key send no bytes), forgotten if the write fails, so that the
    // app's next save of the key (its retry) sends them again.
    if (bytes) known.add(key);
    write(['entries', 'sessions'], (step, session, entries, sessions) => {
      // Pruning counts from the session's last write: an image's write counts even when the list is not saved
      // after it (there is no session record yet before the first saveSession).
      const touch = sessions.get(session);
      touch.onsuccess = step(() => { if (touch.result) sessions.put({ ...touch.result, updated: Date.now() }); });
      if (bytes) {
        entries.put({ session, key, name, bytes, annotation, updated: Date.now() });
        return;
      }
      const get = entries.get([session, key]);
      get.onsuccess = step(() => {
        const rec = get.result;
        if (rec) { rec.annotation = annotation; rec.updated = Date.now(); entries.put(rec); }
      });
    }, bytes ? () => known.delete(key) : null);
  }

  function saveSession(session) {
    if (api.available === false) return;
    write(['sessions', 'entries'], (step, id, sessions, entries) => {
      // An empty session is not kept: a tab opened later takes the most recent one that has work in it.
      if (session.images.length) sessions.put({ ...session, id, updated: Date.now() });
      else sessions.delete(id);
      // Images no longer in the session are dropped (e.g. after "New session").
      const keep = new Set(session.images.map((i) => i.key));
      const cursor = entries.openKeyCursor ? entries.openKeyCursor(entriesOf(id)) : entries.openCursor(entriesOf(id));
      cursor.onsuccess = step(() => {
        const c = cursor.result;
        if (!c) return;
        const key = c.primaryKey[1];
        if (!keep.has(key)) { entries.delete(c.primaryKey); known.delete(key); }
        c.continue();
      });
    });
  }

  function clear() {
    known.clear();
    if (api.available === false) return;
    write(['sessions', 'entries'], (step, id, sessions, entries) => { sessions.delete(id); entries.delete(entriesOf(id)); });
  }

  // --- Which session this tab takes ----------------------------------------------------------------------------
  const newId = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  function remember(id) {
    try { sessionStorage.setItem(ID_KEY, id); } catch { /* storage denied: a reload then takes an earlier session */ }
  }
  // Holds the lock of session `id` for the page's lifetime; true when this tab got it. Waits up to waitMs for it
  // (0: only if free now). Without usable Web Locks (old browsers) every lock is "free": tabs may share a session.
  function hold(id, waitMs) {
    return new Promise((resolve) => {
      try {
        const options = waitMs ? { signal: AbortSignal.timeout(waitMs) } : { ifAvailable: true };
        navigator.locks.request(LOCK_PREFIX + id, options, (lock) => {
          resolve(!!lock);
          return lock ? new Promise(() => {}) : undefined;
        }).catch(() => resolve(false));  // not granted within waitMs: another tab holds it
      } catch {
        resolve(true);
      }
    });
  }
  // This tab's own session after a reload; else the most recent saved session no open tab holds; else a new one.
  async function claim(saved) {
    let own = null;
    try { own = sessionStorage.getItem(ID_KEY); } catch { /* storage denied */ }
    if (own && await hold(own, RELOAD_WAIT_MS)) return { id: own, took: 'own', othersOpen: 0 };
    let othersOpen = 0;
    for (const s of saved.sort((a, b) => b.updated - a.updated)) {
      if (s.id === own) { othersOpen++; continue; }  // a duplicated tab: its original holds it
      if (await hold(s.id, 0)) return { id: s.id, took: 'earlier', othersOpen };
      othersOpen++;
    }
    const id = newId();
    await hold(id, 0);
    return { id, took: 'new', othersOpen };
  }

  // --- Pruning (after this tab has taken its session) ------------------------------------------------------------
  // Deletes the saved sessions no open tab holds beyond the KEEP_MAX most recently written, and those not written
  // within KEEP_DAYS; also images left without a session (a crash between their first write and the session's).
  // Resolves to the ids deleted.
  async function prune(db, ownId) {
    if (!navigator.locks) return [];  // without Web Locks the sessions other tabs have open cannot be told apart
    const tx = db.transaction(['sessions', 'entries'], 'readonly');
    const [saved, keys] = await Promise.all([request(tx.objectStore('sessions').getAll()),
      request(tx.objectStore('entries').getAllKeys())]);
    const updated = new Map(keys.map(([id]) => [id, 0]));  // an image without a session: never written as one
    saved.forEach((s) => updated.set(s.id, s.updated || 0));
    updated.delete(ownId);
    const locks = await navigator.locks.query();  // the sessions other tabs hold or wait for: not counted, kept
    const open = new Set([...(locks.held || []), ...(locks.pending || [])].map((l) => l.name));
    const oldest = Date.now() - KEEP_DAYS * 86400000, gone = [];
    let kept = 0;
    for (const [id, at] of [...updated].sort((a, b) => b[1] - a[1])) {
      if (open.has(LOCK_PREFIX + id)) continue;
      if (kept < KEEP_MAX && at >= oldest) { kept++; continue; }
      // Deleted under its lock, if still free: a tab starting now cannot take it halfway through.
      await navigator.locks.request(LOCK_PREFIX + id, { ifAvailable: true }, async (lock) => {
        if (lock && await drop(db, id, at)) gone.push(id);
      });
    }
    return gone;
  }
  // Deletes session `id` and its images unless it was written since it was listed (by a tab closed meanwhile).
  function drop(db, id, at) {
    return new Promise((resolve, reject) => {
      const tx = db.transaction(['sessions', 'entries'], 'readwrite');
      const get = tx.objectStore('sessions').get(id);
      let dropped = false;
      get.onsuccess = () => {
        if (((get.result && get.result.updated) || 0) !== at) return;
        tx.objectStore('sessions').delete(id);
        tx.objectStore('entries').delete(entriesOf(id));
        dropped = true;
      };
      tx.oncomplete = () => resolve(dropped);
      tx.onabort = () => reject(tx.error);
    });
  }

  const request = (r) => new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });

  async function restore() {
    const out = { images: [], active: -1, took: 'new', othersOpen: 0 };
    let db = null, claimed = null;
    try {
      db = await open();
      const saved = await request(db.transaction('sessions', 'readonly').objectStore('sessions').getAll());
      claimed = await claim(saved);
      Object.assign(out, { took: claimed.took, othersOpen: claimed.othersOpen });
      const tx = db.transaction(['sessions', 'entries'], 'readonly');
      const [session, entries] = await Promise.all([request(tx.objectStore('sessions').get(claimed.id)),
        request(tx.objectStore('entries').getAll(entriesOf(claimed.id)))]);
      if (session && Array.isArray(session.images)) {
        const byKey = new Map(entries.map((e) => [e.key, e]));
        out.images = session.images.map((i) => byKey.get(i.key)).filter((e) => e && e.bytes);
        out.active = session.active;
        out.images.forEach((e) => known.add(e.key));
      }
    } catch (e) {
      if (db) console.warn('keybot autosave: the saved session could not be read:', e);  // open failures are reported by open()
    } finally {
      if (!claimed) { claimed = { id: newId() }; hold(claimed.id, 0); }
      remember(claimed.id);
      resolveSession(claimed.id);
      // Not awaited: the page shows the restored work meanwhile.
      (db ? prune(db, claimed.id) : Promise.resolve([])).catch((e) => {
        console.warn('keybot autosave: old sessions could not be pruned:', e);
        return [];
      }).then(resolvePruned);
    }
    return out;
  }

  function flushed() {
    return pending === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve));
  }

  const api = {
    available: typeof indexedDB !== 'undefined',
    saveImage, saveSession, clear, restore, flushed, pruned, onfailure: null,
    hasImage: (key) => known.has(key),
    pending: () => pending,
    lastError: () => (lastError ? String(lastError.message || lastError) : ''),
  };
  window.keybotAutosave = api;
})();
