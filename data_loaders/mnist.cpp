#include "data_loaders/mnist.hpp"

#include "data_loaders/atomic_file.hpp"

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "data_loaders/read_file.hpp"

namespace data {

namespace {

namespace fs = std::filesystem;

constexpr std::uint32_t images_magic = 0x00000803;  // unsigned bytes, 3 dimensions
constexpr std::uint32_t labels_magic = 0x00000801;  // unsigned bytes, 1 dimension
constexpr std::uint8_t unsigned_byte_type = 0x08;

std::string hex(std::uint32_t value, int digits) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "0x%0*X", digits, static_cast<unsigned>(value));
  return buffer;
}

std::string type_name(std::uint8_t type) {
  switch (type) {
    case 0x08:
      return "unsigned byte";
    case 0x09:
      return "signed byte";
    case 0x0B:
      return "16-bit integer";
    case 0x0C:
      return "32-bit integer";
    case 0x0D:
      return "float";
    case 0x0E:
      return "double";
    default:
      return "not an IDX type";
  }
}

// Requires: offset + 4 <= bytes.size().
std::uint32_t read_big_endian_32(std::string_view bytes, std::size_t offset) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    value = (value << 8) | static_cast<std::uint8_t>(bytes[offset + i]);
  }
  return value;
}

// a * b, or false when the product does not fit in 64 bits.
bool checked_multiply(std::uint64_t a, std::uint64_t b, std::uint64_t& product) {
  if (b != 0 && a > std::numeric_limits<std::uint64_t>::max() / b) return false;
  product = a * b;
  return true;
}

// What an IDX file of unsigned bytes says about itself: its dimensions and where data starts.
struct IdxHeader {
  std::vector<std::uint64_t> dims;
  std::size_t data_offset = 0;
};

// Requires: `bytes` is the whole (decompressed) content of the file `path`; `kind` names what
//           the file should hold ("image" or "label") for messages.
// Ensures:  returns the header when the magic is `expected_magic` and the header is complete;
//           throws DataError saying what was found and what was expected otherwise. The size
//           of the data is checked separately, by check_data_size().
IdxHeader parse_idx_header(const std::string& path, std::string_view bytes,
                           std::uint32_t expected_magic, const std::string& kind) {
  const std::size_t expected_dims = expected_magic & 0xFF;
  const std::string expected = "expected " + hex(expected_magic, 8) + " (IDX " + kind +
                               " file: unsigned bytes, " + std::to_string(expected_dims) +
                               (expected_dims == 1 ? " dimension)" : " dimensions)");
  if (bytes.empty()) throw DataError(path + ": empty file, " + expected);
  if (bytes.size() < 4) {
    throw DataError(path + ": " + std::to_string(bytes.size()) +
                    " bytes is too short to hold an IDX magic number (4 bytes), " + expected);
  }

  const std::uint32_t magic = read_big_endian_32(bytes, 0);
  if (magic != expected_magic) {
    const std::string found = path + ": magic number is " + hex(magic, 8) + ", " + expected;
    if ((magic >> 16) != 0) {
      throw DataError(found + "; an IDX file starts with two zero bytes, so this is none");
    }
    const auto type = static_cast<std::uint8_t>((magic >> 8) & 0xFF);
    if (type != unsigned_byte_type) {
      throw DataError(found + ": type byte is " + hex(type, 2) + " (" + type_name(type) +
                      "), expected 0x08 (unsigned byte)");
    }
    const std::uint32_t dims = magic & 0xFF;
    std::string hint;
    if (magic == labels_magic) hint = "; this looks like a label file, were the paths swapped?";
    if (magic == images_magic) hint = "; this looks like an image file, were the paths swapped?";
    throw DataError(found + ": " + std::to_string(dims) + " dimensions, expected " +
                    std::to_string(expected_dims) + hint);
  }

  IdxHeader header;
  header.data_offset = 4 + 4 * expected_dims;
  if (bytes.size() < header.data_offset) {
    throw DataError(path + ": " + std::to_string(bytes.size()) +
                    " bytes is too short for the header of an IDX " + kind +
                    " file, expected at least " + std::to_string(header.data_offset) +
                    " bytes (magic number and " + std::to_string(expected_dims) +
                    " big-endian 32-bit dimensions)");
  }
  for (std::size_t d = 0; d < expected_dims; ++d) {
    header.dims.push_back(read_big_endian_32(bytes, 4 + 4 * d));
  }
  return header;
}

