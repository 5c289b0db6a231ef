// keybot CLI entry point: dispatches `keybot <command> ...` to the registered commands.
#include <algorithm>
#include <exception>
#include <iostream>

#include "command.hpp"

namespace keybot::cli {

std::vector<Command>& command_table() {
    static std::vector<Command> table;
    return table;
}

std::string ParsedArgs::require(const std::string& option) const {
    auto it = values.find(option);
    if (it == values.end()) throw UsageError("missing required option " + option);
    return it->second;
}

ParsedArgs parse_args(const std::vector<std::string>& args, const std::set<std::string>& value_options,
                      const std::set<std::string>& flags) {
    ParsedArgs out;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (value_options.count(a)) {
            if (i + 1 >= args.size()) throw UsageError("option " + a + " needs a value");
            out.values[a] = args[++i];
        } else if (flags.count(a)) {
            out.flags.insert(a);
        } else if (a.size() > 1 && a[0] == '-') {
            throw UsageError("unknown option " + a);
        } else {
            out.positional.push_back(a);
        }
    }
    return out;
}

std::string repeated_entries(const std::map<std::string, std::vector<std::string>>& groups, const std::string& between) {
    std::string out;
    for (const auto& [key, entries] : groups) {
        if (entries.size() < 2) continue;
        out += "\n  " + key + between;
        for (std::size_t i = 0; i < entries.size(); ++i) out += (i ? ", " : "") + entries[i];
    }
    return out;
}

namespace {

void print_overview(std::ostream& out) {
    out << "usage: keybot <command> [options]\n       keybot <command> --help\n\ncommands:\n";
    auto table = command_table();
    std::sort(table.begin(), table.end(), [](const Command& a, const Command& b) { return a.name < b.name; });
    for (const Command& c : table) out << "  " << c.name << std::string(c.name.size() < 10 ? 10 - c.name.size() : 1, ' ') << c.summary << "\n";
}

}  // namespace
}  // namespace keybot::cli

int main(int argc, char** argv) {
    using namespace keybot::cli;
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        print_overview(std::cerr);
        return 2;
    }
    if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        print_overview(std::cout);
        return 0;
    }
    const auto& table = command_table();
    auto it = std::find_if(table.begin(), table.end(), [&](const Command& c) { return c.name == args[0]; });
    if (it == table.end()) {
        std::cerr << "keybot: unknown command '" << args[0] << "'\n\n";
        print_overview(std::cerr);
        return 2;
    }
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (std::find(rest.begin(), rest.end(), "--help") != rest.end() || std::find(rest.begin(), rest.end(), "-h") != rest.end()) {
        std::cout << it->usage;
        return 0;
    }
    try {
        return it->run(rest);
    } catch (const UsageError& e) {
        std::cerr << "keybot " << it->name << ": " << e.what() << "\n\n" << it->usage;
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "keybot " << it->name << ": error: " << e.what() << "\n";
        return 1;
    }
}
