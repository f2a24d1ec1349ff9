// NumPy's .npy files: one array per file, readable with numpy.load() and writable by np.save().
//
// A .npy file is a short text header followed by the raw array bytes. The header starts with the
// magic string "\x93NUMPY", a version (1.0 or 2.0 here), the header's length, and a Python dict
// literal such as {'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }, padded with
// spaces and a final '\n' so that the data begins at a multiple of 64 bytes. 'descr' is the
// element type ('<f8' little-endian float64, '<f4' float32), 'shape' the array's dimensions,
// and the elements follow in C (row-major) order. The writer here produces exactly the bytes
// NumPy 1.24 writes for the same array; the reader accepts float32 and float64, C order only.
// Specification: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace data {

// The largest .npy file read_npy reads, once inflated: 256 MiB, twice the largest layer the
// program writes (4096 x 4096 float64). Larger files are refused from their size, and a .gz
// while it inflates, so neither a large file nor a gzip bomb is read whole.
inline constexpr std::size_t npy_max_bytes = std::size_t{256} << 20;

// The longest header the reader parses: NumPy's own limit (numpy.lib.format's
// max_header_size, 10000 bytes). A header NumPy writes for any array here is under 200 bytes.
inline constexpr std::size_t npy_max_header_bytes = 10000;

// An array read from a .npy file, widened to double.
struct NpyArray {
  std::vector<std::size_t> shape;  // () for a 0-d scalar, (7,) for a vector, (2, 3) ...
  std::vector<double> data;        // the elements in C order; size = product of shape (1 if 0-d)
  std::string descr;               // the element type stored in the file: "<f8" or "<f4"
};

// Requires: data.size() equals the product of `shape` (1 for the 0-d shape {}), else
//           std::invalid_argument; the directory of `path` exists and is writable.
// Ensures:  `path` holds a .npy file (version 1.0, or 2.0 if the header needs it) with descr
//           '<f8', fortran_order False and that shape, byte-for-byte what numpy.save() writes.
//           The file is written to a unique temporary name beside `path` and renamed into place,
//           so readers never see a half-written file. Throws DataError naming the file when it
//           cannot be written; no temporary file is left behind.
void write_npy(const std::string& path, const std::vector<double>& data,
               std::vector<std::size_t> shape);

// As above, with descr '<f4' (float32 elements).
void write_npy(const std::string& path, const std::vector<float>& data,
               std::vector<std::size_t> shape);

// Requires: `path` names a .npy file (plain or gzip) of version 1.0 or 2.0, descr '<f8' or '<f4',
//           fortran_order False, at most npy_max_bytes (once inflated) with a header of at most
//           npy_max_header_bytes.
// Ensures:  returns its shape and elements. Throws DataError naming the file and saying what was
//           expected when the magic string or version is wrong, the header is truncated or is not
//           a well-formed dict with exactly the keys 'descr', 'fortran_order' and 'shape', the
//           dtype is another one, the array is in Fortran order, or the number of data bytes is not
//           exactly product(shape) * itemsize (checked against the file's size before anything is
//           allocated, so a forged header cannot ask for an absurd amount of memory), or the
//           file or its header is over the limits above.
NpyArray read_npy(const std::string& path);

// Requires: `bytes` is the (decompressed) content of a .npy file; `name` says where it came from,
//           for messages.
// Ensures:  what read_npy() returns for a file holding `bytes`, with the same checks; its
//           DataErrors name `name`. read_npy() reads the file and parses it here.
NpyArray parse_npy(std::string_view bytes, const std::string& name);

}  // namespace data
