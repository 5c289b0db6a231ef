// Mirrors models/train/flag_fusion.py (features and constants); tests/unit/test_engine_flag_fusion.cpp checks
// the two against each other on numbers that module computed.
#include "keybot/engine/flag_fusion.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>

#include "keybot/core/error.hpp"
#include "keybot/engine/contract.hpp"

namespace keybot::engine {
namespace {
constexpr double kEps = 1e-4;  // flag_fusion.EPS
constexpr int kCorners = 4;
}  // namespace

std::optional<FlagFusion> flag_fusion_of(const ModelInfo& detector) {
    const std::string value = detector.metadata_value(contract::kFlagFusionKey);
    if (value.empty()) return std::nullopt;
    FlagFusion f;
    std::istringstream in(value);
    bool ok = true;
    for (double& w : f.weights) ok = ok && (in >> w) && std::isfinite(w);
    std::string rest;
    if (!ok || (in >> rest))
        throw Error("model '" + detector.label + "': metadata " + contract::kFlagFusionKey + " should be " +
                    std::to_string(f.weights.size()) + " finite numbers, not '" + value + "'");
    return f;
}

std::vector<float> fuse_error_probability(const std::vector<float>& prob, const std::vector<float>& spread,
                                          const FlagFusion& fusion) {
    const std::size_t n = prob.size();
    if (spread.size() != n || n % kCorners != 0)
        throw Error("flag fusion: " + std::to_string(n) + " probabilities and " + std::to_string(spread.size()) +
                    " spreads (both must be whole vertebrae of " + std::to_string(kCorners) + " corners)");
    std::vector<double> logit(n), log_spread(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double p = std::clamp(static_cast<double>(prob[i]), kEps, 1.0 - kEps);
        logit[i] = std::log(p / (1.0 - p));
        log_spread[i] = std::log(std::max(0.0, static_cast<double>(spread[i])) + kEps);
    }
    const auto& w = fusion.weights;
    std::vector<float> out(n);
    for (std::size_t v = 0; v < n; v += kCorners) {
        double max_logit = logit[v], mean_log_spread = 0.0;
        for (int c = 0; c < kCorners; ++c) {
            max_logit = std::max(max_logit, logit[v + c]);
            mean_log_spread += log_spread[v + c] / kCorners;
        }
        for (int c = 0; c < kCorners; ++c) {
            const double score = w[0] * logit[v + c] + w[1] * log_spread[v + c] + w[2] * max_logit +
                                 w[3] * mean_log_spread + w[4];
            out[v + c] = static_cast<float>(1.0 / (1.0 + std::exp(-score)));
        }
    }
    return out;
}

}  // namespace keybot::engine
