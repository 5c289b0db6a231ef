// Browser end-to-end tests of the annotator on a real X-ray (AASCE training image; skipped when the data is
// absent) with whatever models the web build staged (models/manifest.json: the trained ones, or the tiny
// fixture models): the first prediction, a real mouse drag of one point (the pipeline revises the others, the
// dragged point stays exactly where it was put), keyboard nudge/confirm/undo, undo/redo restoring exactly,
// exports in every format and their reimport, bad input that loses nothing, autosave restore after a reload,
// and that every request stays on the page's origin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  appDir, artifactDir, firstXray, grayPng, openPageSession, screenOf,
} from './support.mjs';

const xray = firstXray();
const skip = xray ? false : 'no AASCE training images found (set KEYBOT_DATA_DIR); annotator tests need a real X-ray';
// The fixture models return their template for every point the user did not place, so with them a correction
// cannot move the others: that check is skipped (and says so) instead of passing without checking.
const stagedFixtures = (() => {
  try { return JSON.parse(fs.readFileSync(path.join(appDir, 'models/manifest.json'), 'utf8')).fixtures === true; } catch { return false; }
})();

let server, browser, page, manifest;
let othersMovedByDrag = -1;  // set by the drag test
let requests = [];
let pageErrors = [];

const status = () => page.evaluate(() => window.keybot.status());
const annotation = () => page.evaluate(() => window.keybot.getAnnotation());
const idle = () => page.evaluate(() => window.keybot.whenIdle());
const frames = (n) => page.evaluate((k) => window.keybot.nextFrame(k), n);
// Presses a key that starts a correction and waits until its revision has finished.
async function pressAndRevise(key) {
  const ticket = (await status()).ticket.next;
  await page.keyboard.press(key);
  await page.waitForFunction((tk) => window.keybot.status().ticket.finished >= tk && !window.keybot.status().busy,
    ticket, { timeout: 120000 });
}

async function loadBytes(buffer, name) {
  return page.evaluate(([b64, n]) => window.keybot.loadImageBytes(
    Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)), n), [buffer.toString('base64'), name]);
}

async function openApp() {
  await page.goto(`${server.origin}/`);
  await page.waitForFunction(() => window.keybot !== undefined);
  await page.evaluate(() => window.keybot.ready);
  await page.evaluate(() => window.keybot.restored);
}

before(async () => {
  if (skip) return;
  ({ server, browser, page, requests, pageErrors } = await openPageSession());
  await openApp();
  manifest = await page.evaluate(() => (window.keybotOrt ? window.keybotOrt.manifest() : null)).catch(() => null);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the first prediction appears: 68 points drawn over the X-ray', { skip }, async (t) => {
  assert.ok(manifest, 'models/manifest.json is staged (the browser inference backend is built)');
  const r = await loadBytes(fs.readFileSync(xray), path.basename(xray));
  assert.equal(r.ok, true, r.error);
  const models = await page.evaluate(() => window.keybot.modelsReady.then((s) => s.models, (e) => ({ error: String(e) })));
  assert.equal(models.state, 'ready', `models ready: ${JSON.stringify(models)}`);
  const s = await idle();
  assert.equal(s.points, 68);
  assert.match(s.backend, /^(wasm|webgpu)$/);
  assert.ok(s.threads >= 1);
  assert.ok(s.lastPredictMs > 0, 'prediction time reported');
  const doc = await annotation();
  assert.equal(doc.points.length, 68);
  assert.equal(doc.image.width, s.image.width);
  for (const p of doc.points) {
    assert.ok(Number.isFinite(p.x) && Number.isFinite(p.y));
    assert.ok(['predicted', 'flagged', 'model_corrected'].includes(p.provenance), p.provenance);
  }
  // Points lie on the image, top to bottom T1 -> L5.
  assert.ok(doc.points[0].y < doc.points[67].y, 'T1 above L5');
  t.diagnostic(`${manifest.fixtures ? 'fixture' : 'trained'} models (${manifest.variant}), ${s.backend} x${s.threads}, ` +
    `prediction ${s.lastPredictMs.toFixed(0)} ms`);
  await frames(3);
  await page.screenshot({ path: path.join(artifactDir, 'annotator-predicted.png') });
  assert.match(await page.textContent('#status'), /: \d+ x \d+ px/);
});

