// The DICOM grey-level chain (dicom.hpp): Modality LUT, VOI presets and inversion. Plain C++, no GDCM.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>

#include "keybot/core/dicom.hpp"

namespace keybot {

namespace {

double lut_lookup(const DicomLut& lut, double x) {
    if (lut.data.empty()) return x;
    const double i = std::clamp(std::floor(x - lut.first_mapped), 0.0, double(lut.data.size() - 1));
    return lut.data[static_cast<std::size_t>(i)];
}

// PS3.3 C.11.2.1.2: y in [0,1].
double window_value(const std::string& function, double c, double w, double x) {
    if (function == "SIGMOID") return 1.0 / (1.0 + std::exp(-4.0 * (x - c) / std::max(w, 1e-9)));
    if (function == "LINEAR_EXACT") {
        w = std::max(w, 1e-9);
        if (x <= c - w / 2) return 0.0;
        if (x > c + w / 2) return 1.0;
        return (x - c) / w + 0.5;
    }
    w = std::max(w, 1.0);  // LINEAR requires width >= 1
    if (x <= c - 0.5 - (w - 1) / 2) return 0.0;
    if (x > c - 0.5 + (w - 1) / 2) return 1.0;
    return w == 1.0 ? 1.0 : (x - (c - 0.5)) / (w - 1) + 0.5;
}

}  // namespace

bool looks_like_dicom(const std::uint8_t* data, std::size_t size) {
    if (size >= 132 && std::memcmp(data + 128, "DICM", 4) == 0) return true;
    // No preamble: a raw data set starting with a group 0002 or 0008 element (little endian), e.g. (0008,0005).
    return size >= 8 && data[1] == 0x00 && (data[0] == 0x02 || data[0] == 0x08) && data[3] == 0x00 &&
           (data[2] < 0x80 || data[0] == 0x08) &&
           // the VR letters of an explicit-VR element, or a plausible implicit-VR length
           ((std::isupper(data[4]) && std::isupper(data[5])) || data[7] == 0x00);
}

double modality_value(const DicomInfo& info, double stored) {
    if (!info.modality_luts.empty()) return lut_lookup(info.modality_luts.front(), stored);
    return stored * info.rescale_slope + info.rescale_intercept;
}

void add_full_range_preset(DicomInfo& info) {
    VoiPreset p;
    p.kind = VoiPreset::Kind::full_range;
    p.name = "Full range";
    info.voi_presets.push_back(p);
}

double voi_value(const DicomInfo& info, int preset, double x) {
    double y;
    const VoiPreset* p = preset >= 0 && preset < int(info.voi_presets.size()) ? &info.voi_presets[preset] : nullptr;
    if (p && p->kind == VoiPreset::Kind::window) {
        y = window_value(info.voi_function, p->center, p->width, x);
    } else if (p && p->kind == VoiPreset::Kind::lut && p->lut >= 0 && p->lut < int(info.voi_luts.size())) {
        const DicomLut& lut = info.voi_luts[p->lut];
        const double top = std::ldexp(1.0, std::clamp(lut.bits, 1, 16)) - 1.0;
        y = std::clamp(lut_lookup(lut, x) / top, 0.0, 1.0);
    } else {
        const double range = info.range_high - info.range_low;
        y = range > 0 ? std::clamp((x - info.range_low) / range, 0.0, 1.0) : 0.5;
    }
    return info.inverted ? 1.0 - y : y;
}

Image apply_voi(const DicomImage& dicom, int preset) {
    Image out;
    out.width = dicom.modality.width;
    out.height = dicom.modality.height;
    out.max_value = 1.0f;
    out.pixels.resize(dicom.modality.pixels.size());
    const DicomInfo& info = dicom.info;
    const VoiPreset* p = preset >= 0 && preset < int(info.voi_presets.size()) ? &info.voi_presets[preset] : nullptr;
    if (p && p->kind == VoiPreset::Kind::window && info.voi_function == "LINEAR") {
        // The common case, without a branch per pixel: a clamped ramp.
        const double w = std::max(p->width, 1.0), lo = p->center - 0.5 - (w - 1) / 2;
        const double scale = w == 1.0 ? 0.0 : 1.0 / (w - 1);
        for (std::size_t i = 0; i < out.pixels.size(); ++i) {
            const double x = dicom.modality.pixels[i];
            double y = x <= lo ? 0.0 : x > lo + (w - 1) ? 1.0 : w == 1.0 ? 1.0 : (x - lo) * scale;
            out.pixels[i] = float(info.inverted ? 1.0 - y : y);
        }
        return out;
    }
    for (std::size_t i = 0; i < out.pixels.size(); ++i) out.pixels[i] = float(voi_value(info, preset, dicom.modality.pixels[i]));
    return out;
}

}  // namespace keybot
