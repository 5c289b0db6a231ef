#include <doctest/doctest.h>

#include <cmath>

#include "keybot/core/aasce.hpp"
#include "keybot/core/cobb.hpp"
#include "keybot/core/error.hpp"
#include "test_support.hpp"

TEST_CASE("C-shaped synthetic spine: main angle is the tilt difference of the end vertebrae") {
    // Tilt falls linearly from +15 deg (T1) to -15 deg (L5): one curve of exactly 30 degrees.
    const auto c = keybot::cobb_angles(test::synthetic_spine(15.0, -15.0), 2000.0);
    CHECK(c.main == doctest::Approx(30.0));
    CHECK(c.columns()[0] == doctest::Approx(30.0));
    CHECK(c.upper <= c.main);
    CHECK(c.lower <= c.main);
}

TEST_CASE("straight spine has zero angles") {
    const auto c = keybot::cobb_angles(test::synthetic_spine(0.0, 0.0), 2000.0);
    CHECK(c.main == doctest::Approx(0.0));
    CHECK(c.upper == doctest::Approx(0.0));
    CHECK(c.lower == doctest::Approx(0.0));
}

TEST_CASE("Cobb angles reject a bad point count") {
    CHECK_THROWS_AS(keybot::cobb_angles(std::vector<keybot::Point>(10), 100.0), keybot::Error);
}

TEST_CASE("reference Cobb method reproduces angles.csv on the AASCE training data" * test::needs_data()) {
    const auto ds = keybot::read_aasce(test::data_dir());
    REQUIRE(ds.has_angles);
    int matched[3] = {0, 0, 0};
    for (const auto& row : ds.rows) {
        const auto c = keybot::cobb_angles(row.raw, row.height).columns();
        for (int k = 0; k < 3; ++k) matched[k] += std::fabs(c[k] - row.angles[k]) <= 0.1;
    }
    const int n = static_cast<int>(ds.rows.size());
    MESSAGE("Cobb matched within 0.1 deg: " << matched[0] << ", " << matched[1] << ", " << matched[2] << " of " << n);
    for (int k = 0; k < 3; ++k) CHECK(matched[k] >= 0.95 * n);
}
