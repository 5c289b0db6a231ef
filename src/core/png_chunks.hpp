#pragma once
// PNG chunk walk run before stb_image decodes a PNG. stb_image 2.27 reallocates its IDAT buffer to a chunk's
// declared length before checking that the data is there, so a 102-byte file declaring a 1.4 GB IDAT chunk
// made it allocate 1.4 GB (found by fuzz/image.cpp; in the browser that grows wasm memory for good). Chunk
// lengths are checked against the bytes actually present first.
#include <cstddef>
#include <cstdint>

namespace keybot::detail {

// Throws keybot::Error naming the chunk when a chunk before IEND extends past the end of the data.
void check_png_chunks(const std::uint8_t* data, std::size_t size);

}  // namespace keybot::detail
