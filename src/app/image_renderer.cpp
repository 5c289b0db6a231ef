#include "image_renderer.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "keybot/app/shader_sources.hpp"

namespace keybot::app {

namespace {

std::string info_log(GLuint object, bool is_program) {
    GLint length = 0;
    if (is_program) glGetProgramiv(object, GL_INFO_LOG_LENGTH, &length);
    else glGetShaderiv(object, GL_INFO_LOG_LENGTH, &length);
    std::vector<char> log(static_cast<std::size_t>(std::max(length, 1)), '\0');
    if (is_program) glGetProgramInfoLog(object, length, nullptr, log.data());
    else glGetShaderInfoLog(object, length, nullptr, log.data());
    return log.data();
}

GLuint compile(GLenum type, const char* body, std::string* error) {
    const std::string source = std::string(kGlslVersion) + "\n" + body;
    const char* text = source.c_str();
    const GLuint shader = glCreateShader(type);
    glShaderSource(shader, 1, &text, nullptr);
    glCompileShader(shader);
    GLint ok = GL_FALSE;
    glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        *error = std::string(type == GL_VERTEX_SHADER ? "vertex" : "fragment") + " shader: " + info_log(shader, false);
        glDeleteShader(shader);
        return 0;
    }
    return shader;
}

}  // namespace

bool ImageRenderer::init(std::string* error) {
    const GLuint vs = compile(GL_VERTEX_SHADER, shaders::kimage_vert, error);
    const GLuint fs = vs ? compile(GL_FRAGMENT_SHADER, shaders::kimage_frag, error) : 0;
    if (!vs || !fs) {
        if (vs) glDeleteShader(vs);
        return false;
    }
    program_ = glCreateProgram();
    glAttachShader(program_, vs);
    glAttachShader(program_, fs);
    glLinkProgram(program_);
    glDeleteShader(vs);
    glDeleteShader(fs);
    GLint ok = GL_FALSE;
    glGetProgramiv(program_, GL_LINK_STATUS, &ok);
    if (!ok) {
        *error = "shader program: " + info_log(program_, true);
        destroy();
        return false;
    }
    loc_.ndc_rect = glGetUniformLocation(program_, "u_ndc_rect");
    loc_.tex_size = glGetUniformLocation(program_, "u_tex_size");
    loc_.texels_per_pixel = glGetUniformLocation(program_, "u_texels_per_pixel");
    loc_.window_low = glGetUniformLocation(program_, "u_window_low");
    loc_.window_high = glGetUniformLocation(program_, "u_window_high");
    loc_.invert = glGetUniformLocation(program_, "u_invert");
    loc_.image = glGetUniformLocation(program_, "u_image");
    glGenVertexArrays(1, &vao_);  // core profile: drawing needs a bound VAO, even without attributes
    return true;
}

void ImageRenderer::draw(const Viewer& viewer, const DisplaySettings& display, const FramebufferInfo& fb) const {
    if (!program_ || !texture_.valid() || !viewer.has_image() || fb.width <= 0 || fb.height <= 0) return;
    const Rect vp = viewer.viewport();
    const Rect img = viewer.image_rect_on_screen();

    // Clip to the viewer area (GL scissor: device pixels, bottom-left origin).
    const int sx = int(std::floor(vp.x * fb.scale_x)), sy = int(std::floor(vp.y * fb.scale_y));
    const int sw = int(std::ceil(vp.w * fb.scale_x)), sh = int(std::ceil(vp.h * fb.scale_y));
    glEnable(GL_SCISSOR_TEST);
    glScissor(sx, fb.height - (sy + sh), std::max(sw, 0), std::max(sh, 0));

    auto ndc_x = [&](double x) { return float(2.0 * x * fb.scale_x / fb.width - 1.0); };
    auto ndc_y = [&](double y) { return float(1.0 - 2.0 * y * fb.scale_y / fb.height); };
    const double texels_per_pixel = double(texture_.width()) / viewer.image_width() / (viewer.zoom() * fb.scale_x);

    glUseProgram(program_);
    glUniform4f(loc_.ndc_rect, ndc_x(img.x), ndc_y(img.y), ndc_x(img.x + img.w), ndc_y(img.y + img.h));
    glUniform2f(loc_.tex_size, float(texture_.width()), float(texture_.height()));
    glUniform1f(loc_.texels_per_pixel, float(texels_per_pixel));
    glUniform1f(loc_.window_low, display.window_low);
    glUniform1f(loc_.window_high, display.window_high);
    glUniform1i(loc_.invert, display.invert ? 1 : 0);
    glUniform1i(loc_.image, 0);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, texture_.id());
    glBindVertexArray(vao_);
    glDisable(GL_BLEND);
    glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
    glBindVertexArray(0);
    glBindTexture(GL_TEXTURE_2D, 0);
    glUseProgram(0);
    glDisable(GL_SCISSOR_TEST);
}

void ImageRenderer::destroy() {
    texture_.destroy();
    if (vao_) glDeleteVertexArrays(1, &vao_);
    if (program_) glDeleteProgram(program_);
    vao_ = program_ = 0;
}

}  // namespace keybot::app
