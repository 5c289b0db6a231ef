#pragma once
// JPEG marker walk run before stb_image sees a JPEG. stb_image 2.27 (Debian 12) builds a Huffman table from a
// DHT segment's 16 code counts without checking that they sum to at most 256, and then writes past its
// 257-entry size[] array (a 244-byte file is enough), and it decodes a scan with Huffman tables no DHT defined
// (uninitialised memory). Every DHT and scan header that stb would read is checked here first, and
// the frame size is taken from the SOF header so the pixel limits apply before any decoding.
#include <cstddef>
#include <cstdint>

namespace keybot::detail {

struct JpegFrame {
    int width = 0;
    int height = 0;
    int components = 0;
};

bool is_jpeg(const std::uint8_t* data, std::size_t size);

// Walks the markers (segments by their length, entropy-coded data up to the next marker, as stb_image does) and
// throws keybot::Error for a DHT segment stb would overrun, a scan using an undefined Huffman table, or a missing
// frame header. `whole_file`: also
// walk every scan after the frame header (progressive files define tables between scans); otherwise stop at
// the frame header, which is all stbi_info reads.
JpegFrame check_jpeg(const std::uint8_t* data, std::size_t size, bool whole_file);

}  // namespace keybot::detail