// Requires: `header` came from parse_idx_header(path, bytes, ...); `what` describes its
//           dimensions for messages ("7 images of 28x28").
// Ensures:  the file holds exactly the header plus the product of the dimensions in bytes;
//           throws DataError naming the file, the expected and the actual byte count otherwise.
//           The product is computed in checked 64-bit arithmetic, so a forged header is refused
//           here, before anything of its announced size is allocated.
void check_data_size(const std::string& path, std::string_view bytes, const IdxHeader& header,
                     const std::string& what) {
  std::uint64_t data_bytes = 1;
  bool fits = true;
  for (std::uint64_t dim : header.dims) {
    fits = fits && checked_multiply(data_bytes, dim, data_bytes);
  }
  const std::uint64_t expected_total = data_bytes + header.data_offset;
  fits = fits && expected_total >= data_bytes;
  const std::string actual = std::to_string(bytes.size());
  if (!fits) {
    throw DataError(path + ": header announces " + what +
                    ", more than 2^64 bytes; the header is corrupt (the file holds " + actual +
                    " bytes)");
  }
  const std::string announced = "header announces " + what + ", i.e. " +
                                std::to_string(expected_total) + " bytes in all (" +
                                std::to_string(header.data_offset) + "-byte header + " +
                                std::to_string(data_bytes) + " bytes of data)";
  if (bytes.size() < expected_total) {
    throw DataError(path + ": truncated: " + announced + ", but the file holds only " + actual +
                    " bytes");
  }
  if (bytes.size() > expected_total) {
    throw DataError(path + ": " + std::to_string(bytes.size() - expected_total) +
                    " bytes of trailing garbage: " + announced + ", but the file holds " + actual +
                    " bytes");
  }
}

// The float for each pixel byte p: (p - 127.5)/255 has one rounding, so it is the float nearest
// p/255 - 0.5, which is also what TensorFlow's convolutional.py computes in float32.
std::array<float, 256> make_pixel_table() {
  std::array<float, 256> table{};
  for (std::size_t p = 0; p < table.size(); ++p) {
    table[p] = (static_cast<float>(p) - 127.5f) / 255.0f;
  }
  return table;
}

void append_big_endian_32(std::string& out, std::uint64_t value, const std::string& what) {
  if (value > std::numeric_limits<std::uint32_t>::max()) {
    throw std::invalid_argument("write_idx: " + what + " " + std::to_string(value) +
                                " does not fit in an IDX dimension (32 bits)");
  }
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xFF));
  }
}

// Returns dir/name, or dir/name.gz when only that exists, or "" when neither does; `searched`
// receives the paths looked at.
std::string find_plain_or_gz(const fs::path& dir, const std::string& name,
                             std::vector<std::string>& searched) {
  std::error_code ec;
  const fs::path plain = dir / name;
  const fs::path gz = dir / (name + ".gz");
  if (fs::is_regular_file(plain, ec)) return plain.string();
  if (fs::is_regular_file(gz, ec)) return gz.string();
  searched.push_back(plain.string());
  searched.push_back(gz.string());
  return "";
}

}  // namespace

std::span<const float> MnistSplit::image(std::size_t i) const {
  if (i >= count) {
    throw std::out_of_range("MnistSplit::image: index " + std::to_string(i) +
                            " out of range, expected < " + std::to_string(count));
  }
  const std::size_t size = rows * cols;
  return std::span<const float>(images).subspan(i * size, size);
}

MnistImages load_idx_images(const std::string& path, std::size_t expected_rows,
                            std::size_t expected_cols) {
  return parse_idx_images(read_file(path, idx_max_bytes), path, expected_rows, expected_cols);
}

MnistImages parse_idx_images(std::string_view bytes, const std::string& path,
                             std::size_t expected_rows, std::size_t expected_cols) {
  const IdxHeader header = parse_idx_header(path, bytes, images_magic, "image");
  const std::uint64_t count = header.dims[0], rows = header.dims[1], cols = header.dims[2];
  if (rows != expected_rows || cols != expected_cols) {
    throw DataError(path + ": images are " + std::to_string(rows) + "x" + std::to_string(cols) +
                    ", expected " + std::to_string(expected_rows) + "x" +
                    std::to_string(expected_cols) + " (rows x cols)");
  }
  check_data_size(
      path, bytes, header,
      std::to_string(count) + " images of " + std::to_string(rows) + "x" + std::to_string(cols));

  // Past check_data_size(), count*rows*cols bytes are in memory already: no overflow here.
  static const std::array<float, 256> pixel_value = make_pixel_table();
  MnistImages images;
  images.count = count;
  images.rows = rows;
  images.cols = cols;
  images.pixels.resize(bytes.size() - header.data_offset);
  for (std::size_t i = 0; i < images.pixels.size(); ++i) {
    images.pixels[i] = pixel_value[static_cast<std::uint8_t>(bytes[header.data_offset + i])];
  }
  return images;
}

std::vector<int> load_idx_labels(const std::string& path) {
  return parse_idx_labels(read_file(path, idx_max_bytes), path);
}

