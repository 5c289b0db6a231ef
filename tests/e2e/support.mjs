// Shared helpers for the browser end-to-end tests (node:test files next to this one): the static server,
// headless Chromium through playwright-core, and test images generated in memory.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const appDir = path.join(repoRoot, 'build/web/app');
export const artifactDir = path.join(repoRoot, 'build/e2e-artifacts');
const requireWeb = createRequire(new URL('../../web/package.json', import.meta.url));

export const CHROMIUM = process.env.KEYBOT_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--enable-unsafe-swiftshader', '--use-angle=swiftshader',
  '--ignore-gpu-blocklist',
];

// Fails with a clear message when the web build is missing (.ci/test builds it before running these tests).
export function requireBuiltApp() {
  for (const f of ['index.html', 'keybot.js', 'keybot.wasm', 'keybot-bridge.js']) {
    if (!fs.existsSync(path.join(appDir, f))) {
      throw new Error(`web app not built: ${path.join(appDir, f)} is missing; run ` +
        '`cmake --preset web && cmake --build --preset web` first');
    }
  }
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

// Starts web/serve.mjs on a free loopback port; resolves to {origin, stop()} once it prints its URL.
export async function startServer(root = appDir) {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(repoRoot, 'web/serve.mjs'), root, String(port), '127.0.0.1'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const origin = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 15000);
    const onData = (chunk) => {
      output += chunk;
      if (/http:\/\//.test(output)) { clearTimeout(timer); resolve(`http://127.0.0.1:${port}`); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c) => { output += c; });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}):\n${output}`)); });
  });
  return {
    origin,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

// Headless Chromium with a fresh profile, or with options.profile (a folder the caller owns and removes: a
// relaunch finds its storage again) and options.args (more flags); resolves to {context, profile, close()}.
export async function launchBrowser(options = {}) {
  const { chromium } = requireWeb('playwright-core');
  const profile = options.profile || fs.mkdtempSync(path.join(os.tmpdir(), 'keybot-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_FLAGS, ...(options.args || [])],
    viewport: { width: 1024, height: 720 }, deviceScaleFactor: 1,
  });
  return {
    context,
    profile,
    close: async () => {
      await context.close().catch(() => {});
      if (!options.profile) fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

// Server + browser + one page, recording every request URL and page error (shared by the page tests).
export async function openPageSession() {
  requireBuiltApp();
  fs.mkdirSync(artifactDir, { recursive: true });
  const server = await startServer();
  const browser = await launchBrowser();
  const requests = [];
  const pageErrors = [];
  browser.context.on('request', (r) => requests.push(r.url()));
  const page = browser.context.pages()[0] || await browser.context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  return { server, browser, page, requests, pageErrors };
}

// Screen position (page px) of image point (x, y) under the view reported by window.keybot.status().
export const screenOf = (s, x, y) => ({
  x: s.view.viewport.x + s.view.viewport.width / 2 + (x - s.view.centerX) * s.view.zoom,
  y: s.view.viewport.y + s.view.viewport.height / 2 + (y - s.view.centerY) * s.view.zoom,
});

// --- PNG encoding (grayscale, 8 or 16 bit) -------------------------------------------------------------------
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
// value(x, y) gives the stored gray level (0..255 or 0..65535).
export function grayPng(width, height, bitDepth, value) {
  const bpp = bitDepth / 8;
  const raw = Buffer.alloc(height * (1 + width * bpp));
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * bpp);  // filter byte 0 (None)
    for (let x = 0; x < width; x++) {
      const v = value(x, y);
      if (bitDepth === 16) raw.writeUInt16BE(v, row + 1 + 2 * x); else raw[row + 1 + x] = v;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4);
  ihdr[8] = bitDepth; ihdr[9] = 0; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

// First AASCE training image, when the shared data set is present.
export function firstXray() {
  const dir = path.join(process.env.KEYBOT_DATA_DIR || path.join(repoRoot, '../shared/data/aasce/training'), 'images');
  if (!fs.existsSync(dir)) return null;
  const names = fs.readdirSync(dir).filter((n) => /\.(jpe?g|png)$/i.test(n)).sort();
  return names.length ? path.join(dir, names[0]) : null;
}
