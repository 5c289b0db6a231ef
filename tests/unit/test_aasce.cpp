#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "keybot/core/aasce.hpp"
#include "keybot/core/error.hpp"
#include "keybot/core/file_io.hpp"
#include "keybot/core/spine_repair.hpp"
#include "test_support.hpp"

using keybot::Point;

namespace {

// landmarks.csv row: x1..x68 then y1..y68, normalised by the image size.
std::string landmark_row(const std::vector<Point>& pts, int w, int h) {
    std::string s;
    char buf[32];
    for (int axis = 0; axis < 2; ++axis)
        for (const Point& p : pts) {
            std::snprintf(buf, sizeof buf, "%.12g", axis == 0 ? p.x / w : p.y / h);
            s += (s.empty() ? "" : ",") + std::string(buf);
        }
    return s + "\n";
}

void check_points_near(const std::vector<Point>& a, const std::vector<Point>& b) {
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i].x == doctest::Approx(b[i].x));
        CHECK(a[i].y == doctest::Approx(b[i].y));
    }
}

// Three images in three formats (names with spaces): a clean spine, one stored with T1 last and the corners of
// vertebra 6 upside down, and one with vertebra 10 annotated twice.
struct Fixture {
    test::TempDir dir{"aasce"};
    std::vector<Point> spine = test::synthetic_spine(15.0, -15.0, 200.0, 100.0, 70.0);
    std::vector<Point> scrambled, repeated;

    Fixture() {
        std::filesystem::create_directories(dir.path / "images");
        keybot::write_file_bytes(dir.str() + "/images/case 1 A AP.png", test::png8(400, 1400, 1, test::ramp(400, 1400, 1)));
        keybot::write_file_bytes(dir.str() + "/images/case 2 B AP.jpg", test::jpeg8(500, 1500, 1, test::ramp(500, 1500, 1)));
        keybot::write_file_bytes(dir.str() + "/images/case 3.bmp", test::bmp8(400, 1400, 3, test::ramp(400, 1400, 3)));
        scrambled.assign(spine.begin() + 4, spine.end());
        scrambled.insert(scrambled.end(), spine.begin(), spine.begin() + 4);  // T1 stored last
        std::swap(scrambled[4 * 4 + 0], scrambled[4 * 4 + 2]);               // vertebra 6 upside down
        std::swap(scrambled[4 * 4 + 1], scrambled[4 * 4 + 3]);
        repeated = spine;
        for (int c = 0; c < 4; ++c) repeated[4 * 9 + c] = spine[4 * 10 + c] + Point{2, 2};
        keybot::write_file_text(dir.str() + "/filenames.csv", "case 1 A AP.png\ncase 2 B AP.jpg\r\ncase 3.bmp\n");
        keybot::write_file_text(dir.str() + "/landmarks.csv", landmark_row(spine, 400, 1400) + landmark_row(scrambled, 500, 1500) +
                                                               landmark_row(repeated, 400, 1400));
        keybot::write_file_text(dir.str() + "/angles.csv", "30,1,2\n3,4,5\n6,7,8.5\n");
    }
};

}  // namespace

TEST_CASE("AASCE reader on a generated folder") {
    Fixture f;
    const auto ds = keybot::read_aasce(f.dir.str());
    REQUIRE(ds.rows.size() == 3);
    CHECK(ds.has_angles);
    CHECK(ds.rows[1].file_name == "case 2 B AP.jpg");
    CHECK(ds.rows[1].width == 500);
    CHECK(ds.rows[1].height == 1500);
    CHECK(ds.rows[2].angles == std::array<double, 3>{6, 7, 8.5});
    CHECK(ds.image_path(ds.rows[0]) == f.dir.str() + "/images/case 1 A AP.png");

    check_points_near(ds.rows[0].raw, f.spine);
    CHECK(ds.rows[0].repair.ok());
    CHECK_FALSE(ds.rows[0].repair.reordered);
    CHECK(ds.rows[0].repair.corner_fixes == 0);

    const auto& r1 = ds.rows[1];
    check_points_near(r1.raw, f.scrambled);  // raw is kept exactly as stored
    CHECK(r1.repair.reordered);
    CHECK(r1.repair.corner_fixes == 1);
    CHECK(r1.repair.ok());
    check_points_near(r1.repair.points, f.spine);

    const auto& r2 = ds.rows[2];
    REQUIRE_FALSE(r2.repair.ok());
    CHECK(r2.repair.issues[0].problem == keybot::RepairProblem::repeated_vertebra);
    CHECK(r2.repair.summary().find("repeated_vertebra") != std::string::npos);
}

