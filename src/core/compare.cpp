#include "keybot/core/compare.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "keybot/core/cobb.hpp"
#include "keybot/core/error.hpp"

namespace keybot {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The Cobb method reads 4 corners per vertebra, vertebrae in storage order.
bool schema_has_cobb(const Schema& schema) {
    if (schema.corner_names.size() != 4 || schema.groups.size() < 3) return false;
    int next = 0;
    for (const auto& group : schema.groups)
        for (int index : group)
            if (index != next++) return false;
    return next == schema.size();
}

void check_same_size(std::size_t a, std::size_t b, const char* what) {
    if (a != b)
        throw Error(std::string(what) + ": the two series differ in length (" + std::to_string(a) + " and " +
                    std::to_string(b) + ")");
}

}  // namespace

std::vector<int> PairComparison::over_tolerance(double tolerance) const {
    std::vector<int> out;
    for (int i = 0; i < static_cast<int>(distances.size()); ++i)
        if (distances[static_cast<std::size_t>(i)] > tolerance) out.push_back(i);
    std::stable_sort(out.begin(), out.end(), [&](int l, int r) {
        return distances[static_cast<std::size_t>(l)] > distances[static_cast<std::size_t>(r)];
    });
    return out;
}

PairComparison compare_annotations(const std::vector<Point>& a, const std::vector<Point>& b, const Schema& schema,
                                   double image_height) {
    const auto n = static_cast<std::size_t>(schema.size());
    if (a.size() != n || b.size() != n)
        throw Error("compare: schema " + schema.name + " has " + std::to_string(n) + " points, the annotations " +
                    std::to_string(a.size()) + " and " + std::to_string(b.size()));
    PairComparison out;
    out.distances.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        out.distances[i] = distance(a[i], b[i]);
        if (out.max_index < 0 || out.distances[i] > out.max) {
            out.max = out.distances[i];
            out.max_index = static_cast<int>(i);
        }
    }
    if (n > 0) out.mean = std::accumulate(out.distances.begin(), out.distances.end(), 0.0) / static_cast<double>(n);
    for (const auto& group : schema.groups) {
        double sum = 0.0;
        for (int index : group) sum += out.distances[static_cast<std::size_t>(index)];
        out.group_mean.push_back(group.empty() ? 0.0 : sum / static_cast<double>(group.size()));
    }
    if (schema_has_cobb(schema)) {
        out.has_cobb = true;
        out.cobb_a = cobb_angles(a, image_height).columns();
        out.cobb_b = cobb_angles(b, image_height).columns();
        for (int k = 0; k < 3; ++k) out.cobb_diff[k] = out.cobb_a[k] - out.cobb_b[k];
    }
    return out;
}

BlandAltman bland_altman(const std::vector<double>& a, const std::vector<double>& b) {
    check_same_size(a.size(), b.size(), "Bland-Altman");
    BlandAltman out;
    out.n = static_cast<int>(a.size());
    if (out.n == 0) return {0, kNaN, kNaN, kNaN, kNaN};
    double sum = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) sum += a[i] - b[i];
    out.bias = sum / out.n;
    if (out.n < 2) {
        out.sd = out.lower = out.upper = kNaN;
        return out;
    }
    double ss = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) ss += (a[i] - b[i] - out.bias) * (a[i] - b[i] - out.bias);
    out.sd = std::sqrt(ss / (out.n - 1));
    out.lower = out.bias - 1.96 * out.sd;
    out.upper = out.bias + 1.96 * out.sd;
    return out;
}

double icc_absolute_agreement(const std::vector<double>& a, const std::vector<double>& b) {
    check_same_size(a.size(), b.size(), "ICC");
    const std::size_t n = a.size();
    if (n < 2) return kNaN;
    constexpr double k = 2.0;  // raters
    const double nn = static_cast<double>(n);
    double mean_a = 0.0, mean_b = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        mean_a += a[i];
        mean_b += b[i];
    }
    mean_a /= nn;
    mean_b /= nn;
    const double grand = (mean_a + mean_b) / 2.0;
    double ss_rows = 0.0, ss_total = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        const double row = (a[i] + b[i]) / 2.0;
        ss_rows += k * (row - grand) * (row - grand);
        ss_total += (a[i] - grand) * (a[i] - grand) + (b[i] - grand) * (b[i] - grand);
    }
    const double ss_cols = nn * ((mean_a - grand) * (mean_a - grand) + (mean_b - grand) * (mean_b - grand));
    const double ss_error = ss_total - ss_rows - ss_cols;
    const double ms_rows = ss_rows / (nn - 1.0);
    const double ms_cols = ss_cols / (k - 1.0);
    const double ms_error = ss_error / ((nn - 1.0) * (k - 1.0));
    const double denominator = ms_rows + (k - 1.0) * ms_error + k * (ms_cols - ms_error) / nn;
    if (!(denominator > 0.0)) return kNaN;
    return (ms_rows - ms_error) / denominator;
}

}  // namespace keybot
