#include "keybot/engine/contract.hpp"

#include <set>

#include "keybot/core/error.hpp"

namespace keybot::engine {

const char* to_string(Role role) {
    switch (role) {
        case Role::refiner: return "refiner";
        case Role::detector: return "detector";
        case Role::corrector: return "corrector";
    }
    return "?";
}

bool role_from_string(const std::string& name, Role& role) {
    for (Role r : kRoles)
        if (name == to_string(r)) {
            role = r;
            return true;
        }
    return false;
}

namespace {

using Shape = std::vector<std::int64_t>;

struct Checker {
    const ModelInfo& info;
    Role role;
    [[noreturn]] void fail(const std::string& what) const {
        throw Error("model '" + info.label + "' (" + to_string(role) + "): " + what);
    }
    int positive_int(const char* key) const {
        const std::string v = info.metadata_value(key);
        if (v.empty()) fail(std::string("metadata ") + key + " is missing");
        std::size_t used = 0;
        int n = 0;
        try {
            n = std::stoi(v, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != v.size() || n <= 0 || n > 16384) fail(std::string("metadata ") + key + " = '" + v + "' is not a positive size");
        return n;
    }
    // Dynamic dimensions (negative) are accepted; fixed ones must match.
    void check(const TensorSpec* spec, const char* kind, const char* name, const Shape& want) const {
        if (!spec) fail(std::string("has no ") + kind + " named '" + name + "'");
        if (!spec->is_float) fail(std::string(kind) + " '" + name + "' is not a float32 tensor");
        bool ok = spec->shape.size() == want.size();
        for (std::size_t i = 0; ok && i < want.size(); ++i) ok = spec->shape[i] < 0 || spec->shape[i] == want[i];
        if (!ok) fail(std::string(kind) + " '" + name + "' has shape " + shape_to_string(spec->shape) + ", expected " + shape_to_string(want));
    }
};

}  // namespace

const char* corrector_output(const ModelInfo& info) {
    return info.output(contract::kXy) ? contract::kXy : contract::kXyOut;
}

ModelGeometry validate_model(const ModelInfo& info, Role role, const Schema& schema) {
    namespace c = contract;
    const Checker ck{info, role};
    const std::string schema_name = info.metadata_value(c::kSchemaKey);
    if (schema_name.empty()) ck.fail(std::string("metadata ") + c::kSchemaKey + " is missing (not a KeyBot model?)");
    if (schema_name != schema.name) ck.fail("schema is '" + schema_name + "', expected '" + schema.name + "'");
    const std::string role_name = info.metadata_value(c::kRoleKey);
    if (role_name != to_string(role)) ck.fail("metadata " + std::string(c::kRoleKey) + " is '" + role_name + "', expected '" + to_string(role) + "'");

    ModelGeometry g;
    g.input_height = ck.positive_int(c::kHeightKey);
    g.input_width = ck.positive_int(c::kWidthKey);
    g.version = info.metadata_value(c::kVersionKey);

    const std::int64_t n = schema.size();
    const Shape image{1, 1, g.input_height, g.input_width}, points{1, n, 2}, mask{1, n};
    std::set<std::string> expected;
    auto in = [&](const char* name, const Shape& s) {
        ck.check(info.input(name), "input", name, s);
        expected.insert(name);
    };
    in(c::kImage, image);
    switch (role) {
        case Role::refiner:
            in(c::kHintXy, points);
            in(c::kHintMask, mask);
            ck.check(info.output(c::kXy), "output", c::kXy, points);
            if (info.output(c::kSpread)) ck.check(info.output(c::kSpread), "output", c::kSpread, mask);
            break;
        case Role::detector:
            in(c::kXy, points);
            ck.check(info.output(c::kErrorProb), "output", c::kErrorProb, mask);
            break;
        case Role::corrector:
            in(c::kXy, points);
            in(c::kTrustMask, mask);
            ck.check(info.output(corrector_output(info)), "output", "xy' or 'xy_out", points);
            break;
    }
    for (const TensorSpec& s : info.inputs)
        if (!expected.count(s.name)) ck.fail("unexpected input '" + s.name + "' (the contract feeds only the named inputs)");
    return g;
}

}  // namespace keybot::engine
