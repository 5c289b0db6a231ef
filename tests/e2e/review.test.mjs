// Browser end-to-end tests of review (compare with a reference) and practice mode on generated images: every
// expected figure (distances, their mean and maximum, the points over tolerance) is computed here from the
// coordinates the test placed and the reference it generated, never read back from the app. Also: the
// reference is never touched by undo or export, bad references are refused with a code and lose nothing, and
// practice placements are ordinary undoable user points. Screenshots: build/e2e-artifacts/review-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { artifactDir, grayPng, openPageSession, screenOf } from './support.mjs';

const W = 320, H = 600;          // generated image size (px)
const TOLERANCE = 8;             // px, set through compareTolerance
const GROUPS = 17, CORNERS = 4;  // the AASCE spine schema the app uses (T1..L5 x tl, tr, bl, br)

let server, browser, page, pageErrors = [];
const kb = (fn, ...args) => page.evaluate(fn, ...args);
const report = () => kb(() => window.keybot.compareReport());

// A gently curved spine: vertebra g centred at cx(g), 40 + 30 g down, 40 x 20 px, tilted a little.
function spine(shift = 0) {
  const pts = [];
  for (let g = 0; g < GROUPS; g++) {
    const cx = 150 + 25 * Math.sin((g / (GROUPS - 1)) * Math.PI) + shift, cy = 40 + 30 * g;
    const tilt = 0.15 * Math.cos((g / (GROUPS - 1)) * Math.PI);
    for (const [dx, dy] of [[-20, -10], [20, -10], [-20, 10], [20, 10]]) {
      pts.push([cx + dx * Math.cos(tilt) - dy * Math.sin(tilt), cy + dx * Math.sin(tilt) + dy * Math.cos(tilt)]);
    }
  }
  return pts;
}
// The reference: each point moved by a small deterministic offset, three by much more.
function offsetReference(pts) {
  const big = { 10: [25, -5], 41: [-18, 20], 66: [0, -12] };
  return pts.map(([x, y], i) => {
    const [bx, by] = big[i] || [((i * 7) % 11 - 5) * 0.8, ((i * 5) % 9 - 4) * 0.9];
    return [x + bx, y + by];
  });
}
// One AASCE landmarks.csv row (x1..xN, y1..yN normalised by the image size), written here.
const aasceRow = (pts) => [...pts.map(([x]) => x / W), ...pts.map(([, y]) => y / H)].map((v) => v.toPrecision(17)).join(',');
// The figures, computed here: per-point distance, mean, max, and the points over tolerance (largest first).
function expectedFigures(user, ref, tolerance) {
  const d = user.map(([x, y], i) => Math.hypot(x - ref[i][0], y - ref[i][1]));
  const over = d.map((v, i) => [v, i]).filter(([v]) => v > tolerance).sort((a, b) => b[0] - a[0]).map(([, i]) => i);
  return { d, mean: d.reduce((a, b) => a + b, 0) / d.length, max: Math.max(...d), over };
}
function assertFigures(c, want, what) {
  assert.ok(c, `${what}: the report has a comparison`);
  assert.ok(Math.abs(c.mean - want.mean) < 1e-6, `${what}: mean ${c.mean} vs ${want.mean}`);
  assert.ok(Math.abs(c.max - want.max) < 1e-6, `${what}: max ${c.max} vs ${want.max}`);
  assert.deepEqual(c.overTolerance.map((o) => o.index), want.over, `${what}: points over tolerance`);
  assert.equal(c.within, want.d.length - want.over.length, `${what}: within tolerance`);
  for (let i = 0; i < want.d.length; i++) assert.ok(Math.abs(c.distances[i] - want.d[i]) < 1e-6, `${what}: distance ${i}`);
}
const near = (a, b, eps = 1e-6) => a.length === b.length && a.every(([x, y], i) => Math.abs(x - b[i][0]) < eps && Math.abs(y - b[i][1]) < eps);
async function rejectsWith(fn, arg, code) {
  const r = await kb(async ([f, a]) => {  // movePoint is async: its refusal is a rejected promise
    try { await window.keybot[f](...a); return { ok: true }; } catch (e) { return { ok: false, code: e.code, message: e.message }; }
  }, [fn, arg]);
  assert.equal(r.ok, false, `${fn} is refused`);
  assert.equal(r.code, code, `${fn}: ${r.message}`);
  return r.message;
}
async function openImage(name, seed) {
  const png = grayPng(W, H, 8, (x, y) => (x * 3 + y * seed + ((x >> 4) ^ (y >> 4)) * 9) & 255);
  const r = await kb(([b64, n]) => window.keybot.loadImageBytes(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)), n),
    [png.toString('base64'), name]);
  assert.equal(r.ok, true, r.error);
  return kb(() => window.keybot.whenIdle());
}

