// KeyBot annotation JSON (document_from_json): every input must give a Document or a keybot::Error, and a
// document that was accepted must survive to_json -> document_from_json unchanged.
#include <cstddef>
#include <cstdint>
#include <string>

#include "keybot/core/document.hpp"
#include "keybot/core/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const keybot::Document doc = keybot::document_from_json(text, keybot::aasce_spine());
        const keybot::Document back = keybot::document_from_json(keybot::to_json(doc), keybot::aasce_spine());
        if (back.points() != doc.points() || !(back.image() == doc.image())) __builtin_trap();
    } catch (const keybot::Error&) {
    }
    try {
        keybot::document_from_json(text);  // schema looked up by name
    } catch (const keybot::Error&) {
    }
    return 0;
}
