// Browser backend of the session interface (Emscripten only): onnxruntime-web through web/ort-bridge.js
// (window.keybotOrt). Every call is asynchronous: C++ starts it with a request id through EM_JS, JS finishes it
// by calling the exported keybot_ort_* functions, which look the id up and run the stored std::function.
// Model metadata comes from our own ONNX reader (onnxruntime-web does not expose metadata_props).
#include <emscripten.h>

#include <map>
#include <nlohmann/json.hpp>

#include "keybot/core/error.hpp"
#include "keybot/engine/onnx_metadata.hpp"
#include "keybot/engine/session.hpp"

// JS side. Heap views are read right before use and never kept across an await (memory growth detaches them);
// inputs are copied out of the heap before the call returns, outputs are written after the mallocs that may
// grow memory. EM_JS bodies end up on one line: no // comments inside them.
EM_JS(void, keybot_ort_js_create, (int req, const std::uint8_t* bytes, int len, const char* label), {
    const copy = HEAPU8.slice(bytes, bytes + len);
    const name = UTF8ToString(label);
    const str = (s) => { const n = lengthBytesUTF8(s) + 1; const p = _malloc(n); stringToUTF8(s, p, n); return p; };
    const finish = (id, backend, names, error) => {
        const b = str(backend), m = str(names), e = str(error);
        try { _keybot_ort_created(req, id, b, m, e); } finally { _free(b); _free(m); _free(e); }
    };
    const ort = (typeof window !== 'undefined') && window.keybotOrt;
    if (!ort) { setTimeout(() => finish(0, "", "", "model '" + name + "': the onnxruntime-web bridge (ort-bridge.js) is not loaded"), 0); return; }
    ort.createSession(copy, name).then(
        (s) => finish(s.id, s.backend, JSON.stringify({inputs: s.inputNames, outputs: s.outputNames, note: s.note || ""}), ""),
        (err) => finish(0, "", "", "model '" + name + "': onnxruntime-web cannot load it: " + (err && err.message || err)));
});

EM_JS(void, keybot_ort_js_run, (int req, int session, const char* inputs_json, const char* outputs_json), {
    const specs = JSON.parse(UTF8ToString(inputs_json));
    const outputs = JSON.parse(UTF8ToString(outputs_json));
    const feeds = {};
    for (const s of specs) feeds[s.name] = {dims: s.shape, data: HEAPF32.slice(s.ptr >> 2, (s.ptr >> 2) + s.len)};
    const done = (error) => {
        const n = lengthBytesUTF8(error) + 1, p = _malloc(n);
        stringToUTF8(error, p, n);
        try { _keybot_ort_run_done(req, p); } finally { _free(p); }
    };
    window.keybotOrt.run(session, feeds, outputs).then((result) => {
        for (const name of outputs) {
            const t = result[name];
            if (!t || !(t.data instanceof Float32Array)) return done("output '" + name + "' is missing or not float32");
            const nameLen = lengthBytesUTF8(name) + 1, np = _malloc(nameLen);
            const dp = _malloc(Math.max(4, 4 * t.dims.length)), vp = _malloc(Math.max(4, 4 * t.data.length));
            stringToUTF8(name, np, nameLen);
            HEAP32.set(t.dims, dp >> 2);
            HEAPF32.set(t.data, vp >> 2);
            try { _keybot_ort_output(req, np, dp, t.dims.length, vp, t.data.length); } finally { _free(np); _free(dp); _free(vp); }
        }
        done("");
    }, (err) => done('run failed: ' + (err && err.message || err)));
});

EM_JS(void, keybot_ort_js_release, (int session), {
    if (typeof window !== 'undefined' && window.keybotOrt) window.keybotOrt.release(session);
});

namespace keybot::engine {
namespace {

class WebSession final : public Session {
public:
    WebSession(int id, ModelInfo info, std::string backend, std::string note)
        : id_(id), info_(std::move(info)), backend_(std::move(backend)), note_(std::move(note)) {}
    ~WebSession() override { keybot_ort_js_release(id_); }

