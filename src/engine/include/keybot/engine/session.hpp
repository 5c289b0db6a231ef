#pragma once
// Inference session interface shared by all backends: native ONNX Runtime (ort_session.cpp) and, later, the
// browser (onnxruntime-web, completing through a JS callback). Everything above this header (pipeline, eval,
// CLI, annotator) talks only to Session, so a backend is chosen at link time by which open_session() is linked.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace keybot::engine {

// A dense float32 tensor, row-major.
struct Tensor {
    std::vector<std::int64_t> shape;
    std::vector<float> data;
};
using TensorMap = std::map<std::string, Tensor>;

std::string shape_to_string(const std::vector<std::int64_t>& shape);  // "[1,68,2]", "?" for dynamic dims

enum class Provider { cpu, cuda, web };
const char* to_string(Provider provider);

struct SessionOptions {
    int threads = 0;                   // intra-op threads for the CPU provider; 0 = all cores
    Provider provider = Provider::cpu;  // cuda falls back to cpu (with a note) when unavailable
};

struct TensorSpec {
    std::string name;
    std::vector<std::int64_t> shape;  // negative = dynamic / symbolic
    bool is_float = true;             // element type float32
};

// What a loaded model declares about itself.
struct ModelInfo {
    std::string label;                              // path or caller-given name, used in every error message
    std::map<std::string, std::string> metadata;    // ONNX metadata_props
    std::vector<TensorSpec> inputs;
    std::vector<TensorSpec> outputs;
    const TensorSpec* input(const std::string& name) const;   // nullptr when absent
    const TensorSpec* output(const std::string& name) const;
    std::string metadata_value(const std::string& key) const;  // "" when absent
};

// Outcome of one run: outputs, or a non-empty error (the callback never throws across the backend boundary).
struct RunResult {
    TensorMap outputs;
    std::string error;
    bool ok() const { return error.empty(); }
};
using RunCallback = std::function<void(RunResult)>;

class Session {
public:
    virtual ~Session() = default;
    Session() = default;
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    virtual const ModelInfo& info() const = 0;
    virtual Provider provider() const = 0;
    // Why the provider differs from the one requested (e.g. CUDA unavailable -> CPU); empty otherwise.
    virtual const std::string& provider_note() const = 0;
    // The execution backend actually used: "cpu" / "cuda" natively, "webgpu" / "wasm" in the browser.
    virtual std::string backend() const;

    // Runs the model on `inputs` and delivers the named outputs to `done`, exactly once. The callback may run
    // before run_async returns (native backend: it completes inline on the caller's thread, so the caller may
    // use its own worker thread) or later from the event loop (browser). Concurrent calls are allowed.
    virtual void run_async(TensorMap inputs, std::vector<std::string> output_names, RunCallback done) = 0;

    // Blocking helper over run_async; throws keybot::Error with the model label on failure. Not usable on the
    // browser main thread (it cannot block); use run_async there.
    TensorMap run(TensorMap inputs, std::vector<std::string> output_names);
};

// Outcome of opening a session asynchronously: a session, or a non-empty error naming the label.
struct OpenResult {
    std::unique_ptr<Session> session;
    std::string error;
    bool ok() const { return session != nullptr; }
};
using OpenCallback = std::function<void(OpenResult)>;

// Opens a session without blocking; `done` is called exactly once. Native: completes inline (before returning).
// Browser: the bytes are copied at once, the session is created by onnxruntime-web and `done` runs later from
// the event loop. The one factory that works on both platforms.
void open_session_async(std::vector<std::uint8_t> model_bytes, std::string label, SessionOptions options,
                        OpenCallback done);

// Blocking backend factories, native only (the browser cannot block: calling them there throws keybot::Error).
// Errors (unreadable file, corrupt or truncated model, ...) throw keybot::Error naming `label` / `path`.
std::unique_ptr<Session> open_session(const std::vector<std::uint8_t>& model_bytes, const std::string& label,
                                      const SessionOptions& options = {});
std::unique_ptr<Session> open_session_file(const std::string& path, const SessionOptions& options = {});

// True when this build can use the CUDA provider at all (KEYBOT_CUDA); the device is still checked at load.
bool cuda_compiled_in();

}  // namespace keybot::engine
