// Review state without a window: placement order and names from the schema table, the next point to place,
// reading a reference in every format (and refusing bad ones), and the comparison report, whose figures are
// checked against values worked out here by hand. Part of keybot_app_unit_tests.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "app_state.hpp"
#include "keybot/core/cobb.hpp"
#include "keybot/core/error.hpp"
#include "keybot/core/formats.hpp"
#include "review_state.hpp"

using namespace keybot;
using namespace keybot::app;

namespace {

constexpr int kWidth = 300, kHeight = 600;

// A straight spine: vertebra g spans y = 20 + 30 g .. + 20, x = 100 .. 140 (corners tl, tr, bl, br).
std::vector<AnnotatedPoint> straight_spine(Provenance provenance) {
    std::vector<AnnotatedPoint> pts;
    for (int g = 0; g < 17; ++g) {
        const double y = 20.0 + 30.0 * g;
        for (const auto& [x, dy] : {std::pair{100.0, 0.0}, {140.0, 0.0}, {100.0, 20.0}, {140.0, 20.0}})
            pts.push_back({x, y + dy, provenance, 0.0});
    }
    return pts;
}

std::unique_ptr<ImageEntry> entry_with(const std::vector<AnnotatedPoint>& pts) {
    auto e = std::make_unique<ImageEntry>();
    e->name = "spine.png";
    e->width = kWidth;
    e->height = kHeight;
    e->doc = std::make_unique<Document>(aasce_spine(), ImageInfo{e->name, kWidth, kHeight});
    e->doc->set_points(pts);
    e->has_points = true;
    return e;
}

// An AASCE landmarks row (x1..xN, y1..yN normalised by the image size) written here, not by KeyBot.
std::string aasce_row(const std::vector<Point>& pts) {
    std::string xs, ys;
    char buf[64];
    for (const Point& p : pts) {
        std::snprintf(buf, sizeof buf, "%.17g,", p.x / kWidth);
        xs += buf;
        std::snprintf(buf, sizeof buf, "%.17g,", p.y / kHeight);
        ys += buf;
    }
    ys.pop_back();
    return xs + ys + "\n";
}

}  // namespace

TEST_CASE("practice order and names come from the schema table") {
    const Schema& spine = aasce_spine();
    const std::vector<int> order = placement_order(spine);
    REQUIRE(order.size() == 68u);
    CHECK(order[0] == spine.groups[0][0]);
    CHECK(order[4] == spine.groups[1][0]);
    CHECK(point_label(spine, spine.groups[6][0]) == "T7 top-left");
    CHECK(point_label(spine, spine.groups[16][3]) == "L5 bottom-right");
    CHECK(find_point_by_name(spine, "T7_top_left") == spine.groups[6][0]);
    CHECK(find_point_by_name(spine, "t7 TOP-left") == spine.groups[6][0]);
    CHECK(find_point_by_name(spine, "T99 top-left") == -1);

    // Another schema gets the same for free: 2 groups of 3 named points, listed out of group order.
    Schema tri = grouped_schema("tri", {"A", "B"}, {"apex", "base_left", "base_right"}, {});
    std::swap(tri.groups[0], tri.groups[1]);
    std::swap(tri.group_names[0], tri.group_names[1]);
    CHECK(placement_order(tri) == std::vector<int>{3, 4, 5, 0, 1, 2});
    CHECK(point_label(tri, 4) == "B base-left");
}

TEST_CASE("the next point to place skips placed ones and wraps") {
    const Schema& spine = aasce_spine();
    std::vector<AnnotatedPoint> pts = straight_spine(Provenance::predicted);
    CHECK(next_to_place(spine, pts, -1) == 0);
    pts[0].provenance = Provenance::user_placed;
    pts[1].provenance = Provenance::user_confirmed;
    CHECK(next_to_place(spine, pts, -1) == 2);
    CHECK(next_to_place(spine, pts, 0) == 2);
    CHECK(next_to_place(spine, pts, 67) == 2);  // wraps
    CHECK(placed_count(pts) == 2);
    for (auto& p : pts) p.provenance = Provenance::user_placed;
    CHECK(next_to_place(spine, pts, 5) == -1);
}

