// Idle benchmark: with an image and its prediction on screen and no input, the page should cost (almost) no CPU.
// Asserts behaviour only (the app stops drawing frames while nothing happens, and draws again on input); the CPU
// time of Chromium's processes over 10 s is a printed figure (machine load varies), also written to
// build/e2e-artifacts/idle-cpu.json. Measured from /proc/<pid>/stat (utime + stime of every Chromium process
// started by this test), so it needs Linux.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { artifactDir, firstXray, grayPng, openPageSession } from './support.mjs';

const QUIET_MS = 5000;    // after the prediction: longer than the flagged points' pulse (FramePacer::kPulseMs)
const WINDOW_MS = 10000;  // the measurement
const hasProc = fs.existsSync('/proc/self/stat');

let server, browser, page;
before(async () => {
  if (!hasProc) return;
  ({ server, browser, page } = await openPageSession());
  await page.goto(`${server.origin}/`);
  await page.waitForFunction(() => window.keybot !== undefined);
  await page.evaluate(() => window.keybot.ready);
  await page.evaluate(() => window.keybot.restored);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

// Every process below this one (the test file's process) whose executable is Chromium.
function chromiumPids() {
  const parent = new Map();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* exited */ }
  }
  const below = (pid) => { for (let p = parent.get(pid); p; p = parent.get(p)) if (p === process.pid) return true; return false; };
  return [...parent.keys()].filter((pid) => {
    if (!below(pid)) return false;
    try { return /chrom/i.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]); } catch { return false; }
  });
}

// Chromium's process type (--type=renderer, gpu-process, utility...; the browser process has none).
function processType(pid) {
  try {
    // Chromium rewrites its process titles, so the arguments may be one space-separated string.
    const m = /--type=([\w-]+)/.exec(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    return m ? m[1] : 'browser';
  } catch { return 'gone'; }
}

// utime + stime in clock ticks per pid.
function cpuTicks(pids) {
  const out = new Map();
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');  // f[0] is field 3 (state)
      out.set(pid, Number(f[11]) + Number(f[12]));                 // fields 14 and 15
    } catch { /* exited */ }
  }
  return out;
}

test('idle page: no frames drawn without input, CPU of the Chromium processes reported', {
  skip: !hasProc && 'needs /proc (Linux) to read the CPU time of the browser processes',
}, async (t) => {
  const xray = firstXray();
  const bytes = xray ? fs.readFileSync(xray) : grayPng(512, 1024, 16, (x, y) => 1000 + ((x * 13 + y * 7) % 3000));
  const name = xray ? path.basename(xray) : 'generated-512x1024.png';
  const r = await page.evaluate(([b64, n]) => window.keybot.loadImageBytes(
    Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)), n), [bytes.toString('base64'), name]);
  assert.equal(r.ok, true, r.error);
  const models = await page.evaluate(() => window.keybot.modelsReady.then((s) => s.models.state, (e) => String(e)));
  const ready = await page.evaluate(() => window.keybot.whenIdle());
  assert.equal(ready.points, models === 'ready' ? 68 : ready.points);

  await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
  const hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const pids = chromiumPids();
  assert.ok(pids.length > 0, 'found the Chromium processes of this test');
  const frame0 = (await page.evaluate(() => window.keybot.status())).frame;
  const before = cpuTicks(pids);
  const t0 = process.hrtime.bigint();
  await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
  const after = cpuTicks(pids);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const frame1 = (await page.evaluate(() => window.keybot.status())).frame;

  let ticks = 0;
  const byType = {};
  for (const [pid, v] of after) {
    const d = v - (before.get(pid) ?? v);
    ticks += d;
    const type = processType(pid);
    byType[type] = Number(((byType[type] || 0) + (100 * d) / hz / seconds).toFixed(2));
  }
  const percent = (100 * ticks) / hz / seconds;
  const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const figure = {
    idleCpuPercentOfOneCore: Number(percent.toFixed(2)), byProcessType: byType, seconds: Number(seconds.toFixed(2)), processes: pids.length,
    framesDrawnWhileIdle: frame1 - frame0, image: name, models, loadAverage: load, cores: (await import('node:os')).cpus().length,
  };
  fs.mkdirSync(artifactDir, { recursive: true });
  fs.writeFileSync(path.join(artifactDir, 'idle-cpu.json'), `${JSON.stringify(figure, null, 1)}\n`);
  console.log(`# idle: Chromium processes used ${percent.toFixed(2)}% of one core over ${seconds.toFixed(1)} s ` +
    `(${pids.length} processes, ${frame1 - frame0} frames drawn, load average ${load})`);
  t.diagnostic(JSON.stringify(figure));

  // Behaviour: nothing was drawn while nothing happened, and input wakes the app up again.
  assert.ok(frame1 - frame0 <= 2, `frames drawn during ${WINDOW_MS / 1000} s without input: ${frame1 - frame0}`);
  await page.mouse.move(300, 300);
  await page.mouse.move(310, 305);
  await page.waitForFunction((f) => window.keybot.status().frame > f, frame1, { timeout: 10000 });
});
