// Reading DICOM files with GDCM (dicom.hpp; dicom_gdcm.hpp): the first frame's stored values, the grey-level attributes, the
// pixel spacing and the UIDs. Nothing else of the header is kept (no patient name, ID or birth date).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <istream>
#include <limits>
#include <memory>
#include <streambuf>

#include <gdcmDataSet.h>
#include <gdcmImage.h>
#include <gdcmImageReader.h>
#include <gdcmReader.h>
#include <gdcmSequenceOfItems.h>
#include <gdcmStringFilter.h>
#include <gdcmTrace.h>

#include "dicom_gdcm.hpp"
#include "keybot/core/error.hpp"

namespace keybot {

namespace {

// A read-only std::istream over bytes already in memory (GDCM reads from streams and seeks in them).
class MemoryBuffer : public std::streambuf {
public:
    MemoryBuffer(const std::uint8_t* data, std::size_t size) {
        char* p = const_cast<char*>(reinterpret_cast<const char*>(data));
        setg(p, p, p + size);
    }

protected:
    pos_type seekoff(off_type off, std::ios_base::seekdir dir, std::ios_base::openmode) override {
        char* target = dir == std::ios_base::beg ? eback() + off : dir == std::ios_base::cur ? gptr() + off : egptr() + off;
        if (target < eback() || target > egptr()) return pos_type(off_type(-1));
        setg(eback(), target, egptr());
        return pos_type(target - eback());
    }
    pos_type seekpos(pos_type pos, std::ios_base::openmode mode) override {
        return seekoff(off_type(pos), std::ios_base::beg, mode);
    }
};

std::string trimmed(std::string s) {
    const auto not_pad = [](char c) { return c != ' ' && c != '\0'; };
    s.erase(std::find_if(s.rbegin(), s.rend(), not_pad).base(), s.end());
    s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_pad));
    return s;
}

// The values of a multi-valued attribute: backslash-separated, padding trimmed.
std::vector<std::string> strings(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find('\\', start), text.size());
        out.push_back(trimmed(text.substr(start, end - start)));
        start = end + 1;
    }
    return out;
}

// Decimal strings (DS/IS) -> numbers; unparsable entries are skipped.
std::vector<double> numbers(const std::string& text) {
    std::vector<double> out;
    for (const std::string& item : strings(text)) {
        char* stop = nullptr;
        const double v = item.empty() ? 0.0 : std::strtod(item.c_str(), &stop);
        if (!item.empty() && stop && *stop == '\0' && std::isfinite(v)) out.push_back(v);
    }
    return out;
}

class Header {
public:
    explicit Header(const gdcm::File& file) : ds_(file.GetDataSet()) { filter_.SetFile(file); }
    std::string text(std::uint16_t group, std::uint16_t element) const {
        const gdcm::Tag tag(group, element);
        return ds_.FindDataElement(tag) ? trimmed(filter_.ToString(tag)) : std::string();
    }
    std::vector<double> values(std::uint16_t group, std::uint16_t element) const { return numbers(text(group, element)); }
    double value(std::uint16_t group, std::uint16_t element, double fallback) const {
        const auto v = values(group, element);
        return v.empty() ? fallback : v.front();
    }
    const gdcm::DataSet& data_set() const { return ds_; }

private:
    const gdcm::DataSet& ds_;
    gdcm::StringFilter filter_;
};

std::uint16_t le16(const char* p) { return std::uint16_t(std::uint8_t(p[0]) | std::uint8_t(p[1]) << 8); }