test('teaching overlay: the refiner heatmap is drawn over the X-ray when switched on', { skip }, async () => {
  const s = await idle();
  assert.ok(s.heatmap && s.heatmap.cols > 0 && s.heatmap.rows > 0, `heatmap after the prediction: ${JSON.stringify(s.heatmap)}`);
  // Reddish pixels (the overlay's hot colours; the X-ray is gray, the point markers are small).
  const warm = () => page.evaluate(async () => {
    await window.keybot.nextFrame(2);
    const { data } = await window.keybot.readPixels();
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] > data[i + 2] + 60 && data[i] > 120) n++;
    return n;
  });
  const off = await warm();
  await page.evaluate(() => window.keybot.setOverlay('heatmap', true));
  const on = await warm();
  await page.screenshot({ path: path.join(artifactDir, 'annotator-heatmap.png') });
  await page.evaluate(() => window.keybot.setOverlay('heatmap', false));
  assert.ok(on > off + 500, `overlay on adds warm pixels (${off} -> ${on})`);
  assert.equal((await status()).overlays.heatmap, false);
  await assert.rejects(page.evaluate(() => window.keybot.setOverlay('nope', true)), /unknown overlay/);
});

test('dragging a point with the mouse: one correction, the dragged point stays exactly, undo restores', { skip }, async (t) => {
  const before = await annotation();
  const i = 30;  // T8 bottom-left
  const p = before.points[i];
  // Zoom 2 around the point: the drag of (30, 20) screen px is exactly (15, 10) image px.
  await page.evaluate(([x, y]) => window.keybot.setView(2, x, y), [p.x, p.y]);
  await frames(2);
  const s = await status();
  const at = screenOf(s, p.x, p.y);
  const start = { x: Math.round(at.x), y: Math.round(at.y) };
  const ticketBefore = s.ticket.next;
  await page.mouse.move(start.x, start.y);
  await frames(1);
  await page.mouse.down();
  await frames(1);
  await page.mouse.move(start.x + 15, start.y + 10, { steps: 3 });
  await frames(1);
  await page.mouse.move(start.x + 30, start.y + 20, { steps: 3 });
  await frames(1);
  const t0 = Date.now();
  await page.mouse.up();
  await page.waitForFunction((tk) => window.keybot.status().ticket.finished >= tk && !window.keybot.status().busy,
    ticketBefore, { timeout: 120000 });
  const clickMs = Date.now() - t0;
  const after = await annotation();
  const moved = after.points[i];
  assert.equal(moved.provenance, 'user_placed');
  assert.ok(Math.abs(moved.x - (p.x + 15)) < 1e-9 && Math.abs(moved.y - (p.y + 10)) < 1e-9,
    `dragged point at (${moved.x}, ${moved.y}), expected (${p.x + 15}, ${p.y + 10})`);
  const others = after.points.filter((q, k) => k !== i && (q.x !== before.points[k].x || q.y !== before.points[k].y));
  othersMovedByDrag = others.length;
  const st = await status();
  assert.ok(st.lastLatencyMs >= 0, 'last click latency in the status');
  t.diagnostic(`click latency: app ${st.lastLatencyMs.toFixed(0)} ms, seen by the test ${clickMs} ms; ${others.length} others moved`);
  await frames(2);
  await page.screenshot({ path: path.join(artifactDir, 'annotator-dragged.png') });

  // The whole correction is one undo step.
  assert.equal(await page.evaluate(() => window.keybot.undo()), true);
  assert.deepEqual(await annotation(), before);
  assert.equal(await page.evaluate(() => window.keybot.redo()), true);
  assert.deepEqual(await annotation(), after);
});

test('the drag made the models revise the other points', {
  skip: skip || (stagedFixtures && 'fixture models staged: their refiner returns its template, so no other point can move'),
}, () => {
  assert.ok(othersMovedByDrag > 0, `points other than the dragged one moved: ${othersMovedByDrag}`);
});

