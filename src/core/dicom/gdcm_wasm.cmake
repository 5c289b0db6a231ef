# GDCM for the WebAssembly build: the static libraries and headers that .ci/setup builds once from Debian's
# gdcm 3.0.21 source into ${KEYBOT_DEPS}/gdcm-wasm (../shared/notes/gdcm-wasm.md). Natively the same version
# comes from libgdcm-dev (src/core/CMakeLists.txt). Without the files nothing is defined here, and DICOM files
# are refused with a message, as natively without GDCM.
set(_gdcm_wasm "${KEYBOT_DEPS}/gdcm-wasm")
if(NOT EXISTS "${_gdcm_wasm}/lib/libgdcmMSFF.a" OR NOT EXISTS "${_gdcm_wasm}/include/gdcmImageReader.h")
  return()
endif()
add_library(keybot_gdcm INTERFACE)
target_include_directories(keybot_gdcm SYSTEM INTERFACE "${_gdcm_wasm}/include")
# wasm-ld resolves archives in any order, so the list needs no grouping; the codecs are GDCM's bundled copies.
foreach(_lib gdcmMSFF gdcmIOD gdcmDSED gdcmDICT gdcmCommon gdcmjpeg8 gdcmjpeg12 gdcmjpeg16 gdcmopenjp2
             gdcmcharls gdcmexpat gdcmuuid gdcmzlib)
  if(EXISTS "${_gdcm_wasm}/lib/lib${_lib}.a")
    target_link_libraries(keybot_gdcm INTERFACE "${_gdcm_wasm}/lib/lib${_lib}.a")
  endif()
endforeach()
