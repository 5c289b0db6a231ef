// Flags fused from the detector's probability and the refiner's spread (flag_fusion.hpp). The expected numbers
// come from the Python side that fits the weights (models/train/flag_fusion.py, fused_probability), run on the
// same inputs:
//   /usr/bin/python3 -c "import numpy as np; from models.train.flag_fusion import fused_probability as f; ..."
// so the two implementations are held to each other.
#include <doctest/doctest.h>

#include "keybot/core/error.hpp"
#include "keybot/engine/flag_fusion.hpp"
#include "test_engine_support.hpp"

using namespace keybot;
using namespace keybot::engine;

TEST_CASE("flag fusion: the C++ features and weights give what models/train/flag_fusion.py gives") {
    // Edge values included: probabilities 0 and 1 (clamped to 1e-4 and 1 - 1e-4), spread 0.
    const std::vector<float> prob{0.0f, 1.0f, 0.25f, 0.9f, 0.5f, 0.01f, 0.99f, 0.6f};
    const std::vector<float> spread{0.0f, 3.0f, 12.5f, 100.0f, 1.0f, 2.0f, 40.0f, 0.001f};
    const FlagFusion f{{-0.5, 0.8, 1.2, 0.3, -1.1}};
    const std::vector<double> python{0.999188308, 0.997876419, 0.999996077, 0.999996138,
                                     0.985683941, 0.999162282, 0.992500711, 0.194533887};
    const std::vector<float> fused = fuse_error_probability(prob, spread, f);
    REQUIRE(fused.size() == python.size());
    for (std::size_t i = 0; i < python.size(); ++i) CHECK(fused[i] == doctest::Approx(python[i]).epsilon(1e-6));
    CHECK_THROWS_AS(fuse_error_probability(prob, std::vector<float>(7, 1.0f), f), Error);
    CHECK_THROWS_AS(fuse_error_probability(std::vector<float>(6, 0.5f), std::vector<float>(6, 1.0f), f), Error);
}

TEST_CASE("flag fusion: weights come from the detector's metadata; a malformed value is refused by name") {
    Models fused = test::fixture_models("variants/refiner_spread.onnx", "variants/corrector_rounds0.onnx");
    fused.detector = open_session_file(test::fixture_model("variants/detector_fusion.onnx"), {1});
    const auto w = flag_fusion_of(fused.detector->info());
    REQUIRE(w.has_value());
    CHECK(w->weights == std::array<double, 5>{0.75, 1.5, 0.5, -0.25, -2.0});
    CHECK(Pipeline(fused).fuses_flags());

    Models bad = test::fixture_models();
    bad.detector = open_session_file(test::fixture_model("variants/detector_bad_fusion.onnx"), {1});
    CHECK_THROWS_WITH_AS(Pipeline{bad}, doctest::Contains("keybot.flag_fusion should be 5 finite numbers, not '1 2 3'"), Error);
    CHECK_FALSE(flag_fusion_of(test::fixture_models().detector->info()).has_value());
}

TEST_CASE("flag fusion: the pipeline flags by the fused probability when both models allow it") {
    // refiner_spread returns the template shifted by 1 input px, so the fixture detector says 0.5 everywhere;
    // its spread output is 0.5 + 0.25 k for point k. Python, same inputs and weights (FUSION in make_models.py):
    const std::vector<std::pair<int, double>> python{{0, 0.0477841601}, {1, 0.0844009536}, {5, 0.211680293},
                                                    {66, 0.823958928}, {67, 0.827112757}};
    Models m = test::fixture_models("variants/refiner_spread.onnx", "variants/corrector_rounds0.onnx");
    m.detector = open_session_file(test::fixture_model("variants/detector_fusion.onnx"), {1});
    const Pipeline fused(m);
    const PreparedImage img = fused.prepare(test::fixture_image());
    const Revision r = fused.revise(img, std::vector<AnnotatedPoint>(68));
    for (auto [i, p] : python) CHECK(r.points[i].error_probability == doctest::Approx(p).epsilon(1e-5));
    CHECK(r.points[0].provenance == Provenance::predicted);  // 0.05 < 0.5: no longer flagged
    CHECK(r.points[67].provenance == Provenance::flagged);

    PipelineOptions off;
    off.flag_fusion = false;
    const Pipeline detector_only(m, off);
    CHECK_FALSE(detector_only.fuses_flags());
    const Revision d = detector_only.revise(img, std::vector<AnnotatedPoint>(68));
    CHECK(d.points[0].error_probability == doctest::Approx(0.5));
    CHECK(d.points[0].provenance == Provenance::flagged);

    // A refiner without the spread output: the detector alone, whatever its metadata says.
    Models no_spread = test::fixture_models("variants/refiner_offset.onnx", "variants/corrector_rounds0.onnx");
    no_spread.detector = open_session_file(test::fixture_model("variants/detector_fusion.onnx"), {1});
    CHECK_FALSE(Pipeline(no_spread).fuses_flags());
    CHECK(Pipeline(no_spread).revise(img, std::vector<AnnotatedPoint>(68)).points[0].error_probability == doctest::Approx(0.5));
}
