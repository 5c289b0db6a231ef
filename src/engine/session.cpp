// Backend-independent parts of the session interface.
#include "keybot/engine/session.hpp"

#include <future>

#include "keybot/core/error.hpp"

namespace keybot::engine {

const char* to_string(Provider provider) {
    switch (provider) {
        case Provider::cpu: return "CPU";
        case Provider::cuda: return "CUDA";
        case Provider::web: return "web";
    }
    return "?";
}

std::string shape_to_string(const std::vector<std::int64_t>& shape) {
    std::string t = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) t += (i ? "," : "") + (shape[i] < 0 ? std::string("?") : std::to_string(shape[i]));
    return t + "]";
}

namespace {
const TensorSpec* find_spec(const std::vector<TensorSpec>& specs, const std::string& name) {
    for (const TensorSpec& s : specs)
        if (s.name == name) return &s;
    return nullptr;
}
}  // namespace

const TensorSpec* ModelInfo::input(const std::string& name) const { return find_spec(inputs, name); }
const TensorSpec* ModelInfo::output(const std::string& name) const { return find_spec(outputs, name); }

std::string ModelInfo::metadata_value(const std::string& key) const {
    auto it = metadata.find(key);
    return it == metadata.end() ? std::string() : it->second;
}

std::string Session::backend() const { return provider() == Provider::cuda ? "cuda" : "cpu"; }

TensorMap Session::run(TensorMap inputs, std::vector<std::string> output_names) {
    // A promise works whether the backend completes inline or on another thread.
    std::promise<RunResult> promise;
    auto future = promise.get_future();
    run_async(std::move(inputs), std::move(output_names), [&promise](RunResult r) { promise.set_value(std::move(r)); });
    RunResult result = future.get();
    if (!result.ok()) throw Error(result.error);
    return std::move(result.outputs);
}

}  // namespace keybot::engine
