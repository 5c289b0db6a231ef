#pragma once
// Whole-file helpers for native tools. Kept apart from decoding so the web build can feed bytes directly.
#include <cstdint>
#include <string>
#include <vector>

#include "keybot/core/decoded_image.hpp"
#include "keybot/core/image.hpp"

namespace keybot {

// Throws keybot::Error naming the path when the file cannot be opened or read.
std::vector<std::uint8_t> read_file_bytes(const std::string& path);
// Reads at most max_bytes from the start of the file (for header probing).
std::vector<std::uint8_t> read_file_prefix(const std::string& path, std::size_t max_bytes);
std::string read_file_text(const std::string& path);

// Image files, with the size limits of image.hpp applied before the whole file is read: a file over
// kMaxImageFileBytes is refused from its size, an image whose header claims too many pixels from the first
// 64 KiB. Errors name the path.
ImageHeader probe_image_file(const std::string& path);  // the whole file is read only when the header lies beyond 64 KiB
Image read_image_file(const std::string& path);
DecodedImage read_image_file_with_info(const std::string& path);  // file name = the path's last part
void write_file_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes);
void write_file_text(const std::string& path, const std::string& text);

// Encodes with encode_png / encode_png_rgb and writes the file.
void write_png(const std::string& path, const Image& image);
void write_png_rgb(const std::string& path, int width, int height, const std::vector<std::uint8_t>& rgb);

}  // namespace keybot
