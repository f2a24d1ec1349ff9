// libFuzzer target: the MNIST IDX readers (data_loaders/mnist.hpp), raw and gzip.
//
// Input: the bytes of one IDX file. Raw bytes are parsed in memory, as an image file and as a
// label file (each refuses the other's magic number). Images are parsed twice: at MNIST's
// 28x28, and at the size the header itself announces, so that small forged images get past
// the size check and reach the data-size checks. A gzip stream (starting 1f 8b) is written to a
// scratch file and read by load_idx_images() and load_idx_labels(), through read_file()'s
// inflate path and its idx_max_bytes cap. A DataError is a pass; a crash, a sanitizer report,
// another exception, or a result that breaks the readers' contract is a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "data_loaders/mnist.hpp"
#include "data_loaders/read_file.hpp"
#include "fuzz_support.hpp"

namespace {

void check(bool ok, const std::string& what) {
  if (!ok) fuzz::invariant_failed("idx", what);
}

std::size_t big_endian_32(std::string_view bytes, std::size_t offset) {
  std::size_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    value = (value << 8) | static_cast<std::uint8_t>(bytes[offset + i]);
  }
  return value;
}

void check_images(const data::MnistImages& images, std::size_t rows, std::size_t cols,
                  std::size_t input_size) {
  check(images.rows == rows && images.cols == cols, "images have the expected size");
  check(images.pixels.size() == images.count * rows * cols, "pixels.size() == count*rows*cols");
  check(images.pixels.size() <= input_size, "no more pixels than input bytes");
  for (float p : images.pixels) check(p >= -0.5f && p <= 0.5f, "every pixel in [-0.5, 0.5]");
}

void check_labels(const std::vector<int>& labels, std::size_t input_size) {
  check(labels.size() <= input_size, "no more labels than input bytes");
  for (int label : labels) check(label >= 0 && label <= 9, "every label in 0..9");
}

// Runs `parse` and checks its result with `check_result`; a DataError is the expected refusal.
template <typename Parse, typename Check>
void try_parse(Parse parse, Check check_result) {
  try {
    check_result(parse());
  } catch (const data::DataError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  using data::mnist_cols;
  using data::mnist_rows;

  if (fuzz::is_gzip(bytes)) {
    const std::string path = fuzz::write_scratch_file("input-idx.gz", bytes);
    const std::size_t cap = data::idx_max_bytes;
    try_parse([&] { return data::load_idx_images(path); },
              [&](const data::MnistImages& im) { check_images(im, mnist_rows, mnist_cols, cap); });
    try_parse([&] { return data::load_idx_labels(path); },
              [&](const std::vector<int>& labels) { check_labels(labels, cap); });
    return 0;
  }

  try_parse([&] { return data::parse_idx_images(bytes, "input-idx"); },
            [&](const data::MnistImages& im) { check_images(im, mnist_rows, mnist_cols, size); });
  if (size >= 16) {
    const std::size_t rows = big_endian_32(bytes, 8), cols = big_endian_32(bytes, 12);
    try_parse([&] { return data::parse_idx_images(bytes, "input-idx", rows, cols); },
              [&](const data::MnistImages& im) { check_images(im, rows, cols, size); });
  }
  try_parse([&] { return data::parse_idx_labels(bytes, "input-idx"); },
            [&](const std::vector<int>& labels) { check_labels(labels, size); });
  return 0;
}
