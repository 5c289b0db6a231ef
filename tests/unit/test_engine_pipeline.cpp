// The revision pipeline on the exact fixture models (see tests/fixtures/make_models.py for the arithmetic).
#include <doctest/doctest.h>

#include "keybot/core/error.hpp"
#include "test_engine_support.hpp"

using namespace keybot;
using namespace keybot::engine;

namespace {

std::vector<AnnotatedPoint> no_hints() { return std::vector<AnnotatedPoint>(68); }

// Expected original-px position of point i when the model output is the template shifted by dx input px.
Point shifted(int i, double dx) {
    Point t = test::fixture_template(i);
    t.x += dx;
    return test::fixture_original(t);
}

}  // namespace

TEST_CASE("engine: preprocessing maps input and original pixels both ways") {
    Models m = test::fixture_models();
    Pipeline p(m);
    const PreparedImage img = p.prepare(test::fixture_image());
    CHECK(img.image.shape == std::vector<std::int64_t>{1, 1, 64, 32});
    for (float v : img.image.data) REQUIRE((v >= 0.0f && v <= 1.0f));
    const Point o = img.to_original({3.0, 7.0});
    CHECK(o.x == doctest::Approx(34.5));
    CHECK(o.y == doctest::Approx(74.5));
    CHECK(img.to_input(o).x == doctest::Approx(3.0));
    CHECK_THROWS_AS(p.prepare(std::vector<std::uint8_t>{1, 2, 3}), keybot::Error);  // not an image
}

TEST_CASE("engine: no correction needed -> predicted points at the refiner output") {
    Models m = test::fixture_models();
    Pipeline p(m);
    const Revision r = p.revise(p.prepare(test::fixture_image()), no_hints());
    for (int i = 0; i < 68; ++i) {
        CHECK(r.points[i].x == doctest::Approx(shifted(i, 0).x));
        CHECK(r.points[i].y == doctest::Approx(shifted(i, 0).y));
        CHECK(r.points[i].provenance == Provenance::predicted);
        CHECK(r.points[i].error_probability == 0.0);
    }
}

TEST_CASE("engine: detector -> corrector rounds, threshold and provenance") {
    Models m = test::fixture_models("variants/refiner_offset.onnx");  // template + 1 px in x: error_prob 0.5
    const PreparedImage img = Pipeline(m).prepare(test::fixture_image());

    SUBCASE("defaults: one correction halves the offset, then 0.25 < 0.5 -> model_corrected") {
        const Revision r = Pipeline(m).revise(img, no_hints());
        for (int i = 0; i < 68; ++i) {
            CHECK(r.points[i].x == doctest::Approx(shifted(i, 0.5).x));
            CHECK(r.refined[i].x == doctest::Approx(shifted(i, 1.0).x));
            CHECK(r.points[i].provenance == Provenance::model_corrected);
            CHECK(r.points[i].error_probability == doctest::Approx(0.25));
        }
    }
    SUBCASE("threshold 0.2, two rounds: 1 -> 0.5 -> 0.25 px") {
        const Revision r = Pipeline(m, {2, 0.2}).revise(img, no_hints());
        CHECK(r.points[10].x == doctest::Approx(shifted(10, 0.25).x));
        CHECK(r.points[10].provenance == Provenance::model_corrected);
        CHECK(r.points[10].error_probability == doctest::Approx(0.125));
    }
    SUBCASE("threshold 0.2, one round: still >= threshold -> flagged") {
        const Revision r = Pipeline(m, {1, 0.2}).revise(img, no_hints());
        CHECK(r.points[10].x == doctest::Approx(shifted(10, 0.5).x));
        CHECK(r.points[10].provenance == Provenance::flagged);
    }
    SUBCASE("zero rounds: refiner output, flagged") {
        const Revision r = Pipeline(m, {0, 0.5}).revise(img, no_hints());
        CHECK(r.points[10].x == doctest::Approx(shifted(10, 1.0).x));
        CHECK(r.points[10].provenance == Provenance::flagged);
        CHECK(r.points[10].error_probability == doctest::Approx(0.5));
    }
    SUBCASE("refiner only") {
        const Revision r = Pipeline(m).refine(img, no_hints());
        CHECK(r.points[10].x == doctest::Approx(shifted(10, 1.0).x));
        CHECK(r.points[10].provenance == Provenance::predicted);
    }
}

