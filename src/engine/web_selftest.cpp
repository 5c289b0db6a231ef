// Browser test hook (Emscripten only, linked into the app as an INTERFACE source of keybot_engine): runs the
// whole engine path the app uses (open_session_async -> Pipeline::revise_async) on bytes handed over by
// window.keybotOrt.predictSelfTest, independently of the UI. Results go back as JSON to keybotOrt._selftestDone.
#include <emscripten.h>

#include <array>
#include <nlohmann/json.hpp>

#include "keybot/engine/pipeline.hpp"

EM_JS(void, keybot_selftest_js_done, (int req, const char* json), {
    window.keybotOrt._selftestDone(req, UTF8ToString(json));
});

namespace {

using namespace keybot;
using namespace keybot::engine;

engine::Models models;
std::array<std::string, 3> backends;

void reply(int req, const nlohmann::json& j) { keybot_selftest_js_done(req, j.dump().c_str()); }

}  // namespace

extern "C" {

// role_name: a role's name (engine::to_string(Role), the app's constants.modelRoles). Replies {ok, error, backend,
// note}.
EMSCRIPTEN_KEEPALIVE void keybot_selftest_load(const char* role_name, const std::uint8_t* bytes, int len, const char* label,
                                               int req) {
    Role role = Role::refiner;
    if (!role_from_string(role_name ? role_name : "", role))
        return reply(req, {{"ok", false}, {"error", std::string("unknown model role '") + (role_name ? role_name : "") + "'"}});
    open_session_async(std::vector<std::uint8_t>(bytes, bytes + len), label, {}, [role, req](OpenResult r) {
        if (!r.ok()) return reply(req, {{"ok", false}, {"error", r.error}});
        backends[static_cast<std::size_t>(role)] = r.session->backend();
        const std::string note = r.session->provider_note();
        models.slot(role) = std::move(r.session);
        reply(req, {{"ok", true}, {"error", ""}, {"backend", backends[static_cast<std::size_t>(role)]}, {"note", note}});
    });
}

// Predicts all points of an encoded image with the loaded models. Replies {ok, error, width, height, points,
// provenance (names, as in annotation JSON), backends (in constants.modelRoles order)}; points in original pixels.
EMSCRIPTEN_KEEPALIVE void keybot_selftest_predict(const std::uint8_t* image, int len, int req) {
    try {
        PipelineOptions options;
        options.heatmap = true;  // as the annotator runs it (src/app/inference.cpp)
        auto pipeline = std::make_shared<Pipeline>(models, options);
        auto prepared = std::make_shared<PreparedImage>(pipeline->prepare(std::vector<std::uint8_t>(image, image + len)));
        std::vector<AnnotatedPoint> none(static_cast<std::size_t>(pipeline->schema().size()));
        // The pipeline and image must outlive the asynchronous run: the callback keeps them.
        pipeline->revise_async(*prepared, std::move(none), [pipeline, prepared, req](Revision r) {
            if (!r.ok()) return reply(req, {{"ok", false}, {"error", r.error}});
            nlohmann::json pts = nlohmann::json::array(), prov = nlohmann::json::array();
            for (const auto& p : r.points) {
                pts.push_back({p.x, p.y});
                prov.push_back(to_string(p.provenance));
            }
            reply(req, {{"ok", true}, {"error", ""}, {"width", prepared->width}, {"height", prepared->height},
                        {"points", pts}, {"provenance", prov}, {"backends", backends}});
        });
    } catch (const std::exception& e) {
        reply(req, {{"ok", false}, {"error", e.what()}});
    }
}

}  // extern "C"
