// Run records as JSON, through nlohmann-json.
//
// Keys keep the order in which they were added (ordered_json), so a run.json reads top-down the
// way the program wrote it. Numbers are written in the shortest form that reads back to the
// same double; NaN and infinity, which JSON lacks, become null. Bytes that are not UTF-8 (a
// file name from an odd file system) are replaced by U+FFFD rather than making the file
// unreadable.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace experiments {

using Json = nlohmann::ordered_json;

// The text of `json`, indented by two spaces, with a final newline.
std::string json_text(const Json& json);

// Writes json_text(json) to `path` atomically (data::write_file_atomic).
void write_json(const std::string& path, const Json& json);

}  // namespace experiments
