// COCO keypoints JSON (document_from_coco) and the format-detecting import_annotation that every UI import goes
// through: a Document / points or a keybot::Error, and an accepted COCO document survives a round trip.
#include <cstddef>
#include <cstdint>
#include <string>

#include "keybot/core/error.hpp"
#include "keybot/core/formats.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const keybot::Schema& schema = keybot::aasce_spine();
    try {
        const keybot::Document doc = keybot::document_from_coco(text, schema);
        const keybot::Document back = keybot::document_from_coco(keybot::to_coco_json(doc), schema);
        if (back.points() != doc.points() || !(back.image() == doc.image())) __builtin_trap();
    } catch (const keybot::Error&) {
    }
    try {
        const auto imported = keybot::import_annotation(text, schema, keybot::ImageInfo{"x.png", 1000, 2000});
        if (static_cast<int>(imported.points.size()) != schema.size()) __builtin_trap();
    } catch (const keybot::Error&) {
    }
    return 0;
}
