#include <doctest/doctest.h>

#include <random>

#include "keybot/core/error.hpp"
#include "keybot/core/image.hpp"
#include "test_support.hpp"

using keybot::Error;
using keybot::Image;
using test::Bytes;

TEST_CASE("8-bit gray formats decode to the exact stored values") {
    const Bytes gray = test::ramp(5, 3, 1);
    std::vector<std::uint16_t> gray16(gray.begin(), gray.end());
    for (const auto& [name, bytes] : std::vector<std::pair<std::string, Bytes>>{
             {"png", test::png8(5, 3, 1, gray)}, {"bmp", test::bmp8(5, 3, 1, gray)}, {"pgm", test::pgm(5, 3, 255, gray16)}}) {
        CAPTURE(name);
        const Image img = keybot::decode_image(bytes);
        REQUIRE(img.width == 5);
        REQUIRE(img.height == 3);
        CHECK(img.max_value == 255.0f);
        for (std::size_t i = 0; i < gray.size(); ++i) CHECK(img.pixels[i] == doctest::Approx(gray[i]));
    }
}

TEST_CASE("JPEG decodes to gray close to the source") {
    Bytes flat(16 * 16, 128);
    const Image img = keybot::decode_image(test::jpeg8(16, 16, 1, flat));
    REQUIRE(img.width == 16);
    for (float v : img.pixels) CHECK(v == doctest::Approx(128).epsilon(0.02));
}

TEST_CASE("colour input becomes luminance and alpha is dropped") {
    const Bytes rgba = {255, 0, 0, 7, 0, 255, 0, 255, 0, 0, 255, 0, 10, 20, 30, 99};
    const Image img = keybot::decode_image(test::png8(2, 2, 4, rgba));
    CHECK(img.pixels[0] == doctest::Approx(0.299 * 255).epsilon(1e-4));
    CHECK(img.pixels[1] == doctest::Approx(0.587 * 255).epsilon(1e-4));
    CHECK(img.pixels[2] == doctest::Approx(0.114 * 255).epsilon(1e-4));
    CHECK(img.pixels[3] == doctest::Approx(0.299 * 10 + 0.587 * 20 + 0.114 * 30).epsilon(1e-4));
    const Bytes rgb = {255, 255, 255, 0, 0, 0};
    const Image two = keybot::decode_image(test::png8(2, 1, 3, rgb));
    CHECK(two.pixels[0] == doctest::Approx(255));
    CHECK(two.pixels[1] == doctest::Approx(0));
}

TEST_CASE("16-bit PNG and PGM keep the full range") {
    const std::vector<std::uint16_t> v = {0, 1, 256, 40000, 65535, 12345};
    for (const auto& [name, bytes] : std::vector<std::pair<std::string, Bytes>>{{"png16", test::png16_gray(3, 2, v)},
                                                                               {"pgm16", test::pgm(3, 2, 65535, v)}}) {
        CAPTURE(name);
        const auto header = keybot::probe_image(bytes);
        CHECK(header.is_16_bit);
        const Image img = keybot::decode_image(bytes);
        REQUIRE(img.width == 3);
        REQUIRE(img.height == 2);
        CHECK(img.max_value == 65535.0f);
        for (std::size_t i = 0; i < v.size(); ++i) CHECK(img.pixels[i] == doctest::Approx(v[i]));
        const Image n = keybot::normalized(img);
        CHECK(n.pixels[4] == doctest::Approx(1.0));
        CHECK(n.pixels[3] == doctest::Approx(40000.0 / 65535.0));
    }
}

TEST_CASE("probe_image reads the size without decoding") {
    const auto h = keybot::probe_image(test::png8(7, 4, 3, test::ramp(7, 4, 3)));
    CHECK(h.width == 7);
    CHECK(h.height == 4);
    CHECK(h.channels == 3);
    CHECK_FALSE(h.is_16_bit);
}

TEST_CASE("bad input gives keybot::Error, never a crash") {
    const Bytes good = test::png8(32, 32, 1, test::ramp(32, 32, 1));
    CHECK_THROWS_WITH_AS(keybot::decode_image(Bytes{}), doctest::Contains("empty"), Error);
    CHECK_THROWS_AS(keybot::decode_image(Bytes(good.begin(), good.begin() + good.size() / 2)), Error);
    CHECK_THROWS_AS(keybot::decode_image(Bytes(good.begin(), good.begin() + 12)), Error);
    const Bytes jpg = test::jpeg8(8, 8, 1, test::ramp(8, 8, 1));
    CHECK_THROWS_AS(keybot::decode_image(jpg.data(), 20), Error);  // cut before the frame header
    std::mt19937 rng(42);
    Bytes noise(4096);
    for (auto& b : noise) b = static_cast<std::uint8_t>(rng());
    CHECK_THROWS_WITH_AS(keybot::decode_image(noise), doctest::Contains("not a readable image"), Error);
    const std::string text = "this is plainly not an image";
    CHECK_THROWS_AS(keybot::decode_image(Bytes(text.begin(), text.end())), Error);
}