test('keyboard: arrow keys nudge the selected point (a correction), C confirms, Ctrl+Z undoes', { skip }, async () => {
  const before = await annotation();
  const i = 30;
  await page.evaluate(([x, y]) => window.keybot.setView(2, x, y), [before.points[i].x, before.points[i].y]);
  await frames(2);
  const at = screenOf(await status(), before.points[i].x, before.points[i].y);
  await page.mouse.click(Math.round(at.x), Math.round(at.y));  // select without moving
  await frames(2);
  assert.equal((await status()).selected, i);
  assert.deepEqual(await annotation(), before, 'a click alone changes nothing');
  await pressAndRevise('ArrowRight');
  let doc = await annotation();
  assert.equal(doc.points[i].x, before.points[i].x + 1);
  assert.equal(doc.points[i].y, before.points[i].y);
  await pressAndRevise('Shift+ArrowUp');
  doc = await annotation();
  assert.equal(doc.points[i].y, before.points[i].y - 10);
  await page.keyboard.press('c');
  await frames(2);
  doc = await annotation();
  assert.equal(doc.points[i].provenance, 'user_confirmed');
  for (let k = 0; k < 3; k++) {
    await page.keyboard.press('Control+z');
    await frames(2);
  }
  await idle();
  assert.deepEqual(await annotation(), before, 'three undos restore the state before the nudges');
  await page.keyboard.press('Control+Shift+z');
  await frames(2);
  assert.equal((await annotation()).points[i].x, before.points[i].x + 1);
  await page.keyboard.press('Control+z');
  await frames(2);
  assert.deepEqual(await annotation(), before);
  await page.evaluate(() => window.keybot.fit());
});

test('next unreviewed point: one command of the table, through keybot.nextUnreviewed(), the U key and command()', { skip }, async () => {
  const before = await annotation();
  const table = await page.evaluate(() => window.keybot.commands());
  const entry = table.find((c) => c.name === 'next-unreviewed');
  assert.ok(entry, 'next-unreviewed is in the command table');
  assert.equal(entry.js, 'nextUnreviewed');
  assert.deepEqual(entry.keys, ['U']);
  const reviewed = (p) => p.provenance === 'user_placed' || p.provenance === 'user_confirmed';
  const nextAfter = (pts, from) => {
    for (let k = 1; k <= pts.length; k++) { const i = (from + k + pts.length) % pts.length; if (!reviewed(pts[i])) return i; }
    return -1;
  };
  // JS: the generated method selects the first unreviewed point after the selection and centres the view on it.
  await page.evaluate(() => window.keybot.selectPoint(-1));
  const first = await page.evaluate(() => window.keybot.nextUnreviewed());
  assert.equal(first, nextAfter(before.points, -1));
  let s = await status();
  assert.equal(s.selected, first);
  assert.ok(Math.abs(s.view.centerX - before.points[first].x) < 1e-6 && Math.abs(s.view.centerY - before.points[first].y) < 1e-6,
    'the view is centred on it');
  // Key U: the next one after it.
  await page.keyboard.press('u');
  await frames(2);
  assert.equal((await status()).selected, nextAfter(before.points, first));
  // With every point reviewed the command answers with the code not_found (a KeybotError from the method).
  const toConfirm = before.points.map((p, i) => (p.provenance === 'user_confirmed' ? -1 : i)).filter((i) => i >= 0);
  await page.evaluate((list) => { for (const i of list) window.keybot.command('confirm', i); }, toConfirm);
  const outcome = await page.evaluate(() => {
    try { window.keybot.nextUnreviewed(); return { threw: false }; } catch (e) {
      return { threw: true, name: e.name, code: e.code, known: window.keybot.constants.errors.includes(e.code) };
    }
  });
  assert.deepEqual(outcome, { threw: true, name: 'KeybotError', code: 'not_found', known: true });
  const r = await page.evaluate(() => window.keybot.command('next-unreviewed'));
  assert.equal(r.ok, false);
  assert.equal(r.error, 'not_found');
  assert.equal((await status()).error, '', 'an answer, not an error shown to the user');
  // Every confirm was one undo step.
  await page.evaluate((n) => { for (let i = 0; i < n; i++) window.keybot.undo(); }, toConfirm.length);
  assert.deepEqual(await annotation(), before);
  await page.evaluate(() => window.keybot.fit());
});

