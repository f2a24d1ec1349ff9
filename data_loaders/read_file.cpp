#include "data_loaders/read_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>

namespace data {

namespace {

// What kind of thing `mode` is, for a message that refuses it.
const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

std::string mib(std::size_t bytes) {
  return std::to_string(bytes >> 20) + " MiB";
}

}  // namespace

std::string read_file(const std::string& path, std::size_t max_bytes) {
  if (path.empty()) throw DataError("an empty file name: no file was given");
  // O_NONBLOCK so that opening a FIFO returns at once instead of waiting for a writer; only
  // a regular file is read, so the flag never matters for the reads below.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) throw DataError(path + ": no such file");
    if (err == ELOOP)
      throw DataError(path + ": a loop of symbolic links (" + std::strerror(err) + ")");
    throw DataError(path + ": cannot open: " + std::strerror(err));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const bool dir = S_ISDIR(st.st_mode);
    const std::string kind = kind_of(st.st_mode);
    ::close(fd);
    if (dir) throw DataError(path + ": is a directory, expected a file");
    throw DataError(path + ": is " + kind + ", expected a regular file (plain or gzip)");
  }
  // A file far larger than the limit is refused before a byte is read. (gzip never grows its
  // input by more than a few bytes per 64 KiB block, so this also holds for a .gz; the exact
  // check on the inflated size is made while reading, below.)
  if (static_cast<unsigned long long>(st.st_size) > max_bytes + (max_bytes >> 2) + 4096) {
    ::close(fd);
    throw DataError(path + ": " + std::to_string(st.st_size) + " bytes, larger than the " +
                    mib(max_bytes) + " a valid file of this kind can be; refusing to load it");
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);

  // gzdopen reads plain files transparently, so one code path serves both kinds; it owns fd.
  gzFile file = gzdopen(fd, "rb");
  if (file == nullptr) {
    ::close(fd);
    throw DataError(path + ": cannot open: " + std::strerror(errno));
  }

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
    // Checked while reading and while inflating: a gzip bomb stops at the limit.
    if (bytes.size() + static_cast<std::size_t>(n) > max_bytes) {
      const bool gzip = gzdirect(file) == 0;
      gzclose(file);
      throw DataError(path + ": larger than " + mib(max_bytes) +
                      (gzip ? " once decompressed" : "") +
                      ", more than a valid file of this kind can be; refusing to load it");
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
