// Browser inference end-to-end tests: onnxruntime-web behind the C++ Session interface (web_session.cpp,
// web/ort-bridge.js), driven through the full C++ pipeline by window.keybotOrt.predictSelfTest on the staged
// models. Checks isolation/threads, same-origin loading, 68 finite in-image keypoints, agreement of WASM (1 and
// 2 threads) and WebGPU, offline use after the first visit, and clear errors for bad model bytes. Prints (does
// not assert) latency per backend, time to first prediction and page weight as a markdown table.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { CHROMIUM, appDir, firstXray, grayPng, requireBuiltApp, startServer } from './support.mjs';

// support.mjs's flags plus WebGPU: headless Chromium gets a SwiftShader (software) WebGPU adapter with
// --enable-unsafe-webgpu when WebGPU is available at all; the test says so when it is not.
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--enable-unsafe-swiftshader', '--use-angle=swiftshader',
  '--ignore-gpu-blocklist', '--enable-unsafe-webgpu',
];
const CLICKS = Number(process.env.KEYBOT_E2E_CLICKS || 5);  // predictions per backend for the latency median
// The page's size for the latency figures, e.g. KEYBOT_E2E_VIEWPORT=1920x1080 (README reports each size it ran).
const [VIEW_W, VIEW_H] = (process.env.KEYBOT_E2E_VIEWPORT || '1024x720').split('x').map(Number);

const xrayPath = firstXray();
const image = xrayPath ? fs.readFileSync(xrayPath) : grayPng(320, 640, 8, (x, y) => (x * 7 + y * 3) % 256);
const imageB64 = image.toString('base64');
const imageName = xrayPath ? path.basename(xrayPath) : 'generated 320x640 PNG (AASCE images not found)';

let server, browser, profile;
const requests = [];
const figures = {};
const results = {};

before(async () => {
  requireBuiltApp();
  for (const f of ['ort-bridge.js', 'sw.js', 'models/manifest.json', 'ort/ort.wasm.min.mjs']) {
    assert.ok(fs.existsSync(path.join(appDir, f)), `web app staging incomplete: ${f} missing (cmake --build --preset web)`);
  }
  server = await startServer();
  const { chromium } = createRequire(new URL('../../web/package.json', import.meta.url))('playwright-core');
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'keybot-inference-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: VIEW_W, height: VIEW_H },
  });
  browser.on('request', (r) => requests.push(r));
});

after(async () => {
  const m = JSON.parse(fs.readFileSync(path.join(appDir, 'models/manifest.json'), 'utf8'));
  const cell = (k) => (figures[k] === undefined ? 'n/a' : figures[k]);
  console.log(`\n# image: ${imageName}; models: ${m.fixtures ? 'test fixtures' : 'trained'} (${m.variant}, ${m.source})`);
  console.log('| WASM 1 thread | WASM 2 threads | WebGPU | first prediction | page weight |');
  console.log('|---|---|---|---|---|');
  console.log(`| ${cell('wasm1')} | ${cell('wasm2')} | ${cell('webgpu')} | ${cell('first')} | ${cell('weight')} |`);
  await browser?.close().catch(() => {});
  await server?.stop();
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
});

// Opens the app with `query`, waits for the app and ORT, loads the staged models through the C++ engine.
async function openApp(page, query) {
  await page.goto(`${server.origin}/?${query}`);
  await page.waitForFunction(() => window.keybot && window.keybotOrt, null, { timeout: 30000 });
  await page.evaluate(() => Promise.all([window.keybot.ready, window.keybotOrt.ready]));
  return page.evaluate(() => window.keybotOrt.loadSelfTestModels());
}

