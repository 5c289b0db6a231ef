// DICOM files end to end through GDCM: pydicom's test files (Debian's python3-pydicom, unpacked by .ci/setup)
// and an AASCE training JPEG wrapped into DICOM here in many transfer syntaxes (dicom_fixtures.hpp). Skipped
// when those inputs are absent.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "dicom_fixtures.hpp"
#include "keybot/core/dicom.hpp"
#include "keybot/core/document.hpp"
#include "keybot/core/error.hpp"
#include "keybot/core/file_io.hpp"
#include "keybot/core/image.hpp"
#include "keybot/engine/pipeline.hpp"
#include "test_errors.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;

namespace {

std::string pydicom_dir() {
    if (const char* env = std::getenv("KEYBOT_PYDICOM_DIR")) return env;
    return KEYBOT_PYDICOM_DIR_DEFAULT;
}
bool have_pydicom() { return fs::exists(pydicom_dir() + "/MR_small.dcm"); }
doctest::skip needs_pydicom() {
    static const bool present = [] {
        if (!have_pydicom())
            std::fprintf(stderr, "pydicom test files not found at %s (run .ci/setup): the tests that need them are skipped\n",
                         pydicom_dir().c_str());
        return have_pydicom();
    }();
    return doctest::skip(!present);
}

std::vector<std::uint8_t> file_bytes(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::vector<std::uint8_t>((std::istreambuf_iterator<char>(f)), {});
}

keybot::DicomImage decode_file(const std::string& name, std::string* notice = nullptr) {
    const auto bytes = file_bytes(pydicom_dir() + "/" + name);
    REQUIRE(!bytes.empty());
    return keybot::decode_dicom(bytes.data(), bytes.size(), notice);
}

// PS3.3 C.11.2.1.2.1, written out again for the expectations.
double linear_window(double x, double c, double w) {
    if (x <= c - 0.5 - (w - 1) / 2) return 0.0;
    if (x > c - 0.5 + (w - 1) / 2) return 1.0;
    return (x - (c - 0.5)) / (w - 1) + 0.5;
}

}  // namespace

TEST_CASE("one MR image in every encoding pydicom ships decodes to identical pixels" * needs_pydicom()) {
    const keybot::DicomImage reference = decode_file("MR_small.dcm");
    REQUIRE(reference.modality.width == 64);
    REQUIRE(reference.modality.height == 64);
    for (const char* name : {"MR_small_implicit.dcm", "MR_small_bigendian.dcm", "MR_small_expb.dcm", "MR_small_RLE.dcm",
                             "MR_small_jp2klossless.dcm", "MR_small_jpeg_ls_lossless.dcm", "MR_small_padded.dcm"}) {
        CAPTURE(name);
        const keybot::DicomImage d = decode_file(name);
        CHECK(d.modality.pixels == reference.modality.pixels);
        CHECK(d.info.voi_presets.size() == reference.info.voi_presets.size());
    }
}

TEST_CASE("the CR spine image: MONOCHROME1, 12-bit, rescaled, its window, detector spacing" * needs_pydicom()) {
    const keybot::DicomImage d = decode_file("dicomdirtests/77654033/CR1/6154");
    CHECK(d.info.photometric == "MONOCHROME1");
    CHECK(d.info.inverted);
    CHECK(d.info.bits_stored == 12);
    CHECK(d.info.spacing.type == "detector");
    CHECK(d.info.spacing.row_mm == doctest::Approx(0.1));
    CHECK(d.info.spacing.col_mm == doctest::Approx(0.1));
    REQUIRE(d.info.voi_presets.size() == 2);
    CHECK(d.info.voi_presets[0].kind == keybot::VoiPreset::Kind::window);
    CHECK(d.info.voi_presets[0].center == 1600);
    CHECK(d.info.voi_presets[0].width == 2800);
    CHECK(d.info.voi_presets[1].name == "Full range");
    CHECK(d.info.study_uid == "1.3.6.1.4.1.5962.1.1.0.0.0.1196527414.5534.0.1");
    // Every modality value is 0.684 * stored + 200 for a 12-bit stored integer.
    for (float m : d.modality.pixels) {
        const double stored = (m - 200.0) / 0.684;
        CHECK(std::abs(stored - std::round(stored)) < 1e-2);
        CHECK(stored >= 0);
        CHECK(stored < 4096);
    }
    // What the models see: the file's window, inverted.
    const keybot::Image shown = keybot::model_image(d);
    for (std::size_t i = 0; i < shown.pixels.size(); ++i)
        CHECK(shown.pixels[i] == doctest::Approx(1.0 - linear_window(d.modality.pixels[i], 1600, 2800)).epsilon(1e-5));
}

