// Browser end-to-end tests of the web annotator (build/web/app): the page loads over our static server in
// headless Chromium (WebGL2 via SwiftShader), images reach the canvas through every input path, bad files
// give a clear error without stopping the app, pan/zoom move the picture, and nothing leaves the origin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  artifactDir, firstXray, grayPng, openPageSession, screenOf,
} from './support.mjs';

// 300 x 200 pattern: left half dark, right half bright, bright square in the dark half's top-left.
const W = 300, H = 200;
const isBright = (x, y) => x >= 150 || (x >= 30 && x < 90 && y >= 30 && y < 90);
const png16 = grayPng(W, H, 16, (x, y) => (isBright(x, y) ? 50000 : 1000));
const png8 = grayPng(W, H, 8, (x, y) => (isBright(x, y) ? 200 : 20));
const DARK = [[100, 150], [60, 150], [120, 20]];
const BRIGHT = [[225, 100], [60, 60], [280, 180]];

let server, browser, page;
let requests = [];
let pageErrors = [];

async function waitForImage(name) {
  await page.waitForFunction((n) => window.keybot.status().image?.name === n, name, { timeout: 30000 });
}

// Median gray level (3x3) of the next rendered frame at image points (x, y), via the current view transform.
// The frame is taken in practice mode, which draws none of the models' points, outlines or Cobb lines (the
// selection is restored after): this checks the image, wherever the models' points happen to land on it.
async function sampleImagePoints(points) {
  return page.evaluate(async (pts) => {
    const selected = window.keybot.status().selected;
    window.keybot.practice(true);
    let shot;
    try {
      shot = await window.keybot.readPixels();
    } finally {
      window.keybot.practice(false);
      try {
        window.keybot.selectPoint(selected);
      } catch (e) {
        if (!/has no points yet/.test(String(e))) throw e;  // before the first prediction nothing was selected
      }
    }
    const { view } = window.keybot.status();
    const cx = view.viewport.x + view.viewport.width / 2, cy = view.viewport.y + view.viewport.height / 2;
    const gray = (sx, sy) => {
      const values = [];
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const x = Math.round(sx) + dx, y = Math.round(sy) + dy;
          if (x < 0 || y < 0 || x >= shot.width || y >= shot.height) continue;
          const i = (y * shot.width + x) * 4;
          values.push((shot.data[i] + shot.data[i + 1] + shot.data[i + 2]) / 3);
        }
      }
      values.sort((a, b) => a - b);
      return values.length ? values[values.length >> 1] : NaN;
    };
    return pts.map(([x, y]) => gray(cx + (x - view.centerX) * view.zoom, cy + (y - view.centerY) * view.zoom));
  }, points);
}

async function assertPatternVisible(label) {
  const dark = await sampleImagePoints(DARK);
  const bright = await sampleImagePoints(BRIGHT);
  for (const v of dark) assert.ok(v < 40, `${label}: dark part shown dark (got ${dark})`);
  for (const v of bright) assert.ok(v > 215, `${label}: bright part shown bright (got ${bright})`);
}

const status = () => page.evaluate(() => window.keybot.status());
const frames = (n) => page.evaluate((k) => window.keybot.nextFrame(k), n);

before(async () => {
  ({ server, browser, page, requests, pageErrors } = await openPageSession());
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation',
      (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the page starts the WebGL2 app under its Content-Security-Policy', async () => {
  const response = await page.goto(`${server.origin}/`);
  assert.equal(response.status(), 200);
  await page.waitForFunction(() => window.keybot !== undefined);
  await page.evaluate(() => window.keybot.ready);
  const s = await status();
  assert.equal(s.ready, true);
  assert.equal(s.image, null);
  assert.ok(s.frame >= 1);
  assert.match(await page.textContent('#status'), /Open an image/);
  const meta = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  assert.match(meta, /default-src 'self'/);
  await frames(2);
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
});

test('a 16-bit PNG loaded with keybot.loadImageBytes is drawn (full range: dark -> black, bright -> white)', async () => {
  const result = await page.evaluate((b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    return window.keybot.loadImageBytes(bytes, 'pattern16.png');
  }, png16.toString('base64'));
  assert.equal(result.ok, true, result.error);
  assert.deepEqual(
    { w: result.image.width, h: result.image.height, bits: result.image.bitDepth }, { w: W, h: H, bits: 16 });
  await assertPatternVisible('16-bit via loadImageBytes');
  // Outside the image: the background, neither black nor white.
  const s = await status();
  const corner = await sampleImagePoints([[-20 / s.view.zoom - 1, H / 2]]);
  assert.ok(corner[0] > 15 && corner[0] < 60, `background left of the image (got ${corner})`);
  assert.match(await page.textContent('#status'), /pattern16\.png: 300 x 200 px, 16-bit/);
});

test('an image picked in the file input is drawn', async () => {
  await page.setInputFiles('#file-input', { name: 'pattern8.png', mimeType: 'image/png', buffer: png8 });
  await waitForImage('pattern8.png');
  assert.equal((await status()).image.bitDepth, 8);
  await assertPatternVisible('8-bit via the file input');
});

test('an image dropped onto the page is drawn', async () => {
  await page.evaluate((b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'dropped16.png', { type: 'image/png' }));
    const canvas = document.getElementById('canvas');
    for (const type of ['dragenter', 'dragover', 'drop']) {
      canvas.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    }
  }, png16.toString('base64'));
  await waitForImage('dropped16.png');
  assert.equal(await page.isHidden('#drop-hint'), true);
  await assertPatternVisible('16-bit via drag and drop');
});