// The items of a Modality LUT (0028,3000) or VOI LUT (0028,3010) sequence. LUTDescriptor: entries (0 = 65536),
// first mapped value (signed when the pixels are), bits per entry; LUTData as 16-bit little-endian words (or
// bytes when the data is 8-bit and stored as such).
std::vector<DicomLut> read_luts(const gdcm::DataSet& ds, const gdcm::Tag& sequence, bool signed_pixels) {
    std::vector<DicomLut> out;
    if (!ds.FindDataElement(sequence)) return out;
    gdcm::SmartPointer<gdcm::SequenceOfItems> items = ds.GetDataElement(sequence).GetValueAsSQ();
    if (!items) return out;
    for (gdcm::SequenceOfItems::SizeType i = 1; i <= items->GetNumberOfItems(); ++i) {
        const gdcm::DataSet& item = items->GetItem(i).GetNestedDataSet();
        const gdcm::Tag descriptor_tag(0x0028, 0x3002), data_tag(0x0028, 0x3006), explanation_tag(0x0028, 0x3003);
        if (!item.FindDataElement(descriptor_tag) || !item.FindDataElement(data_tag)) continue;
        const gdcm::ByteValue* d = item.GetDataElement(descriptor_tag).GetByteValue();
        const gdcm::ByteValue* v = item.GetDataElement(data_tag).GetByteValue();
        if (!d || d->GetLength() < 6 || !v) continue;
        const std::uint16_t entries_field = le16(d->GetPointer());
        const std::uint16_t first_field = le16(d->GetPointer() + 2);
        DicomLut lut;
        lut.bits = std::clamp(int(le16(d->GetPointer() + 4)), 1, 16);
        lut.first_mapped = signed_pixels ? double(std::int16_t(first_field)) : double(first_field);
        const std::size_t entries = entries_field == 0 ? 65536u : entries_field;
        const std::size_t length = v->GetLength();
        if (length >= 2 * entries) {
            lut.data.resize(entries);
            for (std::size_t k = 0; k < entries; ++k) lut.data[k] = le16(v->GetPointer() + 2 * k);
        } else if (lut.bits <= 8 && length >= entries) {
            lut.data.resize(entries);
            for (std::size_t k = 0; k < entries; ++k) lut.data[k] = std::uint8_t(v->GetPointer()[k]);
        } else {
            continue;  // truncated table: ignored rather than read past its end
        }
        if (item.FindDataElement(explanation_tag)) {
            if (const gdcm::ByteValue* e = item.GetDataElement(explanation_tag).GetByteValue())
                lut.explanation = trimmed(std::string(e->GetPointer(), e->GetLength()));
        }
        out.push_back(std::move(lut));
    }
    return out;
}

