# Native app tests under a virtual X server (cmake -DAPP=... -DCHECK=... -DXVFB_RUN=... -DWORK=dir -P smoke_test.cmake):
#   default (ctest app_native_screenshot): a generated 16-bit image, no models; the screenshot must show it.
#   -DMODE=scripted -DMODELS=dir (ctest app_native_scripted): the same image with the fixture models, driven by
#   a --script (see src/app/script.hpp): prediction, a correction that keeps the dragged point exactly, undo /
#   redo restoring exactly, confirm, next-unreviewed, error codes of failing commands, exports in every format
#   and their reimport, review (a reference loaded from the exported row, a bad one refused) and practice mode
#   (the models' commands refused, a placement without them, undo), calibration (refusals, undo, clear; on the
#   DICOM file back to its own spacing), autosave restore on reopen, and a screenshot that must show the image
#   with its annotation (points, the corrected point, Cobb lines).
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(_in "${WORK}/pattern16.pgm")
set(_out "${WORK}/screenshot.png")
execute_process(COMMAND "${CHECK}" make-input "${_in}" RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "could not write the test image")
endif()

if(NOT MODE STREQUAL "scripted")
  execute_process(
    COMMAND "${XVFB_RUN}" -a -s "-screen 0 1024x768x24" "${APP}" --image "${_in}" --screenshot "${_out}" --frames 5
            --size 800x600 --models none --autosave-dir none
    RESULT_VARIABLE _rc TIMEOUT 90)
  if(NOT _rc EQUAL 0 OR NOT EXISTS "${_out}")
    message(FATAL_ERROR "keybot_app --screenshot failed (exit ${_rc})")
  endif()
  execute_process(COMMAND "${CHECK}" verify "${_out}" RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "the screenshot ${_out} does not show the test image")
  endif()
  return()
endif()