test('the "Open image..." button opens the file picker; a real X-ray picked there is shown', async (t) => {
  const xray = firstXray();
  const chooser = page.waitForEvent('filechooser', { timeout: 15000 });
  await page.mouse.move(40, 18);
  await page.mouse.down();
  await frames(2);
  await page.mouse.up();
  const fileChooser = await chooser;
  const name = xray ? path.basename(xray) : 'pattern8-picked.png';
  await fileChooser.setFiles(xray || { name, mimeType: 'image/png', buffer: png8 });
  await waitForImage(name);
  const s = await status();
  if (!xray) {
    t.diagnostic('no AASCE images found; used a generated image');
    await assertPatternVisible('picked in the file chooser');
    return;
  }
  // The X-ray fills its on-screen rectangle with real content: both near-black and near-white areas (the full
  // data range is mapped to black..white) and plenty of gray variation, while the margin is plain background.
  const stats = await page.evaluate(async () => {
    const shot = await window.keybot.readPixels();
    const { view, image } = window.keybot.status();
    const cx = view.viewport.x + view.viewport.width / 2, cy = view.viewport.y + view.viewport.height / 2;
    const x0 = Math.ceil(cx - view.centerX * view.zoom) + 2, x1 = Math.floor(cx + (image.width - view.centerX) * view.zoom) - 2;
    const y0 = Math.ceil(cy - view.centerY * view.zoom) + 2, y1 = Math.floor(cy + (image.height - view.centerY) * view.zoom) - 2;
    let n = 0, sum = 0, sum2 = 0, dark = 0, bright = 0;
    for (let y = y0; y < y1; y += 2) {
      for (let x = x0; x < x1; x += 2) {
        const g = shot.data[(y * shot.width + x) * 4];
        n++; sum += g; sum2 += g * g; if (g < 30) dark++; if (g > 225) bright++;
      }
    }
    const margin = [];
    for (let y = y0; y < y1; y += 8) margin.push(shot.data[(y * shot.width + Math.max(x0 - 20, 0)) * 4]);
    return { n, mean: sum / n, sd: Math.sqrt(sum2 / n - (sum / n) ** 2), dark: dark / n, bright: bright / n,
      marginMin: Math.min(...margin), marginMax: Math.max(...margin) };
  });
  t.diagnostic(`${name}: ${s.image.width}x${s.image.height}, shown ${JSON.stringify(stats)}`);
  assert.ok(s.image.width > 100 && s.image.height > 100);
  assert.ok(stats.sd > 25 && stats.mean > 40 && stats.mean < 215, `X-ray content visible: ${JSON.stringify(stats)}`);
  assert.ok(stats.dark > 0.001 && stats.bright > 0.0005, `full range shown: ${JSON.stringify(stats)}`);
  assert.ok(stats.marginMax - stats.marginMin <= 2, 'plain background beside the image');
  await page.screenshot({ path: path.join(artifactDir, 'xray.png') });
});

test('a bad file shows a clear error and the app keeps running', async () => {
  const garbage = crypto.randomBytes(4096);
  const r = await page.evaluate((b64) => window.keybot.loadImageBytes(
    Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)), 'garbage.png'), garbage.toString('base64'));
  assert.equal(r.ok, false);
  assert.match(r.error, /Could not open "garbage\.png"/);
  assert.match(await page.textContent('#status'), /Could not open "garbage\.png"/);
  assert.equal(await page.evaluate(() => document.getElementById('status').classList.contains('error')), true);
  const before = await status();
  assert.ok(before.image !== null, 'the previous image stays open');
  await frames(3);
  await page.screenshot({ path: path.join(artifactDir, 'bad-file.png') });

  // A truncated PNG through the file input: same clear error.
  await page.setInputFiles('#file-input', { name: 'truncated.png', mimeType: 'image/png', buffer: png16.subarray(0, 120) });
  await page.waitForFunction(() => /truncated\.png/.test(window.keybot.status().error), null, { timeout: 15000 });
  const after = await status();
  assert.ok(after.frame > before.frame, 'frames keep coming');
  assert.equal(after.errorCount, before.errorCount + 1);
  assert.deepEqual(pageErrors, []);

  // ... and a good image still loads afterwards, clearing the error.
  const ok = await page.evaluate((b64) => window.keybot.loadImageBytes(
    Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)), 'again.png'), png16.toString('base64'));
  assert.equal(ok.ok, true);
  assert.equal((await status()).error, '');
  await assertPatternVisible('after errors');
});