TEST_CASE("AASCE reader: optional angles and clear errors") {
    Fixture f;
    std::filesystem::remove(f.dir.path / "angles.csv");
    const auto ds = keybot::read_aasce(f.dir.str());
    CHECK_FALSE(ds.has_angles);
    CHECK_FALSE(ds.rows[0].has_angles);

    keybot::write_file_text(f.dir.str() + "/angles.csv", "1,2\n3,4,5\n6,7,8\n");
    CHECK_THROWS_WITH_AS(keybot::read_aasce(f.dir.str()), doctest::Contains("3 values"), keybot::Error);
    keybot::write_file_text(f.dir.str() + "/angles.csv", "1,2,x\n");
    CHECK_THROWS_WITH_AS(keybot::read_aasce(f.dir.str()), doctest::Contains("not a number"), keybot::Error);
    std::filesystem::remove(f.dir.path / "angles.csv");

    keybot::write_file_text(f.dir.str() + "/filenames.csv", "case 1 A AP.png\n");
    CHECK_THROWS_WITH_AS(keybot::read_aasce(f.dir.str()), doctest::Contains("rows"), keybot::Error);
    keybot::write_file_text(f.dir.str() + "/filenames.csv", "case 1 A AP.png\nmissing.png\ncase 3.bmp\n");
    CHECK_THROWS_WITH_AS(keybot::read_aasce(f.dir.str()), doctest::Contains("missing.png"), keybot::Error);
    keybot::write_file_text(f.dir.str() + "/landmarks.csv", "0.1,0.2\n0.1,0.2\n0.1,0.2\n");
    CHECK_THROWS_WITH_AS(keybot::read_aasce(f.dir.str()), doctest::Contains("136"), keybot::Error);
    CHECK_THROWS_AS(keybot::read_aasce(f.dir.str() + "/nowhere"), keybot::Error);
}

TEST_CASE("spine repair flags spread, degenerate and absurd vertebrae") {
    const auto spine = test::synthetic_spine(10.0, -10.0);
    CHECK(keybot::repair_spine(spine).ok());

    auto spread = spine;
    spread[4 * 8 + 1].x += 2000;
    CHECK(keybot::repair_spine(spread).issues.at(0).problem == keybot::RepairProblem::spread_vertebra);

    auto collapsed = spine;
    collapsed[4 * 8 + 3] = collapsed[4 * 8 + 2] + Point{0.5, 0.5};
    CHECK(keybot::repair_spine(collapsed).issues.at(0).problem == keybot::RepairProblem::degenerate_vertebra);

    auto absurd = spine;  // three corners on the left edge: top and bottom edges end up ~90 deg apart
    absurd[4 * 8 + 3] = absurd[4 * 8 + 2] + Point{-5, 60};
    bool found = false;
    for (const auto& i : keybot::repair_spine(absurd).issues) found |= i.problem == keybot::RepairProblem::absurd_geometry;
    CHECK(found);
    CHECK_THROWS_AS(keybot::repair_spine(std::vector<Point>(7)), keybot::Error);
}

TEST_CASE("spine repair keeps strongly tilted vertebrae as stored") {
    // A spine segment leaning 40 deg, vertebrae perpendicular to it (as in real curves): a 'top two corners by y'
    // rule would call the top-right and bottom-right corners the top edge.
    auto tilted = test::synthetic_spine(0.0, 0.0);
    const double t = 40.0 * 3.14159265358979323846 / 180.0;
    for (Point& p : tilted) p = Point{std::cos(t) * p.x - std::sin(t) * p.y, std::sin(t) * p.x + std::cos(t) * p.y};
    const auto r = keybot::repair_spine(tilted);
    CHECK(r.corner_fixes == 0);
    CHECK(r.ok());
}

TEST_CASE("repair on the AASCE training data flags the known broken rows" * test::needs_data()) {
    const auto ds = keybot::read_aasce(test::data_dir());
    REQUIRE(ds.rows.size() == 481);
    int reordered = 0, fixed = 0;
    std::set<int> flagged;
    for (const auto& r : ds.rows) {
        CHECK(r.width >= 355);
        CHECK(r.width <= 1427);
        reordered += r.repair.reordered;
        fixed += r.repair.corner_fixes > 0;
        if (!r.repair.ok()) flagged.insert(r.index);
    }
    std::string list;
    for (int i : flagged) list += " " + std::to_string(i);
    MESSAGE("reordered " << reordered << ", corner-fixed " << fixed << ", flagged:" << list);
    // Every defect listed in the data README is caught...
    for (int known : {28, 265, 480, 376, 380, 394, 397, 398, 420}) CHECK(flagged.count(known) == 1);
    // ...plus rows 218 (collapsed L5) and 445 (T1 annotated twice), found by inspection; nothing else.
    CHECK(flagged == std::set<int>{28, 218, 265, 376, 380, 394, 397, 398, 420, 445, 480});
    CHECK(reordered == 23);
}
