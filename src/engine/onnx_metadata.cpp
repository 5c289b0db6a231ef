// Protobuf wire-format walk over the few ONNX messages we need (field numbers from onnx/onnx.proto3):
//   ModelProto: graph=7, metadata_props=14 (StringStringEntryProto key=1 value=2)
//   GraphProto: initializer=5 (TensorProto name=8), input=11, output=12 (ValueInfoProto name=1 type=2)
//   TypeProto: tensor_type=1 (elem_type=1, shape=2); TensorShapeProto dim=1 (dim_value=1, dim_param=2)
// Everything else is skipped by wire type, so newer ONNX versions with extra fields still read.
#include "keybot/engine/onnx_metadata.hpp"

#include <set>
#include <string_view>

#include "keybot/core/error.hpp"

namespace keybot::engine {
namespace {

constexpr int kFloat = 1;  // TensorProto.DataType.FLOAT

struct Malformed {
    const char* what;
};

// One length-delimited message: iterate fields with next(); sub-messages are readers over a sub-range.
class Reader {
public:
    Reader(const std::uint8_t* p, const std::uint8_t* end) : p_(p), end_(end) {}

    bool next() {
        if (p_ == end_) return false;
        const std::uint64_t key = varint();
        field_ = static_cast<int>(key >> 3);
        wire_ = static_cast<int>(key & 7);
        if (field_ == 0) throw Malformed{"field number 0"};
        return true;
    }
    int field() const { return field_; }

    std::uint64_t value() {  // varint field
        if (wire_ != 0) throw Malformed{"unexpected wire type"};
        return varint();
    }
    Reader message() {
        auto [b, e] = bytes();
        return Reader(b, e);
    }
    std::string string() {
        auto [b, e] = bytes();
        return std::string(reinterpret_cast<const char*>(b), static_cast<std::size_t>(e - b));
    }
    void skip() {
        switch (wire_) {
            case 0: varint(); break;
            case 1: advance(8); break;
            case 2: bytes(); break;
            case 5: advance(4); break;
            default: throw Malformed{"unsupported wire type (group)"};
        }
    }

private:
    std::uint64_t varint() {
        std::uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (p_ == end_) throw Malformed{"truncated varint"};
            const std::uint8_t b = *p_++;
            v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
            if (!(b & 0x80)) return v;
        }
        throw Malformed{"varint too long"};
    }
    std::pair<const std::uint8_t*, const std::uint8_t*> bytes() {
        if (wire_ != 2) throw Malformed{"unexpected wire type"};
        const std::uint64_t n = varint();
        if (n > static_cast<std::uint64_t>(end_ - p_)) throw Malformed{"truncated field"};
        const std::uint8_t* b = p_;
        p_ += n;
        return {b, p_};
    }
    void advance(std::size_t n) {
        if (n > static_cast<std::size_t>(end_ - p_)) throw Malformed{"truncated field"};
        p_ += n;
    }

    const std::uint8_t* p_;
    const std::uint8_t* end_;
    int field_ = 0, wire_ = 0;
};

std::vector<std::int64_t> read_shape(Reader shape) {
    std::vector<std::int64_t> dims;
    while (shape.next()) {
        if (shape.field() != 1) { shape.skip(); continue; }
        Reader dim = shape.message();
        std::int64_t d = -1;  // dim_param or unset: symbolic
        while (dim.next()) {
            if (dim.field() == 1) d = static_cast<std::int64_t>(dim.value());
            else dim.skip();
        }
        dims.push_back(d);
    }
    return dims;
}

TensorSpec read_value_info(Reader vi) {
    TensorSpec spec;
    spec.is_float = false;  // until a float tensor type is seen
    while (vi.next()) {
        if (vi.field() == 1) { spec.name = vi.string(); continue; }
        if (vi.field() != 2) { vi.skip(); continue; }
        Reader type = vi.message();
        while (type.next()) {
            if (type.field() != 1) { type.skip(); continue; }  // not a dense tensor
            Reader tensor = type.message();
            while (tensor.next()) {
                if (tensor.field() == 1) spec.is_float = tensor.value() == kFloat;
                else if (tensor.field() == 2) spec.shape = read_shape(tensor.message());
                else tensor.skip();
            }
        }
    }
    return spec;
}

std::string initializer_name(Reader tensor) {
    std::string name;
    while (tensor.next()) {
        if (tensor.field() == 8) name = tensor.string();
        else tensor.skip();
    }
    return name;
}

void read_graph(Reader graph, ModelInfo& info) {
    std::set<std::string> initializers;
    std::vector<TensorSpec> inputs;
    while (graph.next()) {
        switch (graph.field()) {
            case 5: initializers.insert(initializer_name(graph.message())); break;
            case 11: inputs.push_back(read_value_info(graph.message())); break;
            case 12: info.outputs.push_back(read_value_info(graph.message())); break;
            default: graph.skip();
        }
    }
    // Before IR version 4 initializers were listed as inputs too; runtimes do not treat them as inputs.
    for (auto& in : inputs)
        if (!initializers.count(in.name)) info.inputs.push_back(std::move(in));
}

}  // namespace

ModelInfo read_onnx_model_info(const std::uint8_t* data, std::size_t size, const std::string& label) {
    ModelInfo info;
    info.label = label;
    if (size == 0) throw Error("model '" + label + "': file is empty");
    bool has_graph = false;
    try {
        Reader model(data, data + size);
        while (model.next()) {
            if (model.field() == 7) {
                read_graph(model.message(), info);
                has_graph = true;
            } else if (model.field() == 14) {
                Reader entry = model.message();
                std::string key, value;
                while (entry.next()) {
                    if (entry.field() == 1) key = entry.string();
                    else if (entry.field() == 2) value = entry.string();
                    else entry.skip();
                }
                info.metadata[key] = value;
            } else {
                model.skip();
            }
        }
    } catch (const Malformed& m) {
        throw Error("model '" + label + "': not an ONNX model (" + m.what + ")");
    }
    if (!has_graph) throw Error("model '" + label + "': not an ONNX model (no graph)");
    return info;
}

ModelInfo read_onnx_model_info(const std::vector<std::uint8_t>& bytes, const std::string& label) {
    return read_onnx_model_info(bytes.data(), bytes.size(), label);
}

}  // namespace keybot::engine
