#include "fuzz_support.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace fuzz {

namespace fs = std::filesystem;

bool is_gzip(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

namespace {

void remove_scratch_dir() {
  std::error_code ignored;
  fs::remove_all(scratch_dir(), ignored);
}

}  // namespace

const std::string& scratch_dir() {
  static const std::string dir = [] {
    std::string pattern = (fs::temp_directory_path() / "overparam-fuzz-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      std::perror("fuzz: cannot create a scratch directory");
      std::abort();
    }
    return pattern;
  }();
  static const bool registered = std::atexit(remove_scratch_dir) == 0;
  (void)registered;
  return dir;
}

std::string write_scratch_file(const std::string& name, std::string_view bytes) {
  const std::string path = scratch_dir() + "/" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    std::fprintf(stderr, "fuzz: cannot write the scratch file %s\n", path.c_str());
    std::abort();
  }
  return path;
}

void invariant_failed(const char* target, const std::string& what) {
  std::fprintf(stderr, "fuzz_%s: invariant broken: %s\n", target, what.c_str());
  std::abort();
}

}  // namespace fuzz
