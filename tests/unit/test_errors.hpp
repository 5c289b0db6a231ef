#pragma once
// For tests that check whole error messages.
#include <string>

#include "keybot/core/error.hpp"

namespace test {

// The keybot::Error message that fn() throws, or "(no error)".
template <typename Fn>
std::string error_of(Fn fn) {
    try {
        fn();
    } catch (const keybot::Error& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace test