DicomInfo read_info(const gdcm::File& file, const gdcm::Image& image) {
    const Header h(file);
    DicomInfo info;
    const char* ts = file.GetHeader().GetDataSetTransferSyntax().GetString();
    info.transfer_syntax = ts ? trimmed(ts) : std::string();
    info.sop_class_uid = h.text(0x0008, 0x0016);
    info.modality = h.text(0x0008, 0x0060);
    info.study_uid = h.text(0x0020, 0x000D);
    info.series_uid = h.text(0x0020, 0x000E);
    info.sop_instance_uid = h.text(0x0008, 0x0018);
    info.photometric = trimmed(image.GetPhotometricInterpretation().GetString() ? image.GetPhotometricInterpretation().GetString() : "");
    const gdcm::PixelFormat& pf = image.GetPixelFormat();
    info.bits_allocated = pf.GetBitsAllocated();
    info.bits_stored = pf.GetBitsStored();
    info.samples_per_pixel = pf.GetSamplesPerPixel();
    info.is_signed = pf.GetPixelRepresentation() == 1;
    info.frames = image.GetNumberOfDimensions() >= 3 ? int(image.GetDimension(2)) : 1;

    info.rescale_slope = h.value(0x0028, 0x1053, 1.0);
    if (info.rescale_slope == 0.0) info.rescale_slope = 1.0;  // a zero slope would flatten the image
    info.rescale_intercept = h.value(0x0028, 0x1052, 0.0);
    info.rescale_type = h.text(0x0028, 0x1054);
    info.modality_luts = read_luts(h.data_set(), gdcm::Tag(0x0028, 0x3000), info.is_signed);

    // VOI: windows (with their explanations), then LUTs, then the full range.
    const std::vector<double> centers = h.values(0x0028, 0x1050), widths = h.values(0x0028, 0x1051);
    const std::vector<std::string> names = strings(h.text(0x0028, 0x1055));
    const std::string function = h.text(0x0028, 0x1056);
    if (function == "SIGMOID" || function == "LINEAR_EXACT") info.voi_function = function;
    for (std::size_t i = 0; i < std::min(centers.size(), widths.size()); ++i) {
        if (!(widths[i] > 0.0)) continue;
        VoiPreset p;
        p.kind = VoiPreset::Kind::window;
        p.center = centers[i];
        p.width = widths[i];
        p.name = i < names.size() && !names[i].empty() ? names[i] : "Window " + std::to_string(i + 1);
        info.voi_presets.push_back(p);
    }
    info.voi_luts = read_luts(h.data_set(), gdcm::Tag(0x0028, 0x3010), info.is_signed);
    for (std::size_t i = 0; i < info.voi_luts.size(); ++i) {
        VoiPreset p;
        p.kind = VoiPreset::Kind::lut;
        p.lut = int(i);
        p.name = info.voi_luts[i].explanation.empty() ? "VOI LUT " + std::to_string(i + 1) : info.voi_luts[i].explanation;
        info.voi_presets.push_back(p);
    }
    add_full_range_preset(info);
    info.inverted = info.photometric == "MONOCHROME1" || h.text(0x2050, 0x0020) == "INVERSE";

    SpacingAttributes s;
    s.sop_class_uid = info.sop_class_uid;
    s.pixel_spacing = h.values(0x0028, 0x0030);
    s.imager_pixel_spacing = h.values(0x0018, 0x1164);
    s.magnification = h.value(0x0018, 0x1114, 0.0);
    s.calibration_type = h.text(0x0028, 0x0A02);
    info.spacing = choose_spacing(s);
    return info;
}

// One stored sample as an integer, masked to BitsStored and sign-extended per PixelRepresentation.
template <typename T>
double stored_sample(T raw, int bits_stored, int shift, bool is_signed) {
    std::uint64_t v = static_cast<std::uint64_t>(static_cast<std::make_unsigned_t<T>>(raw)) >> shift;
    const int bits = std::clamp(bits_stored, 1, 32);
    const std::uint64_t mask = bits >= 64 ? ~0ull : (1ull << bits) - 1;
    v &= mask;
    if (is_signed && (v >> (bits - 1)) & 1u) return double(std::int64_t(v) - std::int64_t(1ull << bits));
    return double(v);
}

template <typename T>
void fill_modality(const char* buffer, const DicomInfo& info, int high_bit, bool planar, Image& out) {
    const std::size_t n = out.pixels.size();
    const int samples = info.samples_per_pixel;
    const int shift = std::max(0, high_bit + 1 - info.bits_stored);
    const bool rgb = samples == 3 && info.photometric == "RGB";
    for (std::size_t i = 0; i < n; ++i) {
        double value;
        T s[3];
        for (int c = 0; c < std::min(samples, 3); ++c) {
            const std::size_t at = planar ? c * n + i : i * samples + c;
            std::memcpy(&s[c], buffer + at * sizeof(T), sizeof(T));
        }
        if (rgb) {  // Rec. 601 luminance, as for colour PNG/JPEG
            value = 0.299 * stored_sample(s[0], info.bits_stored, shift, false) + 0.587 * stored_sample(s[1], info.bits_stored, shift, false) +
                    0.114 * stored_sample(s[2], info.bits_stored, shift, false);
        } else {  // monochrome, or YBR (Y is the luminance)
            value = stored_sample(s[0], info.bits_stored, shift, info.is_signed && samples == 1);
        }
        out.pixels[i] = float(samples == 1 ? modality_value(info, value) : value);
    }
}

