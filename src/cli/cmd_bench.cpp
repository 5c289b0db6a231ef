// `keybot bench`: per-stage and per-click latency (median, p95) on CPU with 1 thread and all threads, and on
// CUDA when it is available. --json prints machine-readable results so a Python script (e.g. the PyTorch
// reference comparison) can run next to it and merge tables.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "engine_args.hpp"
#include "keybot/core/file_io.hpp"

namespace keybot::cli {
namespace {

using nlohmann::json;
namespace c = engine::contract;

const char* const kUsage =
    "usage: keybot bench [--models DIR] [--image FILE] [--runs N] [--json] [--rounds R] [--threshold T]\n"
    "\n"
    "Times preprocessing, each model (refiner, detector, corrector) and one user click (a full revision with one\n"
    "hint) on CPU with 1 thread, on CPU with all threads, and with CUDA when available (else says why and skips\n"
    "it). Prints a markdown table of median and p95 milliseconds, or with --json:\n"
    "  {\"device\": {\"cores\": N}, \"models\": DIR, \"results\": [{\"config\", \"provider\",\n"
    "   \"threads\", \"stage\", \"runs\", \"median_ms\", \"p95_ms\"}...]}\n"
    "\n"
    "  --image FILE   X-ray to use (default: a synthetic 1000 x 2500 image)\n"
    "  --runs N       timed runs per stage (default 20, after one warm-up run)\n";

struct Row {
    std::string config, provider, stage;
    int threads = 0, runs = 0;
    double median_ms = 0, p95_ms = 0;
};

Row time_stage(const std::string& stage, int runs, const std::function<void()>& fn) {
    fn();  // warm-up: first runs allocate arenas and pick kernels
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        fn();
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    Row r;
    r.stage = stage;
    r.runs = runs;
    r.median_ms = ms[ms.size() / 2];
    r.p95_ms = ms[std::min(ms.size() - 1, static_cast<std::size_t>(0.95 * static_cast<double>(ms.size())))];
    return r;
}

Image synthetic_xray() {
    Image img;
    img.width = 1000;
    img.height = 2500;
    img.pixels.resize(static_cast<std::size_t>(img.width) * img.height);
    for (int y = 0; y < img.height; ++y)
        for (int x = 0; x < img.width; ++x) img.at(x, y) = static_cast<float>((x / 8 + y / 16) % 256);
    return img;
}

std::vector<Row> bench_config(const EngineArgs& args, const std::string& config, int threads, const Image& image, int runs) {
    engine::Models m = load_models_verbose(args, threads);
    const std::string provider = engine::to_string(m.refiner->provider());
    if (args.cuda && m.refiner->provider() != engine::Provider::cuda) {
        std::cerr << "keybot bench: skipping " << config << " (CUDA not available)\n";
        return {};
    }
    const engine::Pipeline p(m, args.pipeline);
    const engine::PreparedImage img = p.prepare(image);
    const int n = p.schema().size();
    const engine::Tensor xy{{1, n, 2}, std::vector<float>(2 * static_cast<std::size_t>(n), 10.0f)};
    const engine::Tensor no_hints_mask{{1, n}, std::vector<float>(static_cast<std::size_t>(n), 0.0f)};
    std::vector<AnnotatedPoint> one_hint(static_cast<std::size_t>(n));
    one_hint[0] = {image.width / 2.0, image.height / 10.0, Provenance::user_placed, 0.0};

    std::vector<Row> rows;
    rows.push_back(time_stage("preprocess", runs, [&] { p.prepare(image); }));
    rows.push_back(time_stage("refiner", runs, [&] {
        m.refiner->run({{c::kImage, img.image}, {c::kHintXy, xy}, {c::kHintMask, no_hints_mask}}, {c::kXy});
    }));
    rows.push_back(time_stage("detector", runs, [&] { m.detector->run({{c::kImage, img.image}, {c::kXy, xy}}, {c::kErrorProb}); }));
    rows.push_back(time_stage("corrector", runs, [&] {
        m.corrector->run({{c::kImage, img.image}, {c::kXy, xy}, {c::kTrustMask, no_hints_mask}}, {engine::corrector_output(m.corrector->info())});
    }));
    rows.push_back(time_stage("click (full revision)", runs, [&] { p.revise(img, one_hint); }));
    for (Row& r : rows) r.config = config, r.provider = provider, r.threads = threads;
    return rows;
}

int run(const std::vector<std::string>& args) {
    const ParsedArgs a = parse_args(args, with_engine_values({"--image", "--runs"}), {"--json"});
    if (!a.positional.empty()) throw UsageError("unexpected argument '" + a.positional.front() + "'");
    EngineArgs ea = engine_args(a);
    const int runs = a.values.count("--runs") ? parse_int(a.values.at("--runs"), "--runs", 1) : 20;
    const Image image = a.values.count("--image") ? read_image_file(a.values.at("--image")) : synthetic_xray();
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

    std::vector<Row> rows;
    for (const auto& [config, threads] : {std::pair{std::string("CPU 1 thread"), 1}, std::pair{"CPU " + std::to_string(cores) + " threads", cores}}) {
        auto r = bench_config(ea, config, threads, image, runs);
        rows.insert(rows.end(), r.begin(), r.end());
    }
    ea.cuda = true;
    auto r = bench_config(ea, "CUDA", cores, image, runs);
    rows.insert(rows.end(), r.begin(), r.end());

    if (a.has("--json")) {
        json results = json::array();
        for (const Row& x : rows)
            results.push_back({{"config", x.config}, {"provider", x.provider}, {"threads", x.threads}, {"stage", x.stage},
                               {"runs", x.runs}, {"median_ms", x.median_ms}, {"p95_ms", x.p95_ms}});
        std::cout << json{{"device", {{"cores", cores}}}, {"models", ea.models_dir}, {"results", results}}.dump(1) << "\n";
        return 0;
    }
    std::printf("| config | stage | median ms | p95 ms |\n|---|---|---:|---:|\n");
    for (const Row& x : rows) std::printf("| %s | %s | %.3f | %.3f |\n", x.config.c_str(), x.stage.c_str(), x.median_ms, x.p95_ms);
    return 0;
}

const Registration registration{{"bench", "Latency per model stage and per click (CPU 1 / all threads, CUDA)", kUsage, &run}};

}  // namespace
}  // namespace keybot::cli
