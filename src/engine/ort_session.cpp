// Native backend of the session interface: ONNX Runtime C++ API (RAII wrappers), CPU provider with an intra-op
// thread count, optional CUDA provider (V1 OrtCUDAProviderOptions) with fallback to CPU.
#include <onnxruntime_cxx_api.h>

#include <thread>

#include "keybot/core/error.hpp"
#include "keybot/core/file_io.hpp"
#include "keybot/engine/session.hpp"

namespace keybot::engine {
namespace {

// ONNX Runtime wants one environment per process; sessions share it. Created on first use, never destroyed
// before the sessions (function-local static outlives everything created after it).
Ort::Env& ort_env() {
    static Ort::Env env(ORT_LOGGING_LEVEL_ERROR, "keybot");
    return env;
}

TensorSpec spec_of(std::string name, const Ort::TypeInfo& type) {
    TensorSpec spec;
    spec.name = std::move(name);
    if (type.GetONNXType() != ONNX_TYPE_TENSOR) {
        spec.is_float = false;
        return spec;
    }
    auto t = type.GetTensorTypeAndShapeInfo();
    spec.shape = t.GetShape();
    spec.is_float = t.GetElementType() == ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT;
    return spec;
}

ModelInfo read_info(const Ort::Session& session, const std::string& label) {
    ModelInfo info;
    info.label = label;
    Ort::AllocatorWithDefaultOptions alloc;
    Ort::ModelMetadata meta = session.GetModelMetadata();
    for (const auto& key : meta.GetCustomMetadataMapKeysAllocated(alloc))
        info.metadata[key.get()] = meta.LookupCustomMetadataMapAllocated(key.get(), alloc).get();
    for (std::size_t i = 0; i < session.GetInputCount(); ++i)
        info.inputs.push_back(spec_of(session.GetInputNameAllocated(i, alloc).get(), session.GetInputTypeInfo(i)));
    for (std::size_t i = 0; i < session.GetOutputCount(); ++i)
        info.outputs.push_back(spec_of(session.GetOutputNameAllocated(i, alloc).get(), session.GetOutputTypeInfo(i)));
    return info;
}

Ort::SessionOptions base_options(const SessionOptions& options) {
    Ort::SessionOptions so;
    const int threads = options.threads > 0 ? options.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    so.SetIntraOpNumThreads(threads);
    so.SetInterOpNumThreads(1);  // our graphs are sequential; parallelism is intra-op
    so.SetGraphOptimizationLevel(GraphOptimizationLevel::ORT_ENABLE_ALL);
    // Three sessions run one after another on each click: idle pool threads that keep spinning after a run
    // would steal the cores from the next model's run (measured: a 2-thread click slower than a 1-thread one).
    so.AddConfigEntry("session.intra_op.allow_spinning", "0");
    return so;
}

class OrtSession final : public Session {
public:
    OrtSession(const std::vector<std::uint8_t>& bytes, const std::string& label, const SessionOptions& options) {
        if (bytes.empty()) throw Error("model '" + label + "': file is empty");
        if (options.provider == Provider::cuda) try_cuda(bytes, label, options);
        if (!session_) {
            try {
                session_ = std::make_unique<Ort::Session>(ort_env(), bytes.data(), bytes.size(), base_options(options));
            } catch (const Ort::Exception& e) {
                throw Error("model '" + label + "': ONNX Runtime cannot load it (corrupt, truncated or not an ONNX model?): " + e.what());
            }
        }
        info_ = read_info(*session_, label);
    }

    const ModelInfo& info() const override { return info_; }
    Provider provider() const override { return provider_; }
    const std::string& provider_note() const override { return note_; }

    void run_async(TensorMap inputs, std::vector<std::string> output_names, RunCallback done) override {
        RunResult result;
        try {
            result.outputs = run_now(inputs, output_names);
        } catch (const std::exception& e) {
            result.error = e.what();
        }
        done(std::move(result));
    }

private:
    void try_cuda(const std::vector<std::uint8_t>& bytes, const std::string& label, const SessionOptions& options) {
#ifdef KEYBOT_HAVE_CUDA
        Ort::SessionOptions so = base_options(options);
        try {
            OrtCUDAProviderOptions cuda{};
            cuda.device_id = 0;
            so.AppendExecutionProvider_CUDA(cuda);  // dlopens libonnxruntime_providers_cuda.so (needs CUDA 13 runtime + driver)
        } catch (const Ort::Exception& e) {
            note_ = std::string("CUDA execution provider unavailable (") + e.what() + "); falling back to CPU";
            return;
        }
        try {
            session_ = std::make_unique<Ort::Session>(ort_env(), bytes.data(), bytes.size(), so);
            provider_ = Provider::cuda;
        } catch (const Ort::Exception& e) {
            // No device / driver, or a bad model: retry on CPU, which reports a bad model on its own.
            note_ = std::string("CUDA session for '") + label + "' failed (" + e.what() + "); falling back to CPU";
        }
#else
        (void)bytes, (void)label, (void)options;
        note_ = "CUDA execution provider requested but this build has no CUDA support (configure with "
                "-DKEYBOT_CUDA=ON); falling back to CPU";
#endif
    }

