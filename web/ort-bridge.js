// KeyBot inference bridge: onnxruntime-web loaded from our own origin (ort/), behind the C++ Session interface
// (src/engine/web_session.cpp calls createSession / run / release). Backend: WebGPU when navigator.gpu gives
// an adapter, else WASM; URL parameters `ort=wasm|webgpu` and `threads=N` override (tests, troubleshooting).
// window.keybotOrt, for the engine and for tests:
//   ready                         Promise: backend chosen and ORT loaded -> {backend, threads, note}
//   backend(), threads(), note()  what is used ("webgpu" | "wasm"), WASM threads, why not the requested one
//   webgpuAdapter()               Promise: null without a WebGPU adapter, else {vendor, architecture, software}
//   lastLatencyMs                 duration of the last session.run; lastPredictMs: last predictSelfTest
//   createSession(bytes, label)   -> {id, backend, inputNames, outputNames, note}   (engine)
//   run(id, feeds, outputNames)   feeds {name: {dims, data: Float32Array}} -> {name: {dims, data}}   (engine)
//   release(id)                                                                                    (engine)
//   manifest()                    models/manifest.json (staged models: files, variant, fixtures)
//   loadSelfTestModels(), predictSelfTest(imageBytes)   the full C++ pipeline on the staged models (tests)
(function () {
  'use strict';
  const params = new URLSearchParams(location.search);
  const base = new URL('.', document.baseURI);
  const requested = params.get('ort') || 'auto';
  const threadsParam = Number(params.get('threads'));
  // SharedArrayBuffer (multi-threaded WASM) needs cross-origin isolation; more than 4 threads rarely helps.
  const threads = threadsParam > 0 ? Math.floor(threadsParam)
    : (self.crossOriginIsolated ? Math.min(navigator.hardwareConcurrency || 1, 4) : 1);

  let backend = null, note = '', ort = null;
  let adapterPromise = null;
  function webgpuAdapter() {
    if (!adapterPromise) {
      adapterPromise = (async () => {
        try {
          const a = navigator.gpu && await navigator.gpu.requestAdapter();
          if (!a) return null;
          const i = a.info || {};
          // SwiftShader (headless tests) is a CPU emulation of a GPU: correct, but far slower than WASM.
          const software = !!a.isFallbackAdapter || /swiftshader/i.test(`${i.vendor} ${i.architecture} ${i.description}`);
          return { vendor: i.vendor || '', architecture: i.architecture || '', description: i.description || '', software };
        } catch { return null; }
      })();
    }
    return adapterPromise;
  }

  // One ORT build per backend: the WebGPU build's wasm is twice the size, so WASM-only browsers skip it.
  const BUILDS = {
    wasm: { module: 'ort/ort.wasm.min.mjs', files: ['ort/ort-wasm-simd-threaded.mjs', 'ort/ort-wasm-simd-threaded.wasm'] },
    webgpu: { module: 'ort/ort.webgpu.min.mjs',
      files: ['ort/ort-wasm-simd-threaded.asyncify.mjs', 'ort/ort-wasm-simd-threaded.asyncify.wasm'] },
  };

  const ready = (async () => {
    const gpu = requested !== 'wasm' && await webgpuAdapter();
    backend = gpu ? 'webgpu' : 'wasm';
    if (requested === 'webgpu' && !gpu) note = 'WebGPU requested but no WebGPU adapter is available; using WASM';
    ort = await import(new URL(BUILDS[backend].module, base).href);
    ort.env.wasm.wasmPaths = new URL('ort/', base).href;  // never a CDN
    ort.env.wasm.numThreads = threads;
    ort.env.wasm.proxy = false;
    ort.env.logLevel = 'error';
    return { backend, threads, note };
  })();
  ready.catch((e) => console.error('keybot: onnxruntime-web failed to load:', e));

  const sessions = new Map();
  let nextId = 1;
  let cacheRequested = false;

  async function createSession(bytes, label) {
    await ready;
    const options = {
      executionProviders: backend === 'webgpu' ? ['webgpu', 'wasm'] : ['wasm'],
      graphOptimizationLevel: 'all',
    };
    const session = await ort.InferenceSession.create(bytes, options);
    const id = nextId++;
    sessions.set(id, { session, queue: Promise.resolve(), label });
    if (!cacheRequested) { cacheRequested = true; askWorkerToCache(BUILDS[backend].files); }
    return { id, backend, inputNames: [...session.inputNames], outputNames: [...session.outputNames], note };
  }

  // ORT-web sessions must not run concurrently: runs of one session are queued.
  function run(id, feeds, outputNames) {
    const s = sessions.get(id);
    if (!s) return Promise.reject(new Error(`session ${id} was released`));
    const job = s.queue.then(async () => {
      const inputs = {};
      for (const [name, t] of Object.entries(feeds)) inputs[name] = new ort.Tensor('float32', t.data, t.dims);
      const t0 = performance.now();
      const out = await s.session.run(inputs, outputNames);
      api.lastLatencyMs = performance.now() - t0;
      const result = {};
      for (const name of outputNames) {
        const v = out[name];
        if (v) result[name] = { dims: v.dims.map(Number), data: v.data };
      }
      for (const v of Object.values(inputs)) v.dispose?.();
      return result;
    });
    s.queue = job.catch(() => {});
    return job;
  }

  function release(id) {
    const s = sessions.get(id);
    sessions.delete(id);
    if (s) s.queue.then(() => s.session.release()).catch(() => {});
  }

  // The service worker caches the ORT wasm this page really uses (it does not precache both builds).
  function askWorkerToCache(files) {
    if (!('serviceWorker' in navigator)) return;
    navigator.serviceWorker.ready.then((reg) => reg.active?.postMessage({ type: 'cache', urls: files }))
      .catch(() => {});
  }

  // --- Self-test: the C++ pipeline (web_selftest.cpp) on the staged models ----------------------------------
  const pending = new Map();
  let nextReq = 1;
  function callWasm(start) {
    return new Promise((resolve) => {
      const req = nextReq++;
      pending.set(req, resolve);
      start(req);
    });
  }
  function withHeapCopy(bytes, fn) {  // bytes into the wasm heap for the duration of a synchronous call
    const M = window.Module;
    const p = M._malloc(Math.max(1, bytes.length));
    M.HEAPU8.set(bytes, p);
    try { return fn(p); } finally { M._free(p); }
  }
  let manifestPromise = null;
  const manifest = () => (manifestPromise ||= fetch(new URL('models/manifest.json', base)).then((r) => r.json()));
  async function loadSelfTestModels(overrides = {}) {
    await (window.keybot?.ready ?? Promise.resolve());
    const m = await manifest();
    const loaded = {};
    // Role names come from the C++ contract (engine::kRoles) through the app's constants.
    const roles = window.keybot?.constants?.modelRoles;
    if (!roles) throw new Error('loadSelfTestModels: the app has not started (keybot.constants.modelRoles missing)');
    for (const role of roles) {
      const file = m.models.find((f) => f.role === role).file;
      const bytes = overrides[role] || new Uint8Array(await (await fetch(new URL(`models/${file}`, base))).arrayBuffer());
      const label = overrides[role] ? `${role} (override)` : `models/${file}`;
      const M = window.Module;
      const size = M.lengthBytesUTF8(label) + 1, lp = M._malloc(size);
      M.stringToUTF8(label, lp, size);
      const r = await callWasm((req) => {
        const rsize = M.lengthBytesUTF8(role) + 1, rp = M._malloc(rsize);
        M.stringToUTF8(role, rp, rsize);
        try { withHeapCopy(bytes, (p) => M._keybot_selftest_load(rp, p, bytes.length, lp, req)); } finally { M._free(lp); M._free(rp); }
      });
      if (!r.ok) throw new Error(r.error);
      loaded[role] = r;
    }
    return loaded;
  }

  async function predictSelfTest(imageBytes) {
    const bytes = imageBytes instanceof Uint8Array ? imageBytes : new Uint8Array(imageBytes);
    const t0 = performance.now();
    const r = await callWasm((req) => withHeapCopy(bytes, (p) => window.Module._keybot_selftest_predict(p, bytes.length, req)));
    api.lastPredictMs = performance.now() - t0;
    return r;
  }

  const api = {
    ready, webgpuAdapter, createSession, run, release, manifest, loadSelfTestModels, predictSelfTest,
    backend: () => backend, threads: () => threads, note: () => note, requested,
    lastLatencyMs: null, lastPredictMs: null,
    _selftestDone(req, json) {
      const resolve = pending.get(req);
      pending.delete(req);
      if (resolve) resolve(JSON.parse(json));
    },
  };
  window.keybotOrt = api;
})();
