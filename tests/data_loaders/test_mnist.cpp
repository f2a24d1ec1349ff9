// Tests of the MNIST IDX reader. They never need the network: each writes its own small IDX
// files (raw, gzip, and forged ones) into a fresh temporary directory that it removes after.
#include <zlib.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <new>
#include <random>
#include <string>
#include <vector>

#include "data_loaders/mnist.hpp"
#include "data_loaders/read_file.hpp"

// A pass-through global operator new that can record the largest single request, so a test can
// prove that a forged header is refused before anything of its announced size is allocated.
// It replaces every unaligned form of new and delete for this whole test executable (all of
// them, so that no pointer from a sanitizer's own new reaches this free); when not tracking it
// only forwards to malloc and free.
namespace {
std::atomic<bool> tracking_allocations{false};
std::atomic<std::size_t> largest_allocation{0};

void* tracked_malloc(std::size_t size) {
  if (tracking_allocations.load(std::memory_order_relaxed)) {
    std::size_t seen = largest_allocation.load(std::memory_order_relaxed);
    while (size > seen && !largest_allocation.compare_exchange_weak(seen, size)) {
    }
  }
  return std::malloc(size == 0 ? 1 : size);
}

void* tracked_new(std::size_t size) {
  if (void* p = tracked_malloc(size)) return p;
  throw std::bad_alloc();
}
}  // namespace

// None of them inlined, so that GCC does not pair the malloc() inside new with a delete at a
// call site (or the free() inside delete with a new) and warn of a mismatch.
[[gnu::noinline]] void* operator new(std::size_t size) {
  return tracked_new(size);
}
[[gnu::noinline]] void* operator new[](std::size_t size) {
  return tracked_new(size);
}
[[gnu::noinline]] void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return tracked_malloc(size);
}
[[gnu::noinline]] void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return tracked_malloc(size);
}
[[gnu::noinline]] void operator delete(void* p) noexcept {
  std::free(p);
}
[[gnu::noinline]] void operator delete[](void* p) noexcept {
  std::free(p);
}
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
[[gnu::noinline]] void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}
[[gnu::noinline]] void operator delete(void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
[[gnu::noinline]] void operator delete[](void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}

namespace {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

// A unique directory under the system's temp directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::random_device random;
    path_ = fs::temp_directory_path() / ("overparam-test-mnist-" + std::to_string(random()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_gzip(const std::string& path, const std::string& bytes) {
  gzFile file = gzopen(path.c_str(), "wb");
  REQUIRE(file != nullptr);
  REQUIRE(gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size())) ==
          static_cast<int>(bytes.size()));
  REQUIRE(gzclose(file) == Z_OK);
}

std::string big_endian_32(std::uint32_t value) {
  std::string out;
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(value >> shift));
  return out;
}

// An IDX header written by hand, so tests can forge any magic and dimensions.
std::string idx_header(std::uint32_t magic, const std::vector<std::uint32_t>& dims) {
  std::string out = big_endian_32(magic);
  for (std::uint32_t d : dims) out += big_endian_32(d);
  return out;
}

// Pixel (r, c) of image i in the test images: a pattern that hits 0, 128 and 255.
std::uint8_t pattern(std::size_t i, std::size_t r, std::size_t c) {
  if (i == 0 && r == 0 && c == 0) return 0;
  if (i == 3 && r == 10 && c == 5) return 128;
  if (i == 6 && r == 27 && c == 27) return 255;
  return static_cast<std::uint8_t>((i * 31 + r * 7 + c) % 256);
}

std::vector<std::uint8_t> pattern_pixels(std::size_t count) {
  std::vector<std::uint8_t> pixels;
  for (std::size_t i = 0; i < count; ++i) {
    for (std::size_t r = 0; r < 28; ++r) {
      for (std::size_t c = 0; c < 28; ++c) pixels.push_back(pattern(i, r, c));
    }
  }
  return pixels;
}

// Labels 0..9 in a fixed order, so a wrong split or offset shows.
std::vector<std::uint8_t> pattern_labels(std::size_t count) {
  std::vector<std::uint8_t> labels;
  for (std::size_t i = 0; i < count; ++i) labels.push_back(static_cast<std::uint8_t>((i * 3) % 10));
  return labels;
}

float expected_value(std::uint8_t p) {
  return static_cast<float>((p - 127.5) / 255.0);
}

// The raw bytes of a good file of 7 images: 16-byte header + 7*784 = 5504 bytes.
std::string good_images_bytes() {
  std::string bytes = idx_header(0x00000803, {7, 28, 28});
  for (std::uint8_t p : pattern_pixels(7)) bytes.push_back(static_cast<char>(p));
  return bytes;
}

void check_pattern_images(const data::MnistImages& images) {
  REQUIRE(images.count == 7);
  REQUIRE(images.rows == 28);
  REQUIRE(images.cols == 28);
  REQUIRE(images.pixels.size() == 7 * 28 * 28);
  for (std::size_t i = 0; i < 7; ++i) {
    for (std::size_t r = 0; r < 28; ++r) {
      for (std::size_t c = 0; c < 28; ++c) {
        const float value = images.pixels[(i * 28 + r) * 28 + c];
        REQUIRE(value == expected_value(pattern(i, r, c)));
        REQUIRE(value >= -0.5f);
        REQUIRE(value <= 0.5f);
      }
    }
  }
}

// Calls `load(path)` on a file holding `bytes` and requires a DataError whose message names the
// file and contains every one of `hints`.
template <typename Load>
void require_data_error(const TempDir& dir, const std::string& name, const std::string& bytes,
                        Load load, const std::vector<std::string>& hints) {
  const std::string path = dir.file(name);
  write_bytes(path, bytes);
  try {
    load(path);
    FAIL("expected data::DataError for " << name);
  } catch (const data::DataError& e) {
    const std::string message = e.what();
    INFO("message: " << message);
    CHECK_THAT(message, Contains(path));
    for (const std::string& hint : hints) CHECK_THAT(message, Contains(hint));
  }
}

const auto load_images = [](const std::string& path) { data::load_idx_images(path); };
const auto load_labels = [](const std::string& path) { data::load_idx_labels(path); };

}  // namespace

