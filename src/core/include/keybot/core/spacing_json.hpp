#pragma once
// A pixel spacing as JSON, {"row_mm", "col_mm", "type"}: KeyBot JSON's image.pixel_spacing, COCO's
// images[0].pixel_spacing, the autosave's undo history and the app's command values all use this one form.
#include <string>

#include <nlohmann/json.hpp>

#include "keybot/core/spacing.hpp"

namespace keybot {

nlohmann::json pixel_spacing_json(const PixelSpacing& s);

// Throws Error("<what>: '<path>...' ...") for a field of the wrong kind, a value outside (0, 1000) mm or an
// unknown type.
PixelSpacing pixel_spacing_from_json(const nlohmann::json& v, const std::string& what, const std::string& path);

}  // namespace keybot
