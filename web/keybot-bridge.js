// KeyBot page bridge: sets up the Emscripten Module (canvas, status line), feeds picked or dropped files into
// the wasm app and exposes window.keybot for tests and embedding pages:
//   keybot.ready                       Promise, resolves (to keybot) once the app has drawn its first frame
//   keybot.loadImageBytes(bytes, name) decode an image (Uint8Array | ArrayBuffer) -> {ok, error, image}
//   keybot.loadFile(file)              same for a File/Blob (async)
//   keybot.openFilePicker()            the "Open image" dialog (the ImGui button calls this)
//   keybot.status()                    app state: image {name,width,height,bitDepth}, error, view, frame, ...
//   keybot.setView(zoom, cx, cy)       zoom (screen px per image px) centred on image point (cx, cy)
//   keybot.fit()                       fit the image into the view
//   keybot.nextFrame(n)                resolves after n more frames were rendered
//   keybot.readPixels()                resolves to {width, height, data} (RGBA, rows top-down) of the next frame
//   keybot.onChange(fn)                fn(status) after loads, errors and app-side changes; returns unsubscribe
// Wasm memory can grow (and then detaches old views), so a heap view is never kept across a call that can
// allocate or across an await: always read Module.HEAPU8 right before use.
(function () {
  'use strict';
  const byId = (id) => document.getElementById(id);
  const canvas = byId('canvas');
  const fileInput = byId('file-input');
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

  function loadImageBytes(bytes, name = '') {
    requireStarted();
    const src = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const label = String(name || '');
    const nameSize = Module.lengthBytesUTF8(label) + 1;
    const ptr = Module._malloc(src.length + nameSize);
    if (!ptr) {
      const error = `Could not open "${label}": not enough memory.`;
      showStatus(error, true);
      return { ok: false, error, image: null };
    }
    let ok = false;
    try {
      Module.HEAPU8.set(src, ptr);  // fresh view: _malloc may just have grown the memory
      Module.stringToUTF8(label, ptr + src.length, nameSize);
      ok = Module._keybot_load_image(ptr, src.length, ptr + src.length) === 1;
    } finally {
      Module._free(ptr);
    }
    const s = status();
    publish(s);
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

  function setView(zoom, cx, cy) { requireStarted(); Module._keybot_set_view(+zoom, +cx, +cy); }
  function fit() { requireStarted(); Module._keybot_fit(); }

  const animationFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));

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

  // Called from the wasm app (src/app/platform.cpp): first frame drawn, or state changed inside the app.
  function stateChanged() {
    if (!started) {
      started = true;
      resolveReady(api);
    }
    publish(status());
  }

  // File input ("Open image") and drag-and-drop anywhere on the page.
  fileInput.addEventListener('change', () => {
    const file = fileInput.files && fileInput.files[0];
    fileInput.value = '';  // picking the same file again still fires 'change'
    if (file) loadFile(file);
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
    if (files && files.length) loadFile(files[0]);
  });

  const api = {
    ready, loadImageBytes, loadFile, openFilePicker, status, setView, fit, nextFrame, readPixels, onChange,
    _stateChanged: stateChanged,
  };
  window.keybot = api;
})();