std::vector<int> parse_idx_labels(std::string_view bytes, const std::string& path) {
  const IdxHeader header = parse_idx_header(path, bytes, labels_magic, "label");
  check_data_size(path, bytes, header, std::to_string(header.dims[0]) + " labels");

  std::vector<int> labels(bytes.size() - header.data_offset);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    labels[i] = static_cast<std::uint8_t>(bytes[header.data_offset + i]);
    if (labels[i] >= static_cast<int>(mnist_num_classes)) {
      throw DataError(path + ": label " + std::to_string(labels[i]) + " at index " +
                      std::to_string(i) + " (byte offset " +
                      std::to_string(header.data_offset + i) + "), expected 0..9");
    }
  }
  return labels;
}

MnistSplit load_idx_split(const std::string& images_path, const std::string& labels_path) {
  MnistImages images = load_idx_images(images_path);
  std::vector<int> labels = load_idx_labels(labels_path);
  if (labels.size() != images.count) {
    throw DataError(images_path + " holds " + std::to_string(images.count) + " images but " +
                    labels_path + " holds " + std::to_string(labels.size()) +
                    " labels, expected one label per image (are both from the same split?)");
  }
  return MnistSplit{images.count, images.rows, images.cols, std::move(images.pixels),
                    std::move(labels)};
}

MnistFiles find_mnist_files(const std::string& dir) {
  std::vector<std::string> searched;
  MnistFiles files;
  files.train_images = find_plain_or_gz(dir, "train-images-idx3-ubyte", searched);
  files.train_labels = find_plain_or_gz(dir, "train-labels-idx1-ubyte", searched);
  files.test_images = find_plain_or_gz(dir, "t10k-images-idx3-ubyte", searched);
  files.test_labels = find_plain_or_gz(dir, "t10k-labels-idx1-ubyte", searched);
  if (!searched.empty()) {
    std::error_code ec;
    std::string message = "load_mnist: missing MNIST files";
    if (!fs::is_directory(dir, ec)) message += " (directory " + dir + " does not exist)";
    message += "; looked for";
    for (const std::string& path : searched) message += " " + path;
    message +=
        ". Run scripts/fetch-mnist.sh to put the four files in data/mnist/, or pass the "
        "directory that holds them";
    throw DataError(message);
  }
  return files;
}

Mnist load_mnist(const std::string& dir, std::size_t validation_size) {
  const MnistFiles files = find_mnist_files(dir);
  Mnist mnist;
  MnistSplit full = load_idx_split(files.train_images, files.train_labels);
  if (full.count == 0) {
    throw DataError(files.train_images +
                    " holds no images (its header announces 0); a training file needs "
                    "at least one image, and MNIST's holds 60000");
  }
  if (validation_size >= full.count) {
    throw std::invalid_argument("load_mnist: validation_size " + std::to_string(validation_size) +
                                " leaves no training image: " + files.train_images + " holds " +
                                std::to_string(full.count) +
                                " images, expected validation_size < " +
                                std::to_string(full.count));
  }
  // The first validation_size images are copied out, then erased in place from the front, so
  // the training images are never held twice.
  const auto image_values = static_cast<std::ptrdiff_t>(validation_size * full.rows * full.cols);
  const auto label_values = static_cast<std::ptrdiff_t>(validation_size);
  mnist.validation =
      MnistSplit{validation_size, full.rows, full.cols,
                 std::vector<float>(full.images.begin(), full.images.begin() + image_values),
                 std::vector<int>(full.labels.begin(), full.labels.begin() + label_values)};
  full.images.erase(full.images.begin(), full.images.begin() + image_values);
  full.labels.erase(full.labels.begin(), full.labels.begin() + label_values);
  full.count -= validation_size;
  mnist.train = std::move(full);
  mnist.test = load_idx_split(files.test_images, files.test_labels);
  return mnist;
}

void write_idx_images(const std::string& path, std::size_t rows, std::size_t cols,
                      const std::vector<std::uint8_t>& pixels) {
  if (rows == 0 || cols == 0 || pixels.size() % (rows * cols) != 0) {
    const std::string shape = std::to_string(rows) + "x" + std::to_string(cols);
    throw std::invalid_argument("write_idx_images: " + path + ": " + std::to_string(pixels.size()) +
                                " pixels are not a whole number of " + shape + " images");
  }
  std::string content;
  content.reserve(16 + pixels.size());
  append_big_endian_32(content, images_magic, "magic");
  append_big_endian_32(content, pixels.size() / (rows * cols), "image count");
  append_big_endian_32(content, rows, "rows");
  append_big_endian_32(content, cols, "cols");
  content.append(pixels.begin(), pixels.end());
  write_file_atomic(path, content);
}

void write_idx_labels(const std::string& path, const std::vector<std::uint8_t>& labels) {
  std::string content;
  content.reserve(8 + labels.size());
  append_big_endian_32(content, labels_magic, "magic");
  append_big_endian_32(content, labels.size(), "label count");
  content.append(labels.begin(), labels.end());
  write_file_atomic(path, content);
}

}  // namespace data
