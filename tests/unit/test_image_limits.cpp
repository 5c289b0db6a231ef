// Image input found bad by the reliability sweep (issue #12): corrupt JPEG Huffman tables, top-down BMPs,
// headers claiming huge sizes, huge files, formats KeyBot does not list. Every fixture is generated here.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>

#include "keybot/core/error.hpp"
#include "keybot/core/file_io.hpp"
#include "keybot/core/image.hpp"
#include "test_support.hpp"

using keybot::Error;
using keybot::ImageTooLarge;
using test::Bytes;

namespace {

void put_le32(Bytes& b, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}
void put_be32(Bytes& b, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}

// A DHT segment with 16 code counts of 255 (4080 codes; at most 256 fit stb_image's tables).
Bytes oversized_dht() {
    Bytes seg = {0xFF, 0xC4, 0x01, 0x13, 0x00};  // length 275: class 0 / id 0, then the counts
    for (int i = 0; i < 16; ++i) seg.push_back(0xFF);
    seg.resize(seg.size() + 256, 0x01);
    return seg;
}

// 24-bit BMP, 2 x 2 gray pixels given top row first; top_down stores them so (negative height).
Bytes bmp_2x2(const std::uint8_t (&gray)[4], bool top_down) {
    Bytes b(54 + 16, 0);
    b[0] = 'B', b[1] = 'M';
    put_le32(b, 2, static_cast<std::uint32_t>(b.size()));
    put_le32(b, 10, 54);
    put_le32(b, 14, 40);
    put_le32(b, 18, 2);
    put_le32(b, 22, static_cast<std::uint32_t>(top_down ? -2 : 2));
    b[26] = 1;   // planes
    b[28] = 24;  // bits per pixel
    put_le32(b, 34, 16);
    for (int stored_row = 0; stored_row < 2; ++stored_row) {
        const int image_row = top_down ? stored_row : 1 - stored_row;  // bottom-up stores the last row first
        for (int x = 0; x < 2; ++x)
            for (int c = 0; c < 3; ++c) b[54 + stored_row * 8 + x * 3 + c] = gray[image_row * 2 + x];
    }
    return b;
}

// Signature + IHDR claiming width x height, 8-bit gray; no pixel data.
Bytes png_header(std::uint32_t width, std::uint32_t height) {
    Bytes png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    png.resize(33, 0);
    put_be32(png, 16, width);
    put_be32(png, 20, height);
    png[24] = 8;
    return png;
}

}  // namespace

TEST_CASE("JPEG whose Huffman code counts sum past 256 is refused before stb_image reads it") {
    // The 244-byte shape from the sweep: SOI, then the bad table (stb 2.27 wrote ~4 KB past size[257]).
    Bytes tiny = {0xFF, 0xD8};
    const Bytes dht = oversized_dht();
    tiny.insert(tiny.end(), dht.begin(), dht.end());
    tiny.push_back(0xFF), tiny.push_back(0xD9);
    CHECK_THROWS_WITH_AS(keybot::probe_image(tiny), doctest::Contains("4080 codes, more than 256"), Error);
    CHECK_THROWS_WITH_AS(keybot::decode_image(tiny), doctest::Contains("Huffman table"), Error);

    // The same table after the scan of a valid JPEG: only the whole-file walk of decode_image meets it.
    const Bytes good = test::jpeg8(16, 16, 1, test::ramp(16, 16, 1));
    REQUIRE(good.size() > 4);
    REQUIRE(good[good.size() - 2] == 0xFF);
    REQUIRE(good[good.size() - 1] == 0xD9);
    CHECK(keybot::decode_image(good).width == 16);
    Bytes late(good.begin(), good.end() - 2);
    late.insert(late.end(), dht.begin(), dht.end());
    late.push_back(0xFF), late.push_back(0xD9);
    CHECK(keybot::probe_image(late).width == 16);  // the header itself is fine
    CHECK_THROWS_WITH_AS(keybot::decode_image(late), doctest::Contains("more than 256"), Error);
}

