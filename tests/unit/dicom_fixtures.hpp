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

// The encoded file; throws std::runtime_error when GDCM cannot write it.
std::vector<std::uint8_t> make_dicom(int width, int height, const std::vector<std::uint8_t>& grey, const DicomFixture& f);

// The expected default-VOI grey levels of a 12-bit layout pixel, computed from the DICOM formulas independently of
// keybot's code: stored -> modality (slope/intercept) -> LINEAR window -> inverted.
double expected_mono1_grey(std::uint8_t grey);

}  // namespace test
