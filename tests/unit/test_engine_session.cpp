// Sessions and the model contract: metadata, runs, and clear errors for bad models.
#include <doctest/doctest.h>

#include <random>

#include "keybot/core/error.hpp"
#include "keybot/core/file_io.hpp"
#include "keybot/engine/contract.hpp"
#include "test_engine_support.hpp"

using namespace keybot;
using namespace keybot::engine;

namespace {
std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const keybot::Error& e) {
        return e.what();
    }
    return "(no error)";
}
}  // namespace

TEST_CASE("engine: session reads metadata and runs a fixture model") {
    auto s = open_session_file(test::fixture_model("detector.onnx"), {2});
    CHECK(s->provider() == Provider::cpu);
    CHECK(s->provider_note().empty());
    CHECK(s->info().metadata_value("keybot.version") == "fixture-1");
    CHECK(validate_model(s->info(), Role::detector, aasce_spine()).input_width == 32);
    REQUIRE(s->info().input("xy"));
    CHECK(s->info().input("xy")->shape == std::vector<std::int64_t>{1, 68, 2});

    Tensor xy{{1, 68, 2}, std::vector<float>(136)};
    for (int i = 0; i < 68; ++i) {
        const Point t = test::fixture_template(i);
        xy.data[2 * i] = static_cast<float>(t.x) + (i == 3 ? 1.0f : 0.0f);
        xy.data[2 * i + 1] = static_cast<float>(t.y) + (i == 4 ? 4.0f : 0.0f);
    }
    Tensor image{{1, 1, 64, 32}, std::vector<float>(64 * 32, 0.5f)};
    int calls = 0;
    RunResult got;
    s->run_async({{"image", image}, {"xy", xy}}, {"error_prob"}, [&](RunResult r) { ++calls, got = std::move(r); });
    REQUIRE(calls == 1);
    REQUIRE(got.ok());
    const auto& p = got.outputs.at("error_prob").data;
    REQUIRE(p.size() == 68);
    CHECK(p[0] == 0.0f);
    CHECK(p[3] == 0.5f);
    CHECK(p[4] == 1.0f);  // clipped

    // Errors come back through the callback (and as keybot::Error from the blocking helper).
    CHECK(error_of([&] { s->run({{"img", image}}, {"error_prob"}); }).find("has no input named 'img'") != std::string::npos);
    CHECK(error_of([&] { s->run({{"image", {{1, 1, 64, 32}, {1.0f}}}}, {"error_prob"}); }).find("1 values") != std::string::npos);
}

TEST_CASE("engine: corrupt, truncated, empty and missing model files give clear errors") {
    const auto bytes = read_file_bytes(test::fixture_model("refiner.onnx"));
    const std::vector<std::uint8_t> truncated(bytes.begin(), bytes.begin() + static_cast<long>(bytes.size() / 2));
    std::mt19937 rng(7);
    std::vector<std::uint8_t> noise(4096);
    for (auto& b : noise) b = static_cast<std::uint8_t>(rng());

    for (const auto& [label, data] : {std::pair{"half.onnx", truncated}, std::pair{"noise.onnx", noise}}) {
        const std::string e = error_of([&] { open_session(data, label); });
        CAPTURE(e);
        CHECK(e.find(std::string("model '") + label + "'") != std::string::npos);
        CHECK(e.find("cannot load") != std::string::npos);
    }
    CHECK(error_of([] { open_session({}, "empty.onnx"); }).find("'empty.onnx': file is empty") != std::string::npos);
    CHECK(error_of([] { open_session_file("/nonexistent/refiner.onnx"); }).find("/nonexistent/refiner.onnx") != std::string::npos);
}

TEST_CASE("engine: contract violations name the model and the problem") {
    struct Case {
        const char* refiner;
        const char* expect;
    };
    for (const Case& c : {Case{"variants/refiner_bad_schema.onnx", "schema is 'cephalometric_19', expected 'aasce_spine_68'"},
                          Case{"variants/refiner_bad_inputs.onnx", "has no input named 'image'"},
                          Case{"variants/refiner_bad_shape.onnx", "input 'hint_xy' has shape [1,17,2], expected [1,68,2]"},
                          Case{"detector.onnx", "keybot.role is 'detector', expected 'refiner'"}}) {
        Models m = test::fixture_models(c.refiner);
        const std::string e = error_of([&] { Pipeline p(m); });
        CAPTURE(e);
        CHECK(e.find(c.refiner) != std::string::npos);
        CHECK(e.find("(refiner)") != std::string::npos);
        CHECK(e.find(c.expect) != std::string::npos);
    }
}

TEST_CASE("engine: CUDA requested falls back to CPU with a message when unavailable") {
    auto s = open_session_file(test::fixture_model("refiner.onnx"), {1, Provider::cuda});
    if (s->provider() == Provider::cuda) {
        CHECK(s->provider_note().empty());  // a machine with a working GPU
    } else {
        CHECK(s->provider() == Provider::cpu);
        CHECK(s->provider_note().find("falling back to CPU") != std::string::npos);
        MESSAGE(s->provider_note());
    }
    CHECK(s->info().input("hint_mask"));
}