    TensorMap run_now(const TensorMap& inputs, const std::vector<std::string>& output_names) {
        const std::string& label = info_.label;
        Ort::MemoryInfo mem = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
        std::vector<const char*> in_names, out_names;
        std::vector<Ort::Value> values;
        for (const auto& [name, t] : inputs) {
            if (!info_.input(name)) throw Error("model '" + label + "': has no input named '" + name + "'");
            std::size_t n = 1;
            for (auto d : t.shape) n *= static_cast<std::size_t>(d < 0 ? 0 : d);
            if (n != t.data.size())
                throw Error("model '" + label + "': input '" + name + "' has shape " + shape_to_string(t.shape) + " but " +
                            std::to_string(t.data.size()) + " values");
            // ORT reads the buffer without copying; the const_cast is safe because inputs are never written.
            values.push_back(Ort::Value::CreateTensor<float>(mem, const_cast<float*>(t.data.data()), t.data.size(),
                                                             t.shape.data(), t.shape.size()));
            in_names.push_back(name.c_str());
        }
        for (const auto& name : output_names) {
            if (!info_.output(name)) throw Error("model '" + label + "': has no output named '" + name + "'");
            out_names.push_back(name.c_str());
        }
        std::vector<Ort::Value> outs;
        try {
            outs = session_->Run(Ort::RunOptions{nullptr}, in_names.data(), values.data(), values.size(),
                                 out_names.data(), out_names.size());
        } catch (const Ort::Exception& e) {
            throw Error("model '" + label + "': run failed: " + e.what());
        }
        TensorMap result;
        for (std::size_t i = 0; i < outs.size(); ++i) {
            auto shape_info = outs[i].GetTensorTypeAndShapeInfo();
            if (shape_info.GetElementType() != ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT)
                throw Error("model '" + label + "': output '" + output_names[i] + "' is not float32");
            Tensor t;
            t.shape = shape_info.GetShape();
            const float* p = outs[i].GetTensorData<float>();
            t.data.assign(p, p + shape_info.GetElementCount());
            result[output_names[i]] = std::move(t);
        }
        return result;
    }

    std::unique_ptr<Ort::Session> session_;
    ModelInfo info_;
    Provider provider_ = Provider::cpu;
    std::string note_;
};

}  // namespace

std::unique_ptr<Session> open_session(const std::vector<std::uint8_t>& model_bytes, const std::string& label,
                                      const SessionOptions& options) {
    return std::make_unique<OrtSession>(model_bytes, label, options);
}

void open_session_async(std::vector<std::uint8_t> model_bytes, std::string label, SessionOptions options,
                        OpenCallback done) {
    OpenResult result;
    try {
        result.session = open_session(model_bytes, label, options);
    } catch (const std::exception& e) {
        result.error = e.what();
    }
    done(std::move(result));
}

std::unique_ptr<Session> open_session_file(const std::string& path, const SessionOptions& options) {
    return open_session(read_file_bytes(path), path, options);
}

bool cuda_compiled_in() {
#ifdef KEYBOT_HAVE_CUDA
    return true;
#else
    return false;
#endif
}

}  // namespace keybot::engine

#ifdef KEYBOT_LSAN_SUPPRESS_ORT
// ASan/LSan builds only: the prebuilt libonnxruntime.so.1 keeps one small allocation (14 bytes, made once per
// process when the library initialises) that it never frees. Suppress leaks allocated inside that library
// only; it is linked into every binary that opens a session, so tests and CLI both get it. The process's one
// suppression list lives here, so it also names fontconfig, which cairo's text drawing (the plots of `keybot
// compare`) loads and which keeps its parsed configuration for the life of the process by design.
extern "C" const char* __lsan_default_suppressions() {
    return "leak:libonnxruntime.so.1\n"
           "leak:libfontconfig.so\n";
}
#endif
