// End vertebrae of the Cobb curves (cobb_ends.hpp): same angles as cobb_angles(), and each reported angle is
// the angle between the mid-lines of the two vertebrae given for it.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "keybot/core/aasce.hpp"
#include "keybot/core/cobb_ends.hpp"
#include "keybot/core/error.hpp"
#include "test_support.hpp"

namespace {

double midline_angle(const std::vector<keybot::Point>& pts, int a, int b) {
    keybot::Point la, ra, lb, rb;
    keybot::vertebra_midline(pts, a, &la, &ra);
    keybot::vertebra_midline(pts, b, &lb, &rb);
    const keybot::Point u = ra - la, v = rb - lb;
    return std::acos(std::clamp(keybot::dot(u, v) / (keybot::norm(u) * keybot::norm(v)), -1.0, 1.0)) * 180.0 / M_PI;
}

void check_consistent(const std::vector<keybot::Point>& pts, double height) {
    const auto ends = keybot::cobb_end_vertebrae(pts, height);
    const auto ref = keybot::cobb_angles(pts, height);
    CHECK(ends.angles.main == ref.main);
    CHECK(ends.angles.upper == ref.upper);
    CHECK(ends.angles.lower == ref.lower);
    for (const auto* c : {&ends.main, &ends.upper, &ends.lower}) {
        CHECK(c->top <= c->bottom);
        CHECK(c->top >= 0);
        CHECK(c->bottom < int(pts.size() / 4));
        CHECK(midline_angle(pts, c->top, c->bottom) == doctest::Approx(c->angle).epsilon(1e-9));
    }
    CHECK(ends.main.angle == ref.main);
}

}  // namespace

TEST_CASE("C-shaped synthetic spine: the main curve runs from the first to the last vertebra") {
    const auto pts = test::synthetic_spine(15.0, -15.0);
    const auto ends = keybot::cobb_end_vertebrae(pts, 2000.0);
    CHECK(ends.main.top == 0);
    CHECK(ends.main.bottom == 16);
    CHECK(ends.main.angle == doctest::Approx(30.0));
    check_consistent(pts, 2000.0);
}

TEST_CASE("vertebra mid-line is from the left-side mid-point to the right-side one") {
    std::vector<keybot::Point> pts = {{0, 0}, {10, 2}, {0, 4}, {10, 6}};
    keybot::Point l, r;
    keybot::vertebra_midline(pts, 0, &l, &r);
    CHECK(l == keybot::Point{0, 2});
    CHECK(r == keybot::Point{10, 4});
    CHECK_THROWS_AS(keybot::vertebra_midline(pts, 1, &l, &r), keybot::Error);
}

TEST_CASE("cobb_end_vertebrae rejects a bad point count") {
    CHECK_THROWS_AS(keybot::cobb_end_vertebrae(std::vector<keybot::Point>(10), 100.0), keybot::Error);
}

TEST_CASE("end vertebrae agree with the reference angles on the AASCE training data" * test::needs_data()) {
    const auto ds = keybot::read_aasce(test::data_dir());
    int s_shaped = 0;
    for (std::size_t i = 0; i < ds.rows.size(); i += 7) {  // a spread-out sample keeps the test fast
        const auto& row = ds.rows[i];
        check_consistent(row.raw, row.height);
        s_shaped += keybot::cobb_angles(row.raw, row.height).s_shaped;
    }
    CHECK(s_shaped > 0);  // both branches of the method are exercised
}