TEST_CASE("images over 50 megapixels are refused from the header") {
    // PGM header only: 10000 x 6000 = 60 MP and no pixel data at all.
    const std::string header = "P5\n10000 6000\n255\n";
    CHECK_THROWS_WITH_AS(keybot::decode_image(Bytes(header.begin(), header.end())), doctest::Contains("megapixels"), Error);
    // A small PNG whose IHDR is patched to claim 8000 x 8000 (stb does not check CRCs).
    Bytes png = test::png8(4, 4, 1, test::ramp(4, 4, 1));
    for (int i : {16, 20}) {
        png[i] = 0, png[i + 1] = 0, png[i + 2] = 0x1f, png[i + 3] = 0x40;
    }
    CHECK(keybot::probe_image(png).width == 8000);
    CHECK_THROWS_WITH_AS(keybot::decode_image(png), doctest::Contains("megapixels"), Error);
}

TEST_CASE("resize: area average when shrinking, bilinear when growing") {
    Image img;
    img.width = 4;
    img.height = 2;
    img.pixels = {0, 2, 4, 6, 8, 10, 12, 14};
    const Image half = keybot::resize(img, 2, 1);
    REQUIRE(half.pixels.size() == 2);
    CHECK(half.pixels[0] == doctest::Approx((0 + 2 + 8 + 10) / 4.0));
    CHECK(half.pixels[1] == doctest::Approx((4 + 6 + 12 + 14) / 4.0));

    Image row;
    row.width = 2;
    row.height = 1;
    row.pixels = {0, 100};
    const Image up = keybot::resize(row, 4, 3);
    REQUIRE(up.width == 4);
    REQUIRE(up.height == 3);
    const float expect[4] = {0, 25, 75, 100};
    for (int y = 0; y < 3; ++y)
        for (int x = 0; x < 4; ++x) CHECK(up.at(x, y) == doctest::Approx(expect[x]));

    Image flat;
    flat.width = 7;
    flat.height = 5;
    flat.pixels.assign(35, 42.0f);
    for (auto [w, h] : {std::pair{3, 2}, std::pair{11, 13}, std::pair{7, 1}, std::pair{1, 9}}) {
        const Image r = keybot::resize(flat, w, h);
        for (float v : r.pixels) CHECK(v == doctest::Approx(42.0f));
    }
    CHECK_THROWS_AS(keybot::resize(flat, 0, 3), Error);
    CHECK_THROWS_AS(keybot::resize(Image{}, 3, 3), Error);
}

TEST_CASE("encode_png round-trips a gray image") {
    Image img;
    img.width = 3;
    img.height = 2;
    img.pixels = {0, 51, 102, 153, 204, 255};
    const Image back = keybot::decode_image(keybot::encode_png(img));
    REQUIRE(back.pixels.size() == img.pixels.size());
    for (std::size_t i = 0; i < img.pixels.size(); ++i) CHECK(back.pixels[i] == doctest::Approx(img.pixels[i]));
    const Image rgb = keybot::decode_image(keybot::encode_png_rgb(1, 1, {0, 255, 0}));
    CHECK(rgb.pixels[0] == doctest::Approx(0.587 * 255).epsilon(1e-4));
    CHECK_THROWS_AS(keybot::encode_png_rgb(2, 2, {1, 2, 3}), Error);
}

TEST_CASE("PNM details: comments, colour P6, maxval range, truncation") {
    const std::string head = "P5\n# made by a test\n2 1\n4095\n";
    Bytes pgm12(head.begin(), head.end());
    pgm12.insert(pgm12.end(), {0x0f, 0xff, 0x00, 0x10});
    const Image img = keybot::decode_image(pgm12);
    CHECK(img.max_value == 4095.0f);
    CHECK(img.pixels[0] == 4095.0f);
    CHECK(img.pixels[1] == 16.0f);
    CHECK(keybot::normalized(img).pixels[0] == doctest::Approx(1.0));

    const std::string p6 = std::string("P6 1 1 255\n") + std::string("\xff\x00\x00", 3);
    CHECK(keybot::decode_image(Bytes(p6.begin(), p6.end())).pixels[0] == doctest::Approx(0.299 * 255).epsilon(1e-4));

    const Bytes full = test::pgm(4, 4, 65535, std::vector<std::uint16_t>(16, 1000));
    CHECK_THROWS_WITH_AS(keybot::decode_image(Bytes(full.begin(), full.end() - 3)), doctest::Contains("truncated"), Error);
    const std::string bad = "P5\n4 x\n255\n";
    CHECK_THROWS_AS(keybot::decode_image(Bytes(bad.begin(), bad.end())), Error);
    const std::string zero = "P5\n0 4\n255\n";
    CHECK_THROWS_AS(keybot::decode_image(Bytes(zero.begin(), zero.end())), Error);
}
