#pragma once
// DICOM radiographs: what KeyBot reads from a file (pixels of the first frame, the grey-level chain, pixel
// spacing, the UIDs that link a result back to the archive) and how it turns stored values into grey levels.
//
// The chain, in the order of DICOM PS3.3 C.11: stored value (masked to BitsStored, signed per
// PixelRepresentation) -> Modality LUT (Rescale Slope/Intercept, or the Modality LUT Sequence) -> VOI (one
// of the file's WindowCenter/Width presets with VOILUTFunction LINEAR, LINEAR_EXACT or SIGMOID, or a VOI LUT
// Sequence item, or the full data range when the file has none) -> inverted for MONOCHROME1 or
// PresentationLUTShape INVERSE. The models see the default VOI (the file's first preset) as [0,1]: what an
// 8-bit export of the same study would hold.
//
// Reading needs GDCM (KEYBOT_DICOM); the grey-level and spacing rules below are plain C++ and always built.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "keybot/core/image.hpp"
#include "keybot/core/spacing.hpp"

namespace keybot {

// A lookup table from a Modality or VOI LUT Sequence item (LUTDescriptor: entries, first mapped value, bits).
struct DicomLut {
    double first_mapped = 0.0;
    int bits = 16;
    std::vector<std::uint16_t> data;
    std::string explanation;
};

// One VOI preset: a window (center/width in modality units) or a LUT; `name` is what the Display panel lists.
struct VoiPreset {
    enum class Kind { window, lut, full_range } kind = Kind::full_range;
    double center = 0.0, width = 1.0;  // window
    int lut = -1;                      // index into DicomInfo::voi_luts
    std::string name;
};

// The spacing attributes as found in a file (empty vectors / 0 when absent).
struct SpacingAttributes {
    std::string sop_class_uid;
    std::vector<double> pixel_spacing;         // (0028,0030) row\column
    std::vector<double> imager_pixel_spacing;  // (0018,1164)
    double magnification = 0.0;                // (0018,1114) EstimatedRadiographicMagnificationFactor
    std::string calibration_type;              // (0028,0A02) PixelSpacingCalibrationType
};

// Picks the spacing as Cornerstone does for projection radiographs (PS3.3 10.7.1.3), types as above.
PixelSpacing choose_spacing(const SpacingAttributes& a);

struct DicomInfo {
    std::string transfer_syntax;       // UID
    std::string sop_class_uid, modality, photometric;
    std::string study_uid, series_uid, sop_instance_uid;
    int frames = 1;
    int bits_allocated = 16, bits_stored = 16, samples_per_pixel = 1;
    bool is_signed = false;
    double rescale_slope = 1.0, rescale_intercept = 0.0;
    std::string rescale_type;          // (0028,1054), e.g. "US" (unspecified) or "OD"; shown with the units
    std::vector<DicomLut> modality_luts;  // first item used when present (instead of slope/intercept)
    std::vector<VoiPreset> voi_presets;   // the file's windows, then its VOI LUTs, then "Full range"
    std::vector<DicomLut> voi_luts;
    std::string voi_function = "LINEAR";  // LINEAR | LINEAR_EXACT | SIGMOID
    bool inverted = false;             // MONOCHROME1 or PresentationLUTShape INVERSE
    PixelSpacing spacing;
    double min_value = 0.0, max_value = 0.0;  // modality values of the frame
    // What the "Full range" preset maps to [0,1]: every value an 8-bit image can store (so a plain 8-bit file
    // reads exactly like the same pixels in a PNG), else the frame's data range, as viewers do.
    double range_low = 0.0, range_high = 0.0;
};

// A decoded first frame: `modality` holds modality values (after the Modality LUT) as floats, max_value =
// the largest of them (at least 1).
struct DicomImage {
    Image modality;
    DicomInfo info;
};

// True when the bytes look like DICOM: "DICM" at offset 128, or (files without the preamble) a first
// element of group 0002 or 0008 in little-endian order.
bool looks_like_dicom(const std::uint8_t* data, std::size_t size);

// Stored value -> modality value for every pixel (masking and sign done by the reader).
double modality_value(const DicomInfo& info, double stored);

// Builds the preset list from windows/LUTs already parsed into `info` (appends "Full range").
void add_full_range_preset(DicomInfo& info);

// The grey level in [0,1] of one modality value under preset `preset` (index into info.voi_presets), with the
// inversion applied.
double voi_value(const DicomInfo& info, int preset, double modality);

// The whole frame through preset `preset`: an Image in [0,1] (max_value 1).
Image apply_voi(const DicomImage& dicom, int preset);
// What the models see: the default preset (0).
inline Image model_image(const DicomImage& dicom) { return apply_voi(dicom, 0); }

// True when this build can read DICOM files (GDCM linked in).
bool dicom_supported();

// Size and samples from the header (pixel data not decoded). Throws keybot::Error as decode_dicom does.
ImageHeader probe_dicom(const std::uint8_t* data, std::size_t size);

// Decodes the first frame (multi-frame files: `notice` says so). Throws keybot::Error with a user-facing
// message for a file without pixel data (a report, a plan), an unsupported photometric interpretation, a
// corrupt or truncated file, or one over the image limits (ImageTooLarge), checked before decoding pixels.
DicomImage decode_dicom(const std::uint8_t* data, std::size_t size, std::string* notice = nullptr);

}  // namespace keybot
