#include <doctest/doctest.h>

#include "keybot/core/error.hpp"
#include "keybot/core/metrics.hpp"

using keybot::Point;

TEST_CASE("radial errors, per point / image / overall") {
    const std::vector<Point> truth = {{0, 0}, {10, 10}};
    const std::vector<Point> a = {{3, 4}, {10, 10}};   // errors 5, 0
    const std::vector<Point> b = {{0, 0}, {16, 18}};   // errors 0, 10
    CHECK(keybot::radial_errors(a, truth) == std::vector<double>{5.0, 0.0});
    CHECK(keybot::mean_radial_error(a, truth) == doctest::Approx(2.5));
    const auto r = keybot::radial_error_report({a, b}, {truth, truth});
    CHECK(r.per_point == std::vector<double>{2.5, 5.0});
    CHECK(r.per_image == std::vector<double>{2.5, 5.0});
    CHECK(r.overall == doctest::Approx(3.75));
    CHECK_THROWS_AS(keybot::radial_errors(a, {{0, 0}}), keybot::Error);
}

TEST_CASE("success rate counts errors within the radius") {
    const std::vector<double> e = {0.5, 2.0, 2.5, 10.0};
    CHECK(keybot::success_rate(e, 2.0) == doctest::Approx(0.5));
    CHECK(keybot::success_rate(e, 0.1) == doctest::Approx(0.0));
    CHECK(keybot::success_rate(e, 100) == doctest::Approx(1.0));
    CHECK(keybot::success_rate({}, 1.0) == 0.0);
}

TEST_CASE("Cobb SMAPE by the AASCE definition") {
    // Image 1: |10-12|+|20-20|+|0-0| = 2 over 62 ; image 2: all zero -> 0 ; image 3: 30 over 30.
    const std::vector<std::array<double, 3>> pred = {{10, 20, 0}, {0, 0, 0}, {30, 0, 0}};
    const std::vector<std::array<double, 3>> truth = {{12, 20, 0}, {0, 0, 0}, {0, 0, 0}};
    CHECK(keybot::cobb_smape(pred, truth) == doctest::Approx(100.0 * (2.0 / 62.0 + 0.0 + 1.0) / 3.0));
    CHECK(keybot::cobb_smape(truth, truth) == 0.0);
    CHECK_THROWS_AS(keybot::cobb_smape(pred, {}), keybot::Error);
}
