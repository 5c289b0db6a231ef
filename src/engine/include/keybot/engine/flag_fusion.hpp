#pragma once
// Flags from two sources: the detector's error probability and the refiner's heatmap spread (its `spread`
// output). The refiner's own uncertainty finds wrong points that the detector misses; a logistic regression
// fitted at export (models/train/flag_fusion.py, which documents the five features) combines them, and its
// weights travel in the detector's metadata (contract::kFlagFusionKey). Models without them keep the
// detector's probabilities.
#include <array>
#include <optional>
#include <vector>

#include "keybot/engine/session.hpp"

namespace keybot::engine {

struct FlagFusion {
    std::array<double, 5> weights{};  // logit, log spread, vertebra max logit, vertebra mean log spread, bias
};

// The detector's fusion weights: nullopt when its metadata has none; keybot::Error naming the model when the
// value is not five finite numbers.
std::optional<FlagFusion> flag_fusion_of(const ModelInfo& detector);

// Fused error probabilities. `prob` and `spread` hold one value per point, 4 corners per vertebra in order
// (the AASCE schema); keybot::Error when their sizes differ or are not a multiple of 4.
std::vector<float> fuse_error_probability(const std::vector<float>& prob, const std::vector<float>& spread,
                                          const FlagFusion& fusion);

}  // namespace keybot::engine
