#pragma once
// Subcommand registry for the keybot CLI. A command file defines a run function and registers it with
//   static const keybot::cli::Registration reg{{"name", "one-line summary", "usage text", &run}};
// Exit codes: 0 success, 1 runtime failure, 2 usage error (throw UsageError for the latter).
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace keybot::cli {

struct Command {
    std::string name;
    std::string summary;  // shown by `keybot --help`
    std::string usage;    // shown by `keybot <name> --help` and on usage errors
    int (*run)(const std::vector<std::string>& args);
};

std::vector<Command>& command_table();

struct Registration {
    explicit Registration(Command command) { command_table().push_back(std::move(command)); }
};

class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Minimal option parsing: `--name value` for names in value_options, `--name` for names in flags, the rest
// positional. Unknown options or a missing value throw UsageError.
struct ParsedArgs {
    std::map<std::string, std::string> values;
    std::set<std::string> flags;
    std::vector<std::string> positional;
    bool has(const std::string& flag) const { return flags.count(flag) != 0; }
    std::string require(const std::string& option) const;  // UsageError when absent
};
ParsedArgs parse_args(const std::vector<std::string>& args, const std::set<std::string>& value_options,
                      const std::set<std::string>& flags);

// For refusing ambiguous inputs: "\n  KEY<between>a, b" for every key with more than one entry, "" when none.
std::string repeated_entries(const std::map<std::string, std::vector<std::string>>& groups, const std::string& between);

}  // namespace keybot::cli
