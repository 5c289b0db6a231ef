#pragma once
// Agreement between two annotations: of one image (review in the app, practice-mode scoring, `keybot compare`
// per image) and of one measurement across images (Cobb angles: intraclass correlation, Bland-Altman). One place
// for these figures so the app, the CLI and the tests report the same numbers.
#include <array>
#include <vector>

#include "keybot/core/geometry.hpp"
#include "keybot/core/schema.hpp"

namespace keybot {

// Annotation `a` (e.g. the user's) against `b` (the reference), point for point in schema order. Pixels.
struct PairComparison {
    std::vector<double> distances;     // per point, |a_i - b_i|
    double mean = 0.0;                 // mean radial distance
    double max = 0.0;
    int max_index = -1;                // point with the largest distance (-1 for an empty schema)
    std::vector<double> group_mean;    // mean distance per schema group (per vertebra), schema group order
    bool has_cobb = false;             // the schema is 4 corners per vertebra with at least 3 vertebrae
    std::array<double, 3> cobb_a{};    // CobbAngles::columns() of a and b, degrees
    std::array<double, 3> cobb_b{};
    std::array<double, 3> cobb_diff{}; // a - b

    // Indices of points farther apart than `tolerance` px, largest distance first.
    std::vector<int> over_tolerance(double tolerance) const;
};

// Throws keybot::Error when a or b does not have one point per schema landmark. image_height is the pixel
// height the Cobb method compares curve positions with (both annotations are of the same image).
PairComparison compare_annotations(const std::vector<Point>& a, const std::vector<Point>& b, const Schema& schema,
                                   double image_height);

// Bland-Altman agreement of paired measurements a_i, b_i: differences d_i = a_i - b_i, bias = mean(d),
// sd = sample standard deviation of d (n - 1), limits of agreement bias -/+ 1.96 sd. Undefined parts are NaN
// (sd and limits for n < 2). Throws keybot::Error when the sizes differ.
struct BlandAltman {
    int n = 0;
    double bias = 0.0;
    double sd = 0.0;
    double lower = 0.0;
    double upper = 0.0;
};
BlandAltman bland_altman(const std::vector<double>& a, const std::vector<double>& b);

// Intraclass correlation ICC(2,1) (Shrout & Fleiss 1979; ICC(A,1) in McGraw & Wong 1996): two-way random
// effects, absolute agreement, single rater, for two raters a and b over n subjects — the form used for
// inter-observer Cobb angle agreement. NaN when n < 2 or when every value is the same (no variance to explain).
// Throws keybot::Error when the sizes differ.
double icc_absolute_agreement(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace keybot
