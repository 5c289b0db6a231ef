# Toolchain for the WebAssembly build: finds Emscripten (an emsdk named by $EMSDK, else Debian's package)
# and hides the known gotchas of Debian's Emscripten 3.1.6, so `cmake --preset web` just works.

if(DEFINED ENV{EMSDK} AND EXISTS "$ENV{EMSDK}/upstream/emscripten/cmake/Modules/Platform/Emscripten.cmake")
  set(_keybot_em_root "$ENV{EMSDK}/upstream/emscripten")
elseif(EXISTS "/usr/share/emscripten/cmake/Modules/Platform/Emscripten.cmake")
  set(_keybot_em_root "/usr/share/emscripten")
else()
  message(FATAL_ERROR "Emscripten not found: set EMSDK to an emsdk checkout, or run .ci/setup (Debian package 'emscripten')")
endif()

# Debian's emcc wrapper runs `python3` from PATH (which may be an interpreter without the right modules),
# and its JS optimiser needs Debian's node modules (acorn) on NODE_PATH. Set both for configure time here,
# and for build time through compiler/linker launchers (the environment of `cmake --build` is not ours).
set(ENV{EMSDK_PYTHON} "/usr/bin/python3")
set(ENV{NODE_PATH} "/usr/share/nodejs")
set(_keybot_env /usr/bin/env EMSDK_PYTHON=/usr/bin/python3 NODE_PATH=/usr/share/nodejs)
foreach(_lang C CXX)
  set(CMAKE_${_lang}_COMPILER_LAUNCHER ${_keybot_env} CACHE STRING "" FORCE)
  set(CMAKE_${_lang}_LINKER_LAUNCHER ${_keybot_env} CACHE STRING "" FORCE)
endforeach()

include("${_keybot_em_root}/cmake/Modules/Platform/Emscripten.cmake")

# Archiving needs no Python: call LLVM's tools directly (emar only forwards to them).
foreach(_tool ar ranlib)
  string(TOUPPER ${_tool} _TOOL)
  find_program(_keybot_llvm_${_tool} NAMES llvm-${_tool}-14 llvm-${_tool} PATHS /usr/bin /usr/lib/llvm-14/bin)
  if(_keybot_llvm_${_tool})
    set(CMAKE_${_TOOL} "${_keybot_llvm_${_tool}}" CACHE FILEPATH "" FORCE)
    foreach(_lang C CXX)
      set(CMAKE_${_lang}_COMPILER_${_TOOL} "${_keybot_llvm_${_tool}}" CACHE FILEPATH "" FORCE)
    endforeach()
  endif()
endforeach()

# Emscripten's bundled SDL port is old and cannot be downloaded here: never let its headers in.
# Our SDL2 is built for wasm by .ci/setup into $KEYBOT_DEPS/sdl2-wasm.
set(CMAKE_C_FLAGS_INIT "-sUSE_SDL=0")
set(CMAKE_CXX_FLAGS_INIT "-sUSE_SDL=0")
# The HTML shell must stay readable (our CSP and bridge live in it); WebGL2 only (ImGui's ES3 backend).
set(CMAKE_EXE_LINKER_FLAGS_INIT "-sMINIFY_HTML=0 -sUSE_SDL=0 -sUSE_WEBGL2=1 -sMIN_WEBGL_VERSION=2 -sMAX_WEBGL_VERSION=2")

if(DEFINED ENV{KEYBOT_DEPS})
  set(_keybot_deps "$ENV{KEYBOT_DEPS}")
else()
  set(_keybot_deps "$ENV{HOME}/.cache/keybot")
endif()
# Prepended: Emscripten's sysroot has its own SDL2 config (the -sUSE_SDL=2 port), which must not win.
list(PREPEND CMAKE_FIND_ROOT_PATH "${_keybot_deps}/sdl2-wasm")
