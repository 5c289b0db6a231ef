// Browser durability (issue 12): corrections survive a kill -9 of the browser with their undo steps; two tabs
// each keep their own autosaved session (an older single-session autosave is carried over); saved sessions no tab
// holds are pruned (30 days, 10 at most) and the upgrade that brought that prunes none for age; storage that is full
// or denied is said clearly and the work stays usable; a soak of KEYBOT_SOAK_CORRECTIONS corrections in a row
// (CI: 40; README's figures: 1000) prints wasm memory, JS heap, latency and autosave cost as a markdown table.
// Asserted: facts (every correction applied and restored, memory within a generous bound), never a timing. Real
// X-ray when the AASCE data is present, generated images otherwise.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { firstXray, grayPng, launchBrowser, requireBuiltApp, startServer } from './support.mjs';

const SOAK = Number(process.env.KEYBOT_SOAK_CORRECTIONS || 40);
const MAX_WASM_GROWTH = 256 * 1024 * 1024;  // bytes over the soak: generous (the undo history keeps 1000 states)

const xray = firstXray();
const imageA = xray ? { bytes: fs.readFileSync(xray), name: path.basename(xray) }
  : { bytes: grayPng(320, 640, 8, (x, y) => (x * 7 + y * 3) % 256), name: 'generated-a.png' };
const imageB = { bytes: grayPng(300, 600, 8, (x, y) => (x * 3 + y * 5 + ((x >> 4) ^ (y >> 4)) * 9) & 255), name: 'generated-b.png' };

let server;
before(async () => {
  requireBuiltApp();
  server = await startServer();
});
after(async () => { await server?.stop(); });

const kb = (page, fn, arg) => page.evaluate(fn, arg);
// Opens (or reloads) the app in `page`; resolves to the number of images restored from the autosave. A restored
// image has its points at once: the tests do not wait for the models to open again. `query` '?nosw': without the
// service worker, whose precaching (25 MB) only slows down the tests that are not about a real user's restart.
async function openApp(page, reload = false, query = '') {
  if (reload) await page.reload(); else await page.goto(`${server.origin}/${query}`);
  await page.waitForFunction(() => window.keybot !== undefined);
  await kb(page, () => window.keybot.ready);
  return kb(page, () => window.keybot.restored);
}
async function load(page, image) {
  const r = await kb(page, ([b64, n]) => window.keybot.loadImageBytes(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)), n),
    [image.bytes.toString('base64'), image.name]);
  assert.equal(r.ok, true, r.error);
  return kb(page, () => window.keybot.whenIdle());
}
// Moves point i by (dx, dy) as a user correction; resolves to where it was put once the models have revised.
async function correct(page, i, dx, dy) {
  const p = (await kb(page, () => window.keybot.points()))[i];
  const to = { x: p.x + dx, y: p.y + dy };
  await kb(page, ([k, x, y]) => window.keybot.movePoint(k, x, y), [i, to.x, to.y]);
  return to;
}
async function assertPointAt(page, i, to, what) {
  const p = (await kb(page, () => window.keybot.points()))[i];
  assert.deepEqual({ x: p.x, y: p.y }, to, `${what}: point ${i} exactly where it was put`);
}
const annotation = (page) => kb(page, () => window.keybot.getAnnotation());
const statusLine = (page) => page.textContent('#status');
const tempProfile = () => fs.mkdtempSync(path.join(os.tmpdir(), 'keybot-durability-'));

