#include "keybot/core/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "keybot/core/error.hpp"

namespace keybot {
namespace {

void require_same_size(std::size_t a, std::size_t b, const char* what) {
    if (a != b) throw Error(std::string(what) + ": predicted has " + std::to_string(a) + " entries, truth " + std::to_string(b));
}

}  // namespace

std::vector<double> radial_errors(const std::vector<Point>& predicted, const std::vector<Point>& truth) {
    require_same_size(predicted.size(), truth.size(), "radial error");
    std::vector<double> e(predicted.size());
    for (std::size_t i = 0; i < e.size(); ++i) e[i] = distance(predicted[i], truth[i]);
    return e;
}

double mean_radial_error(const std::vector<Point>& predicted, const std::vector<Point>& truth) {
    const auto e = radial_errors(predicted, truth);
    if (e.empty()) return 0.0;
    double s = 0.0;
    for (double v : e) s += v;
    return s / static_cast<double>(e.size());
}

RadialErrorReport radial_error_report(const std::vector<std::vector<Point>>& predicted,
                                      const std::vector<std::vector<Point>>& truth) {
    require_same_size(predicted.size(), truth.size(), "radial error report");
    RadialErrorReport r;
    if (predicted.empty()) return r;
    const std::size_t n = predicted.front().size();
    r.per_point.assign(n, 0.0);
    double total = 0.0;
    for (std::size_t img = 0; img < predicted.size(); ++img) {
        if (predicted[img].size() != n) throw Error("radial error report: images have different point counts");
        const auto e = radial_errors(predicted[img], truth[img]);
        double s = 0.0;
        for (std::size_t k = 0; k < n; ++k) {
            r.per_point[k] += e[k];
            s += e[k];
        }
        r.per_image.push_back(n ? s / static_cast<double>(n) : 0.0);
        total += s;
    }
    for (double& v : r.per_point) v /= static_cast<double>(predicted.size());
    r.overall = n ? total / static_cast<double>(n * predicted.size()) : 0.0;
    return r;
}

double percentile(std::vector<double> values, double q) {
    if (values.empty()) throw Error("percentile of an empty sample");
    const std::size_t i = std::min(values.size() - 1, static_cast<std::size_t>(q * static_cast<double>(values.size())));
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(i), values.end());
    return values[i];
}

double success_rate(const std::vector<double>& errors, double radius) {
    if (errors.empty()) return 0.0;
    std::size_t hit = 0;
    for (double e : errors) hit += e <= radius;
    return static_cast<double>(hit) / static_cast<double>(errors.size());
}

double cobb_smape(const std::vector<std::array<double, 3>>& predicted, const std::vector<std::array<double, 3>>& truth) {
    require_same_size(predicted.size(), truth.size(), "SMAPE");
    if (predicted.empty()) return 0.0;
    double total = 0.0;
    for (std::size_t i = 0; i < predicted.size(); ++i) {
        double diff = 0.0, sum = 0.0;
        for (int j = 0; j < 3; ++j) {
            diff += std::fabs(predicted[i][j] - truth[i][j]);
            sum += predicted[i][j] + truth[i][j];
        }
        if (sum > 0.0) total += diff / sum;
    }
    return 100.0 * total / static_cast<double>(predicted.size());
}

}  // namespace keybot
