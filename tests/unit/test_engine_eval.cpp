// The click-simulation protocol on a generated AASCE-layout folder whose answers are known exactly.
#include <doctest/doctest.h>

#include <cstdio>

#include "keybot/core/aasce.hpp"
#include "keybot/core/file_io.hpp"
#include "keybot/engine/eval.hpp"
#include "test_engine_support.hpp"
#include "test_support.hpp"

using namespace keybot;
using namespace keybot::engine;

namespace {

// images/a.png, images/b.png (320 x 640) with the fixture template as ground truth.
void write_fixture_dataset(const std::string& root) {
    std::filesystem::create_directories(root + "/images");
    std::string names, rows;
    const auto truth = test::fixture_truth();
    for (const char* name : {"a.png", "b.png"}) {
        write_png(root + "/images/" + name, test::fixture_image());
        names += std::string(name) + "\n";
        std::string row;
        char buf[40];
        for (int axis = 0; axis < 2; ++axis)
            for (const Point& p : truth) {
                std::snprintf(buf, sizeof buf, "%.17g", axis == 0 ? p.x / test::kFixtureWidth : p.y / test::kFixtureHeight);
                row += (row.empty() ? "" : ",") + std::string(buf);
            }
        rows += row + "\n";
    }
    write_file_text(root + "/filenames.csv", names);
    write_file_text(root + "/landmarks.csv", rows);
}

std::vector<ImageEvaluation> run_eval(const AasceDataset& ds, Pipeline& p, int clicks) {
    std::vector<ImageEvaluation> out;
    for (const AasceRow& row : ds.rows) {
        REQUIRE(row.repair.ok());
        out.push_back(evaluate_clicks(p, p.prepare(read_file_bytes(ds.image_path(row))), row.repair.points, clicks));
    }
    return out;
}

}  // namespace

TEST_CASE("engine eval: a refiner that returns ground truth gives MRE 0") {
    test::TempDir dir("keybot-eval-exact");
    write_fixture_dataset(dir.str());
    const AasceDataset ds = read_aasce(dir.str());
    REQUIRE(ds.rows.size() == 2);
    Models m = test::fixture_models();
    Pipeline p(m);
    for (const auto& e : run_eval(ds, p, 3))
        for (const ClickTrack* t : {&e.full, &e.refiner, &e.manual}) {
            REQUIRE(t->mre.size() == 4);
            for (double v : t->mre) CHECK(v == doctest::Approx(0.0).epsilon(1e-9));
        }
}

TEST_CASE("engine eval: a constant offset gives the computed MRE, and each click removes one point's error") {
    test::TempDir dir("keybot-eval-offset");
    write_fixture_dataset(dir.str());
    const AasceDataset ds = read_aasce(dir.str());
    Models m = test::fixture_models("variants/refiner_offset.onnx");
    Pipeline p(m);
    const int clicks = 14;
    const auto evals = run_eval(ds, p, clicks);
    // Refiner: every point 1 input px = 10 original px off. Full pipeline: the corrector halves that (5 px).
    // Manual: the 0-click full prediction with the clicked points exact.
    for (const auto& e : evals) {
        for (int k = 0; k <= clicks; ++k) {
            CAPTURE(k);
            CHECK(e.refiner.mre[k] == doctest::Approx(10.0 * (68 - k) / 68));
            CHECK(e.full.mre[k] == doctest::Approx(5.0 * (68 - k) / 68));
            CHECK(e.manual.mre[k] == doctest::Approx(5.0 * (68 - k) / 68));
        }
        std::vector<int> sorted = e.full.clicked;
        std::sort(sorted.begin(), sorted.end());
        CHECK(std::unique(sorted.begin(), sorted.end()) == sorted.end());  // never the same point twice
        REQUIRE(e.full.pred.size() == static_cast<std::size_t>(clicks + 1));
        const int first = e.full.clicked[0];
        CHECK(e.full.pred[1][first].x == doctest::Approx(test::fixture_truth()[first].x));
    }

    const EvalSummary s = summarize(evals, {{0, 0, 0}, {0, 0, 0}}, {9.0, 4.0});
    CHECK(s.images == 2);
    CHECK(s.full.mre[0] == doctest::Approx(5.0));
    CHECK(s.refiner.mre[clicks] == doctest::Approx(10.0 * 54 / 68));
    CHECK(s.full.reach[0].reached == 2);  // 5 <= 9 with no click
    CHECK(s.full.reach[0].mean_clicks == 0.0);
    CHECK(s.full.reach[1].reached == 2);  // 5 (68 - k) / 68 <= 4 from k = 14
    CHECK(s.full.reach[1].mean_clicks == 14.0);
    CHECK(s.refiner.reach[0].mean_clicks == 7.0);  // 10 (68 - k) / 68 <= 9 from k = 7
    CHECK(s.refiner.reach[1].reached == 0);
    CHECK(s.full.cobb_smape[0] == doctest::Approx(0.0));  // straight spine: all angles 0
}

TEST_CASE("engine eval: point-error percentiles and the detector's counts on a known offset") {
    test::TempDir dir("keybot-eval-detector");
    write_fixture_dataset(dir.str());
    const AasceDataset ds = read_aasce(dir.str());
    Models m = test::fixture_models("variants/refiner_offset.onnx");
    Pipeline p(m);
    const auto evals = run_eval(ds, p, 34);
    const EvalSummary s = summarize(evals, {{0, 0, 0}, {0, 0, 0}}, {});
    // Refiner: every point 10 original px off; after 34 clicks half the points are exact.
    CHECK(s.refiner.median[0] == doctest::Approx(10.0));
    CHECK(s.refiner.p90[0] == doctest::Approx(10.0));
    CHECK(s.full.median[0] == doctest::Approx(5.0));
    CHECK(s.refiner.p90[34] == doctest::Approx(10.0));
    CHECK(s.refiner.median[33] == doctest::Approx(10.0));  // 35 of 68 points still off

    // The fixture detector says 0.5 * (|dx| + |dy|) = 0.5 for points 1 input px off: all flagged at 0.5.
    PipelineOptions o;
    o.rounds = 0;
    Pipeline detect_only(m, o);
    const AasceRow& row = ds.rows.front();
    const auto image = detect_only.prepare(read_file_bytes(ds.image_path(row)));
    const DetectorCounts tight = detector_counts(detect_only, image, row.repair.points, 0.5);  // all are errors
    CHECK(tight.points == 68);
    CHECK(tight.true_positive == 68);
    CHECK(tight.precision() == 1.0);
    CHECK(tight.recall() == 1.0);
    CHECK(tight.error_rate() == 1.0);
    const DetectorCounts loose = detector_counts(detect_only, image, row.repair.points, 2.0);  // none is
    CHECK(loose.false_positive == 68);
    CHECK(loose.precision() == 0.0);
    CHECK(loose.error_rate() == 0.0);
    CHECK_THROWS(detector_counts(p, image, row.repair.points, 1.0));  // rounds must be 0
}
