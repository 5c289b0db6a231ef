// ONNX model metadata (read_onnx_model_info, the protobuf walk the browser backend relies on) and the model
// contract check on what it read (validate_model, every role): a ModelInfo or a keybot::Error.
#include <cstddef>
#include <cstdint>

#include "keybot/core/error.hpp"
#include "keybot/engine/contract.hpp"
#include "keybot/engine/onnx_metadata.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace keybot::engine;
    try {
        const ModelInfo info = read_onnx_model_info(data, size, "fuzz");
        corrector_output(info);
        for (Role role : {Role::refiner, Role::detector, Role::corrector}) {
            try {
                validate_model(info, role, keybot::aasce_spine());
            } catch (const keybot::Error&) {
            }
        }
    } catch (const keybot::Error&) {
    }
    return 0;
}
