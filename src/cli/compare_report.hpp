#pragma once
// Figures of `keybot compare`: per matched image (keybot::compare_annotations), over all images (point distance
// spread overall and per vertebra) and across images per Cobb angle (Bland-Altman, ICC(A,1)); and their text
// forms (CSV files, the printed summary). Distances are image pixels: none of the formats records a spacing.
#include <array>
#include <ostream>
#include <string>
#include <vector>

#include "compare_inputs.hpp"
#include "keybot/core/compare.hpp"

namespace keybot::cli {

// Names of CobbAngles::columns() (angles.csv order), used in CSV headers, plots and the summary.
inline constexpr const char* kCobbNames[3] = {"main", "upper", "lower"};

// Spread of a sample of distances (nearest-rank percentiles).
struct Spread {
    int n = 0;
    double mean = 0.0, p25 = 0.0, median = 0.0, p75 = 0.0, p90 = 0.0, max = 0.0;
};

struct CobbAgreement {
    std::vector<double> a, b;  // per image, degrees
    double mean_a = 0.0, mean_b = 0.0;
    BlandAltman bland_altman;
    double icc = 0.0;  // NaN when undefined (fewer than 2 images, no variance)
};

struct ImageResult {
    std::string key;
    std::string image_file;
    PairComparison comparison;
};

struct CompareReport {
    std::vector<ImageResult> images;            // in key order
    std::vector<std::string> problems;          // images that could not be measured: "key: reason"
    Spread points;                              // all points of all images
    std::vector<std::string> vertebrae;         // schema group names, T1..L5
    std::vector<Spread> per_vertebra;           // over each vertebra's corners in all images
    std::array<CobbAgreement, 3> cobb;          // kCobbNames order
};

// Measures every matched image; an image whose Cobb angles cannot be computed is listed in `problems`.
CompareReport build_report(const Matching& matching);

// One row per image: file, mean_px, max_px, max_point, <vertebra>_px..., cobb_<name>_a/_b/_diff...
std::string images_csv(const CompareReport& report);
// One row per Cobb angle: angle, n, mean_a, mean_b, bias, sd, loa_lower, loa_upper, icc.
std::string agreement_csv(const CompareReport& report);
// One row per vertebra and one for all points: vertebra, n_points, mean_px, p25_px, median_px, p75_px, p90_px, max_px.
std::string vertebrae_csv(const CompareReport& report);

void print_summary(std::ostream& out, const CompareReport& report);

}  // namespace keybot::cli
