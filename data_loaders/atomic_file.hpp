// Writing a file so that no reader, and no crash, ever sees half of it.
//
// The bytes go to a fresh temporary file beside the destination (created exclusively, so two
// writers never share one), which is then renamed over the destination: on POSIX a rename
// within a folder replaces the old file in one step. Every file the project writes (run
// records, CSV tables, .npy layers, plots) goes through here.
#pragma once

#include <string>
#include <string_view>

namespace data {

// Requires: the folder of `path` exists and is writable.
// Ensures:  `path` holds exactly `bytes`; on failure (no folder, not writable, disk full) throws
//           DataError "PATH: cannot write: ..." and leaves no temporary file behind.
void write_file_atomic(const std::string& path, std::string_view bytes);

}  // namespace data