// A parsed file (pixel data still encoded); throws keybot::Error when GDCM cannot read it as an image.
// Reader::Read() without exceptions escaping: GDCM throws std::exception and plain strings alike.
bool read_quietly(gdcm::Reader& reader) {
    try {
        return reader.Read();
    } catch (...) {
        return false;
    }
}

struct DicomReading {
    MemoryBuffer buffer;
    std::istream stream;
    gdcm::ImageReader reader;
    DicomReading(const std::uint8_t* data, std::size_t size) : buffer(data, size), stream(&buffer) {
        gdcm::Trace::SetWarning(false);
        gdcm::Trace::SetError(false);
        gdcm::Trace::SetDebug(false);
        if (!data || size == 0) throw Error("the DICOM file is empty");
        reader.SetStream(stream);
        if (!read_quietly(reader)) {
            // Tell a readable DICOM without an image (report, plan, ...) from a broken file.
            MemoryBuffer again(data, size);
            std::istream plain_stream(&again);
            gdcm::Reader plain;
            plain.SetStream(plain_stream);
            if (read_quietly(plain) && !plain.GetFile().GetDataSet().FindDataElement(gdcm::Tag(0x7FE0, 0x0010)))
                throw Error("the DICOM file holds no image (no Pixel Data: a report, a plan or another non-image object)");
            throw Error("not a readable DICOM file (corrupt, truncated, or an encoding GDCM cannot read)");
        }
    }
};

// GDCM keeps the declared length of uncompressed Pixel Data even when the file ends early (and pads with
// zeros). Finds the element in the bytes (its tag, then the declared length in the explicit or implicit VR
// layout, either byte order) and tells whether the file holds all of it.
bool pixel_data_truncated(const std::uint8_t* data, std::size_t size, std::uint32_t declared) {
    for (std::size_t i = size >= 8 ? size - 8 : 0; i-- > 0;) {
        const bool le = data[i] == 0xE0 && data[i + 1] == 0x7F && data[i + 2] == 0x10 && data[i + 3] == 0x00;
        const bool be = data[i] == 0x7F && data[i + 1] == 0xE0 && data[i + 2] == 0x00 && data[i + 3] == 0x10;
        if (!le && !be) continue;
        auto u32 = [&](std::size_t at) {
            const std::uint8_t* q = data + at;
            return le ? std::uint32_t(q[0]) | std::uint32_t(q[1]) << 8 | std::uint32_t(q[2]) << 16 | std::uint32_t(q[3]) << 24
                      : std::uint32_t(q[3]) | std::uint32_t(q[2]) << 8 | std::uint32_t(q[1]) << 16 | std::uint32_t(q[0]) << 24;
        };
        const bool explicit_vr = data[i + 4] == 'O' && i + 12 <= size;
        const std::size_t value_at = explicit_vr ? i + 12 : i + 8;
        if (u32(value_at - 4) != declared) continue;
        return size - value_at < declared;
    }
    return false;
}

ImageHeader header_of(const gdcm::Image& image) {
    ImageHeader h;
    h.width = int(std::min<unsigned>(image.GetDimension(0), unsigned(std::numeric_limits<int>::max())));
    h.height = int(std::min<unsigned>(image.GetDimension(1), unsigned(std::numeric_limits<int>::max())));
    h.channels = image.GetPixelFormat().GetSamplesPerPixel();
    h.is_16_bit = image.GetPixelFormat().GetBitsAllocated() > 8;
    return h;
}

}  // namespace

ImageHeader probe_dicom_in_process(const std::uint8_t* data, std::size_t size) {
    DicomReading r(data, size);
    return header_of(r.reader.GetImage());
}


