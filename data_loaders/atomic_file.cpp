#include "data_loaders/atomic_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <system_error>

#include "data_loaders/read_file.hpp"  // DataError

namespace data {

void write_file_atomic(const std::string& path, std::string_view bytes) {
  auto fail = [&](const std::string& what) { throw DataError(path + ": cannot write: " + what); };
  thread_local std::mt19937_64 random{std::random_device{}()};

  std::string tmp;
  std::FILE* file = nullptr;
  for (int attempt = 0; attempt < 100 && file == nullptr; ++attempt) {
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, ".tmp.%016llx", static_cast<unsigned long long>(random()));
    tmp = path + suffix;
    file = std::fopen(tmp.c_str(), "wbx");  // "x": fail rather than reuse an existing file
    if (file == nullptr && errno != EEXIST) break;
  }
  if (file == nullptr) {
    const int error = errno;
    const std::string hint = error == ENOENT                     ? " (does the directory exist?)"
                             : error == EACCES || error == EROFS ? " (is the directory writable?)"
                                                                 : "";
    fail("cannot create the temporary file " + tmp + ": " + std::strerror(error) + hint);
  }

  bool written = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
  int error = errno;
  if (std::fclose(file) != 0 && written) {
    written = false;
    error = errno;
  }
  std::error_code ec;
  if (!written) {
    std::filesystem::remove(tmp, ec);
    fail("writing " + tmp + " failed: " + std::strerror(error));
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    fail("renaming " + tmp + " into place failed: " + ec.message());
  }
}

}  // namespace data
