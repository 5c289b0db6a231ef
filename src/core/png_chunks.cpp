#include "png_chunks.hpp"

#include <string>

#include "keybot/core/error.hpp"

namespace keybot::detail {

void check_png_chunks(const std::uint8_t* data, std::size_t size) {
    std::size_t pos = 8;  // after the signature
    bool seen_image_data = false;
    while (pos + 8 <= size) {
        const std::uint8_t* c = data + pos;
        const std::uint32_t length = std::uint32_t(c[0]) << 24 | std::uint32_t(c[1]) << 16 | std::uint32_t(c[2]) << 8 | c[3];
        std::string type(reinterpret_cast<const char*>(c + 4), 4);
        for (char& ch : type)
            if (ch < 0x20 || ch > 0x7e) ch = '?';
        const std::size_t left = size - pos - 8;
        if (length > left)
            throw Error("corrupt PNG: chunk '" + type + "' at byte " + std::to_string(pos) + " declares " + std::to_string(length) +
                        " bytes, only " + std::to_string(left) + " follow");
        if (type == "IEND") return;
        // stb_image 2.27 allocates its image-data buffer at the first IDAT's size: an empty first IDAT leaves it
        // null and stb copies 0 bytes into it (undefined behaviour, found by fuzz_image). Legal PNG, never written
        // by real encoders: refused.
        if (type == "IDAT" && !seen_image_data && length == 0)
            throw Error("unsupported PNG: its first image-data chunk (IDAT at byte " + std::to_string(pos) + ") is empty");
        if (type == "IDAT") seen_image_data = true;
        pos += 12 + static_cast<std::size_t>(length);  // length, type, data, CRC
    }
}

}  // namespace keybot::detail