TEST_CASE("engine: the number of correction rounds comes from the corrector's metadata unless given") {
    Models m = test::fixture_models("variants/refiner_offset.onnx", "variants/corrector_rounds0.onnx");
    CHECK(Pipeline(m).options().rounds == 0);
    const PreparedImage img = Pipeline(m).prepare(test::fixture_image());
    const Revision r = Pipeline(m).revise(img, no_hints());  // refiner output with the detector's flags
    CHECK(r.points[10].x == doctest::Approx(shifted(10, 1.0).x));
    CHECK(r.points[10].provenance == Provenance::flagged);
    PipelineOptions two;
    two.rounds = 2;
    CHECK(Pipeline(m, two).revise(img, no_hints()).points[10].x == doctest::Approx(shifted(10, 0.5).x));
    Models plain = test::fixture_models();
    CHECK(Pipeline(plain).options().rounds == kDefaultRounds);  // no metadata
}

TEST_CASE("engine: verify_corrections keeps a move the detector confirms and reverts one it does not") {
    PipelineOptions verify;
    verify.verify_corrections = true;
    SUBCASE("the corrector halves the 1 px offset: error_prob 0.5 -> 0.25, kept") {
        Models m = test::fixture_models("variants/refiner_offset.onnx");
        const PreparedImage img = Pipeline(m).prepare(test::fixture_image());
        const Revision r = Pipeline(m, verify).revise(img, no_hints());
        CHECK(r.points[10].x == doctest::Approx(shifted(10, 0.5).x));
        CHECK(r.points[10].provenance == Provenance::model_corrected);
        CHECK(r.points[10].error_probability == doctest::Approx(0.25));
    }
    SUBCASE("the corrector overshoots to -2 px: error_prob 0.5 -> 1.0, reverted each round") {
        Models m = test::fixture_models("variants/refiner_offset.onnx", "variants/corrector_overshoot.onnx");
        const PreparedImage img = Pipeline(m).prepare(test::fixture_image());
        const Revision unverified = Pipeline(m).revise(img, no_hints());  // 1 -> -2 -> +4 px: kept blindly
        CHECK(unverified.points[10].x == doctest::Approx(shifted(10, 4.0).x));
        const Revision r = Pipeline(m, verify).revise(img, no_hints());
        CHECK(r.points[10].x == doctest::Approx(shifted(10, 1.0).x));
        CHECK(r.points[10].provenance == Provenance::flagged);
        CHECK(r.points[10].error_probability == doctest::Approx(0.5));
    }
}

TEST_CASE("engine: user points are hints, never move, and keep their provenance") {
    // Both refiners: one honours hints in the graph, the other ignores them (the C++ side must pin them).
    for (const char* refiner : {"variants/refiner_offset.onnx", "variants/refiner_ignores_hints.onnx"}) {
        CAPTURE(refiner);
        Models m = test::fixture_models(refiner);
        Pipeline p(m, {2, 0.2});
        const PreparedImage img = p.prepare(test::fixture_image());
        auto current = no_hints();
        // Far from the template (detector says 1.0): a model would "correct" them if they were not the user's.
        current[5] = {123.456789, 456.789012, Provenance::user_placed, 0.0};
        current[40] = {shifted(40, 3).x, shifted(40, 0).y, Provenance::user_confirmed, 0.125};
        const Revision r = p.revise(img, current);
        CHECK(r.points[5] == current[5]);  // bit-exact, provenance and probability as given
        CHECK(r.points[40] == current[40]);
        CHECK(r.refined[5].x == current[5].x);
        CHECK(r.points[6].provenance == Provenance::model_corrected);

        // Completion is reported once through the async interface too.
        int calls = 0;
        p.revise_async(img, current, [&](Revision rv) {
            ++calls;
            CHECK(rv.points[5] == current[5]);
        });
        CHECK(calls == 1);
    }
    // The hint reaches the refiner (the honouring fixture returns it, so nothing else changes).
    Models m = test::fixture_models();
    Pipeline p(m);
    auto current = no_hints();
    current[0] = {shifted(0, 0).x, shifted(0, 0).y, Provenance::user_placed, 0.0};
    const Revision r = p.revise(p.prepare(test::fixture_image()), current);
    CHECK(r.points[1].provenance == Provenance::predicted);
}