// The Chromium browser process running on `profile` (its renderer, GPU and utility processes have a --type).
function browserPid(profile) {
  for (const name of fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    let cmd = '';
    try { cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8'); } catch { continue; }
    if (cmd.includes(`--user-data-dir=${profile}`) && !cmd.includes('--type=')) return Number(name);
  }
  return null;
}

test('kill -9 of the browser after two corrections: the image, both points and their undo steps come back', { skip: !fs.existsSync('/proc/self/cmdline') && 'needs /proc' }, async () => {
  const profile = tempProfile();
  try {
    let browser = await launchBrowser({ profile });
    let page = browser.context.pages()[0];
    await openApp(page);
    await load(page, imageA);
    const predicted = await annotation(page);
    const first = await correct(page, 10, 3.25, -2.5);
    const second = await correct(page, 50, -4.5, 1.75);
    const corrected = await annotation(page);
    await kb(page, () => window.keybot.autosaveIdle());

    const pid = browserPid(profile);
    assert.ok(pid, 'the browser process was found');
    const closed = new Promise((resolve) => browser.context.once('close', resolve));
    process.kill(pid, 'SIGKILL');
    await closed;
    for (let i = 0; i < 100 && fs.existsSync(`/proc/${pid}`); i++) await new Promise((r) => setTimeout(r, 100));

    browser = await launchBrowser({ profile });
    try {
      page = browser.context.pages()[0];
      assert.equal(await openApp(page), 1, 'one image restored');
      assert.equal((await kb(page, () => window.keybot.status())).image.name, imageA.name);
      await assertPointAt(page, 10, first, 'after the kill');
      await assertPointAt(page, 50, second, 'after the kill');
      assert.deepEqual(await annotation(page), corrected, 'the whole annotation comes back');
      assert.equal(await kb(page, () => window.keybot.undo()), true);
      assert.equal(await kb(page, () => window.keybot.undo()), true);
      assert.deepEqual((await annotation(page)).points, predicted.points, 'two undos give the prediction');
      assert.equal(await kb(page, () => window.keybot.redo()), true);
      assert.equal(await kb(page, () => window.keybot.redo()), true);
      assert.deepEqual(await annotation(page), corrected, 'two redos give both corrections');
    } finally {
      await browser.close();
    }
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
});

test('two tabs keep their own sessions: each reload restores its own work, a third tab takes neither', async () => {
  const browser = await launchBrowser();
  try {
    const tabA = browser.context.pages()[0], tabB = await browser.context.newPage();
    await openApp(tabA, false, '?nosw');
    await openApp(tabB, false, '?nosw');
    await load(tabA, imageA);
    await load(tabB, imageB);
    const a = await correct(tabA, 5, 3, -2);
    const b = await correct(tabB, 20, -4, 1.5);
    await kb(tabA, () => window.keybot.autosaveIdle());
    await kb(tabB, () => window.keybot.autosaveIdle());

    for (const [tab, image, i, to] of [[tabA, imageA, 5, a], [tabB, imageB, 20, b]]) {
      assert.equal(await openApp(tab, true), 1, `${image.name}: its tab restores one image`);
      const s = await kb(tab, () => window.keybot.status());
      assert.deepEqual(s.images.map((e) => e.name), [image.name], 'its own image, not the other tab\'s');
      await assertPointAt(tab, i, to, image.name);
    }

    const tabC = await browser.context.newPage();
    assert.equal(await openApp(tabC, false, '?nosw'), 0, 'a third tab restores nothing while both sessions are open');
    assert.match(await statusLine(tabC), /open in other tabs; this tab starts a new session/);

    // Once a tab is closed, its session is the one a new tab takes.
    await tabA.close();
    const tabD = await browser.context.newPage();
    assert.equal(await openApp(tabD, false, '?nosw'), 1, 'the closed tab\'s session is restored in a new tab');
    assert.equal((await kb(tabD, () => window.keybot.status())).image.name, imageA.name);
    await assertPointAt(tabD, 5, a, 'in the new tab');
    // The other tabs were not touched.
    assert.deepEqual((await kb(tabB, () => window.keybot.status())).images.map((e) => e.name), [imageB.name]);
    assert.equal((await kb(tabC, () => window.keybot.status())).images.length, 0);
  } finally {
    await browser.close();
  }
});

test('an autosave from before sessions per tab (one for the whole origin) is restored, not lost', async () => {
  const browser = await launchBrowser();
  try {
    const page = browser.context.pages()[0];
    // Version 1 of the database, as the app wrote it, from a page of the same origin that is not the app.
    await page.goto(`${server.origin}/keybot.css`);
    await kb(page, ([b64, name]) => new Promise((resolve, reject) => {
      const r = indexedDB.open('keybot-autosave', 1);
      r.onupgradeneeded = () => { r.result.createObjectStore('images', { keyPath: 'key' }); r.result.createObjectStore('session'); };
      r.onsuccess = () => {
        const tx = r.result.transaction(['images', 'session'], 'readwrite');
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        tx.objectStore('images').put({ key: 'old-key', name, bytes, annotation: '', updated: 1 });
        tx.objectStore('session').put({ images: [{ key: 'old-key', name }], active: 0 }, 'current');
        tx.oncomplete = () => { r.result.close(); resolve(); };
        tx.onabort = () => reject(tx.error);
      };
      r.onerror = () => reject(r.error);
    }), [imageB.bytes.toString('base64'), imageB.name]);
    assert.equal(await openApp(page, false, '?nosw'), 1);
    assert.deepEqual((await kb(page, () => window.keybot.status())).images.map((e) => e.name), [imageB.name]);
  } finally {
    await browser.close();
  }
});

// Saved sessions as the app stores them, written straight into its database by `page` (a page of the app's
// origin): each {id, updated} with one image (imageB's bytes, named `${id}.png`); without `updated`, the image
// only (a session record never written). `version` 2 creates that version's database; else it must exist.
const DAY = 86400000;
const seedSessions = (page, sessions, version) => kb(page, ([sessions, version, b64]) => new Promise((resolve, reject) => {
  const r = version ? indexedDB.open('keybot-autosave', version) : indexedDB.open('keybot-autosave');
  r.onupgradeneeded = () => {
    r.result.createObjectStore('sessions', { keyPath: 'id' });
    r.result.createObjectStore('entries', { keyPath: ['session', 'key'] });
  };
  r.onsuccess = () => {
    const tx = r.result.transaction(['sessions', 'entries'], 'readwrite');
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    for (const { id, updated } of sessions) {
      const name = `${id}.png`;
      if (updated !== undefined) tx.objectStore('sessions').put({ id, images: [{ key: 'k', name }], active: 0, updated });
      tx.objectStore('entries').put({ session: id, key: 'k', name, bytes, annotation: '', updated: updated || 0 });
    }
    tx.oncomplete = () => { r.result.close(); resolve(); };
    tx.onabort = () => reject(tx.error);
  };
  r.onerror = () => reject(r.error);
}), [sessions, version, imageB.bytes.toString('base64')]);
// What the database holds: {sessions: {id: updated}, entries: [the session of each image, sorted]}.
const storedSessions = (page) => kb(page, () => new Promise((resolve, reject) => {
  const r = indexedDB.open('keybot-autosave');
  r.onsuccess = () => {
    const tx = r.result.transaction(['sessions', 'entries']);
    const sessions = tx.objectStore('sessions').getAll(), entries = tx.objectStore('entries').getAllKeys();
    tx.oncomplete = () => {
      r.result.close();
      resolve({ sessions: Object.fromEntries(sessions.result.map((x) => [x.id, x.updated])), entries: [...new Set(entries.result.map((k) => k[0]))].sort() });
    };
  };
  r.onerror = () => reject(r.error);
}));
const restoredName = async (page) => (await kb(page, () => window.keybot.status())).image.name;
// No models (the manifest lists none): restored images need no model run, which plays no part here.
const withoutModels = (browser) => browser.context.route('**/models/manifest.json', (r) => r.fulfill({ json: { models: [] } }));

test('old saved sessions are pruned at start: unwritten for 30 days or beyond the 10 most recent, never one another tab holds', async () => {
  const browser = await launchBrowser();
  try {
    await withoutModels(browser);
    const first = browser.context.pages()[0];
    await openApp(first, false, '?nosw');  // creates the database (empty: nothing to prune)
    assert.deepEqual(await kb(first, () => window.keybotAutosave.pruned), []);
    const now = Date.now();
    const recent = Array.from({ length: 12 }, (_, i) => ({ id: `recent-${i + 1}`, updated: now - (i + 1) * DAY }));
    await seedSessions(first, [{ id: 'held-old', updated: now - 100 * DAY }, { id: 'old', updated: now - 40 * DAY },
      { id: 'orphan' }, ...recent]);
    // Another tab has 'held-old' open: it holds its Web Lock (as the app's tab that restored it would).
    const holder = await browser.context.newPage();
    await holder.goto(`${server.origin}/keybot.css`);
    await kb(holder, (name) => new Promise((resolve) => navigator.locks.request(name, () => { resolve(); return new Promise(() => {}); })),
      'keybot-autosave-session:held-old');

    const tab = await browser.context.newPage();
    assert.equal(await openApp(tab, false, '?nosw'), 1);
    assert.equal(await restoredName(tab), 'recent-1.png', 'the most recent session is restored');
    // Gone: 'old' (40 days), 'recent-12' (the 11th most recent of those no tab holds; this tab's own is not
    // counted) and the image without a session. Kept: the 10 most recent, the one held by the other tab and the
    // one restored here.
    assert.deepEqual((await kb(tab, () => window.keybotAutosave.pruned)).sort(), ['old', 'orphan', 'recent-12']);
    const kept = ['held-old', ...recent.slice(0, 11).map((s) => s.id)].sort();
    let stored = await storedSessions(tab);
    assert.deepEqual(Object.keys(stored.sessions).sort(), kept);
    // 'recent-1' is this tab's own session now: the app rewrites its image under its own key whenever its
    // autosave runs (a fresh-clone run caught the read in between), so only the other sessions' images count.
    assert.deepEqual(stored.entries.filter((id) => id !== 'recent-1'), kept.filter((id) => id !== 'recent-1'),
      'the pruned sessions\' images are gone with them');

    // An image's write counts as a write of its session, list saved or not.
    await kb(tab, () => window.keybot.autosaveIdle());
    const before = Date.now();
    await kb(tab, () => { window.keybotAutosave.saveImage('k', 'recent-1.png', null, '{}'); return window.keybotAutosave.flushed(); });
    assert.ok((await storedSessions(tab)).sessions['recent-1'] >= before, 'saveImage updated the session\'s time');

    // Once the other tab is closed, its session is as old as its last write: the next tab to open prunes it.
    await holder.close();
    // The browser lets go of a closed page's locks on its own time (a session still held is rightly kept).
    const heldOld = () => kb(tab, async () => (await navigator.locks.query()).held.some((l) => l.name === 'keybot-autosave-session:held-old'));
    for (let i = 0; i < 100 && await heldOld(); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(await heldOld(), false, 'the closed tab\'s lock was released');
    const next = await browser.context.newPage();
    assert.equal(await openApp(next, false, '?nosw'), 1);
    assert.equal(await restoredName(next), 'recent-2.png', 'the most recent session no tab holds');
    assert.deepEqual(await kb(next, () => window.keybotAutosave.pruned), ['held-old']);
    stored = await storedSessions(next);
    assert.deepEqual(Object.keys(stored.sessions).sort(), kept.filter((id) => id !== 'held-old'));
    assert.equal(await restoredName(tab), 'recent-1.png', 'the first tab still has its session');
  } finally {
    await browser.close();
  }
});

test('the upgrade that brings pruning deletes nothing for age: sessions count as written then, in their order', async () => {
  const browser = await launchBrowser();
  try {
    await withoutModels(browser);
    const page = browser.context.pages()[0];
    await page.goto(`${server.origin}/keybot.css`);
    const now = Date.now();
    // Version 2 as the app wrote it; 'from-v1' as carried over from version 1 then (written at 0).
    await seedSessions(page, [{ id: 'from-v1', updated: 0 }, { id: 'older', updated: now - 200 * DAY },
      { id: 'newer', updated: now - 50 * DAY }], 2);
    assert.equal(await openApp(page, false, '?nosw'), 1);
    assert.equal(await restoredName(page), 'newer.png', 'the most recently written session is restored');
    assert.deepEqual(await kb(page, () => window.keybotAutosave.pruned), []);
    const { sessions, entries } = await storedSessions(page);
    // 'newer' is this tab's own session now: the app rewrites its image under its own key (content hash + name,
    // not the seeded 'k') whenever its autosave runs, so only the other sessions' images are compared.
    assert.deepEqual(entries.filter((id) => id !== 'newer'), ['from-v1', 'older'], 'no saved session lost its images');
    assert.ok(sessions.older >= now && sessions['from-v1'] >= now, 'written at the upgrade');
    assert.ok(sessions.older > sessions['from-v1'], 'in the order of their writes before it');
  } finally {
    await browser.close();
  }
});

// Storage that fails: full (every put throws QuotaExceededError) or denied (indexedDB.open throws, as some
// private windows do). Without models (the manifest lists none: the points are imported and a correction moves
// only its point), since they play no part in how a failed autosave is handled; ?nosw keeps the service worker
// from answering the manifest request from its cache.
const storageFailures = [
  ['full', () => {
    IDBObjectStore.prototype.put = function () { throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); };
  }, /the browser's storage for this site is full; export your work to keep it \[QuotaExceededError/],
  ['denied', () => {
    IDBFactory.prototype.open = function () { throw new DOMException('The user denied permission to access the database.', 'SecurityError'); };
  }, /this browser does not let the page store data \(a private window, or site data blocked in its settings\); export/],
];
// An AASCE landmarks row for imageB: 17 vertebrae down the middle, 4 corners each (normalised x1..x68, y1..y68).
const rowB = (() => {
  const pts = Array.from({ length: 68 }, (_, i) => [(130 + (i % 2) * 40) / 300, (40 + Math.floor(i / 4) * 30 + (i % 4 >= 2) * 20) / 600]);
  return [...pts.map(([x]) => x), ...pts.map(([, y]) => y)].join(',');
})();
for (const [what, breakStorage, message] of storageFailures) {
  test(`storage ${what}: a clear message, the corrected points stay and export works`, async () => {
    const browser = await launchBrowser();
    try {
      await browser.context.addInitScript(breakStorage);
      await browser.context.route('**/models/manifest.json', (r) => r.fulfill({ json: { models: [] } }));
      const page = browser.context.pages()[0];
      const pageErrors = [];
      page.on('pageerror', (e) => pageErrors.push(String(e)));
      assert.equal(await openApp(page, false, '?nosw'), 0);
      await load(page, imageB);
      const imported = await kb(page, (row) => window.keybot.importAnnotation(row), rowB);
      assert.equal(imported.ok, true, imported.error);
      const to = await correct(page, 7, 2.5, -1.5);
      await kb(page, () => window.keybot.autosaveIdle());  // resolves: a failed write still ends
      // The app's error says so first; once that is dismissed (or, here, cleared by the import), the status line
      // still does.
      await page.waitForFunction((m) => new RegExp(m).test(document.getElementById('status').textContent), message.source);
      assert.match(await statusLine(page), /Autosave (failed \(work continues unsaved\)|is off):/);
      assert.equal(await page.evaluate(() => document.getElementById('status').classList.contains('error')), true);
      await assertPointAt(page, 7, to, 'after the failed autosave');
      // The app keeps running: another correction, then an export with both.
      const more = await correct(page, 8, -2, 2);
      await assertPointAt(page, 8, more, 'a correction after the failure');
      const exported = JSON.parse(await kb(page, () => window.keybot.exportAs('json')));
      assert.deepEqual({ x: exported.points[7].x, y: exported.points[7].y }, to);
      assert.deepEqual({ x: exported.points[8].x, y: exported.points[8].y }, more);
      assert.deepEqual(pageErrors, []);
    } finally {
      await browser.close();
    }
  });
}

test(`soak: ${SOAK} corrections in a row apply, stay within memory and survive a reload`, async () => {
  const browser = await launchBrowser({ args: ['--js-flags=--expose-gc'] });
  try {
    const page = browser.context.pages()[0];
    await openApp(page, false, '?nosw');
    await load(page, imageA);
    // App wasm memory (ONNX Runtime's own wasm memory is not in it) and JS heap after a full gc.
    const memory = () => kb(page, () => {
      window.gc();
      return { wasm: window.Module.HEAPU8.length, js: performance.memory.usedJSHeapSize };
    });
    const start = await memory();
    const runs = [], saves = [];
    // In chunks of 50 corrections, each followed by an autosave (corrections in a row come faster than its
    // debounce): the time the app's main thread spends handing the session to IndexedDB, and until it is stored.
    for (let from = 0; from < SOAK; from += 50) {
      const chunk = await kb(page, async ([a, b]) => {
        const out = [];
        for (let k = a; k < b; k++) {
          const i = (k * 7) % 68;  // spread over the spine; back and forth so nothing drifts off the image
          const p = window.keybot.points()[i];
          const x = p.x + (k % 2 ? 1.5 : -1.5), y = p.y + ((k % 3) - 1) * 0.75;
          const t0 = performance.now();
          const doc = await window.keybot.movePoint(i, x, y);
          out.push({ ms: performance.now() - t0, applied: doc.points[i].x === x && doc.points[i].y === y });
        }
        const t0 = performance.now();
        window.Module._keybot_autosave_flush();  // what keybot.autosaveIdle() starts with
        const handed = performance.now();
        await window.keybotAutosave.flushed();
        return { out, save: { mainMs: handed - t0, storedMs: performance.now() - t0 } };
      }, [from, Math.min(SOAK, from + 50)]);
      runs.push(...chunk.out);
      saves.push(chunk.save);
    }
    const end = await memory();
    const saved = await annotation(page);
    const recordBytes = await kb(page, () => new Promise((resolve) => {  // the stored annotation with its history
      const r = indexedDB.open('keybot-autosave');
      r.onsuccess = () => {
        const all = r.result.transaction('entries').objectStore('entries').getAll();
        all.onsuccess = () => { resolve(all.result.reduce((n, e) => n + e.annotation.length, 0)); r.result.close(); };
      };
    }));

    const span = Math.min(100, Math.max(1, Math.floor(SOAK / 4)));
    const median = (xs) => { const s = [...xs].sort((p, q) => p - q); return s[Math.floor(s.length / 2)]; };
    const mib = (bytes) => `${(bytes / 1048576).toFixed(1)} MiB`;
    const ms = (v) => `${v.toFixed(1)} ms`;
    const firstMs = median(runs.slice(0, span).map((r) => r.ms)), lastMs = median(runs.slice(-span).map((r) => r.ms));
    const [s0, s1] = [saves[0], saves[saves.length - 1]];
    console.log(`\n# soak: ${SOAK} corrections on ${imageA.name}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}`);
    console.log(`| corrections | app wasm memory start → end | JS heap after gc start → end | per correction, median of the first ${span} → last ${span} | autosave after the first → last 50: main thread; until stored | stored annotation with history |`);
    console.log('|---:|---:|---:|---:|---:|---:|');
    console.log(`| ${SOAK} | ${mib(start.wasm)} → ${mib(end.wasm)} | ${mib(start.js)} → ${mib(end.js)} | ${ms(firstMs)} → ${ms(lastMs)} | ${ms(s0.mainMs)} → ${ms(s1.mainMs)}; ${ms(s0.storedMs)} → ${ms(s1.storedMs)} | ${mib(recordBytes)} |`);

    assert.equal(runs.length, SOAK);
    assert.equal(runs.filter((r) => r.applied).length, SOAK, 'every correction left its point exactly where it was put');
    assert.ok(end.wasm - start.wasm <= MAX_WASM_GROWTH, `app wasm memory grew by ${mib(end.wasm - start.wasm)}`);
    assert.equal(await openApp(page, true), 1);
    assert.deepEqual(await annotation(page), saved, 'the soaked annotation is restored after a reload');
    assert.equal((await kb(page, () => window.keybot.status())).images[0].canUndo, true);
  } finally {
    await browser.close();
  }
});

// Storage that fills up and is freed again: the image's first write (with its bytes) failed, so the retry must send
// the bytes again (autosave.js forgets them on a failed write); a reload then restores the image and the correction.
test('storage full, then freed: the retry stores the image and the correction, and a reload restores both', async () => {
  const browser = await launchBrowser();
  try {
    await browser.context.addInitScript(() => {
      const put = IDBObjectStore.prototype.put;
      window.__storageFull = true;
      IDBObjectStore.prototype.put = function (...args) {
        if (window.__storageFull) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        return put.apply(this, args);
      };
    });
    await withoutModels(browser);
    const page = browser.context.pages()[0];
    assert.equal(await openApp(page, false, '?nosw'), 0);
    await load(page, imageB);
    const imported = await kb(page, (row) => window.keybot.importAnnotation(row), rowB);
    assert.equal(imported.ok, true, imported.error);
    const to = await correct(page, 7, 2.5, -1.5);
    await kb(page, () => window.keybot.autosaveIdle());
    assert.equal((await kb(page, () => window.keybot.status())).autosaveFailing, true, 'the write failed');
    await page.evaluate(() => { window.__storageFull = false; });
    await kb(page, () => window.keybot.autosaveIdle());  // an explicit flush retries at once
    // The retry counts once its writes have completed (the app's next frame looks): no longer failing.
    await page.waitForFunction(() => window.keybot.status().autosaveFailing === false, null, { timeout: 15000 });
    assert.equal(await openApp(page, true, '?nosw'), 1, 'the image is restored after a reload');
    await assertPointAt(page, 7, to, 'the correction made while storage was full');
  } finally {
    await browser.close();
  }
});
