#include "pnm.hpp"

#include <cctype>
#include <string>

#include "keybot/core/error.hpp"

namespace keybot::detail {
namespace {

// Next decimal header field, skipping whitespace and '#' comments.
int header_number(const std::uint8_t* data, std::size_t size, std::size_t& pos, const char* what) {
    for (;;) {
        while (pos < size && std::isspace(data[pos])) ++pos;
        if (pos < size && data[pos] == '#') {
            while (pos < size && data[pos] != '\n') ++pos;
            continue;
        }
        break;
    }
    long long v = 0;
    const std::size_t start = pos;
    while (pos < size && std::isdigit(data[pos]) && v <= 1'000'000'000) v = v * 10 + (data[pos++] - '0');
    if (pos == start || v > 1'000'000'000) throw Error(std::string("PNM header: bad ") + what);
    return static_cast<int>(v);
}

}  // namespace

bool is_binary_pnm(const std::uint8_t* data, std::size_t size) {
    return size >= 2 && data[0] == 'P' && (data[1] == '5' || data[1] == '6');
}

PnmHeader read_pnm_header(const std::uint8_t* data, std::size_t size) {
    PnmHeader h;
    std::size_t pos = 2;
    h.image.channels = data[1] == '5' ? 1 : 3;
    h.image.width = header_number(data, size, pos, "width");
    h.image.height = header_number(data, size, pos, "height");
    h.max_value = header_number(data, size, pos, "maxval");
    if (h.image.width <= 0 || h.image.height <= 0) throw Error("PNM header: zero width or height");
    if (h.max_value <= 0 || h.max_value > 65535) throw Error("PNM header: maxval must be 1..65535");
    if (pos >= size || !std::isspace(data[pos])) throw Error("PNM header: truncated");
    h.data_offset = pos + 1;  // exactly one whitespace byte before the samples
    h.image.is_16_bit = h.max_value > 255;
    return h;
}

Image decode_pnm(const std::uint8_t* data, std::size_t size, const PnmHeader& header) {
    const int bytes = header.image.is_16_bit ? 2 : 1, ch = header.image.channels;
    const std::size_t n = static_cast<std::size_t>(header.image.width) * header.image.height;
    if (size - header.data_offset < n * ch * bytes) throw Error("PNM pixel data is truncated");
    Image img;
    img.width = header.image.width;
    img.height = header.image.height;
    img.max_value = static_cast<float>(header.max_value);
    img.pixels.resize(n);
    const std::uint8_t* p = data + header.data_offset;
    auto sample = [&](std::size_t i) {  // big-endian 16-bit per the Netpbm spec
        return bytes == 2 ? static_cast<float>((p[2 * i] << 8) | p[2 * i + 1]) : static_cast<float>(p[i]);
    };
    for (std::size_t i = 0; i < n; ++i)
        img.pixels[i] = ch == 1 ? sample(i) : 0.299f * sample(3 * i) + 0.587f * sample(3 * i + 1) + 0.114f * sample(3 * i + 2);
    return img;
}

}  // namespace keybot::detail
