#include "inference.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <utility>
#include <exception>
#include <thread>

#include "keybot/core/error.hpp"

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
#endif

namespace keybot::app {

double now_ms() {
#if defined(__EMSCRIPTEN__)
    return emscripten_get_now();
#else
    using namespace std::chrono;
    return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
#endif
}

#if KEYBOT_HAVE_ENGINE

namespace {
[[maybe_unused]] std::string lower(std::string text) {
    for (char& c : text) c = char(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

// The app always asks for the refiner's heatmaps (the teaching overlay can be switched on at any time); they
// cost one extra output copy per click.
engine::PipelineOptions pipeline_options() {
    engine::PipelineOptions o;
    o.heatmap = true;
    return o;
}
}  // namespace

struct Inference::Impl {
    engine::Models models;
    std::unique_ptr<engine::Pipeline> pipeline;
    int opened = 0;
    std::string backend = "none";
    mutable std::mutex mutex;  // finished + in_flight (native runs finish on worker threads)
    std::vector<std::shared_ptr<RevisionJob>> finished;
    int in_flight = 0;
    std::vector<std::future<void>> tasks;  // native workers, joined on destruction
};

Inference::Inference() : impl_(std::make_unique<Impl>()) {}

Inference::~Inference() {
    for (auto& t : impl_->tasks) t.wait();  // runs reference the models
}

bool Inference::ready() const { return state_ == State::ready && impl_->pipeline; }
int Inference::opened() const { return impl_->opened; }
std::string Inference::backend() const { return impl_->backend; }

void Inference::set_failed(const std::string& message) {
    state_ = State::failed;
    message_ = message;
}

bool Inference::load_dir(const std::string& dir, int threads) {
#if defined(__EMSCRIPTEN__)
    (void)dir, (void)threads;
    set_failed("the browser loads models with load_role_async");
    return false;
#else
    state_ = State::loading;
    label_ = dir;
    threads_ = threads > 0 ? threads : int(std::thread::hardware_concurrency());
    try {
        engine::SessionOptions options;
        options.threads = threads;
        impl_->models = engine::load_models(dir, options);
        impl_->opened = 3;
        impl_->pipeline = std::make_unique<engine::Pipeline>(impl_->models, pipeline_options());
        impl_->backend = lower(engine::to_string(impl_->models.refiner->provider()));  // "cpu" / "cuda"
        state_ = State::ready;
        message_.clear();
        return true;
    } catch (const std::exception& e) {
        impl_->pipeline.reset();
        impl_->models = {};
        set_failed(e.what());
        return false;
    }
#endif
}

std::vector<std::string> model_role_names() {
    std::vector<std::string> names;
    for (engine::Role role : engine::kRoles) names.emplace_back(engine::to_string(role));
    return names;
}

void Inference::load_role_async(const std::string& role_name, std::vector<std::uint8_t> bytes, const std::string& label) {
    engine::Role role = engine::Role::refiner;
    if (!engine::role_from_string(role_name, role)) return set_failed("unknown model role '" + role_name + "'");
    state_ = State::loading;
    if (label_.empty()) label_ = label;
    auto opened = [this, role](std::unique_ptr<engine::Session> session, const std::string& error) {
        if (!session) {
            set_failed(error);
            return;
        }
        auto& slot = impl_->models.slot(role);
        if (!slot) ++impl_->opened;
        slot = std::move(session);
        if (impl_->opened < 3 || state_ == State::failed) return;
        try {
            impl_->pipeline = std::make_unique<engine::Pipeline>(impl_->models, pipeline_options());
#if defined(__EMSCRIPTEN__)
            impl_->backend = impl_->models.refiner->backend();  // "webgpu" | "wasm"
#else
            impl_->backend = lower(engine::to_string(impl_->models.refiner->provider()));
#endif
            state_ = State::ready;
            message_.clear();
        } catch (const std::exception& e) {
            set_failed(e.what());
        }
    };
#if defined(__EMSCRIPTEN__)
    // The browser cannot block: onnxruntime-web creates the session and calls back from the event loop.
    engine::open_session_async(std::move(bytes), label, engine::SessionOptions{},
                               [opened](engine::OpenResult r) { opened(std::move(r.session), r.error); });
#else
    try {
        opened(engine::open_session(bytes, label, engine::SessionOptions{}), {});
    } catch (const std::exception& e) {
        opened(nullptr, e.what());
    }
#endif
}

std::shared_ptr<const void> Inference::prepare(const Image& image) const {
    if (!ready()) throw Error("no models loaded");
    return std::make_shared<const engine::PreparedImage>(impl_->pipeline->prepare(image));
}

void Inference::start(std::shared_ptr<RevisionJob> job, std::shared_ptr<const void> prepared) {
    auto image = std::static_pointer_cast<const engine::PreparedImage>(prepared);
    Impl* impl = impl_.get();
    {
        std::lock_guard<std::mutex> lock(impl->mutex);
        ++impl->in_flight;
    }
    auto finish = [impl, job](engine::Revision r) {
        job->finished_ms = now_ms();
        if (r.ok()) {
            job->output = std::move(r.points);
            job->heatmap = std::move(r.heatmap.values);
            job->heatmap_cols = r.heatmap.cols;
            job->heatmap_rows = r.heatmap.rows;
        }
        else job->error = r.error.empty() ? "the model run failed" : r.error;
        std::lock_guard<std::mutex> lock(impl->mutex);
        impl->finished.push_back(job);
        --impl->in_flight;
    };
    const engine::Pipeline* pipeline = impl->pipeline.get();
#if defined(__EMSCRIPTEN__)
    pipeline->revise_async(*image, job->input, finish);
#else
    // Native sessions complete inline: run on a worker so the frame loop keeps drawing.
    impl->tasks.erase(std::remove_if(impl->tasks.begin(), impl->tasks.end(), [](std::future<void>& f) {
                          return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
                      }), impl->tasks.end());
    impl->tasks.push_back(std::async(std::launch::async, [pipeline, image, job, finish] {
        try {
            pipeline->revise_async(*image, job->input, finish);
        } catch (const std::exception& e) {
            engine::Revision r;
            r.error = e.what();
            finish(std::move(r));
        }
    }));
#endif
}

std::vector<std::shared_ptr<RevisionJob>> Inference::take_finished() {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    return std::exchange(impl_->finished, {});
}

int Inference::in_flight() const {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    return impl_->in_flight;
}

#else  // no engine linked (web build before the browser backend exists): corrections move only the point

struct Inference::Impl {};
Inference::Inference() : impl_(std::make_unique<Impl>()) {}
Inference::~Inference() = default;
bool Inference::ready() const { return false; }
int Inference::opened() const { return 0; }
std::string Inference::backend() const { return "none"; }
void Inference::set_failed(const std::string& message) { state_ = State::failed; message_ = message; }
bool Inference::load_dir(const std::string&, int) { set_failed("this build has no inference engine"); return false; }
std::vector<std::string> model_role_names() { return {}; }
void Inference::load_role_async(const std::string&, std::vector<std::uint8_t>, const std::string&) { set_failed("this build has no inference engine"); }
std::shared_ptr<const void> Inference::prepare(const Image&) const { throw Error("no inference engine"); }
void Inference::start(std::shared_ptr<RevisionJob>, std::shared_ptr<const void>) {}
std::vector<std::shared_ptr<RevisionJob>> Inference::take_finished() { return {}; }
int Inference::in_flight() const { return 0; }

#endif

}  // namespace keybot::app
