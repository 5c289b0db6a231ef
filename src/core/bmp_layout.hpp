#pragma once
// BMP size check run before stb_image decodes a BMP. stb_image 2.27 reads past the end of a truncated BMP as
// zero bytes, so a file cut short (an interrupted copy or download) decoded with its missing rows black and
// the models predicted on it without a word. The pixel data the header declares is checked against the bytes
// present first.
#include <cstddef>
#include <cstdint>

namespace keybot::detail {

// Throws keybot::Error when an uncompressed BMP (BI_RGB or BI_BITFIELDS) ends before the last row its header
// declares. Run-length-encoded BMPs (their size is not known from the header) and headers too short to read
// are left to stb_image, which refuses the latter.
void check_bmp_data(const std::uint8_t* data, std::size_t size);

}  // namespace keybot::detail
