#include "data_loaders/read_file.hpp"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace data {

std::string read_file(const std::string& path, std::size_t max_bytes) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) throw DataError(path + ": no such file");
  if (fs::is_directory(path, ec)) throw DataError(path + ": is a directory, expected a file");

  // gzopen reads plain files transparently, so one code path serves both kinds.
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) throw DataError(path + ": cannot open: " + std::strerror(errno));

  std::string bytes;
  char buffer[1 << 16];
  for (;;) {
    int n = gzread(file, buffer, sizeof buffer);
    if (n < 0) {
      int code = 0;
      std::string why = gzerror(file, &code);
      gzclose(file);
      throw DataError(path + ": corrupt or truncated gzip data (" + why + ")");
    }
    if (n == 0) break;
    if (bytes.size() + static_cast<std::size_t>(n) > max_bytes) {
      gzclose(file);
      throw DataError(path + ": larger than " + std::to_string(max_bytes >> 20) +
                      " MiB once decompressed; refusing to load it");
    }
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
  // A gzip stream cut short reads as a shorter file; only gzclose tells (Z_BUF_ERROR), and
  // a file cut at a line break would otherwise load as fewer rows, silently.
  if (gzclose(file) == Z_BUF_ERROR) {
    throw DataError(path + ": truncated gzip data (the compressed stream ends early after " +
                    std::to_string(bytes.size()) + " bytes); fetch or copy the file again");
  }
  return bytes;
}

}  // namespace data
