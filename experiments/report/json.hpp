// Run records as JSON, through nlohmann-json.
//
// Keys keep the order in which they were added (ordered_json), so a run.json reads top-down the
// way the program wrote it. Numbers are written in the shortest form that reads back to the
// same double; NaN and infinity, which JSON lacks, become null. The text is always valid UTF-8:
// a string holding bytes that are not (a file name from an odd file system) is written with
// json_escape_bytes, reversibly, and the record says so in "non_utf8_strings": the JSON
// pointers of the strings so written, and how to undo it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace experiments {

using Json = nlohmann::ordered_json;

// `text` with each byte that is not part of well-formed UTF-8 written \xNN and each backslash
// written \\ (valid UTF-8 passes unchanged): undone by reading \\ as \ and \xNN as the byte.
std::string json_escape_bytes(std::string_view text);

// The text of `json`, indented by two spaces, with a final newline.
std::string json_text(const Json& json);

// Writes json_text(json) to `path` atomically (data::write_file_atomic).
void write_json(const std::string& path, const Json& json);

}  // namespace experiments
