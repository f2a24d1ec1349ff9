// libFuzzer target: the .npy reader (data_loaders/npy.hpp).
//
// Input: the bytes of one .npy file. Raw bytes are parsed in memory by parse_npy(); a gzip
// stream (starting 1f 8b) is written to a scratch file and read by read_npy(), through
// read_file()'s inflate path. A DataError is a pass; a crash, a sanitizer report, another
// exception, or an array that breaks the reader's contract (a size that is not the product of
// the shape, a dtype other than '<f8' and '<f4', more elements than the input has bytes for) is
// a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "data_loaders/npy.hpp"
#include "data_loaders/read_file.hpp"
#include "fuzz_support.hpp"

namespace {

void check(bool ok, const std::string& what) {
  if (!ok) fuzz::invariant_failed("npy", what);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const bool gzip = fuzz::is_gzip(bytes);
  data::NpyArray array;
  try {
    array = gzip ? data::read_npy(fuzz::write_scratch_file("input.npy.gz", bytes))
                 : data::parse_npy(bytes, "input.npy");
  } catch (const data::DataError&) {
    return 0;
  }

  check(array.descr == "<f8" || array.descr == "<f4", "descr is '<f8' or '<f4'");
  std::size_t product = 1;
  for (std::size_t d : array.shape) product *= d;  // cannot wrap: the data exist in memory
  check(array.data.size() == product, "data.size() == product(shape)");
  const std::size_t itemsize = array.descr == "<f8" ? 8 : 4;
  if (!gzip) check(array.data.size() * itemsize <= size, "no more data bytes than input bytes");
  return 0;
}
