// `keybot predict`: annotation JSON + overlay PNG per image, images in parallel, bad files reported and skipped.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <thread>

#include "command.hpp"
#include "engine_args.hpp"
#include "keybot/core/file_io.hpp"
#include "keybot/engine/parallel.hpp"
#include "overlay.hpp"
#include "progress.hpp"

namespace keybot::cli {
namespace {

namespace fs = std::filesystem;

const char* const kUsage =
    "usage: keybot predict IMAGE|DIR... --out DIR [--models DIR] [--threads N] [--cuda] [--rounds R] [--threshold T]\n"
    "\n"
    "Runs the revision pipeline (no user hints) on each image (a folder means its .png/.jpg/.jpeg/.bmp/.pgm/.ppm\n"
    "files) and writes OUT/<name>.json (annotation document) and OUT/<name>.overlay.png (vertebra quads, labels,\n"
    "Cobb angles; green predicted, yellow model-corrected, red flagged). Unreadable images are reported and\n"
    "skipped; the exit status is 1 when any failed.\n"
    "\n"
    "  --out DIR        output folder (created)\n"
    "  --models DIR     refiner.onnx, detector.onnx, corrector.onnx (default: models)\n"
    "  --threads N      CPU threads in all (default: all cores); images run in parallel\n"
    "  --cuda           use the CUDA execution provider (falls back to CPU with a message)\n"
    "  --rounds R       detector -> corrector rounds (default 2)\n"
    "  --threshold T    error probability that marks a point untrusted / flagged (default 0.5)\n";

bool is_image_name(const fs::path& p) {
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const char* e : {".png", ".jpg", ".jpeg", ".bmp", ".pgm", ".ppm"})
        if (ext == e) return true;
    return false;
}

std::vector<std::string> collect_inputs(const std::vector<std::string>& args) {
    std::vector<std::string> files;
    for (const std::string& a : args) {
        if (!fs::is_directory(a)) {
            files.push_back(a);  // a missing file is reported per image, like a bad one
            continue;
        }
        std::vector<std::string> in_dir;
        for (const auto& e : fs::directory_iterator(a))
            if (e.is_regular_file() && is_image_name(e.path())) in_dir.push_back(e.path().string());
        std::sort(in_dir.begin(), in_dir.end());
        files.insert(files.end(), in_dir.begin(), in_dir.end());
    }
    return files;
}

void predict_one(const engine::Pipeline& pipeline, const std::string& path, const std::string& out_dir) {
    const Image image = decode_image(read_file_bytes(path));
    const engine::Revision r = pipeline.revise(pipeline.prepare(image), std::vector<AnnotatedPoint>(pipeline.schema().size()));
    Document doc(pipeline.schema(), {fs::path(path).filename().string(), image.width, image.height});
    doc.set_points(r.points);
    doc.clear_history();
    const std::string stem = out_dir + "/" + fs::path(path).stem().string();
    write_file_text(stem + ".json", to_json(doc));
    write_png_rgb(stem + ".overlay.png", image.width, image.height, render_overlay(image, doc));
}

int run(const std::vector<std::string>& args) {
    const ParsedArgs a = parse_args(args, with_engine_values({"--out"}), with_engine_flags({}));
    const EngineArgs ea = engine_args(a);
    const std::string out_dir = a.require("--out");
    if (a.positional.empty()) throw UsageError("no IMAGE or DIR given");
    const std::vector<std::string> files = collect_inputs(a.positional);
    if (files.empty()) throw UsageError("no images found in the given folders");
    fs::create_directories(out_dir);

    // All cores: several images at once (decode, resize and PNG writing are single-threaded), the remaining
    // threads split among ONNX Runtime's intra-op pools. Sessions are shared; ORT runs are thread-safe.
    const int threads = ea.threads > 0 ? ea.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const int workers = std::max(1, std::min<int>(threads, static_cast<int>(files.size())));
    engine::Models models = load_models_verbose(ea, std::max(1, threads / workers));
    const engine::Pipeline pipeline(models, ea.pipeline);

    std::vector<std::string> errors(files.size());
    {
        Progress progress("predict", static_cast<int>(files.size()));
        engine::parallel_for(static_cast<int>(files.size()), workers, [&](int i) {
            try {
                predict_one(pipeline, files[i], out_dir);
            } catch (const std::exception& e) {
                errors[i] = e.what();
            }
            progress.tick(fs::path(files[i]).filename().string());
        });
    }
    int failed = 0;
    for (std::size_t i = 0; i < files.size(); ++i)
        if (!errors[i].empty()) ++failed, std::cerr << "keybot predict: skipped " << files[i] << ": " << errors[i] << "\n";
    std::cerr << "keybot predict: " << files.size() - failed << " of " << files.size() << " images written to " << out_dir << "\n";
    return failed ? 1 : 0;
}

const Registration registration{{"predict", "Predict keypoints: annotation JSON + overlay PNG per image", kUsage, &run}};

}  // namespace
}  // namespace keybot::cli
