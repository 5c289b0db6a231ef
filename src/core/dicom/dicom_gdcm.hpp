#pragma once
// The GDCM reader itself (dicom_read.cpp), run by decode_dicom()/probe_dicom() either directly (WebAssembly,
// where GDCM is built without assertions) or in a child process (native: Debian's GDCM keeps its assert()s,
// and a truncated or hostile file can trip one and abort; dicom_isolated.cpp).
#include <cstddef>
#include <cstdint>
#include <string>

#include "keybot/core/dicom.hpp"

namespace keybot {

DicomImage decode_dicom_in_process(const std::uint8_t* data, std::size_t size, std::string* notice);
ImageHeader probe_dicom_in_process(const std::uint8_t* data, std::size_t size);

// DicomInfo <-> JSON (the child process hands its result over as JSON + raw pixels).
std::string dicom_info_to_json(const DicomInfo& info);
DicomInfo dicom_info_from_json(const std::string& text);

}  // namespace keybot
