#pragma once
// All recoverable failures in keybot_core (bad input files, malformed JSON, unknown schema, ...) are reported
// by throwing keybot::Error with a message meant for the user; nothing in core aborts on bad input.
#include <stdexcept>
#include <string>

namespace keybot {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace keybot
