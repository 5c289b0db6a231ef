#pragma once
// Minimal ONNX protobuf reader: metadata_props and the graph's real inputs/outputs (name, element type, shape),
// without libprotobuf or a runtime. The browser backend needs it because onnxruntime-web does not expose
// metadata_props; it is portable and unit-tested natively against the fixture models.
#include <cstdint>
#include <string>
#include <vector>

#include "keybot/engine/session.hpp"

namespace keybot::engine {

// Fills label, metadata, inputs (graph inputs that are not initializers) and outputs. Throws keybot::Error
// "model '<label>': not an ONNX model (...)" for bytes that are not a well-formed ModelProto.
ModelInfo read_onnx_model_info(const std::vector<std::uint8_t>& bytes, const std::string& label);
ModelInfo read_onnx_model_info(const std::uint8_t* data, std::size_t size, const std::string& label);

}  // namespace keybot::engine