test('movePoint() through the API resolves after the revision; undo restores exactly the previous points', { skip }, async () => {
  const before = await annotation();
  const target = { x: before.points[10].x - 7.25, y: before.points[10].y + 3.5 };
  const after = await page.evaluate(([x, y]) => window.keybot.movePoint(10, x, y), [target.x, target.y]);
  assert.equal(after.points[10].x, target.x);
  assert.equal(after.points[10].y, target.y);
  assert.equal(after.points[10].provenance, 'user_placed');
  // Other user points are hints the models never move.
  const again = await page.evaluate(([x, y]) => window.keybot.movePoint(50, x, y), [before.points[50].x + 4, before.points[50].y]);
  assert.deepEqual([again.points[10].x, again.points[10].y], [target.x, target.y], 'an earlier user point stays put');
  assert.equal(await page.evaluate(() => window.keybot.undo()), true);
  assert.deepEqual(await annotation(), after);
  assert.equal(await page.evaluate(() => window.keybot.undo()), true);
  assert.deepEqual(await annotation(), before);
  await assert.rejects(page.evaluate(() => window.keybot.movePoint(99, 1, 1)), /out of range/);
  await page.evaluate(() => window.keybot.redo());  // keep one user point for the export tests
});

test('exports (json, aasce, coco) parse, hold 68 points and import back', { skip }, async () => {
  const doc = await annotation();
  const s = await status();
  const out = await page.evaluate(() => ({
    json: window.keybot.exportAs('json'), aasce: window.keybot.exportAs('aasce'),
    names: window.keybot.exportAs('aasce-filenames'), coco: window.keybot.exportAs('coco'),
  }));
  const json = JSON.parse(out.json);
  assert.equal(json.points.length, 68);
  assert.deepEqual(json, doc);
  const row = out.aasce.trim().split(',').map(Number);
  assert.equal(row.length, 136);
  for (const v of row) assert.ok(Number.isFinite(v) && v > -0.5 && v < 1.5);
  assert.ok(Math.abs(row[0] * s.image.width - doc.points[0].x) < 1e-6);
  assert.ok(Math.abs(row[68] * s.image.height - doc.points[0].y) < 1e-6);
  assert.equal(out.names.trim(), path.basename(xray));
  const coco = JSON.parse(out.coco);
  assert.equal(coco.images.length, 1);
  assert.equal(coco.annotations.length, 17);
  assert.equal(coco.annotations.reduce((n, a) => n + a.keypoints.length / 3, 0), 68);
  assert.equal(coco.annotations[0].group, 'T1');
  for (const [name, text] of Object.entries(out)) fs.writeFileSync(path.join(artifactDir, `export.${name}.txt`), text);

  // Reimport: each is one undo step; JSON and COCO give back exactly the same annotation.
  const moveAway = () => page.evaluate(() => window.keybot.movePoint(0, 5, 5));
  for (const text of [out.json, out.coco]) {
    await moveAway();
    const r = await page.evaluate((t) => window.keybot.importAnnotation(t), text);
    assert.equal(r.ok, true, r.error);
    assert.deepEqual(await annotation(), doc);
  }
  const r = await page.evaluate((t) => window.keybot.importAnnotation(t), out.aasce);
  assert.equal(r.ok, true, r.error);
  const fromCsv = await annotation();
  fromCsv.points.forEach((p, k) => {
    assert.ok(Math.abs(p.x - doc.points[k].x) < 1e-6 && Math.abs(p.y - doc.points[k].y) < 1e-6);
    assert.equal(p.provenance, 'user_confirmed');
  });
  assert.equal(await page.evaluate(() => window.keybot.undo()), true);
  assert.deepEqual(await annotation(), doc);
});

