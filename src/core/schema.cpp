#include "keybot/core/schema.hpp"

#include <set>

#include "keybot/core/error.hpp"

namespace keybot {

int Schema::index_of(const std::string& landmark) const {
    for (int i = 0; i < size(); ++i)
        if (landmarks[i] == landmark) return i;
    return -1;
}

std::vector<int> Schema::flip_permutation() const {
    std::vector<int> perm(landmarks.size());
    for (int i = 0; i < size(); ++i) perm[i] = i;
    for (const auto& [a, b] : flip_pairs) {
        perm[a] = b;
        perm[b] = a;
    }
    return perm;
}

void validate(const Schema& schema) {
    const int n = schema.size();
    if (schema.name.empty()) throw Error("schema has no name");
    if (n == 0) throw Error("schema '" + schema.name + "' has no landmarks");
    if (std::set<std::string>(schema.landmarks.begin(), schema.landmarks.end()).size() != schema.landmarks.size())
        throw Error("schema '" + schema.name + "' has duplicate landmark names");
    if (!schema.group_names.empty() && schema.group_names.size() != schema.groups.size())
        throw Error("schema '" + schema.name + "': group_names and groups differ in size");
    auto check = [&](int i) {
        if (i < 0 || i >= n) throw Error("schema '" + schema.name + "': landmark index " + std::to_string(i) + " out of range");
    };
    for (const auto& g : schema.groups) {
        if (!schema.corner_names.empty() && g.size() != schema.corner_names.size())
            throw Error("schema '" + schema.name + "': group size differs from corner_names");
        for (int i : g) check(i);
    }
    std::set<int> flipped;
    for (const auto& [a, b] : schema.flip_pairs) {
        check(a);
        check(b);
        if (a == b || !flipped.insert(a).second || !flipped.insert(b).second)
            throw Error("schema '" + schema.name + "': a landmark appears in more than one flip pair");
    }
}

Schema grouped_schema(std::string name, std::vector<std::string> group_names, std::vector<std::string> corner_names,
                      const std::vector<std::pair<int, int>>& corner_flip) {
    Schema s;
    s.name = std::move(name);
    const int corners = static_cast<int>(corner_names.size());
    for (int g = 0; g < static_cast<int>(group_names.size()); ++g) {
        std::vector<int> members;
        for (int c = 0; c < corners; ++c) {
            members.push_back(static_cast<int>(s.landmarks.size()));
            s.landmarks.push_back(group_names[g] + "_" + corner_names[c]);
        }
        for (const auto& [a, b] : corner_flip) s.flip_pairs.emplace_back(g * corners + a, g * corners + b);
        s.groups.push_back(std::move(members));
    }
    s.group_names = std::move(group_names);
    s.corner_names = std::move(corner_names);
    validate(s);
    return s;
}

const Schema& aasce_spine() {
    static const Schema schema = grouped_schema(
        "aasce_spine_68",
        {"T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "T10", "T11", "T12", "L1", "L2", "L3", "L4", "L5"},
        {"top_left", "top_right", "bottom_left", "bottom_right"}, {{0, 1}, {2, 3}});
    return schema;
}

const Schema* find_schema(const std::string& name) {
    for (const Schema* s : {&aasce_spine()})
        if (s->name == name) return s;
    return nullptr;
}

}  // namespace keybot
