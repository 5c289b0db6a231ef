// `keybot eval`: click-simulation evaluation on an AASCE-layout folder (protocol in keybot/engine/eval.hpp).
#include <algorithm>
#include <array>
#include <cstdio>
#include <iostream>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "engine_args.hpp"
#include "keybot/core/aasce.hpp"
#include "keybot/core/cobb.hpp"
#include "keybot/core/error.hpp"
#include "keybot/core/file_io.hpp"
#include "keybot/engine/eval.hpp"
#include "keybot/engine/parallel.hpp"
#include "progress.hpp"

namespace keybot::cli {
namespace {

using nlohmann::json;

const char* const kUsage =
    "usage: keybot eval --data DIR --clicks N [--json FILE] [--models DIR] [--limit K] [--split FILE]\n"
    "                   [--thresholds 40,20,10] [--threads N] [--cuda] [--rounds R] [--threshold T] [--variant V]\n"
    "                   [--verify] [--detector-flags]\n"
    "\n"
    "Simulated-user evaluation on an AASCE-layout folder. Per image: predict with no hints; then for k = 1..N\n"
    "the user places the worst not-yet-placed point exactly at ground truth and the pipeline runs again with all\n"
    "its hints. Prints MRE (original px, all 68 points) after each k for the full pipeline, the refiner alone and\n"
    "the manual baseline (only the clicked points change from the 0-click prediction), clicks needed to reach\n"
    "MRE thresholds, Cobb SMAPE, median and 90th-percentile point errors, and the detector's precision and recall on the\n"
    "refiner's 0-click output (an error: farther than the detector's keybot.error_threshold_px input px).\n"
    "Ground truth: the repaired landmarks; unrepairable rows are skipped.\n"
    "\n"
    "  --data DIR        AASCE folder (images/, filenames.csv, landmarks.csv, optional angles.csv)\n"
    "  --clicks N        simulated clicks per image\n"
    "  --json FILE       {\"images\": [{file, width, height, clicked, pred[k][68][2]}], \"summary\": {...}}\n"
    "                    (pred: full pipeline, original px, k = 0..N)\n"
    "  --limit K         first K images (after --split and skipping)\n"
    "  --split FILE      JSON split file; only the file names listed under \"val\"\n"
    "  --thresholds L    comma-separated MRE thresholds in px (default 40,20,10)\n"
    "  --variant V       which model files: fp32 (default, refiner.onnx ...), int8 or fp16 (refiner.int8.onnx ...)\n"
    "  --models, --threads, --cuda, --rounds, --threshold, --verify, --detector-flags: as for `keybot predict`\n";

std::set<std::string> read_val_split(const std::string& path) {
    json j;
    try {
        j = json::parse(read_file_text(path));
    } catch (const json::exception& e) {
        throw Error("split file '" + path + "': not valid JSON (" + e.what() + ")");
    }
    if (!j.is_object() || !j.contains("val") || !j["val"].is_array())
        throw Error("split file '" + path + "': expected an object with a \"val\" list of file names");
    std::set<std::string> names;
    for (const auto& v : j["val"]) {
        if (!v.is_string()) throw Error("split file '" + path + "': \"val\" must hold file names (strings)");
        names.insert(v.get<std::string>());
    }
    return names;
}

std::vector<double> parse_thresholds(const std::string& text) {
    std::vector<double> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        out.push_back(parse_double(text.substr(start, comma - start), "--thresholds"));
        start = comma + 1;
    }
    return out;
}

json track_json(const engine::TrackSummary& t) {
    json reach = json::array();
    for (const auto& r : t.reach) reach.push_back({{"threshold", r.threshold}, {"reached", r.reached}, {"mean_clicks", r.mean_clicks}});
    return {{"mre", t.mre}, {"median", t.median}, {"p90", t.p90}, {"cobb_smape", t.cobb_smape}, {"reach", reach}};
}

void print_markdown(const engine::EvalSummary& s, int clicks, const engine::DetectorCounts& d, double error_px, bool fused,
                    double threshold) {
    std::printf("\n| clicks | full MRE px | refiner MRE px | manual MRE px | full median px | refiner median px |\n"
                "|---:|---:|---:|---:|---:|---:|\n");
    for (int k = 0; k <= clicks; ++k)
        std::printf("| %d | %.2f | %.2f | %.2f | %.2f | %.2f |\n", k, s.full.mre[k], s.refiner.mre[k], s.manual.mre[k], s.full.median[k],
                    s.refiner.median[k]);
    std::printf("\nFlags (%s, probability >= %g) on the refiner's 0-click output (error = more than %g input px off): "
                "precision %.3f, recall %.3f, %.1f%% of points are errors\n",
                fused ? "detector fused with the refiner's spread" : "detector alone", threshold, error_px, d.precision(),
                d.recall(), 100.0 * d.error_rate());
    std::printf("\n| MRE <= px | full: images, mean clicks | refiner | manual |\n|---:|---|---|---|\n");
    for (std::size_t i = 0; i < s.full.reach.size(); ++i) {
        auto cell = [&](const engine::TrackSummary& t) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "%d/%d, %.2f", t.reach[i].reached, s.images, t.reach[i].mean_clicks);
            return std::string(buf);
        };
        std::printf("| %g | %s | %s | %s |\n", s.full.reach[i].threshold, cell(s.full).c_str(), cell(s.refiner).c_str(), cell(s.manual).c_str());
    }
    std::printf("\n| Cobb SMAPE %% | full | refiner | manual |\n|---|---:|---:|---:|\n");
    for (int k : {0, clicks})
        std::printf("| %d clicks | %.2f | %.2f | %.2f |\n", k, s.full.cobb_smape[k], s.refiner.cobb_smape[k], s.manual.cobb_smape[k]);
}

