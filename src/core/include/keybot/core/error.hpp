#pragma once
// All recoverable failures in keybot_core (bad input files, malformed JSON, unknown schema, ...) are reported
// by throwing keybot::Error with a message meant for the user; nothing in core aborts on bad input.
#include <cstddef>
#include <stdexcept>
#include <string>

namespace keybot {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// A short, printable piece of untrusted input for an error message: at most max_chars bytes (control bytes
// shown as '?'), then "... (N bytes)". Messages quote input only through this, so a 10 MB import can never
// come back as a 10 MB error string.
std::string excerpt(const std::string& text, std::size_t max_chars = 40);

}  // namespace keybot
