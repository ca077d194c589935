#pragma once
// Names of temporary files: `<final path>.tmp-<pid>-<16 random hex digits>`.
// The pid says who wrote it; the random part keeps two writers (threads or
// processes) from ever choosing the same name, so files can be created with
// O_EXCL and cleanup tools can recognise leftovers by the ".tmp-" marker.

#include <string>
#include <string_view>

namespace chronicle {

inline constexpr std::string_view kTempMarker = ".tmp-";

std::string temp_path_for(const std::string& final_path);

}  // namespace chronicle
