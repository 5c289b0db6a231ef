// The marker walk mirrors stb_image 2.27's own reading (stbi__decode_jpeg_header / stbi__decode_jpeg_image):
// padding between segments and runs of 0xFF fill bytes are skipped, a segment is skipped by its length, scan
// data ends at the first 0xFF not followed by 0x00, 0xFF or a restart marker, and bytes past the end read as
// zero. So every DHT that stb would process is one that was checked here.
#include "jpeg_markers.hpp"

#include <string>

#include "keybot/core/error.hpp"

namespace keybot::detail {
namespace {

std::uint8_t byte_at(const std::uint8_t* data, std::size_t size, std::size_t pos) { return pos < size ? data[pos] : 0; }
int be16(const std::uint8_t* data, std::size_t size, std::size_t pos) {
    return byte_at(data, size, pos) << 8 | byte_at(data, size, pos + 1);
}

bool is_restart(int marker) { return marker >= 0xD0 && marker <= 0xD7; }
bool is_frame_header(int marker) { return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC; }

// Huffman tables defined so far, by class (0 = DC, 1 = AC) and id.
using DefinedTables = bool[2][4];

// stb's DHT loop reads tables (class/id byte, 16 code counts, the values) until the declared length is used up.
void check_huffman_tables(const std::uint8_t* data, std::size_t size, std::size_t pos, long length, DefinedTables& defined) {
    while (length > 0) {
        const int q = byte_at(data, size, pos);
        if ((q >> 4) > 1 || (q & 15) > 3) throw Error("corrupt JPEG: bad Huffman table header at byte " + std::to_string(pos));
        int codes = 0;
        for (int i = 1; i <= 16; ++i) codes += byte_at(data, size, pos + i);
        if (codes > 256)
            throw Error("corrupt JPEG: the Huffman table at byte " + std::to_string(pos) + " declares " + std::to_string(codes) +
                        " codes, more than 256");
        defined[q >> 4][q & 15] = true;
        pos += 17 + static_cast<std::size_t>(codes);
        length -= 17 + codes;
    }
}

// stb_image 2.27 allocates its decoder state with malloc and never clears it, so a scan that decodes with a
// table no DHT defined reads uninitialised maxcode/delta/values: an out-of-bounds read of values[] in release
// builds and a failed STBI_ASSERT in builds with assertions (fuzz/corpus/image/regression-undefined-huffman-table.jpg).
// A scan reads the DC table of each of its components unless it is a progressive DC refinement or AC scan, and
// the AC table unless it is a progressive DC scan. Header values stb refuses itself are left to stb.
void check_scan_tables(const std::uint8_t* data, std::size_t size, std::size_t pos, bool progressive,
                       const DefinedTables& defined) {
    const int components = byte_at(data, size, pos);
    if (components < 1 || components > 4) return;
    const std::size_t spectral = pos + 1 + 2 * static_cast<std::size_t>(components);
    const int start = byte_at(data, size, spectral);
    const int high = byte_at(data, size, spectral + 2) >> 4;
    const bool reads_dc = !progressive || (start == 0 && high == 0);
    const bool reads_ac = !progressive || start > 0;
    for (int i = 0; i < components; ++i) {
        const int q = byte_at(data, size, pos + 2 + 2 * static_cast<std::size_t>(i));
        const int dc = q >> 4, ac = q & 15;
        if ((reads_dc && dc <= 3 && !defined[0][dc]) || (reads_ac && ac <= 3 && !defined[1][ac]))
            throw Error("corrupt JPEG: the scan at byte " + std::to_string(pos) + " uses a Huffman table (" +
                        (reads_dc && dc <= 3 && !defined[0][dc] ? "DC " + std::to_string(dc) : "AC " + std::to_string(ac)) +
                        ") that no DHT segment defines");
    }
}

// Position of the marker that ends the entropy-coded data starting at pos (or size).
std::size_t skip_scan_data(const std::uint8_t* data, std::size_t size, std::size_t pos) {
    for (; pos + 1 < size; ++pos) {
        const int next = data[pos + 1];
        if (data[pos] == 0xFF && next != 0x00 && next != 0xFF && !is_restart(next)) return pos;
    }
    return size;
}

}  // namespace

bool is_jpeg(const std::uint8_t* data, std::size_t size) { return size >= 2 && data[0] == 0xFF && data[1] == 0xD8; }

JpegFrame check_jpeg(const std::uint8_t* data, std::size_t size, bool whole_file) {
    if (!is_jpeg(data, size)) throw Error("not a JPEG file");
    JpegFrame frame;
    bool have_frame = false;
    bool progressive = false;
    DefinedTables defined = {};
    std::size_t pos = 2;
    while (pos < size) {
        while (pos < size && data[pos] != 0xFF) ++pos;  // padding
        while (pos < size && data[pos] == 0xFF) ++pos;  // fill bytes
        if (pos >= size) break;
        const int marker = data[pos++];
        if (marker == 0xD9) break;                                                        // end of image
        if (marker == 0x00 || marker == 0x01 || marker == 0xD8 || is_restart(marker)) continue;  // no length field
        if (pos + 2 > size) break;  // truncated: stb reports it
        const int length = be16(data, size, pos);
        if (length < 2) throw Error("corrupt JPEG: segment length " + std::to_string(length) + " at byte " + std::to_string(pos));
        if (marker == 0xC4) check_huffman_tables(data, size, pos + 2, length - 2, defined);
        if (marker == 0xDA) check_scan_tables(data, size, pos + 2, progressive, defined);
        if (is_frame_header(marker) && !have_frame) {
            progressive = marker == 0xC2;
            frame.height = be16(data, size, pos + 3);
            frame.width = be16(data, size, pos + 5);
            frame.components = byte_at(data, size, pos + 7);
            have_frame = true;
            if (!whole_file) return frame;
        }
        pos += static_cast<std::size_t>(length);
        if (marker == 0xDA) pos = skip_scan_data(data, size, pos);
    }
    if (!have_frame) throw Error("corrupt JPEG: no frame header (SOF) found");
    return frame;
}

}  // namespace keybot::detail