TEST_CASE("mnist: a raw IDX image file loads with pixels mapped to p/255 - 0.5", "[data]") {
  TempDir dir;
  const std::string path = dir.file("images-idx3-ubyte");
  data::write_idx_images(path, 28, 28, pattern_pixels(7));
  REQUIRE(read_bytes(path) == good_images_bytes());

  const data::MnistImages images = data::load_idx_images(path);
  check_pattern_images(images);
  // Exact values for chosen pixels: 0 and 255 map to the ends of [-0.5, 0.5].
  CHECK(images.pixels[0] == -0.5f);
  CHECK(images.pixels[(3 * 28 + 10) * 28 + 5] == 0.5f / 255.0f);  // 128/255 - 0.5 = 0.5/255
  CHECK(images.pixels[(6 * 28 + 27) * 28 + 27] == 0.5f);
  CHECK(images.pixels[1] == static_cast<float>(1.0 / 255.0 - 0.5));
}

TEST_CASE("mnist: a gzip IDX image file loads like the raw one", "[data]") {
  TempDir dir;
  const std::string path = dir.file("images-idx3-ubyte.gz");
  write_gzip(path, good_images_bytes());
  REQUIRE(read_bytes(path).substr(0, 2) == "\x1f\x8b");
  check_pattern_images(data::load_idx_images(path));
}

TEST_CASE("mnist: labels load from raw and gzip files", "[data]") {
  TempDir dir;
  data::write_idx_labels(dir.file("labels"), pattern_labels(7));
  write_gzip(dir.file("labels.gz"), read_bytes(dir.file("labels")));
  const std::vector<int> expected = {0, 3, 6, 9, 2, 5, 8};
  CHECK(data::load_idx_labels(dir.file("labels")) == expected);
  CHECK(data::load_idx_labels(dir.file("labels.gz")) == expected);
}

TEST_CASE("mnist: image size is a parameter, 28x28 by default", "[data]") {
  TempDir dir;
  const std::string path = dir.file("small-images");
  data::write_idx_images(path, 3, 2, {0, 51, 102, 153, 204, 255, 255, 0, 0, 0, 0, 0});
  const data::MnistImages images = data::load_idx_images(path, 3, 2);
  CHECK(images.count == 2);
  CHECK(images.rows == 3);
  CHECK(images.cols == 2);
  CHECK(images.pixels[5] == 0.5f);
  CHECK(images.pixels[6] == 0.5f);
  CHECK(images.pixels[7] == -0.5f);
  try {
    data::load_idx_images(path);
    FAIL("expected data::DataError");
  } catch (const data::DataError& e) {
    CHECK_THAT(e.what(), Contains(path) && Contains("3x2") && Contains("expected 28x28"));
  }
}

