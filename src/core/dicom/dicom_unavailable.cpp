// Builds without GDCM (KEYBOT_DICOM off or GDCM not found): DICOM files are recognised and refused clearly.
#include "keybot/core/dicom.hpp"
#include "keybot/core/error.hpp"

namespace keybot {

namespace {
[[noreturn]] void refuse() {
    throw Error("this build of KeyBot cannot read DICOM files (built without GDCM); export the image as PNG");
}
}  // namespace

bool dicom_supported() { return false; }
ImageHeader probe_dicom(const std::uint8_t*, std::size_t) { refuse(); }
DicomImage decode_dicom(const std::uint8_t*, std::size_t, std::string*) { refuse(); }

}  // namespace keybot
