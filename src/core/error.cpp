#include "keybot/core/error.hpp"

namespace keybot {

std::string excerpt(const std::string& text, std::size_t max_chars) {
    const bool cut = text.size() > max_chars;
    std::string out = text.substr(0, cut ? max_chars : text.size());
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    if (cut) out += "... (" + std::to_string(text.size()) + " bytes)";
    return out;
}

}  // namespace keybot
