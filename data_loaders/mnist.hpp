// MNIST: 70,000 greyscale 28x28 images of handwritten digits, with their labels 0..9.
//
// The data ships as four files in IDX format: a big-endian header, then raw bytes.
//   offset 0: magic, 4 bytes = 0x00 0x00 <type> <number of dimensions>
//             type 0x08 means unsigned bytes; images are 0x00000803, labels 0x00000801
//   offset 4: each dimension as a big-endian 32-bit count (images: count, rows, cols)
//   then:     count*rows*cols pixel bytes (0 = background, 255 = ink), or count label bytes
// load_mnist() reads the four files from a directory (plain or .gz, see scripts/fetch-mnist.sh),
// turns each pixel p into the float p/255 - 0.5 in [-0.5, 0.5], and splits the first
// `validation_size` training images off as a validation set, as TensorFlow's MNIST convnet
// tutorial (convolutional.py) does. Every check of a file happens before memory is allocated
// for its contents, so a forged header cannot make the loader allocate gigabytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "data_loaders/read_file.hpp"  // DataError

namespace data {

// The geometry of an MNIST image, and the largest file the loaders read (once decompressed).
// The biggest MNIST file, train-images-idx3-ubyte, holds 47,040,016 bytes, so 64 MiB leaves
// room while refusing a .gz that would inflate to gigabytes.
inline constexpr std::size_t mnist_rows = 28;
inline constexpr std::size_t mnist_cols = 28;
inline constexpr std::size_t mnist_num_classes = 10;
inline constexpr std::size_t idx_max_bytes = std::size_t{64} << 20;

// Images from one IDX file, image after image, each row-major.
struct MnistImages {
  std::size_t count = 0;
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<float> pixels;  // count*rows*cols values, each p/255 - 0.5 for the byte p
};

// Images and their labels, index-aligned: labels[i] is the digit shown by image(i).
struct MnistSplit {
  std::size_t count = 0;
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<float> images;  // count*rows*cols values in [-0.5, 0.5]
  std::vector<int> labels;    // count values in 0..9

  // Requires: i < count.
  // Ensures:  returns the rows*cols pixels of image i, row-major.
  std::span<const float> image(std::size_t i) const;
};

struct Mnist {
  MnistSplit train;       // training images, after the validation ones were taken off
  MnistSplit validation;  // the first validation_size images of the training file
  MnistSplit test;        // the 10,000 images of the t10k files
};

// Requires: `path` names an IDX image file (magic 0x00000803), plain or gzip, at most
//           idx_max_bytes once decompressed, whose images are expected_rows x expected_cols.
// Ensures:  returns its images with each byte p mapped to p/255 - 0.5 (computed as
//           (p - 127.5)/255, the float nearest that value); throws DataError naming the file,
//           the value found and the value expected when the magic, the type byte, the number of
//           dimensions or the image size is wrong, or when the file holds fewer (truncated) or
//           more (trailing garbage) bytes than its header announces.
MnistImages load_idx_images(const std::string& path, std::size_t expected_rows = mnist_rows,
                            std::size_t expected_cols = mnist_cols);

// Requires: `path` names an IDX label file (magic 0x00000801), plain or gzip, at most
//           idx_max_bytes once decompressed.
// Ensures:  returns its labels; throws DataError naming the file as load_idx_images() does,
//           and when a label lies outside 0..9 (naming its index and value).
std::vector<int> load_idx_labels(const std::string& path);

// Requires: `bytes` is the (decompressed) content of an IDX image or label file; `path` says
//           where it came from, for messages.
// Ensures:  what load_idx_images() / load_idx_labels() return for a file holding `bytes`, with
//           the same checks (all before any allocation); their DataErrors name `path`. The two
//           loaders read the file, capped at idx_max_bytes, and parse it here.
MnistImages parse_idx_images(std::string_view bytes, const std::string& path,
                             std::size_t expected_rows = mnist_rows,
                             std::size_t expected_cols = mnist_cols);
std::vector<int> parse_idx_labels(std::string_view bytes, const std::string& path);

// Requires: the two files are as load_idx_images() (28x28) and load_idx_labels() require, and
//           hold the same number of entries.
// Ensures:  returns the images with their labels; throws DataError naming both files and both
//           counts when the counts differ.
MnistSplit load_idx_split(const std::string& images_path, const std::string& labels_path);

// The paths of the four MNIST files in a folder, each the plain file or, when that is absent,
// the .gz one.
struct MnistFiles {
  std::string train_images, train_labels, test_images, test_labels;
};

// Requires: nothing.
// Ensures:  the four files of `dir` (see load_mnist), without reading them; throws DataError
//           listing the names searched, and pointing at scripts/fetch-mnist.sh, when one is
//           missing, as load_mnist does. For commands that check a folder before a long run.
MnistFiles find_mnist_files(const std::string& dir);

// Requires: `dir` holds train-images-idx3-ubyte, train-labels-idx1-ubyte,
//           t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each plain or with a .gz suffix
//           (the plain file is read when both exist); validation_size < the number of
//           training images (60,000 for MNIST).
// Ensures:  validation holds the first validation_size training images, train the rest, test
//           the t10k images. Throws DataError listing the names searched, and pointing at
//           scripts/fetch-mnist.sh, when a file is missing; std::invalid_argument when
//           validation_size would leave no training image.
Mnist load_mnist(const std::string& dir, std::size_t validation_size = 5000);

// Requires: pixels.size() == count*rows*cols for some count (rows, cols >= 1).
// Ensures:  `path` holds an uncompressed IDX image file with these bytes, written to a temporary
//           name beside it and renamed into place, so a reader never sees half a file; throws
//           DataError naming the file when it cannot be written, std::invalid_argument when the
//           sizes do not fit.
void write_idx_images(const std::string& path, std::size_t rows, std::size_t cols,
                      const std::vector<std::uint8_t>& pixels);

// Requires: nothing (labels outside 0..9 are written as given, to let tests forge files).
// Ensures:  `path` holds an uncompressed IDX label file with these bytes, written atomically as
//           write_idx_images() does.
void write_idx_labels(const std::string& path, const std::vector<std::uint8_t>& labels);

}  // namespace data