TEST_CASE("JPEG scan using a Huffman table no DHT defines is refused before stb_image decodes with it") {
    // Found by fuzz/image.cpp: stb 2.27 never clears its decoder state, so such a scan decodes with
    // uninitialised tables (a failed STBI_ASSERT with assertions on, reads past values[] without).
    Bytes jpeg = test::jpeg8(16, 16, 1, test::ramp(16, 16, 1));
    CHECK(keybot::decode_image(jpeg).width == 16);
    const std::string bytes(jpeg.begin(), jpeg.end());
    const std::size_t sos = bytes.find("\xFF\xDA");
    REQUIRE(sos != std::string::npos);
    REQUIRE(jpeg[sos + 4] >= 1);                 // components in the scan
    jpeg[sos + 6] = (jpeg[sos + 6] & 0xF0) | 2;  // the first one's AC table: id 2, which no DHT defines
    CHECK(keybot::probe_image(jpeg).width == 16);  // the header is fine; only decoding reads the scan
    const std::string expected = "corrupt JPEG: the scan at byte " + std::to_string(sos + 4) +
                                 " uses a Huffman table (AC 2) that no DHT segment defines";
    CHECK_THROWS_WITH_AS(keybot::decode_image(jpeg), expected.c_str(), Error);
}

TEST_CASE("PNG chunk declaring more bytes than the file holds is refused before stb_image allocates for it") {
    // Found by fuzz/image.cpp: a 102-byte PNG whose IDAT declared 1.4 GB made stb 2.27 allocate 1.4 GB.
    Bytes png = test::png8(8, 8, 1, test::ramp(8, 8, 1));
    const std::string bytes(png.begin(), png.end());
    const std::size_t idat = bytes.find("IDAT");
    REQUIRE(idat != std::string::npos);
    const std::size_t following = png.size() - (idat + 4);  // what lies after the type field
    CHECK(keybot::decode_image(png).width == 8);
    put_be32(png, idat - 4, 0x5764002d);
    const std::string expected = "corrupt PNG: chunk 'IDAT' at byte " + std::to_string(idat - 4) +
                                 " declares 1466171437 bytes, only " + std::to_string(following) + " follow";
    CHECK_THROWS_WITH_AS(keybot::decode_image(png), expected.c_str(), Error);
    CHECK(keybot::probe_image(png).width == 8);  // the header is fine; only decoding needs the chunks
}

TEST_CASE("PNG whose first image-data chunk is empty is refused before stb_image copies into a null buffer") {
    // fuzz_image's finding: stb_image 2.27 sizes its IDAT buffer at the first IDAT, so an empty one leaves it null.
    Bytes png = test::png8(8, 8, 1, test::ramp(8, 8, 1));
    const std::string bytes(png.begin(), png.end());
    const std::size_t idat = bytes.find("IDAT");
    REQUIRE(idat != std::string::npos);
    const Bytes empty_chunk = {0, 0, 0, 0, 'I', 'D', 'A', 'T', 0x35, 0xAF, 0x06, 0x1E};  // length 0, type, CRC
    png.insert(png.begin() + static_cast<std::ptrdiff_t>(idat - 4), empty_chunk.begin(), empty_chunk.end());
    const std::string expected = "unsupported PNG: its first image-data chunk (IDAT at byte " + std::to_string(idat - 4) + ") is empty";
    CHECK_THROWS_WITH_AS(keybot::decode_image(png), expected.c_str(), Error);
}

TEST_CASE("top-down BMP (negative height) decodes with its first stored row on top") {
    const std::uint8_t gray[4] = {10, 20, 30, 40};  // (0,0) (1,0) / (0,1) (1,1)
    for (bool top_down : {true, false}) {
        CAPTURE(top_down);
        const Bytes bmp = bmp_2x2(gray, top_down);
        const auto h = keybot::probe_image(bmp);
        CHECK(h.width == 2);
        CHECK(h.height == 2);
        const keybot::Image img = keybot::decode_image(bmp);
        REQUIRE(img.pixels.size() == 4);
        for (int i = 0; i < 4; ++i) CHECK(img.pixels[i] == doctest::Approx(gray[i]).epsilon(1e-4));
    }
}