int run(const std::vector<std::string>& args) {
    const ParsedArgs a = parse_args(args, with_engine_values({"--data", "--clicks", "--json", "--limit", "--split", "--thresholds"}),
                                    with_engine_flags({}));
    if (!a.positional.empty()) throw UsageError("unexpected argument '" + a.positional.front() + "'");
    const EngineArgs ea = engine_args(a);
    const int clicks = parse_int(a.require("--clicks"), "--clicks", 0);
    const int limit = a.values.count("--limit") ? parse_int(a.values.at("--limit"), "--limit", 1) : -1;
    const std::vector<double> thresholds = parse_thresholds(a.values.count("--thresholds") ? a.values.at("--thresholds") : "40,20,10");

    const AasceDataset ds = read_aasce(a.require("--data"));
    std::set<std::string> val;
    if (a.values.count("--split")) val = read_val_split(a.values.at("--split"));
    std::vector<const AasceRow*> rows;
    int unrepairable = 0;
    for (const AasceRow& r : ds.rows) {
        if (!val.empty() && !val.count(r.file_name)) continue;
        if (!r.repair.ok()) {
            ++unrepairable;
            continue;
        }
        if (limit < 0 || static_cast<int>(rows.size()) < limit) rows.push_back(&r);
    }
    std::cerr << "keybot eval: " << rows.size() << " images, " << unrepairable << " skipped (landmarks not repairable)\n";
    if (rows.empty()) throw Error("no images to evaluate in " + ds.root);

    const int threads = ea.threads > 0 ? ea.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const int workers = std::min<int>(threads, static_cast<int>(rows.size()));
    engine::Models models = load_models_verbose(ea, std::max(1, threads / workers));
    const engine::Pipeline pipeline(models, ea.pipeline);
    engine::PipelineOptions detect_options = ea.pipeline;
    detect_options.rounds = 0;
    const engine::Pipeline detect_only(models, detect_options);
    // The detector's own definition of an error (metadata), else the contract's documented default.
    const std::string error_meta = models.detector->info().metadata_value("keybot.error_threshold_px");
    const double error_px = error_meta.empty() ? 10.0 : parse_double(error_meta, "detector keybot.error_threshold_px");

    std::vector<engine::ImageEvaluation> evals(rows.size());
    std::vector<engine::DetectorCounts> detector(rows.size());
    std::vector<std::string> errors(rows.size());
    {
        Progress progress("eval", static_cast<int>(rows.size()));
        engine::parallel_for(static_cast<int>(rows.size()), workers, [&](int i) {
            try {
                const auto image = pipeline.prepare(read_image_file(ds.image_path(*rows[i])));
                evals[i] = engine::evaluate_clicks(pipeline, image, rows[i]->repair.points, clicks);
                detector[i] = engine::detector_counts(detect_only, image, rows[i]->repair.points, error_px);
            } catch (const std::exception& e) {
                errors[i] = e.what();
            }
            progress.tick(rows[i]->file_name);
        });
    }
    std::vector<engine::ImageEvaluation> ok;
    engine::DetectorCounts detector_total;
    std::vector<std::array<double, 3>> truth_angles;
    json images = json::array(), failed = json::array();
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const AasceRow& r = *rows[i];
        if (!errors[i].empty()) {
            std::cerr << "keybot eval: skipped " << r.file_name << ": " << errors[i] << "\n";
            failed.push_back({{"file", r.file_name}, {"error", errors[i]}});
            continue;
        }
        // angles.csv when present, else the reference method on the landmarks as stored (which refuses
        // degenerate landmarks rather than return NaN: such a row is reported, not averaged in).
        std::array<double, 3> truth;
        try {
            truth = r.has_angles ? r.angles : cobb_angles(r.raw, r.height).columns();
        } catch (const Error& e) {
            std::cerr << "keybot eval: skipped " << r.file_name << " (row " << r.index << "): " << e.what() << "\n";
            failed.push_back({{"file", r.file_name}, {"error", e.what()}});
            continue;
        }
        ok.push_back(evals[i]);
        detector_total += detector[i];
        truth_angles.push_back(truth);
        json pred = json::array();
        for (const auto& pts : evals[i].full.pred) {
            json k = json::array();
            for (const Point& p : pts) k.push_back({p.x, p.y});
            pred.push_back(std::move(k));
        }
        images.push_back({{"file", r.file_name}, {"width", r.width}, {"height", r.height}, {"clicked", evals[i].full.clicked}, {"pred", pred}});
    }
    if (ok.empty()) throw Error("every image failed");
    const engine::EvalSummary s = engine::summarize(ok, truth_angles, thresholds);
    print_markdown(s, clicks, detector_total, error_px, pipeline.fuses_flags(), pipeline.options().threshold);

    if (a.values.count("--json")) {
        json summary = {{"images", s.images}, {"clicks", clicks}, {"skipped_unrepairable", unrepairable}, {"failed", failed},
                        {"models", ea.models_dir}, {"variant", ea.suffix.empty() ? "fp32" : ea.suffix.substr(1)}, {"model_version", models.refiner->info().metadata_value("keybot.version")},
                        {"rounds", pipeline.options().rounds}, {"threshold", pipeline.options().threshold}, {"verify", ea.pipeline.verify_corrections},
                        {"flag_fusion", pipeline.fuses_flags()},
                        {"full", track_json(s.full)}, {"refiner", track_json(s.refiner)}, {"manual", track_json(s.manual)},
                        {"detector", {{"on", "refiner output, 0 clicks"}, {"error_threshold_input_px", error_px},
                                      {"precision", detector_total.precision()}, {"recall", detector_total.recall()},
                                      {"error_rate", detector_total.error_rate()}}}};
        write_file_text(a.values.at("--json"), json{{"images", images}, {"summary", summary}}.dump(1) + "\n");
    }
    return failed.empty() ? 0 : 1;
}

const Registration registration{{"eval", "Click-simulation evaluation (MRE per click, Cobb SMAPE) on an AASCE folder", kUsage, &run}};

}  // namespace
}  // namespace keybot::cli