before(async () => {
  ({ server, browser, page, pageErrors } = await openPageSession());
  await page.goto(`${server.origin}/`);
  await page.waitForFunction(() => window.keybot !== undefined);
  await kb(() => window.keybot.ready);
  await kb(() => window.keybot.restored);
  await kb(() => window.keybot.newSession());
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('compare: a generated reference gives the figures computed here; undo and export never touch it', async () => {
  await openImage('review-compare.png', 1);
  const user = spine();
  assert.equal((await kb((t) => window.keybot.importAnnotation(t), aasceRow(user))).ok, true);
  const ref = offsetReference(user);
  assert.equal(await kb((t) => window.keybot.compareLoad(t), aasceRow(ref)), true);
  assert.equal(await kb((px) => window.keybot.compareTolerance(px), TOLERANCE), TOLERANCE);
  let r = await report();
  assert.equal(r.reference.source, 'file');
  assert.equal(r.reference.format, 'AASCE CSV');
  assert.equal(r.unit, 'px');
  assert.ok(near(r.reference.points, ref, 1e-9), 'the reference holds the loaded points');
  const want = expectedFigures(user, ref, TOLERANCE);
  assert.ok(want.over.length >= 3, 'the test reference has points over tolerance');
  assertFigures(r.comparison, want, 'compare');
  assert.ok(r.comparison.cobb && r.comparison.cobb.difference.every((d, k) =>
    Math.abs(d - (r.comparison.cobb.user[k] - r.comparison.cobb.reference[k])) < 1e-9), 'Cobb angles of both and their difference');

  await kb(() => window.keybot.nextFrame(3));
  await page.screenshot({ path: path.join(artifactDir, 'review-compare.png') });

  // Export and undo act on the user's annotation only.
  const exported = JSON.parse(await kb(() => window.keybot.exportAs('json')));
  assert.ok(near(exported.points.map((p) => [p.x, p.y]), user, 1e-9), 'export holds the user\'s points');
  // A real edit (the models keep every other point: all are the user's) and its undo.
  await kb(([x, y]) => window.keybot.movePoint(5, x, y), [user[5][0] + 3, user[5][1]]);
  assert.equal((await kb(() => window.keybot.getAnnotation())).points[5].x, user[5][0] + 3);
  assert.ok(near((await report()).reference.points, ref, 1e-9), 'an edit left the reference as loaded');
  assert.equal(await kb(() => window.keybot.undo()), true);
  assert.equal(await kb(() => window.keybot.undo()), true);  // the import itself
  r = await report();
  assert.ok(near(r.reference.points, ref, 1e-9), 'undo left the reference as loaded');
  assert.equal(await kb(() => window.keybot.redo()), true);
  r = await report();
  assertFigures(r.comparison, want, 'after undo + redo');

  // Bad references are refused with a code; the loaded one stays.
  await rejectsWith('compareLoad', ['not an annotation at all'], 'bad_format');
  await rejectsWith('compareLoad', [aasceRow(ref.slice(0, 67))], 'bad_format');
  const otherSize = JSON.parse(await kb(() => window.keybot.exportAs('json')));
  otherSize.image.width = 2 * W;
  const msg = await rejectsWith('compareLoad', [JSON.stringify(otherSize)], 'bad_format');
  assert.match(msg, new RegExp(String(2 * W)));
  await rejectsWith('compareTolerance', [-1], 'bad_arguments');
  r = await report();
  assert.ok(near(r.reference.points, ref, 1e-9), 'a refused reference changed nothing');
  assert.equal(await kb(() => window.keybot.compareClear()), null);
  assert.equal((await report()).reference, null);
  assert.deepEqual(pageErrors, []);
});

test('practice: 68 points placed (4 by mouse clicks), checked against a generated reference and the prediction', async (t) => {
  const s0 = await openImage('review-practice.png', 2);
  const predicted = s0.points ? (await kb(() => window.keybot.getAnnotation())).points.map((p) => [p.x, p.y]) : null;
  assert.equal(await kb(() => window.keybot.practice(true)), true);
  let r = await report();
  assert.equal(r.practice.active, true);
  assert.equal(r.practice.target, 0);
  assert.equal(r.practice.targetLabel, 'T1 top-left');  // from the schema table's group and corner names
  assert.equal(r.comparison, null);
  if (s0.points) await rejectsWith('movePoint', [3, 10, 10], 'wrong_mode');  // the models stay silent
  await rejectsWith('practiceCheck', [], 'incomplete');

  const placed = spine(-6);
  // T1's four corners by real clicks at zoom 1 (image px = screen px), the rest through the API.
  await kb(([cx, cy]) => window.keybot.setView(1, cx, cy), [W / 2, H / 2]);
  await kb(() => window.keybot.nextFrame(2));
  const s = await kb(() => window.keybot.status());
  for (let i = 0; i < CORNERS; i++) {
    const at = screenOf(s, placed[i][0], placed[i][1]);
    const sx = Math.round(at.x), sy = Math.round(at.y);
    placed[i] = [s.view.centerX + (sx - s.view.viewport.x - s.view.viewport.width / 2) / s.view.zoom,
      s.view.centerY + (sy - s.view.viewport.y - s.view.viewport.height / 2) / s.view.zoom];
    // Move, press and release in separate frames, as a person's click arrives.
    await page.mouse.move(sx, sy);
    await kb(() => window.keybot.nextFrame(1));
    await page.mouse.down();
    await kb(() => window.keybot.nextFrame(1));
    await page.mouse.up();
    await kb(() => window.keybot.nextFrame(2));
  }
  r = await report();
  assert.equal(r.practice.placed, CORNERS, 'four points placed by clicks');
  assert.equal(r.practice.targetLabel, 'T2 top-left', 'the target advanced');
  for (let i = CORNERS; i < placed.length; i++) {
    assert.equal(await kb(([x, y]) => window.keybot.practicePlace(x, y), placed[i]), i, `point ${i} placed in order`);
  }
  // Going back: select by name, place again; undo takes that back.
  assert.equal(await kb(() => window.keybot.selectNamed('T9 bottom-right')), 35);
  assert.equal(await kb(() => window.keybot.practicePlace(5, 5)), 35);
  assert.equal(await kb(() => window.keybot.undo()), true);
  const doc = await kb(() => window.keybot.getAnnotation());
  assert.ok(near(doc.points.map((p) => [p.x, p.y]), placed, 1e-4), 'the document holds the placed points');
  assert.ok(doc.points.every((p) => p.provenance === 'user_placed'), 'placed points are user points');

  const ref = offsetReference(spine(-4));
  assert.equal(await kb((tx) => window.keybot.compareLoad(tx), aasceRow(ref)), true);
  assert.equal((await report()).comparison, null, 'the reference stays hidden until Check');
  assert.equal(await kb(() => window.keybot.practiceCheck()), true);
  r = await report();
  assert.equal(r.practice.checked, true);
  assert.equal(r.reference.source, 'file');
  assertFigures(r.comparison, expectedFigures(placed, ref, TOLERANCE), 'practice score');
  await kb(() => window.keybot.nextFrame(3));
  await page.screenshot({ path: path.join(artifactDir, 'review-practice.png') });

  // Without a loaded reference, Check scores against the models' own prediction of the image.
  await kb(() => window.keybot.compareClear());
  if (!predicted) {
    await rejectsWith('practiceCheck', [], 'no_models');
    t.diagnostic('no models: the check against the prediction was not run');
    return;
  }
  const v = await kb(() => window.keybot.practiceCheck());
  if (v !== true) await kb(() => window.keybot.whenIdle());
  r = await report();
  assert.equal(r.reference.source, 'prediction');
  assert.equal(r.practice.checked, true);
  assertFigures(r.comparison, expectedFigures(placed, predicted, TOLERANCE), 'score against the prediction');
  assert.deepEqual(pageErrors, []);
});
