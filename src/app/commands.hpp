#pragma once
// The annotator's command table: everything a user or a program does to the annotator is one entry here, and
// every way in acts through run_command(): the UI's buttons (command_button) and keyboard shortcuts (the
// entries' keys), window.keybot (web_api.cpp's keybot_command; keybot-bridge.js makes a method of each entry's
// `js` name) and the desktop --script runner (the entry's `name` is the script word). Like a Blender operator,
// a new command is one entry: it then has its button, its key, its script word and its JS method.
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "command_error.hpp"

namespace keybot::app {

struct App;

// One argument: its name (usage text) and how a script word or a JS value is read.
struct Param {
    enum class Type { integer, number, text, on_off };
    std::string name;
    Type type = Type::integer;
    bool optional = false;
};

// A keyboard shortcut. Scancodes are SDL's (ImGui 1.86's SDL backend indexes keys by them); `args` are passed
// to the command (arrow keys: the nudge step).
struct KeyBinding {
    enum Mods : unsigned { none = 0, ctrl = 1, shift = 2 };
    int scancode = 0;
    unsigned mods = none;
    bool repeat = false;  // also fires on auto-repeat while held
    nlohmann::json args = nlohmann::json::array();
    std::string label;    // shown in tooltips and the README's table ("Ctrl+Z")
};

struct CommandResult {
    CommandError error = CommandError::none;
    std::string message;                   // user-facing, empty when ok
    nlohmann::json value = nullptr;        // what the command gives back (an index, a ticket, text...)
    bool ok() const { return error == CommandError::none; }
};

struct Command {
    std::string name;         // script word and key of the table ("next-unreviewed")
    std::string js;           // window.keybot method ("nextUnreviewed"); empty: not exposed to JS
    std::vector<Param> params;
    std::string description;  // one line: tooltip, README, keybot.commands()
    bool undoable = false;    // adds an undo step to the open image's document
    std::vector<KeyBinding> keys;
    std::function<bool(const App&)> can_run;  // whether it can run now (buttons are disabled otherwise)
    std::function<CommandResult(App&, const nlohmann::json& args)> run;  // args: validated against params
};

const std::vector<Command>& commands();
const Command* find_command(const std::string& name);

// Who runs a command: the user (buttons, keys, --script) sees a failure as the app's error (status line,
// popup); a program (window.keybot) gets it back in the result only, so a probe that fails does not put a
// modal popup over the page.
enum class Caller { user, program };

// Runs `name` with `args` (a JSON array, read as the command's params). Never throws: unknown commands, bad
// arguments, a command that cannot run now and errors inside the command come back as a result with a code.
// For the user a failure is also recorded as the app's error, except the answers nothing_to_undo,
// nothing_to_redo and not_found. Every command asks for the next frames to be drawn.
CommandResult run_command(App& app, const std::string& name, const nlohmann::json& args = nlohmann::json::array(),
                          Caller caller = Caller::user);
// The same with the arguments as script words ("move 5 10.5 20" -> {"5", "10.5", "20"}).
CommandResult run_command_words(App& app, const std::string& name, const std::vector<std::string>& words);

// The table as JSON for JS (keybot.commands(), the bridge's generated methods): name, js, params, description,
// undoable, keys.
nlohmann::json commands_json();

}  // namespace keybot::app
