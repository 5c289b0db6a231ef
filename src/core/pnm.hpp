#pragma once
// Binary PGM/PPM (P5/P6) reader. stb_image 2.27 (Debian 12) copies 16-bit PNM samples without swapping them
// from big-endian, ignores maxval and does not notice truncated pixel data, so core parses these itself.
#include <cstddef>
#include <cstdint>

#include "keybot/core/image.hpp"

namespace keybot::detail {

bool is_binary_pnm(const std::uint8_t* data, std::size_t size);
struct PnmHeader {
    ImageHeader image;
    int max_value = 0;
    std::size_t data_offset = 0;
};
PnmHeader read_pnm_header(const std::uint8_t* data, std::size_t size);  // throws keybot::Error
Image decode_pnm(const std::uint8_t* data, std::size_t size, const PnmHeader& header);

}  // namespace keybot::detail
