// Writes the fuzz seed corpora into DIR/<harness>/: small generated images in every accepted format and a
// synthetic spine annotation in each exchange format. Nothing comes from the data set.
//   usage: fuzz_make_seeds DIR      (the committed seeds are fuzz/corpus)
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <stb/stb_image_write.h>

#include "keybot/core/file_io.hpp"
#include "keybot/core/formats.hpp"
#include "keybot/core/image.hpp"

namespace {

using Bytes = std::vector<std::uint8_t>;

void append(void* context, void* data, int size) {
    auto* out = static_cast<Bytes*>(context);
    out->insert(out->end(), static_cast<std::uint8_t*>(data), static_cast<std::uint8_t*>(data) + size);
}

Bytes ramp(int w, int h, int channels) {
    Bytes b(static_cast<std::size_t>(w) * h * channels);
    for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>(i * 37 % 251);
    return b;
}

Bytes pnm(const std::string& magic, int w, int h, int max_value, int channels) {
    const std::string header = magic + "\n# seed\n" + std::to_string(w) + " " + std::to_string(h) + "\n" + std::to_string(max_value) + "\n";
    Bytes b(header.begin(), header.end());
    const Bytes samples = ramp(w, h, channels * (max_value > 255 ? 2 : 1));
    b.insert(b.end(), samples.begin(), samples.end());
    return b;
}

keybot::Document spine() {
    keybot::Document doc(keybot::aasce_spine(), keybot::ImageInfo{"seed spine.png", 600, 1400});
    std::vector<keybot::AnnotatedPoint> pts;
    for (int v = 0; v < 17; ++v) {
        const double cx = 300 + 40 * std::sin(v / 5.0), top = 100 + 70 * v, tilt = 0.1 * std::cos(v / 3.0);
        for (auto [dx, dy] : {std::pair{-40.0, 0.0}, {40.0, 0.0}, {-40.0, 45.0}, {40.0, 45.0}})
            pts.push_back({cx + dx, top + dy + tilt * dx, v % 3 ? keybot::Provenance::predicted : keybot::Provenance::flagged, 0.05 * (v % 5)});
    }
    doc.set_points(pts);
    return doc;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: fuzz_make_seeds DIR\n");
        return 2;
    }
    const std::filesystem::path root = argv[1];
    auto put = [&](const std::string& harness, const std::string& name, const Bytes& bytes) {
        std::filesystem::create_directories(root / harness);
        keybot::write_file_bytes((root / harness / name).string(), bytes);
    };
    auto put_text = [&](const std::string& harness, const std::string& name, const std::string& text) {
        put(harness, name, Bytes(text.begin(), text.end()));
    };

    keybot::Image gray;
    gray.width = 8, gray.height = 8;
    for (std::uint8_t v : ramp(8, 8, 1)) gray.pixels.push_back(v);
    put("image", "gray.png", keybot::encode_png(gray));
    put("image", "rgb.png", keybot::encode_png_rgb(6, 4, ramp(6, 4, 3)));
    for (int channels : {1, 3}) {
        Bytes jpg, bmp;
        stbi_write_jpg_to_func(append, &jpg, 16, 8, channels, ramp(16, 8, channels).data(), 90);
        stbi_write_bmp_to_func(append, &bmp, 5, 3, channels, ramp(5, 3, channels).data());
        put("image", channels == 1 ? "gray.jpg" : "rgb.jpg", jpg);
        put("image", channels == 1 ? "gray.bmp" : "rgb.bmp", bmp);
        if (channels == 3) {  // the same pixels stored top-down: negative height, rows in reverse order
            Bytes top_down = bmp;
            const std::size_t offset = 54, stride = (5 * 3 + 3) / 4 * 4;
            for (std::size_t r = 0; r < 3; ++r)
                std::copy(bmp.begin() + offset + (2 - r) * stride, bmp.begin() + offset + (3 - r) * stride, top_down.begin() + offset + r * stride);
            const std::int32_t h = -3;
            for (int i = 0; i < 4; ++i) top_down[22 + i] = static_cast<std::uint8_t>(static_cast<std::uint32_t>(h) >> (8 * i));
            put("image", "top-down.bmp", top_down);
        }
    }
    put("image", "gray.pgm", pnm("P5", 7, 5, 255, 1));
    put("image", "gray16.pgm", pnm("P5", 4, 3, 4095, 1));
    put("image", "rgb.ppm", pnm("P6", 3, 2, 255, 3));

    const keybot::Document doc = spine();
    put_text("annotation_json", "spine.json", keybot::to_json(doc));
    put_text("annotation_json", "unsized.json", keybot::to_json(keybot::Document(keybot::aasce_spine())));
    put_text("coco", "spine.coco.json", keybot::to_coco_json(doc));
    put_text("coco", "spine.json", keybot::to_json(doc));  // import_annotation detects the format
    put_text("coco", "spine.csv", keybot::aasce_landmarks_row(doc));
    put_text("aasce_csv", "row.csv", keybot::aasce_landmarks_row(doc));
    put_text("aasce_csv", "angles.csv", "12.5,3.25,9\n0,0,0\n");
    return 0;
}