TEST_CASE("engine: a user correction is one undo step and undo restores the previous state exactly") {
    Models m = test::fixture_models("variants/refiner_offset.onnx");
    Pipeline p(m);
    const PreparedImage img = p.prepare(test::fixture_image());
    Document doc(aasce_spine(), {"x.png", test::kFixtureWidth, test::kFixtureHeight});
    doc.set_points(p.revise(img, doc.points()).points);
    const std::vector<AnnotatedPoint> before = doc.points();
    const std::size_t depth = doc.undo_depth();

    p.apply_user_correction(doc, img, 7, {100.25, 200.125});
    CHECK(doc.undo_depth() == depth + 1);
    CHECK(doc.point(7) == AnnotatedPoint{100.25, 200.125, Provenance::user_placed, 0.0});
    const std::vector<AnnotatedPoint> after = doc.points();
    p.apply_user_correction(doc, img, 9, {110.5, 220.75});
    CHECK(doc.point(7) == after[7]);  // the earlier user point stays put through the second revision

    REQUIRE(doc.undo());
    CHECK(doc.points() == after);
    REQUIRE(doc.undo());
    CHECK(doc.points() == before);  // AnnotatedPoint == compares x, y, provenance, probability exactly
    REQUIRE(doc.redo());
    CHECK(doc.points() == after);
}

TEST_CASE("engine: heatmap summary = per cell the largest point map relative to its own peak") {
    // Two points on a 2x3 grid: point 0 peaks at cell 0 (value 0.8) with 0.4 at cell 5; point 1 peaks at
    // cell 2 (0.5) with 0.25 at cell 0. Relative to their peaks: point 0 -> 1 at 0, 0.5 at 5; point 1 -> 1
    // at 2, 0.5 at 0.
    const std::vector<float> maps{0.8f, 0, 0, 0, 0, 0.4f, 0.25f, 0, 0.5f, 0, 0, 0};
    const Heatmap h = summarize_heatmaps(maps, 2, 2, 3);
    REQUIRE(h.rows == 2);
    REQUIRE(h.cols == 3);
    const std::vector<float> want{1.0f, 0, 1.0f, 0, 0, 0.5f};
    for (int i = 0; i < 6; ++i) CHECK(h.values[i] == doctest::Approx(want[i]));
    CHECK(summarize_heatmaps(maps, 2, 3, 3).empty());                          // wrong size: nothing
    CHECK(summarize_heatmaps(std::vector<float>(6, 0.0f), 1, 2, 3).values == std::vector<float>(6, 0.0f));  // no peak
}

TEST_CASE("engine: the refiner's heatmaps come back only when asked for") {
    Models m = test::fixture_models();
    const PreparedImage img = Pipeline(m).prepare(test::fixture_image());
    CHECK(Pipeline(m).revise(img, no_hints()).heatmap.empty());  // default: not fetched
    PipelineOptions o;
    o.heatmap = true;
    Pipeline p(m, o);
    const Revision r = p.revise(img, no_hints());
    REQUIRE(r.ok());
    // Fixture maps (make_models.py): map k is 1 at flat cell k % 4; map 0 is also 0.5 at cell 4.
    REQUIRE(r.heatmap.rows == 8);
    REQUIRE(r.heatmap.cols == 4);
    for (int i = 0; i < 32; ++i) CHECK(r.heatmap.values[i] == doctest::Approx(i < 4 ? 1.0 : i == 4 ? 0.5 : 0.0));
    CHECK(p.refine(img, no_hints()).heatmap.rows == 8);  // the refiner-only path too
}
