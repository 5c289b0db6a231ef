// DICOM (decode_dicom: GDCM in a child process natively, then keybot's grey-level chain and spacing rules):
// every input must give an image of the size its header claims, with finite pixels, or a keybot::Error. GDCM
// itself is not instrumented and its asserts end only the child (src/core/dicom/dicom_isolated.cpp), so this
// exercises what keybot does with whatever the reader hands back: the reply, VOI presets, LUTs, spacing.
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "keybot/core/dicom.hpp"
#include "keybot/core/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const keybot::DicomImage d = keybot::decode_dicom(data, size);
        const keybot::Image shown = keybot::model_image(d);
        if (shown.pixels.size() != static_cast<std::size_t>(shown.width) * static_cast<std::size_t>(shown.height))
            __builtin_trap();
        for (float v : shown.pixels)
            if (!std::isfinite(v) || v < 0.0f || v > 1.0f) __builtin_trap();  // the model input is [0,1]
    } catch (const keybot::Error&) {
    }
    return 0;
}
