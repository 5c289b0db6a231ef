// `keybot predict`: annotation JSON + overlay PNG per image, images in parallel, bad files reported and skipped.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <thread>

#include "command.hpp"
#include "engine_args.hpp"
#include "keybot/core/error.hpp"
#include "keybot/core/file_io.hpp"
#include "keybot/engine/parallel.hpp"
#include "overlay.hpp"
#include "progress.hpp"

namespace keybot::cli {
namespace {

namespace fs = std::filesystem;

const char* const kUsage =
    "usage: keybot predict IMAGE|DIR... --out DIR [--models DIR] [--threads N] [--cuda] [--rounds R] [--threshold T]\n"
    "                      [--verify] [--detector-flags]\n"
    "\n"
    "Runs the revision pipeline (no user hints) on each image (PNG, JPEG, BMP, binary PGM/PPM or DICOM; other\n"
    "formats are refused; a folder means its .png/.jpg/.jpeg/.bmp/.pgm/.ppm/.dcm/.dicom files) and writes\n"
    "OUT/<name>.json (annotation document; for DICOM also the pixel spacing and the Study/Series/SOP Instance\n"
    "UIDs, nothing else of the header) and OUT/<name>.overlay.png (vertebra quads, labels, Cobb angles; green predicted, yellow\n"
    "model-corrected, red flagged), <name> being the file name without its extension. Inputs that would write\n"
    "the same <name> are refused before any work. Unreadable images and folders are reported and skipped; the\n"
    "exit status is 1 when any failed.\n"
    "\n"
    "  --out DIR        output folder (created)\n"
    "  --models DIR     refiner.onnx, detector.onnx, corrector.onnx (default: models)\n"
    "  --threads N      CPU threads in all (default: all cores); images run in parallel\n"
    "  --cuda           use the CUDA execution provider (falls back to CPU with a message)\n"
    "  --rounds R       detector -> corrector rounds (default: the corrector's keybot.pipeline_rounds, else 2)\n"
    "  --threshold T    error probability that marks a point untrusted / flagged (default 0.5)\n"
    "  --verify         keep a corrector move only when the detector then rates the point less likely wrong\n"
    "  --detector-flags flags from the detector alone, not fused with the refiner's heatmap spread (when the\n"
    "                   models carry the fusion weights, they are used by default)\n";

bool is_image_name(const fs::path& p) {
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const char* e : {".png", ".jpg", ".jpeg", ".bmp", ".pgm", ".ppm", ".dcm", ".dicom"})
        if (ext == e) return true;
    return false;
}

struct Inputs {
    std::vector<std::string> files;
    std::vector<std::string> skipped;  // "ARG: reason" for folders that could not be listed
};

// A folder that cannot be listed (no permission, symlink loop, ...) is skipped with its reason; the other
// arguments still run. Anything that is not a folder is treated as an image file and reported per file.
Inputs collect_inputs(const std::vector<std::string>& args) {
    Inputs in;
    for (const std::string& a : args) {
        std::error_code ec;
        if (!fs::is_directory(a, ec)) {
            in.files.push_back(a);
            continue;
        }
        std::vector<std::string> in_dir;
        fs::directory_iterator it(a, ec);
        for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
            std::error_code entry_ec;  // an entry that cannot be examined is kept: reading it reports why
            if (is_image_name(it->path()) && !it->is_directory(entry_ec)) in_dir.push_back(it->path().string());
        }
        if (ec) {
            in.skipped.push_back(a + ": " + ec.message());
            continue;
        }
        std::sort(in_dir.begin(), in_dir.end());
        in.files.insert(in.files.end(), in_dir.begin(), in_dir.end());
    }
    return in;
}

std::string output_stem(const std::string& out_dir, const std::string& path) { return out_dir + "/" + fs::path(path).stem().string(); }

// Outputs are named by the file name alone, so a/x.png, a/x.jpg and b/x.png would overwrite each other's
// results: refuse such a batch before any work, naming the inputs.
void refuse_colliding_outputs(const std::vector<std::string>& files, const std::string& out_dir) {
    std::map<std::string, std::vector<std::string>> by_output;
    for (const std::string& f : files) by_output[output_stem(out_dir, f)].push_back(f);
    const std::string clashes = repeated_entries(by_output, ".json <- ");
    if (!clashes.empty())
        throw Error("inputs with the same name would overwrite each other's outputs (run them with different --out folders):" + clashes);
}

// read_image_file names the path in its messages; the skipped-line names it already.
std::string reason(const std::string& file, const std::string& error) {
    const std::string prefix = "'" + file + "': ";
    return error.compare(0, prefix.size(), prefix) == 0 ? error.substr(prefix.size()) : error;
}

void predict_one(const engine::Pipeline& pipeline, const std::string& path, const std::string& out_dir) {
    const DecodedImage decoded = read_image_file_with_info(path);
    const Image& image = decoded.image;
    if (!decoded.notice.empty()) std::cerr << "\nkeybot predict: " << path << ": " << decoded.notice << "\n";
    const engine::Revision r = pipeline.revise(pipeline.prepare(image), std::vector<AnnotatedPoint>(pipeline.schema().size()));
    Document doc(pipeline.schema(), decoded.info);
    doc.set_points(r.points);
    doc.clear_history();
    const std::string stem = output_stem(out_dir, path);
    write_file_text(stem + ".json", to_json(doc));
    write_png_rgb(stem + ".overlay.png", image.width, image.height, render_overlay(image, doc));
}

int run(const std::vector<std::string>& args) {
    const ParsedArgs a = parse_args(args, with_engine_values({"--out"}), with_engine_flags({}));
    const EngineArgs ea = engine_args(a);
    const std::string out_dir = a.require("--out");
    if (a.positional.empty()) throw UsageError("no IMAGE or DIR given");
    const Inputs inputs = collect_inputs(a.positional);
    for (const std::string& skip : inputs.skipped) std::cerr << "keybot predict: skipped " << skip << "\n";
    const std::vector<std::string>& files = inputs.files;
    if (files.empty() && !inputs.skipped.empty()) throw Error("nothing to predict: every argument was skipped");
    if (files.empty()) throw UsageError("no images found in the given folders");
    refuse_colliding_outputs(files, out_dir);
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
        if (!errors[i].empty()) ++failed, std::cerr << "keybot predict: skipped " << files[i] << ": " << reason(files[i], errors[i]) << "\n";
    std::cerr << "keybot predict: " << files.size() - failed << " of " << files.size() << " images written to " << out_dir
              << (inputs.skipped.empty() ? "" : ", " + std::to_string(inputs.skipped.size()) + " arguments skipped") << "\n";
    return failed || !inputs.skipped.empty() ? 1 : 0;
}

const Registration registration{{"predict", "Predict keypoints: annotation JSON + overlay PNG per image", kUsage, &run}};

}  // namespace
}  // namespace keybot::cli
