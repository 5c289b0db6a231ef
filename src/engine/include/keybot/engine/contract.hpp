#pragma once
// The KeyBot model contract (ONNX opset 13, float32, batch 1): metadata keys, input/output names and shapes
// per role. validate_model() checks a loaded model against it and reports exactly what is wrong.
#include <string>

#include "keybot/core/schema.hpp"
#include "keybot/engine/session.hpp"

namespace keybot::engine {

enum class Role { refiner, detector, corrector };
const char* to_string(Role role);
// Every role, in loading order; the names (to_string) are what crosses to JavaScript and the file names.
inline constexpr Role kRoles[] = {Role::refiner, Role::detector, Role::corrector};
// The role named `name`; false when no role has that name.
bool role_from_string(const std::string& name, Role& role);

// Metadata keys and tensor names of the contract.
namespace contract {
inline constexpr const char* kSchemaKey = "keybot.schema";
inline constexpr const char* kHeightKey = "keybot.input_height";
inline constexpr const char* kWidthKey = "keybot.input_width";
inline constexpr const char* kRoleKey = "keybot.role";
inline constexpr const char* kVersionKey = "keybot.version";
inline constexpr const char* kImage = "image";          // [1,1,H,W] grayscale in [0,1]
inline constexpr const char* kHintXy = "hint_xy";       // refiner: [1,N,2]
inline constexpr const char* kHintMask = "hint_mask";   // refiner: [1,N], 1 = user placed
inline constexpr const char* kXy = "xy";                // [1,N,2] input-tensor pixels (refiner/corrector out, detector/corrector in)
inline constexpr const char* kTrustMask = "trust_mask"; // corrector: [1,N], 1 = keep
inline constexpr const char* kErrorProb = "error_prob"; // detector: [1,N] in [0,1]
// ONNX graphs are SSA: an output cannot be named like an input, so a corrector may name its output `xy_out`.
inline constexpr const char* kXyOut = "xy_out";
// Optional refiner output: [1,N,h,w] per-point probability maps (each sums to 1) over the whole image,
// h x w = the input size divided by the heatmap stride. Shown as a teaching overlay.
inline constexpr const char* kHeatmaps = "heatmaps";
// Optional refiner output: [1,N] each point's heatmap spread around the returned point (input px). With the
// detector's kFlagFusionKey metadata it turns into the flags (flag_fusion.hpp).
inline constexpr const char* kSpread = "spread";
// Optional detector metadata: the weights that combine its error_prob with the refiner's spread.
inline constexpr const char* kFlagFusionKey = "keybot.flag_fusion";
}  // namespace contract

// The corrector's output name: `xy` when the model has such an output, else `xy_out`.
const char* corrector_output(const ModelInfo& info);

struct ModelGeometry {
    int input_width = 0;
    int input_height = 0;
    std::string version;
};

// Throws keybot::Error "model '<label>' (<role>): <what>" for a wrong/missing schema or role, bad input size
// metadata, missing/extra inputs, non-float tensors or shapes that disagree with the metadata.
ModelGeometry validate_model(const ModelInfo& info, Role role, const Schema& schema);

}  // namespace keybot::engine