test('zoom and pan change the displayed image (setView, wheel around the cursor, drag, zoom(), pan(), -, F to fit)', async () => {
  await page.evaluate(() => window.keybot.fit());
  const fitted = await status();
  assert.equal(fitted.view.fitted, true);
  const vp = fitted.view.viewport;
  const mid = { x: vp.x + vp.width / 2, y: vp.y + vp.height / 2 };
  const gray = (pts) => page.evaluate(async (p) => {
    const shot = await window.keybot.readPixels();
    return p.map(({ x, y }) => shot.data[(Math.round(y) * shot.width + Math.round(x)) * 4]);
  }, pts);
  const probes = [{ x: mid.x - 40, y: mid.y }, { x: mid.x + 40, y: mid.y }];
  const atFit = await gray(probes);  // image centre (150, 100) = the dark/bright edge: dark left, bright right
  assert.ok(atFit[0] < 40 && atFit[1] > 215, `fit view: ${atFit}`);

  // setView: 8x on the bright square's left edge (x = 30, y = 60): 40 px left is dark, 40 px right bright.
  await page.evaluate(() => window.keybot.setView(8, 30, 60));
  let s = await status();
  assert.equal(s.view.zoom, 8);
  assert.equal(s.view.fitted, false);
  const zoomed = await gray(probes);
  assert.ok(zoomed[0] < 40 && zoomed[1] > 215, `zoomed view: ${zoomed}`);
  // Shift right by 10 image px: now the screen centre is inside the square, both probes bright.
  await page.evaluate(() => window.keybot.setView(8, 40 + 5, 60));
  const panned = await gray(probes);
  assert.ok(panned[0] > 215 && panned[1] > 215, `panned view: ${panned}`);

  // Mouse wheel zooms around the cursor: the image point under it stays put.
  await page.evaluate(() => window.keybot.fit());
  s = await status();
  const cursor = screenOf(s, 225, 100);
  await page.mouse.move(cursor.x, cursor.y);
  await frames(2);
  for (let i = 0; i < 3; i++) { await page.mouse.wheel(0, -120); await frames(2); }
  const wheeled = await status();
  assert.ok(wheeled.view.zoom > s.view.zoom * 1.3, `wheel zoomed in: ${s.view.zoom} -> ${wheeled.view.zoom}`);
  const still = screenOf(wheeled, 225, 100);
  assert.ok(Math.hypot(still.x - cursor.x, still.y - cursor.y) < 2, 'zoom keeps the point under the cursor');

  // Right-button drag pans by the mouse movement.
  await page.mouse.down({ button: 'right' });
  await frames(2);
  await page.mouse.move(cursor.x - 100, cursor.y - 50, { steps: 5 });
  await frames(2);
  await page.mouse.up({ button: 'right' });
  await frames(1);
  const dragged = await status();
  const moved = screenOf(dragged, 225, 100);
  assert.ok(Math.abs(moved.x - (cursor.x - 100)) < 2 && Math.abs(moved.y - (cursor.y - 50)) < 2,
    `drag moved the image with the mouse: ${JSON.stringify(moved)} vs ${JSON.stringify(cursor)}`);

  // The same commands as the wheel and the drag, through keybot.zoom() and keybot.pan(), and the - key.
  const zoomedBy = await page.evaluate(() => window.keybot.zoom(2, 225, 100));
  s = await status();
  assert.ok(Math.abs(s.view.zoom - 2 * dragged.view.zoom) < 1e-4 * dragged.view.zoom, `zoom(2): ${dragged.view.zoom} -> ${s.view.zoom}`);
  assert.ok(Math.abs(zoomedBy - s.view.zoom) < 1e-4 * s.view.zoom, 'zoom() answers the new zoom');
  const kept = screenOf(s, 225, 100);
  assert.ok(Math.hypot(kept.x - moved.x, kept.y - moved.y) < 0.01, 'zoom(F, X, Y) keeps image point (X, Y) in place');
  await page.evaluate(() => window.keybot.pan(10, -5));
  const shifted = screenOf(await status(), 225, 100);
  assert.ok(Math.abs(shifted.x - kept.x - 10) < 0.01 && Math.abs(shifted.y - kept.y + 5) < 0.01, 'pan(10, -5) moves the image');
  await page.keyboard.down('-');
  await frames(2);
  await page.keyboard.up('-');
  await frames(1);
  assert.ok(Math.abs((await status()).view.zoom - s.view.zoom / 1.25) < 1e-4 * s.view.zoom, 'the - key zooms out by 1.25');

  // F fits again.
  await page.keyboard.down('f');
  await frames(2);
  await page.keyboard.up('f');
  await frames(1);
  assert.equal((await status()).view.fitted, true);
  await page.screenshot({ path: path.join(artifactDir, 'pattern-fit.png') });
});

test('every request stays on the page origin; no CSP violations or page errors', async () => {
  assert.ok(requests.length >= 4, `requests seen: ${requests.length}`);
  const foreign = requests.filter((u) => !u.startsWith(`${server.origin}/`) && !/^(data|blob):/.test(u));
  assert.deepEqual(foreign, []);
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
  assert.deepEqual(pageErrors, []);
});
