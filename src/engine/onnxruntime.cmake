# ONNX Runtime 1.29 for native builds, from the npm registry (asus4's Unity packages carry the official Linux
# x64 library; the headers come from the iOS framework of the same package, which are the official ORT headers).
# Downloaded once into ${KEYBOT_DEPS}/onnxruntime-0.4.9/ with a pinned SHA-256 (file(DOWNLOAD) skips the
# transfer when a file with the expected hash is already there), extracted once, and staged as:
#   stage-<cpu|cuda>/include/*.h
#   stage-<cpu|cuda>/lib/libonnxruntime.so.1 (its SONAME) + libonnxruntime.so -> libonnxruntime.so.1
#   stage-cuda/lib/libonnxruntime_providers_{shared,cuda}.so (ORT loads providers from its own directory)
# Provides the IMPORTED target onnxruntime::onnxruntime. CMake puts the staged lib dir into the build-tree
# RPATH of every executable that links it, so binaries run from the build folder without LD_LIBRARY_PATH.
set(KEYBOT_ORT_PACKAGE_VERSION 0.4.9)
set(_ort_root "${KEYBOT_DEPS}/onnxruntime-${KEYBOT_ORT_PACKAGE_VERSION}")

# keybot_ort_fetch(<npm package name> <sha256> <out: extracted package dir> <archive members...>)
function(keybot_ort_fetch name sha256 out_dir)
  set(_tgz "${_ort_root}/${name}-${KEYBOT_ORT_PACKAGE_VERSION}.tgz")
  set(_url "https://registry.npmjs.org/${name}/-/${name}-${KEYBOT_ORT_PACKAGE_VERSION}.tgz")
  set(_dir "${_ort_root}/${name}")
  if(NOT EXISTS "${_dir}/.extracted")
    message(STATUS "ONNX Runtime: fetching ${_url} (once, into ${_ort_root})")
    file(DOWNLOAD "${_url}" "${_tgz}" EXPECTED_HASH SHA256=${sha256} STATUS _st SHOW_PROGRESS)
    list(GET _st 0 _code)
    if(NOT _code EQUAL 0)
      list(GET _st 1 _msg)
      file(REMOVE "${_tgz}")
      message(FATAL_ERROR "ONNX Runtime: download of ${_url} failed: ${_msg}")
    endif()
    file(REMOVE_RECURSE "${_dir}")
    file(ARCHIVE_EXTRACT INPUT "${_tgz}" DESTINATION "${_dir}" PATTERNS ${ARGN})
    foreach(_member ${ARGN})
      if(NOT _member MATCHES "[*]" AND NOT EXISTS "${_dir}/${_member}")
        message(FATAL_ERROR "ONNX Runtime: ${_tgz} has no ${_member}")
      endif()
    endforeach()
    file(TOUCH "${_dir}/.extracted")
  endif()
  set(${out_dir} "${_dir}/package" PARENT_SCOPE)
endfunction()

set(_ort_linux "Plugins/Linux/x64")
set(_ort_headers "Plugins/iOS~/onnxruntime.xcframework/ios-arm64/onnxruntime.framework/Headers")
keybot_ort_fetch(com.github.asus4.onnxruntime e59788788818fdde1b2e522e766a21ba0f7d8391de55737abf81e32cc801785d
  _ort_cpu_pkg "package/${_ort_linux}/libonnxruntime.so" "package/${_ort_headers}/*.h")

if(KEYBOT_CUDA)
  set(_ort_stage "${_ort_root}/stage-cuda")
else()
  set(_ort_stage "${_ort_root}/stage-cpu")
endif()
if(NOT EXISTS "${_ort_stage}/.staged")
  file(REMOVE_RECURSE "${_ort_stage}")
  file(MAKE_DIRECTORY "${_ort_stage}/lib")
  file(GLOB _hdrs "${_ort_cpu_pkg}/${_ort_headers}/*.h")
  file(COPY ${_hdrs} DESTINATION "${_ort_stage}/include")
  file(COPY_FILE "${_ort_cpu_pkg}/${_ort_linux}/libonnxruntime.so" "${_ort_stage}/lib/libonnxruntime.so.1")
  file(CREATE_LINK "libonnxruntime.so.1" "${_ort_stage}/lib/libonnxruntime.so" SYMBOLIC)
  if(KEYBOT_CUDA)
    # The CUDA provider libraries are loaded by libonnxruntime.so.1 at run time (dlopen from its directory);
    # they need the CUDA 13 runtime (libcudart/libcublas/libcublasLt .so.13, libcurand.so.10) and the driver
    # (libcuda.so.1) on the machine, which is checked when a session asks for CUDA.
    keybot_ort_fetch(com.github.asus4.onnxruntime.linux-x64-gpu
      2b459e0c17f340c92970c10ed86de4f37a3009f93c14053e6ad4334cbb6be412 _ort_gpu_pkg
      "package/${_ort_linux}/libonnxruntime_providers_shared.so" "package/${_ort_linux}/libonnxruntime_providers_cuda.so")
    foreach(_p shared cuda)
      file(COPY_FILE "${_ort_gpu_pkg}/${_ort_linux}/libonnxruntime_providers_${_p}.so"
           "${_ort_stage}/lib/libonnxruntime_providers_${_p}.so")
    endforeach()
  endif()
  file(TOUCH "${_ort_stage}/.staged")
endif()

add_library(onnxruntime::onnxruntime SHARED IMPORTED GLOBAL)
set_target_properties(onnxruntime::onnxruntime PROPERTIES
  IMPORTED_LOCATION "${_ort_stage}/lib/libonnxruntime.so.1"
  IMPORTED_SONAME "libonnxruntime.so.1"
  INTERFACE_INCLUDE_DIRECTORIES "${_ort_stage}/include")
set(KEYBOT_ORT_LIB_DIR "${_ort_stage}/lib" CACHE INTERNAL "Staged ONNX Runtime libraries")
