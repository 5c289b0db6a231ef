# Native app smoke test (ctest app_native_screenshot): runs keybot_app under a virtual X server on a generated
# 16-bit image, saves a screenshot and checks it shows the image.
# cmake -DAPP=... -DCHECK=... -DXVFB_RUN=... -DWORK=dir -P smoke_test.cmake
file(MAKE_DIRECTORY "${WORK}")
set(_in "${WORK}/pattern16.pgm")
set(_out "${WORK}/screenshot.png")
file(REMOVE "${_out}")
execute_process(COMMAND "${CHECK}" make-input "${_in}" RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "could not write the test image")
endif()
execute_process(
  COMMAND "${XVFB_RUN}" -a -s "-screen 0 1024x768x24" "${APP}" --image "${_in}" --screenshot "${_out}" --frames 5 --size 800x600
  RESULT_VARIABLE _rc TIMEOUT 90)
if(NOT _rc EQUAL 0 OR NOT EXISTS "${_out}")
  message(FATAL_ERROR "keybot_app --screenshot failed (exit ${_rc})")
endif()
execute_process(COMMAND "${CHECK}" verify "${_out}" RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "the screenshot ${_out} does not show the test image")
endif()