TEST_CASE("mnist: load_mnist splits off the first images as validation", "[data]") {
  TempDir dir;
  // Train raw, test gzip: each name is found with or without the .gz suffix.
  data::write_idx_images(dir.file("train-images-idx3-ubyte"), 28, 28, pattern_pixels(7));
  data::write_idx_labels(dir.file("train-labels-idx1-ubyte"), pattern_labels(7));
  data::write_idx_images(dir.file("test-images"), 28, 28, pattern_pixels(3));
  data::write_idx_labels(dir.file("test-labels"), {4, 1, 7});
  write_gzip(dir.file("t10k-images-idx3-ubyte.gz"), read_bytes(dir.file("test-images")));
  write_gzip(dir.file("t10k-labels-idx1-ubyte.gz"), read_bytes(dir.file("test-labels")));

  const data::Mnist mnist = data::load_mnist(dir.path().string(), 2);
  REQUIRE(mnist.validation.count == 2);
  REQUIRE(mnist.train.count == 5);
  REQUIRE(mnist.test.count == 3);
  CHECK(mnist.validation.images.size() == 2 * 784);
  CHECK(mnist.train.images.size() == 5 * 784);
  CHECK(mnist.train.rows == 28);
  CHECK(mnist.validation.cols == 28);
  CHECK(mnist.validation.labels == std::vector<int>{0, 3});
  CHECK(mnist.train.labels == std::vector<int>{6, 9, 2, 5, 8});
  CHECK(mnist.test.labels == std::vector<int>{4, 1, 7});
  // Training image 0 after the split is image 2 of the file, with its pixels.
  for (std::size_t k = 0; k < 784; ++k) {
    REQUIRE(mnist.validation.image(1)[k] == expected_value(pattern(1, k / 28, k % 28)));
    REQUIRE(mnist.train.image(0)[k] == expected_value(pattern(2, k / 28, k % 28)));
    REQUIRE(mnist.train.image(4)[k] == expected_value(pattern(6, k / 28, k % 28)));
  }
  CHECK(mnist.train.image(4).back() == 0.5f);
  CHECK(mnist.validation.image(0).front() == -0.5f);
  CHECK_THROWS_AS(mnist.train.image(5), std::out_of_range);

  // validation_size 0 keeps every training image; one that leaves none is refused.
  CHECK(data::load_mnist(dir.path().string(), 0).train.count == 7);
  CHECK_THROWS_AS(data::load_mnist(dir.path().string(), 7), std::invalid_argument);
}

TEST_CASE("mnist: load_mnist reads the plain file when both plain and .gz exist", "[data]") {
  TempDir dir;
  data::write_idx_images(dir.file("train-images-idx3-ubyte"), 28, 28, pattern_pixels(3));
  data::write_idx_labels(dir.file("train-labels-idx1-ubyte"), {1, 2, 3});
  data::write_idx_images(dir.file("t10k-images-idx3-ubyte"), 28, 28, pattern_pixels(1));
  data::write_idx_labels(dir.file("t10k-labels-idx1-ubyte"), {9});
  write_bytes(dir.file("t10k-labels-idx1-ubyte.gz"), "not gzip, must not be read");
  const data::Mnist mnist = data::load_mnist(dir.path().string(), 1);
  CHECK(mnist.test.labels == std::vector<int>{9});
  CHECK(mnist.train.labels == std::vector<int>{2, 3});
}

TEST_CASE("mnist: load_mnist names the files it looked for when they are missing", "[data]") {
  TempDir dir;
  data::write_idx_images(dir.file("train-images-idx3-ubyte"), 28, 28, pattern_pixels(1));
  try {
    data::load_mnist(dir.path().string());
    FAIL("expected data::DataError");
  } catch (const data::DataError& e) {
    const std::string message = e.what();
    INFO("message: " << message);
    CHECK_THAT(message, Contains(dir.file("train-labels-idx1-ubyte")));
    CHECK_THAT(message, Contains(dir.file("train-labels-idx1-ubyte.gz")));
    CHECK_THAT(message, Contains(dir.file("t10k-images-idx3-ubyte.gz")));
    CHECK_THAT(message, Contains(dir.file("t10k-labels-idx1-ubyte")));
    CHECK_THAT(message, !Contains(dir.file("train-images-idx3-ubyte.gz")));
    CHECK_THAT(message, Contains("scripts/fetch-mnist.sh"));
  }
  CHECK_THROWS_WITH(data::load_mnist(dir.file("no-such-dir")),
                    Contains("does not exist") && Contains("fetch-mnist.sh"));
}

