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
//   keybot.compareLoad(text) / compareUsePrediction() / compareClear() / compareTolerance(px) / compareReport()
//   keybot.practice(on) / practicePlace(x, y) / selectNamed(name) / practiceCheck() / openReferencePicker()
//                                      review and practice (generated from the command table, README "Review")
// Wasm memory can grow (and then detaches old views), so a heap view is never kept across a call that can
// allocate or across an await: always read Module.HEAPU8 right before use.
(function () {
  'use strict';
  const byId = (id) => document.getElementById(id);
  const canvas = byId('canvas');
  const fileInput = byId('file-input');
  const annotationInput = byId('annotation-input');
  const referenceInput = byId('reference-input');
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

  // Said while no image is open: why this tab did not restore the saved work (restoreSession).
  let sessionNote = '';
  // Said with the image while autosave writes fail (the app retries them, src/app/autosaver.hpp): the user keeps
  // knowing the work is not saved after the app's own error is dismissed or replaced. Forgotten once the app
  // reports a write that worked again (status().autosaveFailing false).
  let autosaveOff = '';
  function describe(s) {
    if (!s.autosaveFailing) autosaveOff = '';
    if (s.error) return { text: s.error, isError: true };
    if (s.image) {
      const text = `${s.image.name}: ${s.image.width} x ${s.image.height} px, ${s.image.bitDepth}-bit`;
      return autosaveOff ? { text: `${text}. Autosave is off: ${autosaveOff}`, isError: true } : { text, isError: false };
    }
    return { text: `${sessionNote}Open an image (button at the top left) or drop one onto the page.`, isError: false };
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
  // --- Commands (src/app/commands.hpp): one table in C++ for the UI, the keys, --script and this API -----------
  // A failed command throws a KeybotError whose `code` is one of keybot.constants.errors.
  class KeybotError extends Error {
    constructor(code, message) { super(message || code); this.name = 'KeybotError'; this.code = code; }
  }
  // Runs command `name` of the table with `args` -> {ok, error (code), message, value}; never throws.
  function command(name, ...args) {
    requireStarted();
    const r = withString(String(name), (np) => withString(JSON.stringify(args), (ap) => JSON.parse(cString(Module._keybot_command(np, ap)))));
    publish(status());
    return r;
  }
  // The value of a command, or a KeybotError.
  function run(name, ...args) {
    const r = command(name, ...args);
    if (!r.ok) throw new KeybotError(r.error, r.message);
    return r.value;
  }
  let constants = null, table = null;  // read from the app once it runs
  const commands = () => { requireStarted(); return table; };

  // options.annotation: an autosaved annotation (JSON text) to restore instead of predicting.
  function loadImageBytes(bytes, name = '', options = {}) {
    requireStarted();
    const src = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const label = String(name || '');
    // Refused before copying it into wasm memory, with the app's limit and message.
    const tooLarge = withString(label, (p) => cString(Module._keybot_file_size_error(src.length, p)));
    if (tooLarge) {
      showStatus(tooLarge, true);
      return { ok: false, error: tooLarge, image: status().image };
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
  function openReferencePicker() { referenceInput.click(); }

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
    const ticket = run('move', i | 0, +x, +y);
    await waitFor(() => status().ticket.finished >= ticket, 'the revision');
    return getAnnotation();
  }
  // Methods kept as they were before the command table: answers instead of KeybotErrors where the old API
  // returned false / -1, {ok, error} for importAnnotation.
  const answer = (name, ...args) => command(name, ...args).ok;
  function undo() { return answer('undo'); }
  function redo() { return answer('redo'); }
  function selectPoint(i) { run('select', i | 0); }
  function confirmPoint(i) { return answer('confirm', i | 0); }
  function nextFlagged() { const r = command('next-flagged'); return r.ok ? r.value : -1; }
  function exportAs(format) { return run('export', String(format)); }
  function importAnnotation(text) {
    const r = command('import-text', String(text));
    return { ok: r.ok, error: r.ok ? '' : r.message, code: r.error };
  }
  const images = () => status().images || [];
  function selectImage(i) { return answer('select-image', i | 0); }
  function setDone(i, done = true) { command('set-done', i | 0, !!done); }
  function newSession() { run('new-session'); }
  // Resolves once no model run is in flight and the open image has its points (or no models can give them):
  // status().idle, the app's settled() (the --script `wait` waits for the same).
  async function whenIdle(timeoutMs = 120000) {
    await ready;
    await waitFor(() => status().idle, 'the models', timeoutMs);
    return status();
  }
  // Writes every pending change to IndexedDB now and resolves when it is stored.
  async function autosaveIdle() {
    await ready;
    Module._keybot_autosave_flush();
    if (window.keybotAutosave) await window.keybotAutosave.flushed();
  }

  function setView(zoom, cx, cy) { run('view', +zoom, +cx, +cy); }
  function fit() { run('fit'); }
  // Overlays: keybot.constants.overlays ('heatmap': the refiner's heatmaps, for teaching).
  function setOverlay(name, on = true) { run('overlay', String(name), !!on); }

  // The app draws only when something changed: ask it for n frames and wait until they are drawn.
  async function nextFrame(n = 1) {
    await ready;
    const target = status().frame + n;
    Module._keybot_request_frames(n | 0);
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

  // While idle the app's loop ticks slowly (src/app/platform.cpp); input brings it back to the display's pace
  // before SDL's own handlers queue the event, so the first frame after input is not late.
  const wake = () => { if (started) Module._keybot_wake(); };
  for (const type of ['pointerdown', 'pointermove', 'pointerup', 'wheel', 'keydown', 'keyup', 'resize', 'focus']) {
    window.addEventListener(type, wake, { capture: true, passive: true });
  }

  // --- Models and autosave at start ---------------------------------------------------------------------------
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
    for (const [role, name] of constants.modelRoles.entries()) {
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
        withString(name, (rp) => withString(`models/${entry.file}`, (lp) => Module._keybot_load_model(rp, ptr, bytes.length, lp, info.threads | 0)));
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

  // This tab's saved session (autosave.js: its own after a reload, else the most recent one no other open tab
  // holds, else none); the status line says which.
  async function restoreSession() {
    const store = window.keybotAutosave;
    if (!store) return 0;
    // A write that fails later (storage full, denied) is reported by the app, which keeps the work in memory.
    store.onfailure = (message) => {
      autosaveOff = autosaveOff || message;
      withString(message, (p) => Module._keybot_autosave_failed(p));
    };
    const saved = await store.restore();
    let n = 0;
    for (const rec of saved.images) {
      const r = loadImageBytes(rec.bytes, rec.name, { annotation: rec.annotation || '' });
      if (r.ok) n++;
    }
    if (n && saved.active >= 0 && saved.active < images().length) selectImage(saved.active);
    const others = saved.othersOpen === 1 ? 'another tab' : 'other tabs';
    if (n) {
      const which = saved.took === 'own' ? "this tab's session" : saved.othersOpen ? `the last session not open in ${others}` : 'the last session';
      showStatus(`Restored ${n} image${n === 1 ? '' : 's'} from ${which}.`);
    } else if (saved.othersOpen) {
      sessionNote = `Your saved work is open in ${others}; this tab starts a new session, saved separately. `;
      publish(status());
    }
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
      constants = JSON.parse(cString(Module._keybot_constants_json()));
      table = JSON.parse(cString(Module._keybot_commands_json()));
      // Every command with a JS name that has no hand-written method above becomes one: its value, or a
      // KeybotError. A new command of the table needs nothing here.
      for (const c of table) {
        if (c.js && !(c.js in api)) api[c.js] = (...args) => run(c.name, ...args);
      }
      api.constants = constants;
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

  // Reference to compare with ("Load reference..."): read like an import, but never into the annotation. A bad
  // file is reported by the app itself (status line and popup).
  referenceInput.addEventListener('change', async () => {
    const file = referenceInput.files && referenceInput.files[0];
    referenceInput.value = '';
    if (!file) return;
    try { command('compare-load', await file.text()); } catch (e) { showStatus(`Could not read "${file.name}": ${e.message || e}`, true); }
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
    ready, restored, modelsReady, loadImageBytes, loadFile, openFilePicker, openAnnotationPicker, openReferencePicker,
    status, setView,
    fit, setOverlay, nextFrame, readPixels, onChange, getAnnotation, getAnnotationJson, points, movePoint, undo, redo,
    selectPoint, confirmPoint, nextFlagged, exportAs, importAnnotation, images, selectImage, setDone, newSession,
    whenIdle, autosaveIdle, command, commands, KeybotError,
    _stateChanged: stateChanged, _download: download,
  };
  window.keybot = api;
})();
