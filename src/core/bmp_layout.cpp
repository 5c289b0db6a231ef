#include "bmp_layout.hpp"

#include <string>

#include "keybot/core/error.hpp"

namespace keybot::detail {
namespace {

std::uint32_t le32(const std::uint8_t* p) {
    return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
}
std::uint16_t le16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] | p[1] << 8); }

constexpr std::uint32_t kBiRgb = 0, kBiBitfields = 3;

}  // namespace

void check_bmp_data(const std::uint8_t* data, std::size_t size) {
    if (size < 26) return;
    const std::uint64_t pixel_offset = le32(data + 10);
    const std::uint32_t header_size = le32(data + 14);
    std::int64_t width = 0, height = 0;
    std::uint32_t bits = 0, compression = kBiRgb;
    if (header_size == 12) {  // OS/2 BITMAPCOREHEADER: 16-bit sizes, never compressed
        width = le16(data + 18);
        height = le16(data + 20);
        bits = le16(data + 24);
    } else {
        if (size < 34) return;
        width = static_cast<std::int32_t>(le32(data + 18));
        height = static_cast<std::int32_t>(le32(data + 22));  // negative: rows stored top-down
        bits = le16(data + 28);
        compression = le32(data + 30);
    }
    if (compression != kBiRgb && compression != kBiBitfields) return;
    if (width <= 0 || height == 0 || bits == 0) return;  // stb_image and the size limits refuse these
    const std::uint64_t rows = static_cast<std::uint64_t>(height < 0 ? -height : height);
    const std::uint64_t stride = (static_cast<std::uint64_t>(width) * bits + 31) / 32 * 4;  // rows pad to 4 bytes
    const std::uint64_t needed = pixel_offset + stride * rows;
    if (needed > size)
        throw Error("BMP is truncated: its header declares " + std::to_string(width) + "x" + std::to_string(rows) +
                    " pixels at " + std::to_string(bits) + " bits (" + std::to_string(stride * rows) +
                    " bytes from byte " + std::to_string(pixel_offset) + "), but the file ends after " +
                    std::to_string(size) + " bytes");
}

}  // namespace keybot::detail
