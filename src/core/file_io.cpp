#include "keybot/core/file_io.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <fstream>
#include <iterator>
#include <system_error>

#include "keybot/core/error.hpp"

namespace keybot {
namespace {

std::ifstream open_for_reading(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("cannot open '" + path + "' for reading");
    return in;
}

constexpr std::size_t kHeaderPrefix = 64 * 1024;  // JPEG/PNG headers, unless large metadata comes first

std::string named(const std::string& path, const std::string& message) { return "'" + path + "': " + message; }

// The checks that need no pixels: a regular file within kMaxImageFileBytes, then the header from the prefix.
// Returns false when the prefix gave no header (cut short, or a real error that the whole file will report).
bool probe_prefix(const std::string& path, ImageHeader& header) {
    // POSIX stat rather than std::filesystem: this file is also built for the browser (Emscripten).
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) throw Error(named(path, std::generic_category().message(errno)));
    if (!S_ISREG(st.st_mode)) throw Error(named(path, "not a regular file"));
    const auto size = static_cast<unsigned long long>(st.st_size);
    if (size > kMaxImageFileBytes)
        throw ImageTooLarge(named(path, "the file is " + std::to_string(size >> 20) + " MiB, more than the limit of " +
                                            std::to_string(kMaxImageFileBytes >> 20) + " MiB for an image"));
    try {
        const auto prefix = read_file_prefix(path, kHeaderPrefix);
        // A DICOM header is read from the whole file (the reader needs the whole structure, and checks the
        // limits itself before decoding pixels): probing a prefix would parse it for nothing.
        if (is_dicom(prefix.data(), prefix.size())) return false;
        header = probe_image(prefix);
        check_image_limits(header);
        return true;
    } catch (const ImageTooLarge& e) {
        throw ImageTooLarge(named(path, e.what()));
    } catch (const Error&) {
        return false;  // truncated prefix, or a real error that the whole file will report
    }
}

}  // namespace

ImageHeader probe_image_file(const std::string& path) {
    ImageHeader header;
    if (probe_prefix(path, header)) return header;
    const auto bytes = read_file_bytes(path);
    try {
        return probe_image(bytes);
    } catch (const Error& e) {
        throw Error(named(path, e.what()));
    }
}

Image read_image_file(const std::string& path) { return read_image_file_with_info(path).image; }

DecodedImage read_image_file_with_info(const std::string& path) {
    ImageHeader header;
    probe_prefix(path, header);
    const auto bytes = read_file_bytes(path);
    const std::size_t slash = path.find_last_of("/\\");
    try {
        return decode_image_with_info(bytes.data(), bytes.size(), slash == std::string::npos ? path : path.substr(slash + 1));
    } catch (const Error& e) {
        throw Error(named(path, e.what()));
    }
}

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
    // The last buffered bytes reach the file only on close: a full disk shows up there, not in write().
    out.close();
    if (!out) throw Error("error while writing '" + path + "' (disk full?)");
}

void write_file_text(const std::string& path, const std::string& text) {
    write_file_bytes(path, std::vector<std::uint8_t>(text.begin(), text.end()));
}

void write_png(const std::string& path, const Image& image) { write_file_bytes(path, encode_png(image)); }

void write_png_rgb(const std::string& path, int width, int height, const std::vector<std::uint8_t>& rgb) {
    write_file_bytes(path, encode_png_rgb(width, height, rgb));
}

}  // namespace keybot