TEST_CASE("a truncated BMP is refused, not decoded with black rows") {
    const std::uint8_t gray[4] = {10, 20, 30, 40};
    for (bool top_down : {true, false}) {
        CAPTURE(top_down);
        Bytes bmp = bmp_2x2(gray, top_down);
        bmp.resize(bmp.size() - 1);  // the last row loses its padding byte: 8 bytes per row, 2 rows from byte 54
        CHECK_THROWS_WITH_AS(keybot::decode_image(bmp),
                             "BMP is truncated: its header declares 2x2 pixels at 24 bits (16 bytes from byte 54), "
                             "but the file ends after 69 bytes",
                             Error);
    }
}

TEST_CASE("oversized images are refused from the header, before decoding") {
    const auto start = std::chrono::steady_clock::now();
    // 100000 x 100000: stbi_info alone would call this "not of any known type".
    CHECK(keybot::probe_image(png_header(100000, 100000)).width == 100000);
    CHECK_THROWS_WITH_AS(keybot::decode_image(png_header(100000, 100000)),
                         doctest::Contains("100000x100000 pixels, more than the limit of 50 megapixels"), ImageTooLarge);
    // 1 x 1,000,000 is only 1 MP but no radiograph: the side limit applies.
    CHECK_THROWS_WITH_AS(keybot::decode_image(png_header(1, 1000000)), doctest::Contains("sides over 32768"), ImageTooLarge);
    CHECK_THROWS_WITH_AS(keybot::decode_image(png_header(0, 10)), doctest::Contains("zero width or height"), Error);
    // A JPEG frame header claiming 65535 x 65535.
    const Bytes jpeg = {0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x01, 0x11, 0x00, 0xFF, 0xD9};
    CHECK(keybot::probe_image(jpeg).height == 65535);
    CHECK_THROWS_AS(keybot::decode_image(jpeg), ImageTooLarge);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
}

TEST_CASE("image files: size cap before reading, header limits from the first bytes, errors name the path") {
    test::TempDir dir("limits");
    // 300 MB of zeros named .jpg, created sparse: refused from its size alone, nothing is read.
    const std::string zeros = dir.str() + "/zeros.jpg";
    keybot::write_file_bytes(zeros, {});
    std::filesystem::resize_file(zeros, 300ull * 1024 * 1024);
    CHECK_THROWS_WITH_AS(keybot::read_image_file(zeros), doctest::Contains("300 MiB, more than the limit of 200 MiB"), ImageTooLarge);
    CHECK_THROWS_WITH_AS(keybot::probe_image_file(zeros), doctest::Contains("zeros.jpg"), ImageTooLarge);

    const std::string huge = dir.str() + "/huge.png";
    keybot::write_file_bytes(huge, png_header(100000, 100000));
    CHECK_THROWS_WITH_AS(keybot::read_image_file(huge), doctest::Contains("huge.png': image is 100000x100000"), ImageTooLarge);

    CHECK_THROWS_WITH_AS(keybot::read_image_file(dir.str()), doctest::Contains("not a regular file"), Error);
    CHECK_THROWS_WITH_AS(keybot::read_image_file(dir.str() + "/missing.png"), doctest::Contains("missing.png"), Error);

    const std::string ok = dir.str() + "/ok.png";
    keybot::write_file_bytes(ok, test::png8(3, 2, 1, test::ramp(3, 2, 1)));
    CHECK(keybot::read_image_file(ok).width == 3);
    CHECK(keybot::probe_image_file(ok).height == 2);
}

TEST_CASE("formats outside the documented list (GIF, TGA) are refused") {
    // A valid 1 x 1 GIF89a: stb_image would decode it, KeyBot lists PNG, JPEG, BMP and PGM/PPM only.
    const Bytes gif = {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0x80, 0, 0, 0xFF, 0xFF, 0xFF, 0, 0, 0, ',', 0, 0, 0, 0,
                       1, 0, 1, 0, 0, 2, 2, 'D', 1, 0, ';'};
    CHECK_THROWS_WITH_AS(keybot::decode_image(gif), doctest::Contains("not PNG, JPEG, BMP, binary PGM/PPM or DICOM"), Error);
    // Uncompressed 1 x 1 gray TGA: no signature at all, stb_image's TGA reader would accept it.
    const Bytes tga = {0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 8, 0, 0x7F};
    CHECK_THROWS_WITH_AS(keybot::decode_image(tga), doctest::Contains("not a readable image"), Error);
}
