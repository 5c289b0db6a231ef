#include <doctest/doctest.h>

#include "keybot/core/error.hpp"
#include "keybot/core/schema.hpp"

namespace {

// A second landmark set written purely as a table (a few ISBI-2015 cephalometric landmarks): no new code.
const keybot::Schema kCephalometric{
    "cephalometric_test",
    {"sella", "nasion", "orbitale", "porion", "subspinale", "supramentale", "pogonion", "menton", "gnathion",
     "gonion", "lower_incisal_incision", "upper_incisal_incision", "upper_lip", "lower_lip", "subnasale",
     "soft_tissue_pogonion", "posterior_nasal_spine", "anterior_nasal_spine", "articulare"},
    {}, {}, {}, {}};

}  // namespace

TEST_CASE("aasce_spine: 17 vertebrae x 4 corners in the documented order") {
    const keybot::Schema& s = keybot::aasce_spine();
    CHECK_NOTHROW(keybot::validate(s));
    CHECK(s.name == "aasce_spine_68");
    REQUIRE(s.size() == 68);
    REQUIRE(s.groups.size() == 17);
    CHECK(s.group_names.front() == "T1");
    CHECK(s.group_names[11] == "T12");
    CHECK(s.group_names[12] == "L1");
    CHECK(s.group_names.back() == "L5");
    CHECK(s.corner_names == std::vector<std::string>{"top_left", "top_right", "bottom_left", "bottom_right"});
    CHECK(s.landmarks[0] == "T1_top_left");
    CHECK(s.landmarks[67] == "L5_bottom_right");
    CHECK(s.index_of("L1_bottom_left") == 12 * 4 + 2);
    CHECK(s.index_of("nope") == -1);
    for (int g = 0; g < 17; ++g) CHECK(s.groups[g] == std::vector<int>{4 * g, 4 * g + 1, 4 * g + 2, 4 * g + 3});
    const auto perm = s.flip_permutation();
    CHECK(perm[0] == 1);
    CHECK(perm[1] == 0);
    CHECK(perm[2] == 3);
    CHECK(perm[67] == 66);
    for (int i = 0; i < 68; ++i) CHECK(perm[perm[i]] == i);
    CHECK(keybot::find_schema("aasce_spine_68") == &s);
    CHECK(keybot::find_schema("unknown") == nullptr);
}

TEST_CASE("a second schema is just another table") {
    CHECK_NOTHROW(keybot::validate(kCephalometric));
    CHECK(kCephalometric.size() == 19);
    CHECK(kCephalometric.index_of("menton") == 7);
    const auto perm = kCephalometric.flip_permutation();
    for (int i = 0; i < 19; ++i) CHECK(perm[i] == i);

    const keybot::Schema hands = keybot::grouped_schema("hand_test", {"thumb", "index"}, {"tip", "base"}, {});
    CHECK(hands.landmarks == std::vector<std::string>{"thumb_tip", "thumb_base", "index_tip", "index_base"});
}

TEST_CASE("validate rejects inconsistent tables") {
    keybot::Schema bad = kCephalometric;
    bad.flip_pairs = {{0, 19}};
    CHECK_THROWS_AS(keybot::validate(bad), keybot::Error);
    bad.flip_pairs = {{0, 1}, {1, 2}};
    CHECK_THROWS_AS(keybot::validate(bad), keybot::Error);
    bad = kCephalometric;
    bad.landmarks[1] = bad.landmarks[0];
    CHECK_THROWS_AS(keybot::validate(bad), keybot::Error);
    bad = kCephalometric;
    bad.groups = {{0, 1}};
    bad.group_names = {"a", "b"};
    CHECK_THROWS_AS(keybot::validate(bad), keybot::Error);
}
