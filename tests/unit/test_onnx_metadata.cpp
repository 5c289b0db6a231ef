// The minimal ONNX reader (used by the browser backend) must agree with ONNX Runtime on every fixture model,
// and reject non-ONNX bytes with a clear error.
#include <doctest/doctest.h>

#include <filesystem>
#include <random>

#include "keybot/core/error.hpp"
#include "keybot/core/file_io.hpp"
#include "keybot/engine/onnx_metadata.hpp"
#include "test_engine_support.hpp"

using namespace keybot;
using namespace keybot::engine;

namespace {
void check_same_specs(const std::vector<TensorSpec>& a, const std::vector<TensorSpec>& b) {
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i].name == b[i].name);
        CHECK(a[i].shape == b[i].shape);
        CHECK(a[i].is_float == b[i].is_float);
    }
}
}  // namespace

TEST_CASE("onnx_metadata: agrees with ONNX Runtime on all fixture models") {
    std::vector<std::string> files;
    for (const auto* dir : {"/models", "/models/variants"})
        for (const auto& e : std::filesystem::directory_iterator(std::string(KEYBOT_FIXTURES_DIR) + dir))
            if (e.path().extension() == ".onnx") files.push_back(e.path().string());
    REQUIRE(files.size() >= 8);
    for (const auto& path : files) {
        CAPTURE(path);
        const ModelInfo ours = read_onnx_model_info(read_file_bytes(path), "m");
        const ModelInfo ort = open_session_file(path)->info();
        CHECK(ours.label == "m");
        CHECK(ours.metadata == ort.metadata);
        check_same_specs(ours.inputs, ort.inputs);
        check_same_specs(ours.outputs, ort.outputs);
    }
    const ModelInfo r = read_onnx_model_info(read_file_bytes(test::fixture_model("refiner.onnx")), "r");
    CHECK(r.metadata_value("keybot.schema") == "aasce_spine_68");
    CHECK(r.metadata_value("keybot.role") == "refiner");
    REQUIRE(r.input("hint_xy"));
    CHECK(r.input("hint_xy")->shape == std::vector<std::int64_t>{1, 68, 2});
}

TEST_CASE("onnx_metadata: empty, truncated and random bytes are rejected clearly") {
    auto error_of = [](const std::vector<std::uint8_t>& b) {
        try {
            read_onnx_model_info(b, "bad.onnx");
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("(no error)");
    };
    CHECK(error_of({}) == "model 'bad.onnx': file is empty");
    const auto bytes = read_file_bytes(test::fixture_model("corrector.onnx"));
    CHECK(error_of({bytes.begin(), bytes.begin() + static_cast<long>(bytes.size() / 2)}).find("not an ONNX model") !=
          std::string::npos);
    const std::string text = "this is not a model";
    CHECK(error_of({text.begin(), text.end()}).find("model 'bad.onnx': not an ONNX model") == 0);
    std::mt19937 rng(3);
    for (int k = 0; k < 200; ++k) {  // never crashes or reads out of bounds (the sanitize preset checks that)
        std::vector<std::uint8_t> junk(1 + rng() % 300);
        for (auto& b : junk) b = static_cast<std::uint8_t>(rng());
        CHECK(error_of(junk).rfind("model 'bad.onnx'", 0) == 0);
    }
}

TEST_CASE("open_session_async: completes inline natively, errors through the callback") {
    int calls = 0;
    OpenResult got;
    open_session_async(read_file_bytes(test::fixture_model("refiner.onnx")), "refiner", {1}, [&](OpenResult r) {
        ++calls, got = std::move(r);
    });
    REQUIRE(calls == 1);
    REQUIRE(got.ok());
    CHECK(got.session->backend() == "cpu");
    CHECK(got.session->info().metadata_value("keybot.role") == "refiner");
    open_session_async({1, 2, 3}, "junk", {}, [&](OpenResult r) { ++calls, got = std::move(r); });
    CHECK(calls == 2);
    CHECK_FALSE(got.ok());
    CHECK(got.error.find("model 'junk'") == 0);
}
