#pragma once
// Why a command failed, as a code that programs can test (window.keybot throws a KeybotError whose `code` is
// the name below; keybot.constants.errors lists them all) next to the message shown to the user.
#include <string>

namespace keybot::app {

#define KEYBOT_COMMAND_ERRORS(X)                                                                   \
    X(none)              /* success */                                                             \
    X(unknown_command)   /* no command of that name */                                             \
    X(bad_arguments)     /* missing, extra or ill-typed arguments */                               \
    X(no_image)          /* no image is open */                                                    \
    X(no_points)         /* the open image has no points yet (prediction not run) */               \
    X(bad_index)         /* a point or image index out of range */                                 \
    X(nothing_to_undo)                                                                             \
    X(nothing_to_redo)                                                                             \
    X(not_found)         /* nothing matches (no flagged / unreviewed point left) */                \
    X(no_models)         /* the models are not loaded */                                           \
    X(bad_format)        /* unknown export format, unreadable annotation */                        \
    X(io_failed)         /* a file could not be read or written */                                 \
    X(not_available)     /* not on this platform (e.g. file paths in the browser) */               \
    X(wrong_mode)        /* not in this mode: practice on (the models stay silent) or off */       \
    X(incomplete)        /* practice Check before every point is placed */                         \
    X(failed)            /* anything else (the message says what) */

enum class CommandError {
#define KEYBOT_ENUM_ENTRY(name) name,
    KEYBOT_COMMAND_ERRORS(KEYBOT_ENUM_ENTRY)
#undef KEYBOT_ENUM_ENTRY
};

inline const char* to_string(CommandError e) {
    switch (e) {
#define KEYBOT_NAME_ENTRY(name) \
    case CommandError::name: return #name;
        KEYBOT_COMMAND_ERRORS(KEYBOT_NAME_ENTRY)
#undef KEYBOT_NAME_ENTRY
    }
    return "failed";
}

}  // namespace keybot::app
