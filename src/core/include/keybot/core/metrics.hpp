#pragma once
// Landmark and Cobb-angle accuracy metrics used by evaluation and benchmarks.
#include <array>
#include <vector>

#include "keybot/core/geometry.hpp"

namespace keybot {

// Euclidean distance per point; sizes must match (keybot::Error otherwise).
std::vector<double> radial_errors(const std::vector<Point>& predicted, const std::vector<Point>& truth);
double mean_radial_error(const std::vector<Point>& predicted, const std::vector<Point>& truth);

// Mean radial error over a set of images: per landmark index (averaged over images), per image (averaged over
// points) and overall (over all points of all images).
struct RadialErrorReport {
    std::vector<double> per_point;
    std::vector<double> per_image;
    double overall = 0.0;
};
RadialErrorReport radial_error_report(const std::vector<std::vector<Point>>& predicted,
                                      const std::vector<std::vector<Point>>& truth);

// Nearest-rank percentile (q in [0,1]) of a sample; keybot::Error for an empty one.
double percentile(std::vector<double> values, double q);

// Fraction of errors <= radius (0 for an empty list).
double success_rate(const std::vector<double>& errors, double radius);

// AASCE SMAPE in percent: mean over images of sum_j |p_j - t_j| / sum_j (p_j + t_j) over the three angles
// (an image whose angles are all zero in both contributes 0).
double cobb_smape(const std::vector<std::array<double, 3>>& predicted, const std::vector<std::array<double, 3>>& truth);

}  // namespace keybot
