// KeyBot page bridge: sets up the Emscripten Module (canvas, status line), feeds picked or dropped files into
// the wasm app, hands it the models (models/manifest.json, through onnxruntime-web in ort-bridge.js), restores
// the autosaved session (autosave.js) and exposes window.keybot for tests, automation and embedding pages.
// The full list is in README.md ("window.keybot API"); in short:
//   keybot.ready                       Promise, resolves (to keybot) once the app has drawn its first frame
//   keybot.restored                    Promise, resolves to the number of images restored from the autosave
//   keybot.modelsReady                 Promise, resolves to status() once the models are open (rejects on failure);
//                                      they are fetched when the first image is opened
//   keybot.loadImageBytes(bytes, name) decode an image (Uint8Array | ArrayBuffer) -> {ok, error, image}
//   keybot.loadFile(file) / openFilePicker() / openAnnotationPicker()
//   keybot.status()                    app state incl. images, backend, lastLatencyMs, models, ticket, busy
//   keybot.getAnnotation() / getAnnotationJson() / points()
//   keybot.movePoint(i, x, y)          user correction -> Promise (resolves to the annotation once revised)
//   keybot.undo() / redo() / confirmPoint(i) / selectPoint(i) / nextFlagged()
//   keybot.exportAs('json'|'aasce'|'aasce-filenames'|'coco') -> string; importAnnotation(text) -> {ok, error}
//   keybot.images() / selectImage(i) / setDone(i, done) / newSession() / whenIdle() / autosaveIdle()
//   keybot.setView(zoom, cx, cy) / fit() / nextFrame(n) / readPixels() / onChange(fn)
//   keybot.setOverlay(name, on)        'quads' | 'cobb' | 'errorProbability' | 'heatmap' on or off
// Wasm memory can grow (and then detaches old views), so a heap view is never kept across a call that can
// allocate or across an await: always read Module.HEAPU8 right before use.
(function () {
  'use strict';
  const byId = (id) => document.getElementById(id);
  const canvas = byId('canvas');
  const fileInput = byId('file-input');
  const annotationInput = byId('annotation-input');
  const statusLine = byId('status');
  const dropHint = byId('drop-hint');

  let started = false;
  let resolveReady, rejectReady;
  const ready = new Promise((resolve, reject) => { resolveReady = resolve; rejectReady = reject; });
  const listeners = new Set();

  function showStatus(text, isError) {
    if (!statusLine) return;
    statusLine.textContent = text;
    statusLine.classList.toggle('error', !!isError);
  }

  function describe(s) {
    if (s.error) return { text: s.error, isError: true };
    if (s.image) return { text: `${s.image.name}: ${s.image.width} x ${s.image.height} px, ${s.image.bitDepth}-bit`, isError: false };
    return { text: 'Open an image (button at the top left) or drop one onto the page.', isError: false };
  }

  function publish(s) {
    const d = describe(s);
    showStatus(d.text, d.isError);
    for (const fn of listeners) { try { fn(s); } catch (e) { console.error(e); } }
  }

  const Module = {
    canvas,
    print: (text) => console.log(text),
    printErr: (text) => {
      console.warn(text);
      if (!started && /^keybot:/.test(text)) showStatus(text.replace(/^keybot:\s*/, ''), true);
    },
    setStatus: (text) => { if (!started && text) showStatus(text); },
    onAbort: (what) => {
      showStatus(`KeyBot stopped: ${what}`, true);
      rejectReady(new Error(`KeyBot stopped: ${what}`));
    },
  };
  window.Module = Module;

  canvas.addEventListener('contextmenu', (e) => e.preventDefault());  // right-drag pans
  canvas.addEventListener('webglcontextlost', (e) => {
    e.preventDefault();
    showStatus('The graphics context was lost; reload the page.', true);
  });

  function requireStarted() {
    if (!started) throw new Error('KeyBot is not ready yet (await keybot.ready)');
  }

  function status() {
    if (!started) return { ready: false };
    return JSON.parse(Module.UTF8ToString(Module._keybot_status_json()));
  }

  // A string in wasm memory for the duration of fn(ptr).
  function withString(text, fn) {
    const size = Module.lengthBytesUTF8(text) + 1;
    const ptr = Module._malloc(size);
    if (!ptr) throw new Error('KeyBot: out of memory');
    try { Module.stringToUTF8(text, ptr, size); return fn(ptr); } finally { Module._free(ptr); }
  }
  const MAX_FILE_BYTES = 200 * 1024 * 1024;  // as kMaxFileBytes in src/app/app_state.hpp

  // options.annotation: an autosaved annotation (JSON text) to restore instead of predicting.
  function loadImageBytes(bytes, name = '', options = {}) {
    requireStarted();
    const src = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const label = String(name || '');
    if (src.length > MAX_FILE_BYTES) {  // refused before copying it into wasm memory
      const error = `Could not open "${label}": the file is ${Math.round(src.length / 1048576)} MB; ` +
        `KeyBot opens files up to ${MAX_FILE_BYTES / 1048576} MB`;
      showStatus(error, true);
      return { ok: false, error, image: status().image };
    }
    const nameSize = Module.lengthBytesUTF8(label) + 1;
    const annotation = String(options.annotation || '');
    const annSize = Module.lengthBytesUTF8(annotation) + 1;
    const ptr = Module._malloc(src.length + nameSize + annSize);
    if (!ptr) {
      const error = `Could not open "${label}": not enough memory.`;
      showStatus(error, true);
      return { ok: false, error, image: null };
    }
    let ok = false;
    try {
      Module.HEAPU8.set(src, ptr);  // fresh view: _malloc may just have grown the memory
      Module.stringToUTF8(label, ptr + src.length, nameSize);
      Module.stringToUTF8(annotation, ptr + src.length + nameSize, annSize);
      ok = Module._keybot_load_image(ptr, src.length, ptr + src.length, ptr + src.length + nameSize) === 1;
    } finally {
      Module._free(ptr);
    }
    const s = status();
    publish(s);
    if (ok) ensureModels();
    return { ok, error: ok ? '' : s.error, image: s.image };
  }

  async function loadFile(file) {
    await ready;
    if (!file) return { ok: false, error: 'No file given.', image: null };
    showStatus(`Reading ${file.name || 'file'}...`);
    let buffer;
    try {
      buffer = await file.arrayBuffer();
    } catch (e) {
      const error = `Could not read "${file.name}": ${e.message || e}`;
      showStatus(error, true);
      return { ok: false, error, image: null };
    }
    return loadImageBytes(new Uint8Array(buffer), file.name || '');
  }

  function openFilePicker() { fileInput.click(); }
  function openAnnotationPicker() { annotationInput.click(); }

  // --- Annotation ------------------------------------------------------------------------------------------
  const cString = (ptr) => Module.UTF8ToString(ptr);
  function getAnnotationJson() { requireStarted(); return cString(Module._keybot_get_annotation()); }
  function getAnnotation() { const t = getAnnotationJson(); return t ? JSON.parse(t) : null; }
  // Points as shown (an edit still being revised included): [{x, y, provenance, errorProbability}].
  function points() {
    requireStarted();
    return JSON.parse(cString(Module._keybot_points_json()))
      .map(([x, y, provenance, errorProbability]) => ({ x, y, provenance, errorProbability }));
  }
  const animationFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  async function waitFor(check, what, timeoutMs = 120000) {
    const t0 = performance.now();
    while (!check()) {
      if (performance.now() - t0 > timeoutMs) throw new Error(`KeyBot: timed out waiting for ${what}`);
      await animationFrame();
    }
  }
  // User correction of point i to (x, y) in image pixels (like a drag ending there): one undo step; resolves
  // to the annotation once the models have revised the other points (the moved point stays exactly there).
  async function movePoint(i, x, y) {
    await ready;
    const ticket = Module._keybot_move_point(i | 0, +x, +y);
    if (!ticket) throw new Error(status().error || 'movePoint refused');
    publish(status());
    await waitFor(() => status().ticket.finished >= ticket, 'the revision');
    return getAnnotation();
  }
  function undo() { requireStarted(); const r = Module._keybot_undo() === 1; publish(status()); return r; }
  function redo() { requireStarted(); const r = Module._keybot_redo() === 1; publish(status()); return r; }
  function selectPoint(i) { requireStarted(); Module._keybot_select_point(i | 0); }
  function confirmPoint(i) { requireStarted(); return Module._keybot_confirm_point(i | 0) === 1; }
  function nextFlagged() { requireStarted(); return Module._keybot_next_flagged(); }
  function exportAs(format) {
    requireStarted();
    const before = status().errorCount;
    const text = withString(String(format), (p) => cString(Module._keybot_export(p)));
    if (!text && status().errorCount !== before) throw new Error(status().error);
    return text;
  }
  function importAnnotation(text) {
    requireStarted();
    const ok = withString(String(text), (p) => Module._keybot_import(p)) === 1;
    const s = status();
    publish(s);
    return { ok, error: ok ? '' : s.error };
  }
  const images = () => status().images || [];
  function selectImage(i) { requireStarted(); const r = Module._keybot_select_image(i | 0) === 1; publish(status()); return r; }
  function setDone(i, done = true) { requireStarted(); Module._keybot_set_done(i | 0, done ? 1 : 0); publish(status()); }
  function newSession() { requireStarted(); Module._keybot_new_session(); publish(status()); }
  // Resolves once no model run is in flight and the open image has its points (or no models can give them).
  async function whenIdle(timeoutMs = 120000) {
    await ready;
    await waitFor(() => {
      const s = status();
      if (s.busy) return false;
      if (s.models.state === 'loading' || s.models.state === 'none') return !s.image;
      return s.models.state !== 'ready' || !s.image || s.points > 0;
    }, 'the models', timeoutMs);
    return status();
  }
  // Writes every pending change to IndexedDB now and resolves when it is stored.
  async function autosaveIdle() {
    await ready;
    Module._keybot_autosave_flush();
    if (window.keybotAutosave) await window.keybotAutosave.flushed();
  }

  function setView(zoom, cx, cy) { requireStarted(); Module._keybot_set_view(+zoom, +cx, +cy); }
  function fit() { requireStarted(); Module._keybot_fit(); }
  // Overlays: 'quads', 'cobb', 'errorProbability', 'heatmap' (the refiner's heatmaps, for teaching).
  function setOverlay(name, on = true) {
    requireStarted();
    const ok = withString(String(name), (p) => Module._keybot_set_overlay(p, on ? 1 : 0)) === 1;
    if (!ok) throw new Error(`unknown overlay '${name}' (quads, cobb, errorProbability, heatmap)`);
    publish(status());
  }

  async function nextFrame(n = 1) {
    await ready;
    const target = status().frame + n;
    for (let i = 0; i < 600 && status().frame < target; i++) await animationFrame();
    if (status().frame < target) throw new Error('KeyBot stopped rendering frames');
  }

  async function readPixels() {
    await ready;
    Module._keybot_request_capture();
    for (let i = 0; i < 600; i++) {
      await animationFrame();
      const c = status().capture;
      if (c.ready) {
        const ptr = Module._keybot_capture_data();
        return { width: c.width, height: c.height, data: Module.HEAPU8.slice(ptr, ptr + c.width * c.height * 4) };
      }
    }
    throw new Error('no frame was rendered for readPixels()');
  }

  function onChange(fn) { listeners.add(fn); return () => listeners.delete(fn); }

  // --- Models and autosave at start ---------------------------------------------------------------------------
  const ROLES = ['refiner', 'detector', 'corrector'];
  async function loadModels() {
    const fail = (message) => { withString(message, (p) => Module._keybot_models_failed(p)); publish(status()); throw new Error(message); };
    const ort = window.keybotOrt;
    if (!ort) return fail('the inference bridge (ort-bridge.js) is not loaded; points can be edited by hand');
    let info, manifest;
    try {
      info = await ort.ready;
      manifest = await ort.manifest();
    } catch (e) {
      return fail(`onnxruntime-web or models/manifest.json could not be loaded: ${e.message || e}`);
    }
    for (const [role, name] of ROLES.entries()) {
      const entry = (manifest.models || []).find((m) => m.role === name);
      if (!entry) return fail(`models/manifest.json lists no ${name}`);
      let bytes;
      try {
        const r = await fetch(new URL(`models/${entry.file}`, document.baseURI));
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        bytes = new Uint8Array(await r.arrayBuffer());
      } catch (e) {
        return fail(`models/${entry.file} could not be fetched: ${e.message || e}`);
      }
      const ptr = Module._malloc(bytes.length);
      try {
        Module.HEAPU8.set(bytes, ptr);
        withString(`models/${entry.file}`, (lp) => Module._keybot_load_model(role, ptr, bytes.length, lp, info.threads | 0));
      } finally {
        Module._free(ptr);
      }
      // One session at a time (onnxruntime-web's WebGPU backend cannot create two at once).
      await waitFor(() => status().models.opened > role || status().models.state === 'failed', `models/${entry.file}`);
      if (status().models.state === 'failed') break;
    }
    await waitFor(() => ['ready', 'failed'].includes(status().models.state), 'the models');
    const s = status();
    publish(s);
    if (s.models.state !== 'ready') throw new Error(s.models.message);
    return s;
  }

  async function restoreSession() {
    const store = window.keybotAutosave;
    if (!store) return 0;
    const saved = await store.restore();
    let n = 0;
    for (const rec of saved.images) {
      const r = loadImageBytes(rec.bytes, rec.name, { annotation: rec.annotation || '' });
      if (r.ok) n++;
    }
    if (n && saved.active >= 0 && saved.active < images().length) selectImage(saved.active);
    if (n) showStatus(`Restored ${n} image${n === 1 ? '' : 's'} from the last session.`);
    return n;
  }

  // The models are fetched and opened when the first image is opened (restored or loaded), not before: a page
  // used only through keybotOrt (tests, embedding) keeps onnxruntime-web to itself.
  let modelsStarted = false;
  function ensureModels() {
    if (modelsStarted || !started) return;
    modelsStarted = true;
    loadModels().then(resolveModels, rejectModels);
  }
  let resolveRestored, resolveModels, rejectModels;
  const restored = new Promise((resolve) => { resolveRestored = resolve; });
  const modelsReady = new Promise((resolve, reject) => { resolveModels = resolve; rejectModels = reject; });
  modelsReady.catch(() => {});  // reported in the status; callers that care await it

  // Called from the wasm app (src/app/platform.cpp): first frame drawn, or state changed inside the app.
  function stateChanged() {
    if (!started) {
      started = true;
      resolveReady(api);
      restoreSession().then(resolveRestored, (e) => { console.warn('keybot: restore failed', e); resolveRestored(0); });
    }
    publish(status());
  }

  function download(name, text) {
    const url = URL.createObjectURL(new Blob([text], { type: /\.json$/.test(name) ? 'application/json' : 'text/csv' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }
  // Changes are debounced in the app; write them out when the page is hidden or closed.
  const flushNow = () => { if (started) Module._keybot_autosave_flush(); };
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') flushNow(); });
  window.addEventListener('pagehide', flushNow);

  // Annotation import ("Import annotation..."): KeyBot JSON, COCO JSON or an AASCE landmarks row.
  annotationInput.addEventListener('change', async () => {
    const file = annotationInput.files && annotationInput.files[0];
    annotationInput.value = '';
    if (!file) return;
    try { importAnnotation(await file.text()); } catch (e) { showStatus(`Could not read "${file.name}": ${e.message || e}`, true); }
  });

  // File input ("Open image") and drag-and-drop anywhere on the page.
  fileInput.addEventListener('change', () => {
    const files = Array.from(fileInput.files || []);
    fileInput.value = '';  // picking the same file again still fires 'change'
    (async () => { for (const f of files) await loadFile(f); })();
  });
  const hasFiles = (e) => e.dataTransfer && Array.from(e.dataTransfer.types || []).includes('Files');
  window.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    dropHint.hidden = false;
  });
  window.addEventListener('dragleave', (e) => { if (!e.relatedTarget) dropHint.hidden = true; });
  window.addEventListener('drop', (e) => {
    e.preventDefault();
    dropHint.hidden = true;
    const files = e.dataTransfer && e.dataTransfer.files;
    // Several images at once: each becomes an entry of the session; .json/.csv files are imported.
    for (const f of Array.from((files) || [])) {
      if (/\.(json|csv|txt)$/i.test(f.name)) f.text().then((t) => importAnnotation(t));
      else loadFile(f);
    }
  });

  const api = {
    ready, restored, modelsReady, loadImageBytes, loadFile, openFilePicker, openAnnotationPicker, status, setView,
    fit, setOverlay, nextFrame, readPixels, onChange, getAnnotation, getAnnotationJson, points, movePoint, undo, redo,
    selectPoint, confirmPoint, nextFlagged, exportAs, importAnnotation, images, selectImage, setDone, newSession,
    whenIdle, autosaveIdle,
    _stateChanged: stateChanged, _download: download,
  };
  window.keybot = api;
})();
