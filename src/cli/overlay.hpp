#pragma once
// Review overlay for `keybot predict`: the X-ray in gray with vertebra quads and points coloured by provenance,
// vertebra labels (T1..L5) and the Cobb angles, drawn in software (lines + stb_easy_font text).
#include <cstdint>
#include <vector>

#include "keybot/core/document.hpp"
#include "keybot/core/image.hpp"

namespace keybot::cli {

// Interleaved 8-bit RGB, image.width x image.height. Points are 4 per group (tl, tr, bl, br).
std::vector<std::uint8_t> render_overlay(const Image& image, const Document& document);

}  // namespace keybot::cli
