// make_dicom_fixtures IMAGE OUTDIR: the browser's DICOM fixtures, made at test time from an AASCE JPEG (never
// committed). Writes OUTDIR/source.pgm (the image's cropped 8-bit grey levels: the reference the browser
// predicts on), one DICOM file per case of test::aasce_wrap_cases(), and OUTDIR/cases.json naming them with
// their expectation, so the browser test (tests/e2e/dicom.test.mjs) and the native one share one table.
#include <cstdio>
#include <exception>
#include <string>

#include <nlohmann/json.hpp>

#include "../unit/dicom_fixtures.hpp"
#include "keybot/core/file_io.hpp"
#include "keybot/core/image.hpp"

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: make_dicom_fixtures IMAGE OUTDIR\n");
        return 2;
    }
    try {
        const std::string out = argv[2];
        const keybot::Image whole = keybot::decode_image(keybot::read_file_bytes(argv[1]));
        const test::GreyImage g = test::cropped_grey(whole.width, whole.height, whole.pixels);
        const std::string header = "P5\n" + std::to_string(g.width) + " " + std::to_string(g.height) + "\n255\n";
        std::vector<std::uint8_t> pgm(header.begin(), header.end());
        pgm.insert(pgm.end(), g.grey.begin(), g.grey.end());
        keybot::write_file_bytes(out + "/source.pgm", pgm);
        nlohmann::json cases = nlohmann::json::array();
        int n = 0;
        for (const test::WrapCase& c : test::aasce_wrap_cases()) {
            char name[96];
            std::snprintf(name, sizeof name, "%02d-%s-%s.dcm", ++n, c.syntax, test::name_of(c.layout));
            keybot::write_file_bytes(out + "/" + name,
                                     test::make_dicom(g.width, g.height, g.grey, {c.syntax, c.layout, test::kWrapSpacingMm}));
            cases.push_back({{"file", name}, {"syntax", c.syntax}, {"layout", test::name_of(c.layout)},
                             {"expect", test::name_of(c.expect)}, {"spacing_mm", test::kWrapSpacingMm}});
        }
        keybot::write_file_text(out + "/cases.json", cases.dump(1) + "\n");
        std::printf("%d DICOM files and source.pgm (%dx%d) in %s\n", n, g.width, g.height, out.c_str());
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "make_dicom_fixtures: %s\n", e.what());
        return 1;
    }
}
