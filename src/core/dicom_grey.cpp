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

enum class Function { linear, linear_exact, sigmoid };

// One VOI preset resolved once (preset kind, VOI function, inversion), applied per value: PS3.3 C.11.2.1.2,
// output in [0,1].
class VoiMap {
public:
    VoiMap(const DicomInfo& info, int preset) : info_(info) {
        const VoiPreset* p = preset >= 0 && preset < int(info.voi_presets.size()) ? &info.voi_presets[preset] : nullptr;
        if (p && p->kind == VoiPreset::Kind::window) {
            kind_ = VoiPreset::Kind::window;
            c_ = p->center;
            w_ = p->width;
            function_ = info.voi_function == "SIGMOID" ? Function::sigmoid
                      : info.voi_function == "LINEAR_EXACT" ? Function::linear_exact : Function::linear;
        } else if (p && p->kind == VoiPreset::Kind::lut && p->lut >= 0 && p->lut < int(info.voi_luts.size())) {
            kind_ = VoiPreset::Kind::lut;
            lut_ = &info.voi_luts[p->lut];
            top_ = std::ldexp(1.0, std::clamp(lut_->bits, 1, 16)) - 1.0;
        }
    }
    double operator()(double x) const {
        const double y = kind_ == VoiPreset::Kind::window ? window(x)
                       : kind_ == VoiPreset::Kind::lut  ? std::clamp(lut_lookup(*lut_, x) / top_, 0.0, 1.0)
                                                        : full_range(x);
        return info_.inverted ? 1.0 - y : y;
    }

private:
    double window(double x) const {
        double c = c_, w = w_;
        if (function_ == Function::sigmoid) return 1.0 / (1.0 + std::exp(-4.0 * (x - c) / std::max(w, 1e-9)));
        if (function_ == Function::linear_exact) {
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
    double full_range(double x) const {
        const double range = info_.range_high - info_.range_low;
        return range > 0 ? std::clamp((x - info_.range_low) / range, 0.0, 1.0) : 0.5;
    }

    const DicomInfo& info_;
    VoiPreset::Kind kind_ = VoiPreset::Kind::full_range;
    Function function_ = Function::linear;
    double c_ = 0.0, w_ = 1.0, top_ = 1.0;
    const DicomLut* lut_ = nullptr;
};

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

double voi_value(const DicomInfo& info, int preset, double x) { return VoiMap(info, preset)(x); }

Image apply_voi(const DicomImage& dicom, int preset) {
    Image out;
    out.width = dicom.modality.width;
    out.height = dicom.modality.height;
    out.max_value = 1.0f;
    out.pixels.resize(dicom.modality.pixels.size());
    const VoiMap map(dicom.info, preset);
    for (std::size_t i = 0; i < out.pixels.size(); ++i) out.pixels[i] = float(map(dicom.modality.pixels[i]));
    return out;
}

}  // namespace keybot
