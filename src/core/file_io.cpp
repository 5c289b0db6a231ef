#include "keybot/core/file_io.hpp"

#include <fstream>
#include <iterator>

#include "keybot/core/error.hpp"

namespace keybot {
namespace {

std::ifstream open_for_reading(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("cannot open '" + path + "' for reading");
    return in;
}

}  // namespace

std::vector<std::uint8_t> read_file_bytes(const std::string& path) {
    std::ifstream in = open_for_reading(path);
    std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw Error("error while reading '" + path + "'");
    return bytes;
}

std::vector<std::uint8_t> read_file_prefix(const std::string& path, std::size_t max_bytes) {
    std::ifstream in = open_for_reading(path);
    std::vector<std::uint8_t> bytes(max_bytes);
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(max_bytes));
    if (in.bad()) throw Error("error while reading '" + path + "'");
    bytes.resize(static_cast<std::size_t>(in.gcount()));
    return bytes;
}

std::string read_file_text(const std::string& path) {
    const auto bytes = read_file_bytes(path);
    return std::string(bytes.begin(), bytes.end());
}

void write_file_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw Error("cannot open '" + path + "' for writing");
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw Error("error while writing '" + path + "'");
}

void write_file_text(const std::string& path, const std::string& text) {
    write_file_bytes(path, std::vector<std::uint8_t>(text.begin(), text.end()));
}

void write_png(const std::string& path, const Image& image) { write_file_bytes(path, encode_png(image)); }

void write_png_rgb(const std::string& path, int width, int height, const std::vector<std::uint8_t>& rgb) {
    write_file_bytes(path, encode_png_rgb(width, height, rgb));
}

}  // namespace keybot