test('bad input shows a clear message and loses nothing (bad JSON, wrong size, oversized image)', { skip }, async () => {
  const doc = await annotation();
  const before = await status();
  let r = await page.evaluate(() => window.keybot.importAnnotation('{"schema_version": 1, "points": ['));
  assert.equal(r.ok, false);
  assert.match(r.error, /Could not import the annotation: annotation JSON is malformed.*Nothing was changed/);
  r = await page.evaluate(() => window.keybot.importAnnotation('0.1,0.2,0.3'));
  assert.match(r.error, /expected one row of 136 values/);
  const other = JSON.parse(await page.evaluate(() => window.keybot.exportAs('coco')));
  other.images[0].width += 10;
  r = await page.evaluate((t) => window.keybot.importAnnotation(t), JSON.stringify(other));
  assert.match(r.error, /made for a \d+ x \d+ image, but the open image is/);
  // A PNG whose header claims 10000 x 6000 pixels (60 MP): refused before decoding.
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(10000, 0); ihdr.writeUInt32BE(6000, 4); ihdr[8] = 8;
  const huge = grayPng(2, 2, 8, () => 0);
  ihdr.copy(huge, 16);  // same layout: signature (8) + length (4) + "IHDR" (4) + data (13) + CRC
  r = await loadBytes(huge, 'huge.png');
  assert.equal(r.ok, false);
  assert.match(r.error, /Could not open "huge\.png"/);
  assert.match(r.error, /pixel|large|MP|limit/i);
  // A file over 200 MB is refused before it is copied into the app.
  const big = await page.evaluate(() => window.keybot.loadImageBytes(new Uint8Array(201 * 1024 * 1024), 'big.png'));
  assert.equal(big.ok, false);
  assert.match(big.error, /201 MB; KeyBot opens files up to 200 MB/);
  const after = await status();
  assert.equal(after.images.length, before.images.length, 'no image added');
  assert.equal(after.image.name, before.image.name, 'the open image stays');
  assert.deepEqual(await annotation(), doc, 'the annotation is untouched');
  assert.deepEqual(pageErrors, []);
});

test('several images with progress; a reload restores every image, its annotation, undo history and done mark', { skip }, async () => {
  // A second (generated) image in the session, marked done; then back to the X-ray.
  const png = grayPng(320, 640, 8, (x, y) => ((x * 7 + y * 3) % 256));
  const r = await loadBytes(png, 'second.png');
  assert.equal(r.ok, true, r.error);
  await idle();
  let s = await status();
  assert.equal(s.images.length, 2);
  assert.equal(s.activeImage, 1);
  await page.evaluate(() => window.keybot.setDone(1, true));
  assert.equal((await status()).done, 1);
  assert.equal(await page.evaluate(() => window.keybot.selectImage(0)), true);
  await idle();
  const doc = await annotation();
  assert.equal(doc.image.file, path.basename(xray));
  // One more edit right before the reload: the flush writes it out.
  await page.evaluate(([x, y]) => window.keybot.movePoint(40, x, y), [doc.points[40].x + 2, doc.points[40].y + 2]);
  const edited = await annotation();
  await page.evaluate(() => window.keybot.autosaveIdle());
  await frames(2);
  await page.screenshot({ path: path.join(artifactDir, 'annotator-before-reload.png') });

  await page.reload();
  await page.waitForFunction(() => window.keybot !== undefined);
  await page.evaluate(() => window.keybot.ready);
  const restored = await page.evaluate(() => window.keybot.restored);
  assert.equal(restored, 2);
  s = await status();
  assert.deepEqual(s.images.map((i) => [i.name, i.done]), [[path.basename(xray), false], ['second.png', true]]);
  assert.equal(s.activeImage, 0, 'the open image is the one open before the reload');
  assert.equal(s.done, 1);
  assert.deepEqual(await annotation(), edited, 'the annotation comes back exactly');
  assert.equal((await status()).points, 68);
  // The undo history came back with it: undo gives the points before the last correction, redo the correction.
  assert.equal(await page.evaluate(() => window.keybot.undo()), true);
  assert.deepEqual((await annotation()).points, doc.points, 'undo after the reload restores the state before the edit');
  assert.equal(await page.evaluate(() => window.keybot.redo()), true);
  assert.deepEqual(await annotation(), edited, 'redo after the reload brings the edit back');
  await frames(2);
  await page.screenshot({ path: path.join(artifactDir, 'annotator-restored.png') });
});

test('every request stays on the page origin; no page errors', { skip }, async () => {
  assert.ok(requests.length >= 5, `requests seen: ${requests.length}`);
  const foreign = requests.filter((u) => !u.startsWith(`${server.origin}/`) && !/^(data|blob):/.test(u));
  assert.deepEqual(foreign, []);
  assert.deepEqual(pageErrors, []);
});
