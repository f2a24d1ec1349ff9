// Reading a whole data file into memory, plain or gzip-compressed.
//
// Every loader in data_loaders/ starts here: read_file() returns the file's bytes, inflating
// them first when the file is gzip-compressed (detected by its magic bytes, not by its name),
// so `ethanol.dat` and `ethanol.dat.gz` load the same way. Errors name the file.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace data {

// A file that cannot be read or does not hold what its format promises. The message names the
// file, and the line or byte offset where that helps: "ethanol.dat:17: expected ';' after ...".
class DataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Requires: `path` names a readable regular file (plain or gzip).
// Ensures:  returns its (decompressed) contents; throws DataError naming the file when it is
//           missing, unreadable, a corrupt gzip stream, or would inflate past `max_bytes`.
std::string read_file(const std::string& path, std::size_t max_bytes = std::size_t{4} << 30);

}  // namespace data