TEST_CASE("mnist: find_mnist_files finds plain or .gz files without reading them", "[data]") {
  TempDir dir;
  write_bytes(dir.file("train-images-idx3-ubyte"), "not read");
  write_bytes(dir.file("train-labels-idx1-ubyte.gz"), "not read");
  write_bytes(dir.file("t10k-images-idx3-ubyte"), "not read");
  write_bytes(dir.file("t10k-images-idx3-ubyte.gz"), "the plain one wins");
  write_bytes(dir.file("t10k-labels-idx1-ubyte"), "not read");
  const data::MnistFiles files = data::find_mnist_files(dir.path().string());
  CHECK(files.train_images == dir.file("train-images-idx3-ubyte"));
  CHECK(files.train_labels == dir.file("train-labels-idx1-ubyte.gz"));
  CHECK(files.test_images == dir.file("t10k-images-idx3-ubyte"));
  CHECK(files.test_labels == dir.file("t10k-labels-idx1-ubyte"));
  std::filesystem::remove(dir.file("t10k-labels-idx1-ubyte"));
  CHECK_THROWS_WITH(data::find_mnist_files(dir.path().string()),
                    Contains("missing MNIST files") &&
                        Contains(dir.file("t10k-labels-idx1-ubyte.gz")) &&
                        Contains("fetch-mnist.sh"));
}

TEST_CASE("mnist: forged or damaged image files are refused with a clear message", "[data]") {
  TempDir dir;
  const std::string good = good_images_bytes();
  const std::string data_bytes = good.substr(16);

  SECTION("wrong magic") {
    require_data_error(dir, "bad-magic", idx_header(0x12345678, {7, 28, 28}) + data_bytes,
                       load_images, {"0x12345678", "expected 0x00000803"});
  }
  SECTION("wrong type byte") {
    require_data_error(dir, "float-type", idx_header(0x00000D03, {7, 28, 28}) + data_bytes,
                       load_images, {"type byte is 0x0D", "expected 0x08"});
  }
  SECTION("wrong number of dimensions") {
    require_data_error(dir, "two-dims", idx_header(0x00000802, {7, 784}) + data_bytes, load_images,
                       {"2 dimensions", "expected 3"});
  }
  SECTION("a label file where images were expected") {
    require_data_error(dir, "labels-as-images", idx_header(0x00000801, {7}) + "0123456",
                       load_images, {"0x00000801", "expected 0x00000803", "label file"});
  }
  SECTION("truncated data") {
    require_data_error(dir, "truncated", good.substr(0, good.size() - 1), load_images,
                       {"truncated", "7 images of 28x28", "5504 bytes", "holds only 5503 bytes"});
  }
  SECTION("trailing bytes") {
    require_data_error(dir, "trailing", good + "xyz", load_images,
                       {"3 bytes of trailing garbage", "5504 bytes", "holds 5507 bytes"});
  }
  SECTION("trailing bytes inside a gzip file") {
    const std::string path = dir.file("trailing.gz");
    write_gzip(path, good + "x");
    CHECK_THROWS_WITH(data::load_idx_images(path), Contains(path) && Contains("trailing"));
  }
  SECTION("a header announcing 2^31 images is refused without allocating for them") {
    const std::string path = dir.file("forged-count");
    write_bytes(path, idx_header(0x00000803, {0x80000000u, 28, 28}) + data_bytes);
    largest_allocation = 0;
    tracking_allocations = true;
    std::string message;
    try {
      data::load_idx_images(path);
    } catch (const data::DataError& e) {
      message = e.what();
    }
    tracking_allocations = false;
    INFO("message: " << message);
    CHECK_THAT(message, Contains(path) && Contains("truncated") &&
                            Contains("2147483648 images of 28x28") &&
                            Contains("1683627180032 bytes of data") && Contains("holds only 5504"));
    CHECK(largest_allocation.load() < (std::size_t{1} << 20));
  }
  SECTION("dimensions whose product overflows 64 bits") {
    require_data_error(dir, "overflow", idx_header(0x00000801, {0xFFFFFFFFu}) + "x", load_labels,
                       {"truncated", "4294967295 labels"});
    const std::string path = dir.file("overflow-images");
    write_bytes(path, idx_header(0x00000803, {0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu}));
    CHECK_THROWS_WITH(data::load_idx_images(path, 0xFFFFFFFFu, 0xFFFFFFFFu),
                      Contains(path) && Contains("more than 2^64 bytes"));
  }
  SECTION("a missing file") {
    const std::string path = dir.file("no-such-file");
    CHECK_THROWS_AS(data::load_idx_images(path), data::DataError);
    CHECK_THROWS_WITH(data::load_idx_images(path), Contains(path) && Contains("no such file"));
  }
  SECTION("an empty file") {
    require_data_error(dir, "empty", "", load_images, {"empty file", "expected 0x00000803"});
  }
  SECTION("a file too short for its magic number") {
    require_data_error(dir, "two-bytes", std::string("\0\0", 2), load_images,
                       {"2 bytes is too short", "expected 0x00000803"});
  }
  SECTION("a file shorter than its header") {
    require_data_error(dir, "short-header", good.substr(0, 10), load_images,
                       {"10 bytes is too short", "at least 16 bytes"});
  }
  SECTION("a gzip file that would inflate past the size cap") {
    const std::string path = dir.file("bomb.gz");
    gzFile file = gzopen(path.c_str(), "wb1");
    REQUIRE(file != nullptr);
    const std::string zeros(1 << 20, '\0');
    for (std::size_t mib = 0; mib <= (data::idx_max_bytes >> 20); ++mib) {
      REQUIRE(gzwrite(file, zeros.data(), static_cast<unsigned>(zeros.size())) ==
              static_cast<int>(zeros.size()));
    }
    REQUIRE(gzclose(file) == Z_OK);
    CHECK_THROWS_WITH(data::load_idx_images(path), Contains(path) && Contains("64 MiB"));
  }
}