TEST_CASE("DICOM files without an image, truncated or broken fail with a clear error" * needs_pydicom()) {
    auto error_for = [](const std::string& name) {
        const auto bytes = file_bytes(pydicom_dir() + "/" + name);
        return test::error_of([&] { keybot::decode_dicom(bytes.data(), bytes.size()); });
    };
    CHECK(error_for("rtplan.dcm").find("holds no image") != std::string::npos);
    CHECK(error_for("MR_truncated.dcm").find("truncated") != std::string::npos);
    CHECK(error_for("no_meta.dcm") != "(no error)");
    CHECK(error_for("meta_missing_tsyntax.dcm") != "(no error)");
    // Every prefix of a valid file either decodes or throws keybot::Error.
    const auto whole = file_bytes(pydicom_dir() + "/MR_small_RLE.dcm");
    for (std::size_t cut = 1; cut < whole.size(); cut += 97) {
        CAPTURE(cut);
        try {
            keybot::decode_dicom(whole.data(), cut);
        } catch (const keybot::Error&) {
        }
    }
}

TEST_CASE("a multi-frame file opens its first frame with a notice; decode_image reads DICOM" * needs_pydicom()) {
    std::string notice;
    const keybot::DicomImage d = decode_file("SC_rgb_rle_2frame.dcm", &notice);
    CHECK(d.info.frames == 2);
    CHECK(notice.find("2 frames") != std::string::npos);
    const auto bytes = file_bytes(pydicom_dir() + "/MR_small.dcm");
    const keybot::Image img = keybot::decode_image(bytes);
    CHECK(img.max_value == 1.0f);
    CHECK(img.pixels == keybot::model_image(keybot::decode_dicom(bytes.data(), bytes.size())).pixels);
}

namespace {

struct AasceImage {
    keybot::Image decoded;  // 0..255, cropped
    std::vector<std::uint8_t> grey;  // the same as bytes
};

AasceImage first_aasce_image() {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(test::data_dir() + "/images"))
        if (e.path().extension() == ".jpg") files.push_back(e.path());
    REQUIRE(!files.empty());
    std::sort(files.begin(), files.end());
    const keybot::Image whole = keybot::decode_image(file_bytes(files.front().string()));
    const test::GreyImage g = test::cropped_grey(whole.width, whole.height, whole.pixels);
    AasceImage a;
    a.decoded.width = g.width;
    a.decoded.height = g.height;
    a.decoded.max_value = whole.max_value;
    a.decoded.pixels.assign(g.grey.begin(), g.grey.end());
    a.grey = g.grey;
    return a;
}

}  // namespace

