#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "keybot/core/cobb.hpp"
#include "keybot/core/compare.hpp"
#include "keybot/core/error.hpp"
#include "keybot/core/schema.hpp"

using keybot::Point;

namespace {

// A straight spine of 17 vertebrae, 40 px wide and 30 px tall, 10 px apart.
std::vector<Point> straight_spine() {
    std::vector<Point> p;
    for (int v = 0; v < 17; ++v) {
        const double top = 100.0 + 40.0 * v;
        p.push_back({200, top});
        p.push_back({240, top});
        p.push_back({200, top + 30});
        p.push_back({240, top + 30});
    }
    return p;
}

}  // namespace

TEST_CASE("pair comparison: distances, largest, per vertebra, points over tolerance") {
    const auto& schema = keybot::aasce_spine();
    const auto b = straight_spine();
    auto a = b;
    a[5].x += 3.0;
    a[5].y += 4.0;   // 5 px, T2 top_right
    a[66].x -= 12.0; // 12 px, L5 bottom_left
    const auto c = keybot::compare_annotations(a, b, schema, 1000.0);
    REQUIRE(c.distances.size() == 68);
    CHECK(c.distances[5] == doctest::Approx(5.0));
    CHECK(c.distances[66] == doctest::Approx(12.0));
    CHECK(c.mean == doctest::Approx(17.0 / 68.0));
    CHECK(c.max == doctest::Approx(12.0));
    CHECK(c.max_index == 66);
    REQUIRE(c.group_mean.size() == 17);
    CHECK(c.group_mean[1] == doctest::Approx(5.0 / 4.0));
    CHECK(c.group_mean[16] == doctest::Approx(3.0));
    CHECK(c.group_mean[0] == 0.0);
    CHECK(c.over_tolerance(4.0) == std::vector<int>{66, 5});
    CHECK(c.over_tolerance(12.0).empty());
    CHECK(c.has_cobb);
    for (int k = 0; k < 3; ++k) CHECK(c.cobb_diff[k] == doctest::Approx(c.cobb_a[k] - c.cobb_b[k]));
    const auto expected_a = keybot::cobb_angles(a, 1000.0).columns();
    CHECK(c.cobb_a[0] == doctest::Approx(expected_a[0]));
    CHECK(c.cobb_b[0] == doctest::Approx(0.0));
    CHECK_THROWS_AS(keybot::compare_annotations(a, {}, schema, 1000.0), keybot::Error);
}

TEST_CASE("Bland-Altman bias, sd and limits of agreement") {
    // differences 1, 3, 5: mean 3, sample sd 2
    const auto ba = keybot::bland_altman({11, 23, 35}, {10, 20, 30});
    CHECK(ba.n == 3);
    CHECK(ba.bias == doctest::Approx(3.0));
    CHECK(ba.sd == doctest::Approx(2.0));
    CHECK(ba.lower == doctest::Approx(3.0 - 3.92));
    CHECK(ba.upper == doctest::Approx(3.0 + 3.92));
    const auto one = keybot::bland_altman({4}, {1});
    CHECK(one.bias == doctest::Approx(3.0));
    CHECK(std::isnan(one.sd));
    CHECK_THROWS_AS(keybot::bland_altman({1, 2}, {1}), keybot::Error);
}

TEST_CASE("ICC(A,1) matches the two-rater closed form") {
    // For two raters the ANOVA form reduces to 2 cov / (va + vb + (ma - mb)^2 - (va + vb - 2 cov) / n), computed
    // here from sample moments, independently of the mean-square route the library takes.
    const std::vector<double> a = {12.0, 25.5, 31.0, 8.0, 44.0, 19.0, 27.5};
    const std::vector<double> b = {14.0, 22.0, 35.0, 9.5, 40.0, 23.0, 26.0};
    const double n = static_cast<double>(a.size());
    double ma = 0, mb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        ma += a[i] / n;
        mb += b[i] / n;
    }
    double va = 0, vb = 0, cov = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        va += (a[i] - ma) * (a[i] - ma) / (n - 1);
        vb += (b[i] - mb) * (b[i] - mb) / (n - 1);
        cov += (a[i] - ma) * (b[i] - mb) / (n - 1);
    }
    const double expected = 2 * cov / (va + vb + (ma - mb) * (ma - mb) - (va + vb - 2 * cov) / n);
    CHECK(keybot::icc_absolute_agreement(a, b) == doctest::Approx(expected));
    CHECK(keybot::icc_absolute_agreement(a, a) == doctest::Approx(1.0));
    // A constant offset lowers absolute agreement (consistency would stay 1).
    std::vector<double> shifted = a;
    for (double& v : shifted) v += 10.0;
    CHECK(keybot::icc_absolute_agreement(a, shifted) < 0.9);
    CHECK(std::isnan(keybot::icc_absolute_agreement({1.0}, {2.0})));
    CHECK(std::isnan(keybot::icc_absolute_agreement({5.0, 5.0}, {5.0, 5.0})));
}
