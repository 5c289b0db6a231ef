// `keybot compare` end to end: the real CLI on generated annotation files in every input format. Expected
// distances and agreement figures are computed here from the generated coordinates (closed forms), not taken
// from the program; Cobb angles use keybot::cobb_angles, the reference method, as the independent reference.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "keybot/core/aasce.hpp"
#include "keybot/core/cobb.hpp"
#include "keybot/core/document.hpp"
#include "keybot/core/file_io.hpp"
#include "keybot/core/formats.hpp"
#include "keybot/core/schema.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using keybot::Point;

namespace {

constexpr int kWidth = 600, kHeight = 1200;
constexpr int kImages = 5;
constexpr double kTolerance = 2e-4;  // the CSV holds 4 decimals

using Run = test::CliRun;
Run compare(const std::string& args) { return test::run_cli("compare " + args); }

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Annotator A: a different curve per image; annotator B: A moved by a known, point-dependent offset.
std::string name_of(int i) { return "img" + std::to_string(i) + ".png"; }
std::vector<Point> spine_a(int i) {
    static const double tilts[kImages][2] = {{-10, 15}, {5, -20}, {0, 2}, {12, -8}, {-20, 25}};
    return test::synthetic_spine(tilts[i][0], tilts[i][1]);
}
Point offset(int i, int j) { return {((i * 7 + j * 3) % 11 - 5) * 0.5, ((i * 5 + j * 2) % 9 - 4) * 0.75}; }
std::vector<Point> spine_b(int i) {
    auto p = spine_a(i);
    for (int j = 0; j < 68; ++j) p[j] = p[j] + offset(i, j);
    return p;
}

keybot::Document document(const std::string& file, const std::vector<Point>& pts, int width = kWidth, int height = kHeight) {
    keybot::Document d(keybot::aasce_spine(), {file, width, height});
    std::vector<keybot::AnnotatedPoint> ap;
    for (const Point& p : pts) ap.push_back({p.x, p.y, keybot::Provenance::user_placed, 0.0});
    d.set_points(ap);
    return d;
}

// An AASCE folder without images: landmarks normalised by the image size, names in filenames.csv.
void write_aasce(const fs::path& dir, const std::vector<std::pair<std::string, std::vector<Point>>>& rows) {
    fs::create_directories(dir);
    std::string names, landmarks;
    for (const auto& [file, pts] : rows) {
        names += file + "\n";
        landmarks += keybot::aasce_landmarks_row(document(file, pts));
    }
    keybot::write_file_text((dir / "filenames.csv").string(), names);
    keybot::write_file_text((dir / "landmarks.csv").string(), landmarks);
}

// `keybot eval --json` layout: pred[k] after k clicks.
std::string eval_json(const std::vector<std::vector<std::vector<Point>>>& pred_per_image) {
    std::ostringstream s;
    s.precision(17);
    s << "{\"images\": [";
    for (std::size_t i = 0; i < pred_per_image.size(); ++i) {
        s << (i ? "," : "") << "{\"file\": \"" << name_of(static_cast<int>(i)) << "\", \"width\": " << kWidth << ", \"height\": " << kHeight
          << ", \"clicked\": [3], \"pred\": [";
        for (std::size_t k = 0; k < pred_per_image[i].size(); ++k) {
            s << (k ? "," : "") << "[";
            for (std::size_t j = 0; j < pred_per_image[i][k].size(); ++j)
                s << (j ? "," : "") << "[" << pred_per_image[i][k][j].x << "," << pred_per_image[i][k][j].y << "]";
            s << "]";
        }
        s << "]}";
    }
    s << "], \"summary\": {\"images\": " << pred_per_image.size() << "}}\n";
    return s.str();
}

// A CSV of the report: rows of header -> cell.
std::vector<std::map<std::string, std::string>> read_csv(const fs::path& path) {
    std::istringstream in(keybot::read_file_text(path.string()));
    std::string line;
    std::vector<std::string> header;
    std::vector<std::map<std::string, std::string>> rows;
    while (std::getline(in, line)) {
        std::vector<std::string> cells;
        std::stringstream ls(line);
        for (std::string cell; std::getline(ls, cell, ',');) cells.push_back(cell);
        if (line.back() == ',') cells.push_back("");
        if (header.empty()) {
            header = cells;
            continue;
        }
        REQUIRE(cells.size() == header.size());
        std::map<std::string, std::string> row;
        for (std::size_t c = 0; c < cells.size(); ++c) row[header[c]] = cells[c];
        rows.push_back(row);
    }
    return rows;
}
double num(const std::map<std::string, std::string>& row, const std::string& column) {
    REQUIRE(row.count(column));
    return std::stod(row.at(column));
}

double mean(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return s / static_cast<double>(v.size());
}

// The figures a correct report holds, computed from the generated coordinates.
struct Expected {
    std::vector<double> image_mean, image_max;
    std::vector<std::array<double, 17>> vertebra;  // per image, mean of the 4 corner distances
    std::vector<std::array<double, 3>> cobb_a, cobb_b;
    std::array<std::vector<double>, 17> vertebra_all;  // all corner distances per vertebra
};
Expected expected() {
    Expected e;
    for (int i = 0; i < kImages; ++i) {
        std::vector<double> d;
        for (int j = 0; j < 68; ++j) d.push_back(std::hypot(offset(i, j).x, offset(i, j).y));
        e.image_mean.push_back(mean(d));
        e.image_max.push_back(*std::max_element(d.begin(), d.end()));
        std::array<double, 17> v{};
        for (int k = 0; k < 17; ++k) {
            v[k] = (d[4 * k] + d[4 * k + 1] + d[4 * k + 2] + d[4 * k + 3]) / 4;
            for (int c = 0; c < 4; ++c) e.vertebra_all[k].push_back(d[4 * k + c]);
        }
        e.vertebra.push_back(v);
        e.cobb_a.push_back(keybot::cobb_angles(spine_a(i), kHeight).columns());
        e.cobb_b.push_back(keybot::cobb_angles(spine_b(i), kHeight).columns());
    }
    return e;
}

const char* const kAngles[3] = {"main", "upper", "lower"};
const char* const kVertebrae[17] = {"T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "T10", "T11", "T12", "L1", "L2", "L3", "L4", "L5"};

void check_report(const fs::path& out) {
    const Expected e = expected();
    const auto images = read_csv(out / "images.csv");
    REQUIRE(images.size() == kImages);
    for (int i = 0; i < kImages; ++i) {
        const auto& row = images[static_cast<std::size_t>(i)];
        CAPTURE(i);
        CHECK(row.at("file") == name_of(i));
        CHECK(std::fabs(num(row, "mean_px") - e.image_mean[i]) < kTolerance);
        CHECK(std::fabs(num(row, "max_px") - e.image_max[i]) < kTolerance);
        for (int k = 0; k < 17; ++k) CHECK(std::fabs(num(row, std::string(kVertebrae[k]) + "_px") - e.vertebra[i][k]) < kTolerance);
        for (int k = 0; k < 3; ++k) {
            const std::string c = std::string("cobb_") + kAngles[k];
            CHECK(std::fabs(num(row, c + "_a") - e.cobb_a[i][k]) < kTolerance);
            CHECK(std::fabs(num(row, c + "_b") - e.cobb_b[i][k]) < kTolerance);
            CHECK(std::fabs(num(row, c + "_diff") - (e.cobb_a[i][k] - e.cobb_b[i][k])) < kTolerance);
        }
    }

    const auto agreement = read_csv(out / "agreement.csv");
    REQUIRE(agreement.size() == 3);
    for (int k = 0; k < 3; ++k) {
        CAPTURE(std::string(kAngles[k]));
        const auto& row = agreement[static_cast<std::size_t>(k)];
        CHECK(row.at("angle") == kAngles[k]);
        std::vector<double> a, b, d;
        for (int i = 0; i < kImages; ++i) a.push_back(e.cobb_a[i][k]), b.push_back(e.cobb_b[i][k]), d.push_back(a.back() - b.back());
        const double n = kImages, ma = mean(a), mb = mean(b), bias = mean(d);
        double va = 0, vb = 0, cov = 0, vd = 0;
        for (int i = 0; i < kImages; ++i) {
            va += (a[i] - ma) * (a[i] - ma) / (n - 1);
            vb += (b[i] - mb) * (b[i] - mb) / (n - 1);
            cov += (a[i] - ma) * (b[i] - mb) / (n - 1);
            vd += (d[i] - bias) * (d[i] - bias) / (n - 1);
        }
        // ICC(A,1) for two raters in closed form (McGraw & Wong 1996, case A with k = 2).
        const double icc = 2 * cov / (va + vb + (ma - mb) * (ma - mb) - (va + vb - 2 * cov) / n);
        CHECK(num(row, "n") == kImages);
        CHECK(std::fabs(num(row, "mean_a") - ma) < kTolerance);
        CHECK(std::fabs(num(row, "mean_b") - mb) < kTolerance);
        CHECK(std::fabs(num(row, "bias") - bias) < kTolerance);
        CHECK(std::fabs(num(row, "sd") - std::sqrt(vd)) < kTolerance);
        CHECK(std::fabs(num(row, "loa_lower") - (bias - 1.96 * std::sqrt(vd))) < kTolerance);
        CHECK(std::fabs(num(row, "loa_upper") - (bias + 1.96 * std::sqrt(vd))) < kTolerance);
        CHECK(std::fabs(num(row, "icc") - icc) < kTolerance);
        // The main curves vary from image to image far more than the offsets move them: a meaningful ICC, not 0
        // or NaN. (The spines are single curves, so A has no upper or lower curve and those ICCs are near 0.)
        if (k == 0) CHECK(icc > 0.9);
    }

    const auto vertebrae = read_csv(out / "vertebrae.csv");
    REQUIRE(vertebrae.size() == 18);
    std::vector<double> all;
    for (int k = 0; k < 17; ++k) {
        CAPTURE(std::string(kVertebrae[k]));
        const auto& row = vertebrae[static_cast<std::size_t>(k)];
        std::vector<double> v = e.vertebra_all[k];
        all.insert(all.end(), v.begin(), v.end());
        std::sort(v.begin(), v.end());
        CHECK(row.at("vertebra") == kVertebrae[k]);
        CHECK(num(row, "n_points") == 4 * kImages);
        CHECK(std::fabs(num(row, "mean_px") - mean(v)) < kTolerance);
        // Nearest rank: the value at index floor(q n).
        CHECK(std::fabs(num(row, "median_px") - v[v.size() / 2]) < kTolerance);
        CHECK(std::fabs(num(row, "p90_px") - v[static_cast<std::size_t>(0.9 * v.size())]) < kTolerance);
        CHECK(std::fabs(num(row, "max_px") - v.back()) < kTolerance);
    }
    CHECK(vertebrae[17].at("vertebra") == "all");
    CHECK(std::fabs(num(vertebrae[17], "mean_px") - mean(all)) < kTolerance);
}

// Decodes (keybot's own decoder) and checks the picture has content: more than a few non-white pixels and
// more than two gray levels (text, axes, marks).
void check_png(const fs::path& path) {
    CAPTURE(path.string());
    REQUIRE(fs::exists(path));
    const keybot::Image img = keybot::read_image_file(path.string());
    CHECK(img.width >= 800);
    CHECK(img.height >= 400);
    std::size_t inked = 0;
    std::vector<int> levels(256, 0);
    for (float v : img.pixels) {
        inked += v < 200.0f;
        levels[static_cast<std::size_t>(std::clamp(v, 0.0f, 255.0f))] = 1;
    }
    CHECK(inked > img.pixels.size() / 200);
    CHECK(inked < img.pixels.size() / 2);
    CHECK(std::count(levels.begin(), levels.end(), 1) > 20);
}

// A: a folder of KeyBot JSON and COCO files (one extra image); B: an AASCE folder (one extra row).
void write_two_annotators(const fs::path& dir) {
    fs::create_directories(dir / "a");
    for (int i = 0; i < kImages; ++i) {
        const keybot::Document d = document(name_of(i), spine_a(i));
        if (i < 3) keybot::write_file_text((dir / "a" / ("img" + std::to_string(i) + ".keybot.json")).string(), keybot::to_json(d));
        else keybot::write_file_text((dir / "a" / ("img" + std::to_string(i) + ".coco.json")).string(), keybot::to_coco_json(d));
    }
    keybot::write_file_text((dir / "a/extra.json").string(), keybot::to_json(document("extra.png", spine_a(0))));
    std::vector<std::pair<std::string, std::vector<Point>>> rows;
    for (int i = kImages - 1; i >= 0; --i) rows.push_back({name_of(i), spine_b(i)});  // order does not matter
    rows.push_back({"only_b.jpg", spine_b(1)});
    write_aasce(dir / "b", rows);
}

}  // namespace

TEST_CASE("compare: KeyBot JSON + COCO folder against an AASCE folder, figures from the coordinates") {
    test::TempDir dir("compare-formats");
    write_two_annotators(dir.path);
    const Run r = compare(q(dir.path / "a") + " " + q(dir.path / "b") + " --out " + q(dir.path / "report"));
    CAPTURE(r.output);
    CHECK(r.status == 0);
    CHECK(has(r.output, "Compared 5 images"));
    CHECK(has(r.output, "1 images only in A: extra"));
    CHECK(has(r.output, "1 images only in B: only_b"));
    CHECK(has(r.output, "ICC(A,1)"));
    check_report(dir.path / "report");
    check_png(dir.path / "report/bland_altman.png");
    check_png(dir.path / "report/vertebra_errors.png");
}

TEST_CASE("compare: a `keybot eval --json` file picks its prediction by --clicks") {
    test::TempDir dir("compare-eval");
    write_two_annotators(dir.path);
    std::vector<std::vector<std::vector<Point>>> pred;
    for (int i = 0; i < kImages; ++i) {
        auto far = spine_a(i);
        for (Point& p : far) p.x += 50.0;  // the 0-click prediction: 50 px off everywhere
        pred.push_back({far, spine_a(i)});
    }
    const fs::path eval = dir.path / "eval.json";
    keybot::write_file_text(eval.string(), eval_json(pred));

    const Run one = compare(q(eval) + " " + q(dir.path / "b") + " --clicks 1 --out " + q(dir.path / "report"));
    CAPTURE(one.output);
    CHECK(one.status == 0);
    check_report(dir.path / "report");

    // Default --clicks 0: the prediction before any click; compared with A itself, every point is 50 px off.
    const Run zero = compare(q(eval) + " " + q(dir.path / "a") + " --out " + q(dir.path / "report0"));
    CAPTURE(zero.output);
    CHECK(zero.status == 0);
    for (const auto& row : read_csv(dir.path / "report0/images.csv")) CHECK(std::fabs(num(row, "mean_px") - 50.0) < kTolerance);

    const Run beyond = compare(q(eval) + " " + q(dir.path / "b") + " --clicks 2");
    CHECK(beyond.status == 1);
    CHECK(has(beyond.output, "has predictions for 0..1 clicks; --clicks 2 asks for more"));
}

TEST_CASE("compare: AASCE rows on both sides need the image size, from --images") {
    test::TempDir dir("compare-sizes");
    write_aasce(dir.path / "a", {{name_of(0), spine_a(0)}});
    write_aasce(dir.path / "b", {{name_of(0), spine_b(0)}});
    const Run no_size = compare(q(dir.path / "a") + " " + q(dir.path / "b"));
    CAPTURE(no_size.output);
    CHECK(no_size.status == 1);
    CHECK(has(no_size.output, "image size of 1 matched images is unknown (e.g. 'img0')"));
    CHECK(has(no_size.output, "give --images DIR"));

    fs::create_directories(dir.path / "images");
    keybot::write_file_bytes((dir.path / "images" / name_of(0)).string(), test::png8(kWidth, kHeight, 1, test::Bytes(kWidth * kHeight, 90)));
    const Run sized = compare(q(dir.path / "a") + " " + q(dir.path / "b") + " --images " + q(dir.path / "images") + " --out " +
                              q(dir.path / "report"));
    CAPTURE(sized.output);
    CHECK(sized.status == 0);
    const auto rows = read_csv(dir.path / "report/images.csv");
    REQUIRE(rows.size() == 1);
    CHECK(std::fabs(num(rows[0], "mean_px") - expected().image_mean[0]) < kTolerance);
}

TEST_CASE("compare: bad inputs give clear errors and the documented exit codes") {
    test::TempDir dir("compare-bad");
    write_two_annotators(dir.path);
    const std::string a = q(dir.path / "a"), b = q(dir.path / "b");

    const Run one_arg = compare(a);
    CHECK(one_arg.status == 2);
    CHECK(has(one_arg.output, "expected two inputs, A and B, got 1"));
    CHECK(compare(a + " " + b + " --clicks -1").status == 2);
    CHECK(compare(a + " " + b + " --bogus").status == 2);

    const Run missing = compare(a + " " + q(dir.path / "nowhere"));
    CHECK(missing.status == 1);
    CHECK(has(missing.output, "nowhere': no such file or folder"));

    // A broken file in a folder is reported and skipped; the other images are still compared.
    keybot::write_file_text((dir.path / "a/broken.json").string(), "{\"schema_version\": 1, \"points\": [");
    const Run broken = compare(a + " " + b);
    CAPTURE(broken.output);
    CHECK(broken.status == 1);
    CHECK(has(broken.output, "broken.json': not valid JSON"));
    CHECK(has(broken.output, "Compared 5 images"));
    fs::remove(dir.path / "a/broken.json");

    // The same image twice on one side is ambiguous: refused, naming both files.
    keybot::write_file_text((dir.path / "a/img0.json").string(), keybot::to_json(document(name_of(0), spine_a(0))));
    const Run twice = compare(a + " " + b);
    CHECK(twice.status == 1);
    CHECK(has(twice.output, "more than one annotation of the same image"));
    CHECK(has(twice.output, "img0.json"));
    CHECK(has(twice.output, "img0.keybot.json"));
    fs::remove(dir.path / "a/img0.json");

    // A and B made for different image sizes: that image is skipped with both sizes named.
    keybot::write_file_text((dir.path / "a/img1.keybot.json").string(),
                            keybot::to_json(document(name_of(1), spine_a(1), kWidth, kHeight + 100)));
    const fs::path c = dir.path / "c";
    fs::create_directories(c);
    keybot::write_file_text((c / "img1.json").string(), keybot::to_json(document(name_of(1), spine_b(1))));
    const Run sizes = compare(a + " " + q(c));
    CAPTURE(sizes.output);
    CHECK(sizes.status == 1);
    CHECK(has(sizes.output, "img1: A is for a 600 x 1300"));
    CHECK(has(sizes.output, "no image could be compared"));

    // Nothing in common.
    const fs::path d = dir.path / "d";
    fs::create_directories(d);
    keybot::write_file_text((d / "other.json").string(), keybot::to_json(document("other.png", spine_b(1))));
    const Run none = compare(a + " " + q(d));
    CHECK(none.status == 1);
    CHECK(has(none.output, "1 images only in B: other"));
    CHECK(has(none.output, "no image could be compared: 0 matched by name"));

    // An eval file with a field of the wrong type.
    keybot::write_file_text((dir.path / "eval.json").string(), "{\"images\": [{\"file\": \"img0.png\", \"width\": \"600\", \"pred\": []}]}");
    const Run typed = compare(q(dir.path / "eval.json") + " " + b);
    CHECK(typed.status == 1);
    CHECK(has(typed.output, "eval.json': not laid out as `keybot eval --json` writes"));

    // Not an annotation at all.
    keybot::write_file_text((dir.path / "notes.txt").string(), "hello");
    const Run text = compare(q(dir.path / "notes.txt") + " " + b);
    CHECK(text.status == 1);
    CHECK(has(text.output, "notes.txt"));
}

TEST_CASE("compare: the real training labels against a copy moved 3 px to the right" * test::needs_data()) {
    const keybot::AasceDataset ds = keybot::read_aasce(test::data_dir());
    test::TempDir dir("compare-real");
    std::vector<std::pair<std::string, std::vector<Point>>> rows;
    std::string names, landmarks;
    for (const keybot::AasceRow& r : ds.rows) {
        keybot::Document d(keybot::aasce_spine(), {r.file_name, r.width, r.height});
        std::vector<keybot::AnnotatedPoint> ap;
        for (const Point& p : r.raw) ap.push_back({p.x + 3.0, p.y, keybot::Provenance::user_placed, 0.0});
        d.set_points(ap);
        names += r.file_name + "\n";
        landmarks += keybot::aasce_landmarks_row(d);
    }
    fs::create_directories(dir.path / "moved");
    keybot::write_file_text((dir.path / "moved/filenames.csv").string(), names);
    keybot::write_file_text((dir.path / "moved/landmarks.csv").string(), landmarks);
    const Run r = compare(q(dir.path / "moved") + " " + q(test::data_dir()) + " --out " + q(dir.path / "report"));
    CAPTURE(r.output.substr(0, 4000));
    CHECK(r.status == 0);
    CHECK(has(r.output, "Compared " + std::to_string(ds.rows.size()) + " images"));
    // A shift moves every point by 3 px and changes no angle.
    for (const auto& row : read_csv(dir.path / "report/vertebrae.csv")) CHECK(std::fabs(num(row, "mean_px") - 3.0) < kTolerance);
    for (const auto& row : read_csv(dir.path / "report/agreement.csv")) {
        CHECK(std::fabs(num(row, "bias")) < kTolerance);
        CHECK(num(row, "icc") == doctest::Approx(1.0));
    }
    check_png(dir.path / "report/bland_altman.png");
}