async function predict(page) {
  const r = await page.evaluate(async (b64) => {
    const out = await window.keybotOrt.predictSelfTest(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
    return { ...out, ms: window.keybotOrt.lastPredictMs };
  }, imageB64);
  assert.ok(r.ok, `prediction failed: ${r.error}`);
  return r;
}

function assertKeypoints(r, label) {
  assert.equal(r.points.length, 68, `${label}: 68 keypoints`);
  for (const [i, [x, y]] of r.points.entries()) {
    assert.ok(Number.isFinite(x) && Number.isFinite(y), `${label}: point ${i} finite (${x}, ${y})`);
    assert.ok(x >= 0 && y >= 0 && x < r.width && y < r.height, `${label}: point ${i} (${x}, ${y}) inside ${r.width}x${r.height}`);
  }
}

const median = (v) => { const s = [...v].sort((a, b) => a - b), m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const fmtMs = (ms) => `${ms.toFixed(1)} ms`;

// One warm-up prediction, then `clicks` timed ones on a fresh page; records keypoints and the median latency.
async function measure(key, query, clicks = CLICKS) {
  const page = await browser.newPage();
  try {
    const loaded = await openApp(page, query);
    const times = [];
    let r = clicks > 1 ? await predict(page) : null;
    for (let k = 0; k < clicks; k++) { r = await predict(page); times.push(r.ms); }
    assertKeypoints(r, key);
    const info = await page.evaluate(() => ({ backend: keybotOrt.backend(), threads: keybotOrt.threads() }));
    figures[key] = `${fmtMs(median(times))}`;
    console.log(`# ${key}: ${times.map(fmtMs).join(', ')} (backend ${info.backend}, ${info.threads} threads)`);
    results[key] = r.points;
    return { info, loaded, r };
  } finally {
    await page.close();
  }
}

test('first visit: isolated, N threads, ORT and models from our origin only, 68 keypoints in the image', async () => {
  const page = browser.pages()[0] || await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const t0 = Date.now();
  const loaded = await openApp(page, 'ort=wasm');
  const r = await predict(page);
  figures.first = `${((Date.now() - t0) / 1000).toFixed(2)} s`;
  assertKeypoints(r, 'first visit');
  const env = await page.evaluate(() => ({
    isolated: self.crossOriginIsolated, threads: keybotOrt.threads(), backend: keybotOrt.backend(),
    cores: navigator.hardwareConcurrency,
  }));
  assert.equal(env.isolated, true, 'page is cross-origin isolated');
  assert.equal(env.threads, Math.min(env.cores, 4), 'WASM threads = min(cores, 4)');
  assert.equal(env.backend, 'wasm');
  assert.deepEqual(Object.values(loaded).map((m) => m.backend), ['wasm', 'wasm', 'wasm']);
  assert.deepEqual(r.backends, ['wasm', 'wasm', 'wasm'], 'the C++ sessions report the backend used');

  // Page weight: bytes that crossed the network (requests the service worker answered from its cache are not
  // counted; its own install-time precache downloads are). `unique` counts each URL once.
  let weight = 0;
  const unique = new Map();
  for (const req of requests) {
    assert.ok(req.url().startsWith(`${server.origin}/`) || /^(data|blob):/.test(req.url()), `request left the origin: ${req.url()}`);
    const response = await req.response().catch(() => null);
    if (!response || response.fromServiceWorker()) continue;
    const sizes = await req.sizes().catch(() => null);
    const bytes = sizes ? sizes.responseBodySize + sizes.responseHeadersSize : 0;
    weight += bytes;
    unique.set(new URL(req.url()).pathname, bytes);
  }
  const uniqueBytes = [...unique.values()].reduce((a, b) => a + b, 0);
  const urls = requests.map((q) => new URL(q.url()).pathname);
  for (const want of [/^\/ort\/ort\.wasm\.min\.mjs$/, /^\/ort\/ort-wasm-simd-threaded\.wasm$/, /^\/models\/refiner[.\w]*\.onnx$/]) {
    assert.ok(urls.some((u) => want.test(u)), `${want} loaded from our origin (requests: ${urls.join(' ')})`);
  }
  figures.weight = `${(weight / 1e6).toFixed(1)} MB transferred (${(uniqueBytes / 1e6).toFixed(1)} MB distinct files)`;
  assert.deepEqual(errors, []);
});

test('same keypoints on WASM (1 thread), WASM (2 threads) and WebGPU within 0.5 px', async (t) => {
  const one = await measure('wasm1', 'ort=wasm&threads=1');
  assert.equal(one.info.threads, 1);
  const two = await measure('wasm2', 'ort=wasm&threads=2');
  assert.equal(two.info.threads, 2);
  const maxDiff = (a, b) => Math.max(...a.map(([x, y], i) => Math.hypot(x - b[i][0], y - b[i][1])));
  assert.ok(maxDiff(results.wasm1, results.wasm2) <= 0.5, `WASM 1 vs 2 threads: ${maxDiff(results.wasm1, results.wasm2)} px`);

  await t.test('WebGPU', async (st) => {
    const probe = await browser.newPage();
    await probe.goto(`${server.origin}/?nosw`);
    const adapter = await probe.evaluate(() => window.keybotOrt.webgpuAdapter());
    await probe.close();
    if (!adapter) {
      st.skip('no WebGPU adapter in this headless Chromium: WebGPU not tested');
      return;
    }
    // A software adapter (SwiftShader) takes minutes per click on the real models: one click, no warm-up.
    if (adapter.software) console.log(`# WebGPU adapter is software (${adapter.vendor} ${adapter.architecture}): 1 click`);
    const gpu = await measure('webgpu', 'ort=webgpu', adapter.software ? 1 : CLICKS);
    if (adapter.software) figures.webgpu += ' (SwiftShader)';
    assert.equal(gpu.info.backend, 'webgpu');
    assert.deepEqual(gpu.r.backends, ['webgpu', 'webgpu', 'webgpu']);
    assert.ok(maxDiff(results.wasm1, results.webgpu) <= 0.5, `WASM vs WebGPU: ${maxDiff(results.wasm1, results.webgpu)} px`);
  });
});

test('bad model bytes give a clear error, no crash, and the app keeps working', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await openApp(page, 'ort=wasm&nosw');
  const tryLoad = (bytes) => page.evaluate((b) => window.keybotOrt.loadSelfTestModels({ refiner: new Uint8Array(b) })
    .then(() => 'loaded', (e) => String(e.message || e)), bytes);
  // Not protobuf at all: our ONNX reader refuses it before onnxruntime-web sees it.
  assert.match(await tryLoad([...Buffer.from('definitely not an onnx model')]), /model 'refiner \(override\)': not an ONNX model/);
  // Well-formed protobuf with an empty graph: onnxruntime-web itself refuses it.
  assert.match(await tryLoad([0x3a, 0x00]), /model 'refiner \(override\)': onnxruntime-web cannot load it/);
  await page.evaluate(() => window.keybotOrt.loadSelfTestModels());
  assertKeypoints(await predict(page), 'after bad models');
  assert.equal((await page.evaluate(() => window.keybot.status())).ready, true);
  assert.deepEqual(errors, []);
  await page.close();
});

test('offline after the first visit: service worker serves the app, ORT and models', async () => {
  const page = browser.pages()[0];
  await page.evaluate(() => navigator.serviceWorker.ready);
  // The first visit's ORT wasm is cached on request of the bridge: wait until the cache holds it.
  await page.waitForFunction(async () => {
    for (const name of await caches.keys()) {
      const c = await caches.open(name);
      if (await c.match(new URL('ort/ort-wasm-simd-threaded.wasm', location.href).href)) return true;
    }
    return false;
  }, null, { timeout: 60000, polling: 500 });
  await server.stop();
  await browser.setOffline(true);
  try {
    const loaded = await openApp(page, 'ort=wasm');
    assert.equal(Object.keys(loaded).length, 3);
    assertKeypoints(await predict(page), 'offline');
  } finally {
    await browser.setOffline(false);
  }
});
