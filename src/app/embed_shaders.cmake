# cmake -DOUT=header.hpp -DFILES="a.vert;b.frag" -P embed_shaders.cmake
# Writes each GLSL file as a raw string literal `kShader_<name>_<ext>` (no #version line: the app prefixes
# "#version 300 es" on WebGL2 and "#version 330 core" on desktop GL at load time).
set(_text "// Generated from shaders/*.vert|frag by src/app/embed_shaders.cmake. Do not edit.\n#pragma once\n\nnamespace keybot::shaders {\n")
foreach(_f IN LISTS FILES)
  get_filename_component(_name "${_f}" NAME_WE)
  get_filename_component(_ext "${_f}" EXT)
  string(SUBSTRING "${_ext}" 1 -1 _ext)
  file(READ "${_f}" _src)
  string(FIND "${_src}" ")GLSL\"" _bad)
  if(NOT _bad EQUAL -1)
    message(FATAL_ERROR "${_f} contains the raw-string delimiter )GLSL\"")
  endif()
  string(APPEND _text "inline constexpr const char* k${_name}_${_ext} = R\"GLSL(${_src})GLSL\";\n")
endforeach()
string(APPEND _text "}  // namespace keybot::shaders\n")
file(WRITE "${OUT}.tmp" "${_text}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
