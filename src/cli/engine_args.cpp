#include "engine_args.hpp"

#include <iostream>

namespace keybot::cli {

std::set<std::string> with_engine_values(std::set<std::string> value_options) {
    value_options.insert({"--models", "--threads", "--rounds", "--threshold", "--variant"});
    return value_options;
}

std::set<std::string> with_engine_flags(std::set<std::string> flags) {
    flags.insert({"--cuda", "--verify", "--detector-flags"});
    return flags;
}

namespace {
// Converts the whole of `text` with std::stoi / std::stod; false when it is not entirely a number.
template <typename T, typename Convert>
bool parse_whole(const std::string& text, Convert convert, T& out) {
    std::size_t used = 0;
    try {
        out = convert(text, &used);
    } catch (const std::exception&) {
        return false;
    }
    return used != 0 && used == text.size();
}
}  // namespace

int parse_int(const std::string& text, const std::string& option, int min_value) {
    int v = 0;
    if (!parse_whole(text, [](const std::string& t, std::size_t* u) { return std::stoi(t, u); }, v) || v < min_value)
        throw UsageError(option + " needs an integer >= " + std::to_string(min_value) + ", got '" + text + "'");
    return v;
}

double parse_double(const std::string& text, const std::string& option) {
    double v = 0;
    if (!parse_whole(text, [](const std::string& t, std::size_t* u) { return std::stod(t, u); }, v))
        throw UsageError(option + " needs a number, got '" + text + "'");
    return v;
}

EngineArgs engine_args(const ParsedArgs& a) {
    EngineArgs e;
    if (a.values.count("--models")) e.models_dir = a.values.at("--models");
    if (a.values.count("--threads")) e.threads = parse_int(a.values.at("--threads"), "--threads", 1);
    if (a.values.count("--rounds")) e.pipeline.rounds = parse_int(a.values.at("--rounds"), "--rounds", 0);
    if (a.values.count("--threshold")) e.pipeline.threshold = parse_double(a.values.at("--threshold"), "--threshold");
    e.cuda = a.has("--cuda");
    e.pipeline.verify_corrections = a.has("--verify");
    e.pipeline.flag_fusion = !a.has("--detector-flags");
    if (a.values.count("--variant")) {
        const std::string& v = a.values.at("--variant");
        if (v != "fp32" && v != "int8" && v != "fp16") throw UsageError("--variant must be fp32, int8 or fp16, got '" + v + "'");
        e.suffix = v == "fp32" ? "" : "." + v;
    }
    return e;
}

engine::Models load_models_verbose(const EngineArgs& args, int threads) {
    engine::SessionOptions so;
    so.threads = threads;
    so.provider = args.cuda ? engine::Provider::cuda : engine::Provider::cpu;
    engine::Models m = engine::load_models(args.models_dir, so, args.suffix);
    const std::string& note = m.refiner->provider_note();
    if (!note.empty()) std::cerr << "keybot: " << note << "\n";
    std::cerr << "keybot: models from " << args.models_dir << (args.suffix.empty() ? "" : " (" + args.suffix.substr(1) + " files)") << " (version " << m.refiner->info().metadata_value("keybot.version")
              << "), provider " << engine::to_string(m.refiner->provider()) << "\n";
    return m;
}

}  // namespace keybot::cli
