#pragma once
// An image file decoded together with what the annotation records about it: its size, and for DICOM its pixel
// spacing and identity (dicom.hpp). What the CLI and the app use to open any supported file.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "keybot/core/dicom.hpp"
#include "keybot/core/document.hpp"
#include "keybot/core/image.hpp"

namespace keybot {

struct DecodedImage {
    Image image;          // shown and given to the models (DICOM: the default VOI, [0,1])
    ImageInfo info;       // file name, size; spacing and UIDs for DICOM
    std::string notice;   // e.g. "This DICOM file has 3 frames; ..." (empty when there is nothing to say)
    std::shared_ptr<const DicomImage> dicom;  // DICOM only: modality values and grey-level attributes
};

// Throws keybot::Error as decode_image / decode_dicom do.
DecodedImage decode_image_with_info(const std::uint8_t* data, std::size_t size, const std::string& file_name);

}  // namespace keybot