TEST_CASE("a reference is read in every import format; bad ones are refused with a reason") {
    const std::vector<AnnotatedPoint> pts = straight_spine(Provenance::predicted);
    std::vector<Point> xy;
    for (const auto& p : pts) xy.push_back({p.x + 1.5, p.y - 2.0});
    const ImageInfo image{"spine.png", kWidth, kHeight};

    const Reference row = reference_from_text(aasce_row(xy), aasce_spine(), image);
    CHECK(row.source == ReferenceSource::file);
    CHECK(row.format == "AASCE CSV");
    REQUIRE(row.points.size() == 68u);
    CHECK(row.points[33].x == doctest::Approx(xy[33].x).epsilon(1e-12));
    CHECK(row.points[33].y == doctest::Approx(xy[33].y).epsilon(1e-12));

    Document doc(aasce_spine(), image);
    doc.set_points(pts);
    CHECK(reference_from_text(to_json(doc), aasce_spine(), image).format == "KeyBot JSON");
    CHECK(reference_from_text(to_coco_json(doc), aasce_spine(), image).format == "COCO JSON");

    CHECK_THROWS_AS(reference_from_text("this is not an annotation", aasce_spine(), image), Error);
    xy.pop_back();
    CHECK_THROWS_AS(reference_from_text(aasce_row(xy), aasce_spine(), image), Error);  // 67 points
    Document other(aasce_spine(), ImageInfo{"other.png", kWidth * 3, kHeight});
    other.set_points(pts);
    CHECK_THROWS_WITH_AS(reference_from_text(to_json(other), aasce_spine(), image),
                         doctest::Contains(std::to_string(kWidth * 3).c_str()), Error);
}

TEST_CASE("the report: distances against the reference, over tolerance, hidden in practice until Check") {
    const std::vector<AnnotatedPoint> user = straight_spine(Provenance::user_placed);
    auto e = entry_with(user);
    CHECK(!comparison_visible(*e));  // no reference yet
    CHECK(review_json(*e, 10.0)["comparison"].is_null());

    // Every reference point 5 px away (3, 4), point 40 a further 50 px (30, 40): mean (67*5 + 55)/68... worked
    // out per point: |(3,4)| = 5 and |(33,44)| = 55.
    std::vector<AnnotatedPoint> ref = user;
    for (auto& p : ref) p.x += 3.0, p.y += 4.0;
    ref[40].x += 30.0, ref[40].y += 40.0;
    e->review.reference = reference_from_points(ref, ReferenceSource::file);
    const nlohmann::json j = review_json(*e, 10.0);
    const nlohmann::json& c = j["comparison"];
    REQUIRE(c.is_object());
    CHECK(c["mean"].get<double>() == doctest::Approx((67 * 5.0 + 55.0) / 68.0));
    CHECK(c["max"].get<double>() == doctest::Approx(55.0));
    CHECK(c["maxIndex"] == 40);
    CHECK(c["within"] == 67);
    REQUIRE(c["overTolerance"].size() == 1u);
    CHECK(c["overTolerance"][0]["index"] == 40);
    CHECK(c["overTolerance"][0]["label"] == point_label(aasce_spine(), 40));
    // Cobb angles of each side by the reference method itself (point 40 tilts vertebra 11 of the reference), and
    // the report's difference is the user's minus the reference's.
    std::vector<Point> user_xy, ref_xy;
    for (const auto& p : user) user_xy.push_back({p.x, p.y});
    for (const auto& p : ref) ref_xy.push_back({p.x, p.y});
    const auto cobb_user = cobb_angles(user_xy, kHeight).columns(), cobb_ref = cobb_angles(ref_xy, kHeight).columns();
    for (int k = 0; k < 3; ++k) {
        CHECK(c["cobb"]["difference"][k].get<double>() == doctest::Approx(cobb_user[k] - cobb_ref[k]));
        CHECK(c["cobb"]["difference"][k].get<double>() ==
              doctest::Approx(c["cobb"]["user"][k].get<double>() - c["cobb"]["reference"][k].get<double>()));
    }
    CHECK(review_json(*e, 4.0)["comparison"]["within"] == 0);
    CHECK(j["unit"] == "px");

    // Practice: the same reference stays hidden until Check.
    e->review.practice = true;
    CHECK(review_json(*e, 10.0)["comparison"].is_null());
    e->review.checked = true;
    CHECK(review_json(*e, 10.0)["comparison"]["max"].get<double>() == doctest::Approx(55.0));

    // The document's undo history never holds the reference: undoing a placement leaves it as it was.
    const std::vector<Point> before = e->review.reference.points;
    e->doc->move_point(3, 1.0, 1.0);
    e->doc->undo();
    CHECK(e->review.reference.points.size() == before.size());
    CHECK(e->review.reference.points[3] == before[3]);
}

TEST_CASE("a reference that cannot be compared reports why instead of figures") {
    auto e = entry_with(straight_spine(Provenance::user_placed));
    std::vector<AnnotatedPoint> flat = straight_spine(Provenance::predicted);
    for (auto& p : flat) p.x = 120.0;  // every vertebra's sides at one x: Cobb angles undefined
    e->review.reference = reference_from_points(flat, ReferenceSource::file);
    const nlohmann::json j = review_json(*e, 10.0);
    CHECK(j["comparison"].is_null());
    CHECK(j["comparisonError"].get<std::string>().find("Cobb") != std::string::npos);
}
