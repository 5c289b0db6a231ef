#pragma once
// Options shared by the commands that run models: --models DIR, --threads N, --cuda, --rounds R, --threshold T,
// --variant fp32|int8|fp16 (which files of DIR: refiner.onnx, refiner.int8.onnx, ...).
#include <set>
#include <string>

#include "command.hpp"
#include "keybot/engine/pipeline.hpp"

namespace keybot::cli {

struct EngineArgs {
    std::string models_dir = "models";
    int threads = 0;  // all cores
    bool cuda = false;
    std::string suffix;  // "" (fp32 files), ".int8" or ".fp16"
    engine::PipelineOptions pipeline;
};

// `value_options` / `flags` for parse_args, extended with the engine options.
std::set<std::string> with_engine_values(std::set<std::string> value_options);
std::set<std::string> with_engine_flags(std::set<std::string> flags);
EngineArgs engine_args(const ParsedArgs& args);

int parse_int(const std::string& text, const std::string& option, int min_value);  // UsageError when bad
double parse_double(const std::string& text, const std::string& option);

// Loads DIR/{refiner,detector,corrector}.onnx with `threads` intra-op threads; prints the provider note (e.g.
// the CUDA -> CPU fallback) once to stderr.
engine::Models load_models_verbose(const EngineArgs& args, int threads);

}  // namespace keybot::cli
