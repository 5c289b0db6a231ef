// DicomInfo as JSON, for handing a decoded file from the reader's child process to the caller.
#include <nlohmann/json.hpp>

#include "dicom_gdcm.hpp"

namespace keybot {

NLOHMANN_JSON_SERIALIZE_ENUM(VoiPreset::Kind, {{VoiPreset::Kind::window, "window"},
                                               {VoiPreset::Kind::lut, "lut"},
                                               {VoiPreset::Kind::full_range, "full_range"}})
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(DicomLut, first_mapped, bits, data, explanation)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(VoiPreset, kind, center, width, lut, name)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(PixelSpacing, row_mm, col_mm, type)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(DicomInfo, transfer_syntax, sop_class_uid, modality, photometric, study_uid, series_uid,
                                   sop_instance_uid, frames, bits_allocated, bits_stored, samples_per_pixel, is_signed,
                                   rescale_slope, rescale_intercept, rescale_type, modality_luts, voi_presets, voi_luts,
                                   voi_function, inverted, spacing, min_value, max_value, range_low, range_high)

std::string dicom_info_to_json(const DicomInfo& info) { return nlohmann::json(info).dump(); }
DicomInfo dicom_info_from_json(const std::string& text) { return nlohmann::json::parse(text).get<DicomInfo>(); }

}  // namespace keybot
