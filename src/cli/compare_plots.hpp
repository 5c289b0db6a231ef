#pragma once
// The pictures of `keybot compare` (PNG, drawn with cairo): a Bland-Altman plot with one panel per Cobb angle,
// and the per-vertebra distance profile. Throw keybot::Error when the file cannot be written.
#include <string>

#include "compare_report.hpp"

namespace keybot::cli {

// label_a / label_b name the two sides in titles (e.g. the paths given on the command line).
void write_bland_altman_png(const std::string& path, const CompareReport& report, const std::string& label_a,
                            const std::string& label_b);
void write_vertebra_profile_png(const std::string& path, const CompareReport& report, const std::string& label_a,
                                const std::string& label_b);

}  // namespace keybot::cli
