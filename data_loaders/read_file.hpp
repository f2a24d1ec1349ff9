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

// Requires: nothing.
// Ensures:  returns the (decompressed) contents of the regular file `path`; throws DataError
//           naming the file when it is missing, a loop of symbolic links, unreadable, not a
//           regular file (a FIFO, a device such as /dev/zero, a socket: these are never read,
//           so they can neither block nor stream for ever), a corrupt gzip stream, or larger
//           than `max_bytes` (checked from its size before reading, and while inflating, so a
//           gzip bomb stops at the limit). Each loader passes a limit proportional to what a
//           valid file of its kind can be.
std::string read_file(const std::string& path, std::size_t max_bytes = std::size_t{4} << 30);

}  // namespace data