    const ModelInfo& info() const override { return info_; }
    Provider provider() const override { return Provider::web; }
    const std::string& provider_note() const override { return note_; }
    std::string backend() const override { return backend_; }
    void run_async(TensorMap inputs, std::vector<std::string> output_names, RunCallback done) override;

private:
    int id_;
    ModelInfo info_;
    std::string backend_, note_;
};

struct PendingOpen {
    ModelInfo info;
    OpenCallback done;
};
struct PendingRun {
    std::string label;
    TensorMap outputs;
    RunCallback done;
};
int next_request = 1;
std::map<int, PendingOpen> opens;
std::map<int, PendingRun> runs;

std::string error_prefix(const std::string& label) { return "model '" + label + "': "; }

void WebSession::run_async(TensorMap inputs, std::vector<std::string> output_names, RunCallback done) {
    nlohmann::json specs = nlohmann::json::array();
    for (const auto& [name, t] : inputs) {
        std::string error;
        std::size_t n = 1;
        for (auto d : t.shape) n *= static_cast<std::size_t>(d < 0 ? 0 : d);
        if (!info_.input(name)) error = "has no input named '" + name + "'";
        else if (n != t.data.size())
            error = "input '" + name + "' has shape " + shape_to_string(t.shape) + " but " + std::to_string(t.data.size()) + " values";
        if (!error.empty()) return done(RunResult{{}, error_prefix(info_.label) + error});
        specs.push_back({{"name", name}, {"shape", t.shape}, {"ptr", reinterpret_cast<std::uintptr_t>(t.data.data())},
                         {"len", t.data.size()}});
    }
    for (const auto& name : output_names)
        if (!info_.output(name)) return done(RunResult{{}, error_prefix(info_.label) + "has no output named '" + name + "'"});
    const int req = next_request++;
    runs[req] = PendingRun{info_.label, {}, std::move(done)};
    // `inputs` outlives this call, and JS copies the data before it returns.
    keybot_ort_js_run(req, id_, specs.dump().c_str(), nlohmann::json(output_names).dump().c_str());
}

}  // namespace

void open_session_async(std::vector<std::uint8_t> model_bytes, std::string label, SessionOptions, OpenCallback done) {
    // Our reader rejects non-ONNX bytes with a clear message before onnxruntime-web sees them.
    OpenResult failed;
    try {
        PendingOpen p{read_onnx_model_info(model_bytes, label), std::move(done)};
        const int req = next_request++;
        opens.emplace(req, std::move(p));
        keybot_ort_js_create(req, model_bytes.data(), static_cast<int>(model_bytes.size()), label.c_str());
        return;
    } catch (const std::exception& e) {
        failed.error = e.what();
    }
    done(std::move(failed));
}

std::unique_ptr<Session> open_session(const std::vector<std::uint8_t>&, const std::string& label, const SessionOptions&) {
    throw Error("model '" + label + "': the browser cannot load a model synchronously; use open_session_async");
}

std::unique_ptr<Session> open_session_file(const std::string& path, const SessionOptions&) {
    throw Error("model '" + path + "': the browser has no file system; fetch the bytes and use open_session_async");
}

bool cuda_compiled_in() { return false; }

}  // namespace keybot::engine

using namespace keybot::engine;

// Completion entry points called by the JS above (exported from the wasm module by EMSCRIPTEN_KEEPALIVE).
extern "C" {

EMSCRIPTEN_KEEPALIVE void keybot_ort_created(int req, int session, const char* backend, const char* names, const char* error) {
    auto it = opens.find(req);
    if (it == opens.end()) return;
    PendingOpen p = std::move(it->second);
    opens.erase(it);
    OpenResult result;
    if (*error) {
        result.error = error;
        return p.done(std::move(result));
    }
    // onnxruntime-web's names are what it will accept; they must match what the file declares.
    const auto j = nlohmann::json::parse(names, nullptr, false);
    auto same = [](const std::vector<TensorSpec>& specs, const nlohmann::json& list) {
        if (!list.is_array() || list.size() != specs.size()) return false;
        for (std::size_t i = 0; i < specs.size(); ++i)
            if (list[i] != specs[i].name) return false;
        return true;
    };
    const std::string note = j.is_object() ? j.value("note", "") : "";
    if (!j.is_object() || !same(p.info.inputs, j["inputs"]) || !same(p.info.outputs, j["outputs"])) {
        keybot_ort_js_release(session);
        result.error = error_prefix(p.info.label) + "onnxruntime-web reports other inputs/outputs than the file declares";
        return p.done(std::move(result));
    }
    result.session = std::make_unique<WebSession>(session, std::move(p.info), backend, note);
    p.done(std::move(result));
}

EMSCRIPTEN_KEEPALIVE void keybot_ort_output(int req, const char* name, const std::int32_t* dims, int ndims,
                                            const float* data, int count) {
    auto it = runs.find(req);
    if (it == runs.end()) return;
    Tensor& t = it->second.outputs[name];
    t.shape.assign(dims, dims + ndims);
    t.data.assign(data, data + count);
}

EMSCRIPTEN_KEEPALIVE void keybot_ort_run_done(int req, const char* error) {
    auto it = runs.find(req);
    if (it == runs.end()) return;
    PendingRun p = std::move(it->second);
    runs.erase(it);
    RunResult result;
    if (*error) result.error = error_prefix(p.label) + error;
    else result.outputs = std::move(p.outputs);
    p.done(std::move(result));
}

}  // extern "C"