# Session 1: predict, correct, undo/redo, confirm, export, import back, screenshot.
file(WRITE "${WORK}/session1.txt" "
wait
expect-points 68
expect-images 1
expect-heatmap 4 8
overlay heatmap on
fit
overlay heatmap off
remember
move 5 150.25 60.5
wait
expect-point 5 150.25 60.5
expect-provenance 5 user_placed
expect-heatmap 4 8
undo
expect-same
expect-heatmap 0 0
redo
expect-point 5 150.25 60.5
select 5
nudge 1 0
wait
expect-point 5 151.25 60.5
nudge -1 0
wait
confirm 9
expect-provenance 9 user_confirmed
select 4
next-unreviewed
expect-selected 6
select 8
next-unreviewed
expect-selected 10
expect-error bad_index
move 99 1 1
expect-error unknown_command
frobnicate 1
expect-error nothing_to_redo
redo
export json ${WORK}/out.keybot.json
export coco ${WORK}/out.coco.json
export aasce ${WORK}/out.landmarks.csv
export aasce-filenames ${WORK}/out.filenames.csv
remember
move 20 10 10
wait
import ${WORK}/out.keybot.json
expect-same
move 20 10 10
wait
import ${WORK}/out.coco.json
expect-same
import ${WORK}/out.landmarks.csv
expect-points 68
expect-provenance 20 user_confirmed
undo
expect-same
compare-load-file ${WORK}/out.landmarks.csv
compare-tolerance 5
compare-report
expect-error bad_format
compare-load not an annotation
expect-same
practice on
expect-selected 0
expect-error wrong_mode
move 3 10 10
expect-error incomplete
practice-check
practice-place 12.5 30.25
expect-point 0 12.5 30.25
expect-provenance 0 user_placed
expect-selected 1
select-named T1 top-left
expect-selected 0
undo
expect-same
practice off
compare-clear
wait
expect-error bad_arguments
calibrate 10 10 10 10 25
expect-error bad_arguments
calibrate 10 10 40 50 0
expect-error not_found
calibrate-clear
calibrate 10 10 40 50 25
export json ${WORK}/calibrated.keybot.json
undo
export json ${WORK}/uncalibrated.keybot.json
redo
calibrate-clear
export json ${WORK}/cleared.keybot.json
done on
expect-done 1
fit
screenshot ${_out}
")
execute_process(
  COMMAND "${XVFB_RUN}" -a -s "-screen 0 1024x768x24" "${APP}" --image "${_in}" --models "${MODELS}" --threads 1
          --autosave-dir "${WORK}/autosave" --size 1000x700 --script "${WORK}/session1.txt"
  RESULT_VARIABLE _rc OUTPUT_VARIABLE _log ERROR_VARIABLE _log TIMEOUT 120)
message("${_log}")
if(NOT _rc EQUAL 0 OR NOT EXISTS "${_out}")
  message(FATAL_ERROR "scripted session 1 failed (exit ${_rc})")
endif()
execute_process(COMMAND "${CHECK}" verify-overlay "${_out}" RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "the screenshot ${_out} does not show the image with its annotation")
endif()
foreach(_f out.keybot.json out.coco.json out.landmarks.csv out.filenames.csv autosave/session.json)
  if(NOT EXISTS "${WORK}/${_f}")
    message(FATAL_ERROR "${_f} was not written")
  endif()
endforeach()
# Calibration: 25 mm over the 50 px of (10, 10)-(40, 50) is 0.5 mm per px of type user; undo and clear take it
# away again (the generated image has no spacing of its own).
file(READ "${WORK}/calibrated.keybot.json" _json)
foreach(_want "\"type\": \"user\"" "\"row_mm\": 0.5" "\"col_mm\": 0.5")
  string(FIND "${_json}" "${_want}" _at)
  if(_at EQUAL -1)
    message(FATAL_ERROR "the calibrated annotation lacks ${_want}:\n${_json}")
  endif()
endforeach()
foreach(_f uncalibrated.keybot.json cleared.keybot.json)
  file(READ "${WORK}/${_f}" _json)
  string(FIND "${_json}" "pixel_spacing" _at)
  if(NOT _at EQUAL -1)
    message(FATAL_ERROR "${_f} still has a pixel spacing:\n${_json}")
  endif()
endforeach()

# Session 2: a new process opening the same image gets the autosaved work back (point 5 where it was put).
file(WRITE "${WORK}/session2.txt" "
wait
expect-points 68
expect-point 5 150.25 60.5
expect-provenance 9 user_confirmed
expect-done 1
")
execute_process(
  COMMAND "${XVFB_RUN}" -a -s "-screen 0 1024x768x24" "${APP}" --image "${_in}" --models "${MODELS}" --threads 1
          --autosave-dir "${WORK}/autosave" --size 800x600 --script "${WORK}/session2.txt"
  RESULT_VARIABLE _rc OUTPUT_VARIABLE _log ERROR_VARIABLE _log TIMEOUT 120)
message("${_log}")
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "scripted session 2 (autosave restore) failed (exit ${_rc})")
endif()

# Session 3: a DICOM file (pydicom's CR spine image, unpacked by .ci/setup): it opens, the VOI presets switch,
# and the exported annotation carries the pixel spacing and UIDs but no patient data.
set(_cr "${PYDICOM}/dicomdirtests/77654033/CR1/6154")
if(NOT EXISTS "${_cr}")
  message("SKIPPED: DICOM session (pydicom's test files not found at ${PYDICOM}; run .ci/setup)")
  return()
endif()
file(WRITE "${WORK}/session3.txt" "
wait
expect-points 68
voi-preset 1
voi-preset 0
expect-error bad_index
voi-preset 7
zoom 2 8 8
zoom 0.5
pan 10 -4
fit
expect-error bad_arguments
zoom 100
expect-error bad_arguments
zoom 2 8
calibrate 2 2 2 12 3.3
export json ${WORK}/dicom-user.keybot.json
calibrate-clear
export json ${WORK}/dicom.keybot.json
")
execute_process(
  COMMAND "${XVFB_RUN}" -a -s "-screen 0 1024x768x24" "${APP}" --image "${_cr}" --models "${MODELS}" --threads 1
          --autosave-dir none --size 800x600 --script "${WORK}/session3.txt"
  RESULT_VARIABLE _rc OUTPUT_VARIABLE _log ERROR_VARIABLE _log TIMEOUT 120)
message("${_log}")
if(NOT _rc EQUAL 0 OR NOT EXISTS "${WORK}/dicom.keybot.json")
  message(FATAL_ERROR "scripted session 3 (DICOM) failed (exit ${_rc})")
endif()
file(READ "${WORK}/dicom-user.keybot.json" _json)
string(FIND "${_json}" "\"type\": \"user\"" _at)
if(_at EQUAL -1)
  message(FATAL_ERROR "the calibrated DICOM annotation lacks the user spacing:\n${_json}")
endif()
file(READ "${WORK}/dicom.keybot.json" _json)
foreach(_want "\"type\": \"detector\"" "\"study_uid\": \"1.3.6.1.4.1.5962.1.1.0.0.0.1196527414.5534.0.1\"" "\"file\": \"6154\"")
  string(FIND "${_json}" "${_want}" _at)
  if(_at EQUAL -1)
    message(FATAL_ERROR "the DICOM annotation lacks ${_want}:\n${_json}")
  endif()
endforeach()