TEST_CASE("mnist: forged or damaged label files are refused with a clear message", "[data]") {
  TempDir dir;
  SECTION("label 11") {
    require_data_error(dir, "label-11", idx_header(0x00000801, {4}) + "\x01\x02\x0b\x03",
                       load_labels, {"label 11 at index 2", "expected 0..9"});
  }
  SECTION("an image file where labels were expected") {
    require_data_error(dir, "images-as-labels", good_images_bytes(), load_labels,
                       {"0x00000803", "expected 0x00000801", "image file"});
  }
  SECTION("truncated and trailing") {
    require_data_error(dir, "short-labels", idx_header(0x00000801, {5}) + "\x01\x02", load_labels,
                       {"truncated", "5 labels", "13 bytes", "holds only 10 bytes"});
    require_data_error(dir, "long-labels", idx_header(0x00000801, {1}) + "\x01\x02", load_labels,
                       {"1 bytes of trailing garbage", "9 bytes", "holds 10 bytes"});
  }
  SECTION("a file shorter than its header") {
    require_data_error(dir, "short-label-header", std::string("\0\0\x08\x01\0\0", 6), load_labels,
                       {"6 bytes is too short", "at least 8 bytes"});
  }
}

TEST_CASE("mnist: parse_idx_images and parse_idx_labels read bytes in memory like the loaders",
          "[data]") {
  TempDir dir;
  const std::string good = good_images_bytes();
  const data::MnistImages images = data::parse_idx_images(good, "in-memory-images");
  check_pattern_images(images);
  write_bytes(dir.file("images"), good);
  CHECK(data::load_idx_images(dir.file("images")).pixels == images.pixels);

  const std::string labels = idx_header(0x00000801, {3}) + std::string("\x07\x00\x09", 3);
  CHECK(data::parse_idx_labels(labels, "in-memory-labels") == std::vector<int>{7, 0, 9});

  CHECK_THROWS_WITH(data::parse_idx_images(labels, "in-memory-images"),
                    StartsWith("in-memory-images: ") && Contains("expected 0x00000803"));
  CHECK_THROWS_WITH(data::parse_idx_labels(labels + "x", "in-memory-labels"),
                    StartsWith("in-memory-labels: ") && Contains("1 bytes of trailing garbage"));
}

