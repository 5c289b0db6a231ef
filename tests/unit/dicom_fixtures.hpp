#pragma once
// DICOM files made at test time with GDCM's writer (never committed): an 8-bit grey image stored in a chosen
// transfer syntax, either as is (MONOCHROME2, 8 bits) or as a 12-bit MONOCHROME1 image with a rescale and a
// window whose default VOI gives back exactly the 8-bit grey levels / 255.
#include <cstdint>
#include <string>
#include <vector>

namespace test {

enum class DicomLayout {
    mono2_8bit,           // stored = grey, no rescale, no window (full range 0..255 is the default VOI)
    mono1_12bit_rescale,  // stored = 16 * (255 - grey), slope 0.5, intercept 100, window 1120.5 / 2041
};

struct DicomFixture {
    std::string transfer_syntax;  // "explicit-le", "implicit-le", "explicit-be", "deflate", "rle", "jpeg-lossless",
                                  // "jpeg-baseline", "jpeg-extended", "jpegls-lossless", "jpegls-near",
                                  // "j2k-lossless", "j2k-lossy"
    DicomLayout layout = DicomLayout::mono2_8bit;
    double pixel_spacing_mm = 0.0;  // > 0: ImagerPixelSpacing on a DX image
};

// An AASCE JPEG wrapped into DICOM, one case per encoding: how the result must compare with the JPEG's pixels
// and keypoints. One table for the native test (test_dicom_files.cpp) and the browser test, which gets the files
// from make_dicom_fixtures (tests/tools).
//   exact    lossless: the very same grey levels, points within 0.5 px
//   dct      JPEG re-encoded at GDCM's quality: points within 0.5 px
//   bounded  near-lossless JPEG-LS (NEAR 1): every grey level within 1 of the source
//   lossy    JPEG 2000 at 10:1: mean grey-level error under 2
// Lossy encodings change the pixels themselves, and the models move a corner by a pixel or two for noise of one
// grey level, so for "bounded" and "lossy" the decoder is checked on the pixels and the shift only reported.
enum class WrapExpect { exact, dct, bounded, lossy };
struct WrapCase {
    const char* syntax;
    DicomLayout layout;
    WrapExpect expect;
};
const std::vector<WrapCase>& aasce_wrap_cases();
const char* name_of(WrapExpect e);
const char* name_of(DicomLayout l);
constexpr double kWrapSpacingMm = 0.143;  // ImagerPixelSpacing of the wrapped files

// The 8-bit grey levels of an image decoded to 0..255, cropped to sides that are multiples of 16 (GDCM's RLE
// encoder asserts on some row counts).
struct GreyImage {
    int width = 0, height = 0;
    std::vector<std::uint8_t> grey;
};
GreyImage cropped_grey(int width, int height, const std::vector<float>& pixels_0_255);

// The encoded file; throws std::runtime_error when GDCM cannot write it.
std::vector<std::uint8_t> make_dicom(int width, int height, const std::vector<std::uint8_t>& grey, const DicomFixture& f);

// The expected default-VOI grey levels of a 12-bit layout pixel, computed from the DICOM formulas independently of
// keybot's code: stored -> modality (slope/intercept) -> LINEAR window -> inverted.
double expected_mono1_grey(std::uint8_t grey);

}  // namespace test
