#pragma once
// OpenGL entry points: WebGL2 (OpenGL ES 3.0) in the browser, desktop OpenGL 3.3 core natively (libGL exports
// the core functions; prototypes via GL_GLEXT_PROTOTYPES).
#if defined(__EMSCRIPTEN__)
#include <GLES3/gl3.h>
#else
#ifndef GL_GLEXT_PROTOTYPES
#define GL_GLEXT_PROTOTYPES 1
#endif
#include <SDL_opengl.h>
#endif

namespace keybot::app {

// The "#version" line prefixed to every shader (and handed to ImGui's OpenGL3 backend).
#if defined(__EMSCRIPTEN__)
inline constexpr const char* kGlslVersion = "#version 300 es";
#else
inline constexpr const char* kGlslVersion = "#version 330 core";
#endif

}  // namespace keybot::app