TEST_CASE("mnist: forged headers are refused in memory and inside gzip files, before allocating",
          "[data]") {
  TempDir dir;
  const std::string data_bytes = good_images_bytes().substr(16);
  const std::string forged = idx_header(0x00000803, {0x80000000u, 28, 28}) + data_bytes;

  largest_allocation = 0;
  tracking_allocations = true;
  std::string message;
  try {
    data::parse_idx_images(forged, "forged-in-memory");
  } catch (const data::DataError& e) {
    message = e.what();
  }
  tracking_allocations = false;
  INFO("message: " << message);
  CHECK_THAT(message, StartsWith("forged-in-memory: truncated") &&
                          Contains("2147483648 images of 28x28") && Contains("holds only 5504"));
  CHECK(largest_allocation.load() < (std::size_t{1} << 20));

  // Inside a .gz, the stream is inflated (at most idx_max_bytes) and then refused the same way.
  const std::string path = dir.file("forged-count.gz");
  write_gzip(path, forged);
  CHECK_THROWS_WITH(data::load_idx_images(path),
                    StartsWith(path + ": truncated") && Contains("2147483648 images of 28x28"));

  // Dimensions whose product is small, but whose header announces more labels than bytes.
  CHECK_THROWS_WITH(
      data::parse_idx_labels(idx_header(0x00000801, {0x80000000u}) + "\x01", "forged-labels"),
      StartsWith("forged-labels: truncated") && Contains("2147483648 labels"));
}

TEST_CASE("mnist: images and labels of different counts are refused as a pair", "[data]") {
  TempDir dir;
  data::write_idx_images(dir.file("images"), 28, 28, pattern_pixels(7));
  data::write_idx_labels(dir.file("labels"), pattern_labels(6));
  try {
    data::load_idx_split(dir.file("images"), dir.file("labels"));
    FAIL("expected data::DataError");
  } catch (const data::DataError& e) {
    CHECK_THAT(e.what(), Contains(dir.file("images")) && Contains(dir.file("labels")) &&
                             Contains("7 images") && Contains("6 labels") &&
                             Contains("one label per image"));
  }
  data::write_idx_labels(dir.file("labels"), pattern_labels(7));
  const data::MnistSplit split = data::load_idx_split(dir.file("images"), dir.file("labels"));
  CHECK(split.count == 7);
  CHECK(split.labels.size() == 7);
}

TEST_CASE("mnist: write_idx_* write atomically and check their arguments", "[data]") {
  TempDir dir;
  const std::string path = dir.file("images");
  data::write_idx_images(path, 28, 28, pattern_pixels(2));
  data::write_idx_images(path, 28, 28, pattern_pixels(1));  // replaces the file
  data::write_idx_labels(dir.file("labels"), {1});
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    INFO("left in the directory: " << entry.path());
    CHECK((entry.path().filename() == "images" || entry.path().filename() == "labels"));
    ++files;
  }
  CHECK(files == 2);
  CHECK(data::load_idx_images(path).count == 1);
  CHECK_THROWS_AS(data::write_idx_images(path, 28, 28, std::vector<std::uint8_t>(785)),
                  std::invalid_argument);
  CHECK_THROWS_AS(data::write_idx_images(path, 0, 28, {}), std::invalid_argument);
  CHECK_THROWS_AS(data::write_idx_labels(dir.file("no-such-dir/labels"), {1}), data::DataError);
}

// The real data set, when scripts/fetch-mnist.sh has put it in data/mnist/. Hidden from the
// default run (the tests above need no download); run it with: test_data_loaders "[real-mnist]"
TEST_CASE("mnist: the real MNIST files load with the known counts and labels",
          "[data][.real-mnist]") {
  const data::Mnist mnist = data::load_mnist(std::string(OVERPARAM_SOURCE_DIR) + "/data/mnist");
  CHECK(mnist.train.count == 55000);
  CHECK(mnist.validation.count == 5000);
  CHECK(mnist.test.count == 10000);
  CHECK(mnist.validation.labels.front() == 5);  // the famous first training image is a 5
  CHECK(mnist.test.labels.front() == 7);
  std::vector<int> histogram(10, 0);
  for (int label : mnist.test.labels) ++histogram[static_cast<std::size_t>(label)];
  CHECK(histogram == std::vector<int>{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009});
}
