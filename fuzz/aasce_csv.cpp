// AASCE CSV rows: parse_number_rows / aasce_points_from_row (the dataset reader) and points_from_aasce_row (the
// import), then what consumes the points: the landmark repair and the Cobb angles, which must come out finite
// or refuse with a keybot::Error.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "keybot/core/aasce.hpp"
#include "keybot/core/cobb.hpp"
#include "keybot/core/error.hpp"
#include "keybot/core/formats.hpp"

namespace {

void use_points(const std::vector<keybot::Point>& points) {
    keybot::repair_spine(points);
    try {
        for (double a : keybot::cobb_angles(points, 2000.0).columns())
            if (!std::isfinite(a)) __builtin_trap();
    } catch (const keybot::Error&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        for (const auto& row : keybot::parse_number_rows(text, "landmarks.csv")) use_points(keybot::aasce_points_from_row(row, 1000, 2000));
    } catch (const keybot::Error&) {
    }
    try {
        std::vector<keybot::Point> points;
        for (const auto& p : keybot::points_from_aasce_row(text, keybot::aasce_spine(), 1000, 2000)) points.push_back({p.x, p.y});
        use_points(points);
    } catch (const keybot::Error&) {
    }
    return 0;
}