DicomImage decode_dicom_in_process(const std::uint8_t* data, std::size_t size, std::string* notice) {
    DicomReading r(data, size);
    const gdcm::ImageReader& reader = r.reader;
    const gdcm::Image& image = reader.GetImage();
    const ImageHeader header = header_of(image);
    check_image_limits(header);

    DicomImage out;
    out.info = read_info(reader.GetFile(), image);
    DicomInfo& info = out.info;
    const int bytes_per_sample = info.bits_allocated / 8;
    if (info.bits_allocated != 8 && info.bits_allocated != 16 && info.bits_allocated != 32)
        throw Error("DICOM pixels of " + std::to_string(info.bits_allocated) + " bits allocated are not supported (8, 16 or 32)");
    if (info.samples_per_pixel != 1 && !(info.samples_per_pixel == 3 && (info.photometric == "RGB" || info.photometric.rfind("YBR", 0) == 0)))
        throw Error("DICOM photometric interpretation " + info.photometric + " is not supported (MONOCHROME1/2, RGB or YBR)");
    const std::size_t pixels = std::size_t(header.width) * header.height;
    const std::size_t frame_bytes = pixels * info.samples_per_pixel * bytes_per_sample;
    const unsigned long total = image.GetBufferLength();
    constexpr unsigned long kMaxDecodedBytes = 1ul << 30;  // all frames are decoded at once
    if (total > kMaxDecodedBytes)
        throw ImageTooLarge("the DICOM file's " + std::to_string(info.frames) + " frames decode to over 1 GB; KeyBot opens the first frame of smaller files");
    // Uncompressed pixel data shorter than a frame (GDCM would pad it with zeros) is a truncated file.
    const gdcm::DataSet& ds = reader.GetFile().GetDataSet();
    const gdcm::ByteValue* stored = ds.FindDataElement(gdcm::Tag(0x7FE0, 0x0010)) ? ds.GetDataElement(gdcm::Tag(0x7FE0, 0x0010)).GetByteValue() : nullptr;
    if (total < frame_bytes || (stored && (stored->GetLength() < frame_bytes || pixel_data_truncated(data, size, stored->GetLength()))))
        throw Error("the DICOM pixel data is shorter than one frame (truncated file)");
    std::vector<char> raw(total);
    bool decoded = false;
    try {
        decoded = image.GetBuffer(raw.data());
    } catch (...) {  // GDCM also throws plain strings
        decoded = false;
    }
    if (!decoded) throw Error("the DICOM pixel data could not be decoded (transfer syntax " + info.transfer_syntax + ")");

    out.modality.width = header.width;
    out.modality.height = header.height;
    out.modality.pixels.resize(pixels);
    const bool planar = image.GetPlanarConfiguration() == 1;
    const int high_bit = image.GetPixelFormat().GetHighBit();
    if (bytes_per_sample == 1) fill_modality<std::uint8_t>(raw.data(), info, high_bit, planar, out.modality);
    else if (bytes_per_sample == 2) fill_modality<std::uint16_t>(raw.data(), info, high_bit, planar, out.modality);
    else fill_modality<std::uint32_t>(raw.data(), info, high_bit, planar, out.modality);
    const auto [lo, hi] = std::minmax_element(out.modality.pixels.begin(), out.modality.pixels.end());
    info.min_value = *lo;
    info.max_value = *hi;
    info.range_low = info.min_value;
    info.range_high = info.max_value;
    if (info.bits_stored <= 8 && info.samples_per_pixel == 1) {
        const double levels = std::ldexp(1.0, std::max(1, info.bits_stored));
        const double a = modality_value(info, info.is_signed ? -levels / 2 : 0.0);
        const double b = modality_value(info, info.is_signed ? levels / 2 - 1 : levels - 1);
        info.range_low = std::min(a, b);
        info.range_high = std::max(a, b);
    } else if (info.samples_per_pixel == 3) {
        info.range_low = 0.0;
        info.range_high = std::ldexp(1.0, info.bits_stored) - 1.0;
    }
    out.modality.max_value = std::max(1.0f, *hi);
    if (notice && info.frames > 1)
        *notice = "This DICOM file has " + std::to_string(info.frames) + " frames; KeyBot shows and annotates the first.";
    return out;
}

}  // namespace keybot
