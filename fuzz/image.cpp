// Image decoding (PNG, JPEG, BMP, PGM/PPM via probe_image / decode_image): every input must give an Image of the
// probed size or a keybot::Error. Images over 1 MP are probed but not decoded, so the time goes into parsing
// rather than filling large buffers (the size limits themselves are unit-tested).
#include <cstddef>
#include <cstdint>

#include "keybot/core/error.hpp"
#include "keybot/core/image.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const keybot::ImageHeader h = keybot::probe_image(data, size);
        if (static_cast<long long>(h.width) * h.height > (1 << 20)) return 0;
        const keybot::Image img = keybot::decode_image(data, size);
        if (img.width != h.width || img.height != h.height ||
            img.pixels.size() != static_cast<std::size_t>(img.width) * static_cast<std::size_t>(img.height))
            __builtin_trap();  // decode disagrees with probe
    } catch (const keybot::Error&) {
    }
    return 0;
}
