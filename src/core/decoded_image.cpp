#include "keybot/core/decoded_image.hpp"

#include "keybot/core/error.hpp"

namespace keybot {

DecodedImage decode_image_with_info(const std::uint8_t* data, std::size_t size, const std::string& file_name) {
    DecodedImage out;
    if (is_dicom(data, size)) {
        auto dicom = std::make_shared<DicomImage>(decode_dicom(data, size, &out.notice));
        out.image = model_image(*dicom);
        out.info.spacing = dicom->info.spacing;
        out.info.study_uid = dicom->info.study_uid;
        out.info.series_uid = dicom->info.series_uid;
        out.info.sop_instance_uid = dicom->info.sop_instance_uid;
        out.dicom = std::move(dicom);
    } else {
        out.image = decode_image(data, size);
    }
    out.info.file_name = file_name;
    out.info.width = out.image.width;
    out.info.height = out.image.height;
    return out;
}

}  // namespace keybot
