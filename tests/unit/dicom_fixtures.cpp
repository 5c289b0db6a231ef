#include "dicom_fixtures.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include <gdcmAttribute.h>
#include <gdcmImage.h>
#include <gdcmImageChangeTransferSyntax.h>
#include <gdcmImageWriter.h>
#include <gdcmJPEG2000Codec.h>
#include <gdcmJPEGLSCodec.h>
#include <gdcmTrace.h>
#include <gdcmUIDGenerator.h>

namespace test {

namespace {

gdcm::TransferSyntax::TSType syntax_of(const std::string& name) {
    using T = gdcm::TransferSyntax;
    if (name == "explicit-le") return T::ExplicitVRLittleEndian;
    if (name == "implicit-le") return T::ImplicitVRLittleEndian;
    if (name == "explicit-be") return T::ExplicitVRBigEndian;
    if (name == "deflate") return T::DeflatedExplicitVRLittleEndian;
    if (name == "rle") return T::RLELossless;
    if (name == "jpeg-lossless") return T::JPEGLosslessProcess14_1;
    if (name == "jpeg-baseline") return T::JPEGBaselineProcess1;
    if (name == "jpeg-extended") return T::JPEGExtendedProcess2_4;
    if (name == "jpegls-lossless") return T::JPEGLSLossless;
    if (name == "jpegls-near") return T::JPEGLSNearLossless;
    if (name == "j2k-lossless") return T::JPEG2000Lossless;
    if (name == "j2k-lossy") return T::JPEG2000;
    throw std::runtime_error("unknown transfer syntax " + name);
}

template <std::uint16_t G, std::uint16_t E>
void put(gdcm::DataSet& ds, const std::string& value) {
    gdcm::DataElement de(gdcm::Tag(G, E));
    std::string v = value;
    if (v.size() % 2) v += gdcm::Attribute<G, E>::GetVR() == gdcm::VR::UI ? '\0' : ' ';
    de.SetByteValue(v.data(), std::uint32_t(v.size()));
    de.SetVR(gdcm::Attribute<G, E>::GetVR());
    ds.Replace(de);
}

}  // namespace

double expected_mono1_grey(std::uint8_t grey) {
    const double stored = 16.0 * (255 - grey);
    const double modality = 0.5 * stored + 100.0;
    const double c = 1120.5, w = 2041.0;  // PS3.3 C.11.2.1.2.1 LINEAR
    double y;
    if (modality <= c - 0.5 - (w - 1) / 2) y = 0.0;
    else if (modality > c - 0.5 + (w - 1) / 2) y = 1.0;
    else y = (modality - (c - 0.5)) / (w - 1) + 0.5;
    return 1.0 - y;  // MONOCHROME1
}

std::vector<std::uint8_t> make_dicom(int width, int height, const std::vector<std::uint8_t>& grey, const DicomFixture& f) {
    gdcm::SmartPointer<gdcm::Image> image = new gdcm::Image;
    image->SetNumberOfDimensions(2);
    image->SetDimension(0, unsigned(width));
    image->SetDimension(1, unsigned(height));
    gdcm::Trace::SetWarning(false);
    const bool twelve = f.layout == DicomLayout::mono1_12bit_rescale;
    std::vector<char> pixels;
    if (twelve) {
        image->SetPixelFormat(gdcm::PixelFormat(1, 16, 12, 11, 0));
        image->SetPhotometricInterpretation(gdcm::PhotometricInterpretation::MONOCHROME1);
        pixels.resize(grey.size() * 2);
        for (std::size_t i = 0; i < grey.size(); ++i) {
            const std::uint16_t s = std::uint16_t(16 * (255 - grey[i]));
            pixels[2 * i] = char(s & 0xFF);
            pixels[2 * i + 1] = char(s >> 8);
        }
    } else {
        image->SetPixelFormat(gdcm::PixelFormat(1, 8, 8, 7, 0));
        image->SetPhotometricInterpretation(gdcm::PhotometricInterpretation::MONOCHROME2);
        pixels.assign(grey.begin(), grey.end());
    }
    image->SetTransferSyntax(gdcm::TransferSyntax::ExplicitVRLittleEndian);
    gdcm::DataElement pixel_data(gdcm::Tag(0x7FE0, 0x0010));
    pixel_data.SetByteValue(pixels.data(), std::uint32_t(pixels.size()));
    image->SetDataElement(pixel_data);
    if (f.pixel_spacing_mm > 0) {  // written as ImagerPixelSpacing for CR
        image->SetSpacing(0, f.pixel_spacing_mm);
        image->SetSpacing(1, f.pixel_spacing_mm);
    }
    if (twelve) {
        image->SetSlope(0.5);
        image->SetIntercept(100.0);
    }

    const gdcm::TransferSyntax::TSType target = syntax_of(f.transfer_syntax);
    gdcm::ImageChangeTransferSyntax change;
    gdcm::JPEGLSCodec jpegls;
    gdcm::JPEG2000Codec j2k;
    if (target == gdcm::TransferSyntax::JPEGLSNearLossless) {
        jpegls.SetLossless(false);
        jpegls.SetLossyError(1);
        change.SetUserCodec(&jpegls);
    }
    if (target == gdcm::TransferSyntax::JPEG2000) {
        j2k.SetRate(0, 10.0);  // 10:1
        change.SetUserCodec(&j2k);
    }
    const bool encapsulated = target != gdcm::TransferSyntax::ExplicitVRLittleEndian && target != gdcm::TransferSyntax::ImplicitVRLittleEndian &&
                              target != gdcm::TransferSyntax::ExplicitVRBigEndian && target != gdcm::TransferSyntax::DeflatedExplicitVRLittleEndian;
    gdcm::ImageWriter writer;
    // GDCM derives the attributes it writes (rescale, spacing) from the SOP class: set it before SetImage.
    put<0x0008, 0x0016>(writer.GetFile().GetDataSet(), "1.2.840.10008.5.1.4.1.1.1");
    if (encapsulated) {
        change.SetTransferSyntax(target);
        change.SetInput(*image);
        if (!change.Change()) throw std::runtime_error("GDCM could not encode " + f.transfer_syntax);
        writer.SetImage(change.GetOutput());
    } else {
        image->SetTransferSyntax(target);
        writer.SetImage(*image);
    }
    gdcm::DataSet& ds = writer.GetFile().GetDataSet();
    gdcm::UIDGenerator uid;
    put<0x0008, 0x0016>(ds, "1.2.840.10008.5.1.4.1.1.1");  // CR (GDCM refuses a rescale on DX)
    put<0x0008, 0x0018>(ds, uid.Generate());
    put<0x0008, 0x0060>(ds, "CR");
    put<0x0010, 0x0010>(ds, "Test^Patient");  // must never reach an export
    put<0x0010, 0x0020>(ds, "PID-12345");
    put<0x0020, 0x000D>(ds, "1.2.826.0.1.3680043.2.1125.1.1");
    put<0x0020, 0x000E>(ds, "1.2.826.0.1.3680043.2.1125.1.2");
    if (twelve) {
        put<0x0028, 0x1050>(ds, "1120.5");
        put<0x0028, 0x1051>(ds, "2041");
    }
    if (!encapsulated) writer.GetFile().GetHeader().SetDataSetTransferSyntax(target);
    std::ostringstream out;
    writer.SetStream(out);
    if (!writer.Write()) throw std::runtime_error("GDCM could not write the " + f.transfer_syntax + " file");
    const std::string bytes = out.str();
    return std::vector<std::uint8_t>(bytes.begin(), bytes.end());
}

const std::vector<WrapCase>& aasce_wrap_cases() {
    const auto mono2 = DicomLayout::mono2_8bit, mono1 = DicomLayout::mono1_12bit_rescale;
    static const std::vector<WrapCase> cases = {
        {"explicit-le", mono2, WrapExpect::exact},     {"implicit-le", mono2, WrapExpect::exact},
        {"explicit-be", mono2, WrapExpect::exact},     {"deflate", mono2, WrapExpect::exact},
        {"rle", mono2, WrapExpect::exact},             {"jpeg-lossless", mono2, WrapExpect::exact},
        {"jpegls-lossless", mono2, WrapExpect::exact}, {"j2k-lossless", mono2, WrapExpect::exact},
        {"jpeg-baseline", mono2, WrapExpect::dct},     {"jpegls-near", mono2, WrapExpect::bounded},
        {"j2k-lossy", mono2, WrapExpect::lossy},       {"explicit-le", mono1, WrapExpect::exact},
        {"jpegls-lossless", mono1, WrapExpect::exact}, {"j2k-lossless", mono1, WrapExpect::exact},
        {"jpeg-extended", mono1, WrapExpect::dct},
    };
    return cases;
}

const char* name_of(WrapExpect e) {
    switch (e) {
        case WrapExpect::exact: return "exact";
        case WrapExpect::dct: return "dct";
        case WrapExpect::bounded: return "bounded";
        case WrapExpect::lossy: return "lossy";
    }
    return "?";
}

const char* name_of(DicomLayout l) { return l == DicomLayout::mono2_8bit ? "mono2-8bit" : "mono1-12bit-rescale"; }

GreyImage cropped_grey(int width, int height, const std::vector<float>& pixels_0_255) {
    GreyImage g;
    g.width = width / 16 * 16;
    g.height = height / 16 * 16;
    g.grey.reserve(std::size_t(g.width) * g.height);
    for (int y = 0; y < g.height; ++y)
        for (int x = 0; x < g.width; ++x)
            g.grey.push_back(std::uint8_t(std::lround(pixels_0_255[std::size_t(y) * width + x])));
    return g;
}

}  // namespace test