TEST_CASE("an AASCE JPEG wrapped into DICOM: the same grey levels and keypoints within 0.5 px" * test::needs_data()) {
    const AasceImage src = first_aasce_image();
    const int w = src.decoded.width, h = src.decoded.height;
    keybot::engine::Models models = keybot::engine::load_models(KEYBOT_REPO_MODELS);
    const keybot::engine::Pipeline pipeline(models);
    const auto jpeg_points = pipeline.refine(pipeline.prepare(src.decoded), std::vector<keybot::AnnotatedPoint>(68)).refined;
    REQUIRE(jpeg_points.size() == 68);

    for (const test::WrapCase& c : test::aasce_wrap_cases()) {
        const bool twelve = c.layout == test::DicomLayout::mono1_12bit_rescale;
        CAPTURE(std::string(c.syntax));
        CAPTURE(twelve);
        const auto bytes = test::make_dicom(w, h, src.grey, {c.syntax, c.layout, test::kWrapSpacingMm});
        const keybot::DicomImage d = keybot::decode_dicom(bytes.data(), bytes.size());
        CHECK(d.info.spacing.type == "detector");
        CHECK(d.info.spacing.row_mm == doctest::Approx(test::kWrapSpacingMm));
        CHECK(d.info.inverted == twelve);
        const keybot::Image shown = keybot::model_image(d);
        REQUIRE(shown.pixels.size() == src.grey.size());
        double worst = 0.0, mean_error = 0.0;
        for (std::size_t i = 0; i < shown.pixels.size(); ++i) {
            const double expected = twelve ? test::expected_mono1_grey(src.grey[i]) : src.grey[i] / 255.0;
            const double e = std::abs(shown.pixels[i] - expected) * 255.0;  // in 8-bit grey levels
            worst = std::max(worst, e);
            mean_error += e / double(shown.pixels.size());
        }
        const auto points = pipeline.refine(pipeline.prepare(shown), std::vector<keybot::AnnotatedPoint>(68)).refined;
        double farthest = 0.0, mean = 0.0;
        for (std::size_t k = 0; k < points.size(); ++k) {
            const double dist = std::hypot(points[k].x - jpeg_points[k].x, points[k].y - jpeg_points[k].y);
            farthest = std::max(farthest, dist);
            mean += dist / double(points.size());
        }
        CAPTURE(worst);
        CAPTURE(farthest);
        if (c.expect == test::WrapExpect::exact) CHECK(worst < 1e-3);
        if (c.expect == test::WrapExpect::exact || c.expect == test::WrapExpect::dct) CHECK(farthest <= 0.5);
        if (c.expect == test::WrapExpect::bounded) CHECK(worst <= 1.0 + 1e-3);
        if (c.expect == test::WrapExpect::lossy) CHECK(mean_error < 2.0);
        if (c.expect == test::WrapExpect::bounded || c.expect == test::WrapExpect::lossy)
            MESSAGE(std::string(c.syntax) << ": grey-level error max " << worst << " mean " << mean_error << "; points moved mean "
                             << mean << " px, max " << farthest << " px");
    }
}

TEST_CASE("keybot predict on DICOM: the annotation keeps the spacing and UIDs, and no patient data") {
    const test::TempDir dir("dicom-predict");
    std::vector<std::uint8_t> grey(96 * 160);
    for (std::size_t i = 0; i < grey.size(); ++i) grey[i] = std::uint8_t((i * 37 + i / 96 * 11) % 251);
    const auto bytes = test::make_dicom(96, 160, grey, {"jpegls-lossless", test::DicomLayout::mono1_12bit_rescale, 0.2});
    keybot::write_file_bytes(dir.str() + "/spine.dcm", bytes);
    const test::CliRun run = test::run_cli("predict '" + dir.str() + "' --out '" + dir.str() + "/out' --models '" +
                                           KEYBOT_FIXTURES_DIR + "/models' --threads 1");
    CAPTURE(run.output);
    REQUIRE(run.status == 0);
    const std::string json = keybot::read_file_text(dir.str() + "/out/spine.json");
    const keybot::Document doc = keybot::document_from_json(json);
    CHECK(doc.image().file_name == "spine.dcm");
    CHECK(doc.image().width == 96);
    CHECK(doc.image().spacing.type == "detector");
    CHECK(doc.image().spacing.row_mm == doctest::Approx(0.2));
    CHECK(doc.image().study_uid == "1.2.826.0.1.3680043.2.1125.1.1");
    CHECK(doc.image().series_uid == "1.2.826.0.1.3680043.2.1125.1.2");
    CHECK_FALSE(doc.image().sop_instance_uid.empty());
    CHECK(json.find("Test^Patient") == std::string::npos);
    CHECK(json.find("PID-12345") == std::string::npos);
    // The same document read back gives the same ImageInfo (spacing and UIDs survive a round trip).
    CHECK(keybot::document_from_json(keybot::to_json(doc)).image() == doc.image());
}
