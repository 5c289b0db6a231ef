#pragma once
// Helpers for the engine tests: the fixture models (tests/fixtures/make_models.py) and their template.
#include <string>
#include <vector>

#include "keybot/core/geometry.hpp"
#include "keybot/core/image.hpp"
#include "keybot/engine/pipeline.hpp"

namespace test {

inline std::string fixture_model(const std::string& name) { return std::string(KEYBOT_FIXTURES_DIR) + "/models/" + name; }

// The fixture template in input pixels (32 x 64 input): vertebra v, corner c (tl, tr, bl, br).
inline keybot::Point fixture_template(int i) {
    const int v = i / 4, c = i % 4;
    return {10.0 + 12.0 * (c % 2), 2.0 + 3.5 * v + 2.0 * (c / 2)};
}

constexpr int kFixtureScale = 10;  // fixture images are 320 x 640: 10 original px per input px
constexpr int kFixtureWidth = 32 * kFixtureScale, kFixtureHeight = 64 * kFixtureScale;

// Input px -> original px for the 320 x 640 fixture images.
inline keybot::Point fixture_original(keybot::Point in) {
    return {(in.x + 0.5) * kFixtureScale - 0.5, (in.y + 0.5) * kFixtureScale - 0.5};
}
inline std::vector<keybot::Point> fixture_truth() {
    std::vector<keybot::Point> t;
    for (int i = 0; i < 68; ++i) t.push_back(fixture_original(fixture_template(i)));
    return t;
}

inline keybot::Image fixture_image() {
    keybot::Image img;
    img.width = kFixtureWidth;
    img.height = kFixtureHeight;
    img.pixels.assign(static_cast<std::size_t>(img.width) * img.height, 0.0f);
    for (int y = 0; y < img.height; ++y)
        for (int x = 0; x < img.width; ++x) img.at(x, y) = static_cast<float>((x * 7 + y * 3) % 256);
    return img;
}

// Standard fixture models, with the refiner replaced by a variant when given (e.g. "variants/refiner_offset.onnx").
inline keybot::engine::Models fixture_models(const std::string& refiner = "refiner.onnx",
                                             const std::string& corrector = "corrector.onnx") {
    keybot::engine::Models m;
    m.refiner = keybot::engine::open_session_file(fixture_model(refiner), {1});
    m.detector = keybot::engine::open_session_file(fixture_model("detector.onnx"), {1});
    m.corrector = keybot::engine::open_session_file(fixture_model(corrector), {1});
    return m;
}

}  // namespace test
