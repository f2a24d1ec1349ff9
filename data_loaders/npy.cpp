#include "data_loaders/npy.hpp"

#include <bit>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <random>
#include <stdexcept>
#include <string_view>
#include <system_error>

#include "data_loaders/atomic_file.hpp"
#include "data_loaders/read_file.hpp"

namespace data {

namespace {

constexpr std::string_view magic = "\x93NUMPY";
constexpr std::size_t alignment = 64;  // NumPy's ARRAY_ALIGN: the data starts at a multiple of it
constexpr std::size_t growth_digits = 21;  // NumPy's GROWTH_AXIS_MAX_DIGITS, see npy_header()

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw DataError(path + ": " + what);
}

// Python's repr of a tuple of ints: (), (7,), (2, 3).
std::string shape_repr(const std::vector<std::size_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

// The product of `shape`, or false when it overflows std::size_t.
bool element_count(const std::vector<std::size_t>& shape, std::size_t& count) {
  count = 1;
  for (std::size_t d : shape) {
    if (d != 0 && count > std::numeric_limits<std::size_t>::max() / d) return false;
    count *= d;
  }
  return true;
}

void append_le(std::string& out, std::uint64_t value, std::size_t bytes) {
  for (std::size_t b = 0; b < bytes; ++b) out += static_cast<char>((value >> (8 * b)) & 0xff);
}

std::uint64_t read_le(const char* p, std::size_t bytes) {
  std::uint64_t value = 0;
  for (std::size_t b = 0; b < bytes; ++b) {
    value |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[b])) << (8 * b);
  }
  return value;
}

// The header of a .npy file for this descr and shape, exactly as numpy.lib.format writes it
// (NumPy 1.24): the dict with sorted keys and a ", " after each value; then, for a non-0-d array,
// 21 - len(str(shape[0])) spaces that leave room to grow the first axis in place; then spaces
// and '\n' up to the next multiple of 64. NumPy always adds at least one space, so a header that
// would end exactly on the boundary gets a full 64 more. Version 2.0 (a 4-byte length) is used
// only when the header is too long for version 1.0's 2-byte length, as NumPy does.
std::string npy_header(const std::string& descr, const std::vector<std::size_t>& shape) {
  std::string dict =
      "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape_repr(shape) + ", }";
  if (!shape.empty()) dict.append(growth_digits - std::to_string(shape[0]).size(), ' ');

  const std::size_t with_newline = dict.size() + 1;
  for (int major = 1; major <= 2; ++major) {
    const std::size_t length_bytes = major == 1 ? 2 : 4;
    const std::size_t prefix = magic.size() + 2 + length_bytes;
    const std::size_t padding = alignment - (prefix + with_newline) % alignment;
    const std::size_t header_len = with_newline + padding;
    if (major == 1 && header_len > 0xffff) continue;
    std::string out(magic);
    out += static_cast<char>(major);
    out += '\0';
    append_le(out, header_len, length_bytes);
    out += dict;
    out.append(padding, ' ');
    out += '\n';
    return out;
  }
  throw std::invalid_argument("write_npy: shape " + shape_repr(shape) +
                              " makes a header too long for a .npy file");
}

template <typename T>
void write_npy_as(const std::string& path, const std::vector<T>& data,
                  const std::vector<std::size_t>& shape, const std::string& descr) {
  std::size_t count = 0;
  if (!element_count(shape, count)) {
    throw std::invalid_argument("write_npy: " + path + ": shape " + shape_repr(shape) +
                                " has more elements than a size_t can count");
  }
  if (count != data.size()) {
    throw std::invalid_argument("write_npy: " + path + ": shape " + shape_repr(shape) + " holds " +
                                std::to_string(count) + " elements but the data has " +
                                std::to_string(data.size()));
  }
  using Bits = std::conditional_t<sizeof(T) == 8, std::uint64_t, std::uint32_t>;
  std::string bytes = npy_header(descr, shape);
  bytes.reserve(bytes.size() + data.size() * sizeof(T));
  for (T v : data) append_le(bytes, std::bit_cast<Bits>(v), sizeof(T));
  write_file_atomic(path, bytes);
}

// A strict reader for the header dict: a Python literal with string keys and string, bool and
// tuple-of-int values, as NumPy writes it. Anything else is a DataError naming the file.
class HeaderParser {
 public:
  HeaderParser(const std::string& path, std::string_view text) : path_(path), text_(text) {}

  void parse(NpyArray& array, bool& fortran_order) {
    bool has_descr = false, has_fortran_order = false, has_shape = false;
    skip_space();
    expect('{');
    for (;;) {
      skip_space();
      if (peek() == '}') break;
      std::string key = parse_string();
      skip_space();
      expect(':');
      skip_space();
      if (key == "descr" && !has_descr) {
        array.descr = parse_string();
        has_descr = true;
      } else if (key == "fortran_order" && !has_fortran_order) {
        fortran_order = parse_bool();
        has_fortran_order = true;
      } else if (key == "shape" && !has_shape) {
        array.shape = parse_shape();
        has_shape = true;
      } else if (key == "descr" || key == "fortran_order" || key == "shape") {
        fail("key '" + key + "' appears twice");
      } else {
        fail("unexpected key '" + key + "'; expected only 'descr', 'fortran_order' and 'shape'");
      }
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != '}') fail("expected ',' or '}' after the value of '" + key + "'");
    }
    expect('}');
    skip_space();
    if (pos_ != text_.size()) fail("expected only spaces and '\\n' after the closing '}'");
    if (!has_descr || !has_fortran_order || !has_shape) {
      fail(std::string("missing key '") +
           (!has_descr           ? "descr"
            : !has_fortran_order ? "fortran_order"
                                 : "shape") +
           "'; expected 'descr', 'fortran_order' and 'shape'");
    }
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    std::string shown(text_.substr(0, 120));
    for (char& c : shown) {
      if (c == '\n') c = ' ';
    }
    throw DataError(path_ + ": malformed .npy header at character " + std::to_string(pos_) + ": " +
                    what + "; header: " + shown);
  }

  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n')) ++pos_;
  }

  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }

  std::string parse_string() {
    char quote = peek();
    if (quote != '\'' && quote != '"') fail("expected a quoted string");
    std::size_t end = text_.find(quote, pos_ + 1);
    if (end == std::string_view::npos) fail("unterminated string");
    std::string_view s = text_.substr(pos_ + 1, end - pos_ - 1);
    if (s.find('\\') != std::string_view::npos) fail("unexpected escape in a string");
    pos_ = end + 1;
    return std::string(s);
  }

  bool parse_bool() {
    if (text_.substr(pos_, 4) == "True") {
      pos_ += 4;
      return true;
    }
    if (text_.substr(pos_, 5) == "False") {
      pos_ += 5;
      return false;
    }
    fail("expected True or False");
  }

  std::vector<std::size_t> parse_shape() {
    std::vector<std::size_t> shape;
    expect('(');
    bool comma_after_last = false;
    for (;;) {
      skip_space();
      if (peek() == ')') break;
      if (!shape.empty() && !comma_after_last) fail("expected ',' or ')' in the shape");
      std::size_t start = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      std::size_t dim = 0;
      auto [ptr, ec] = std::from_chars(text_.data() + start, text_.data() + pos_, dim);
      if (pos_ == start) fail("expected a non-negative integer in the shape");
      if (ec != std::errc{}) fail("shape dimension too large for a size_t");
      (void)ptr;
      if (peek() == 'L') ++pos_;  // Python 2 long, as old NumPy wrote it
      shape.push_back(dim);
      skip_space();
      comma_after_last = peek() == ',';
      if (comma_after_last) ++pos_;
    }
    if (shape.size() == 1 && !comma_after_last) {
      fail("expected a tuple for the shape, e.g. (" + std::to_string(shape[0]) + ",)");
    }
    expect(')');
    return shape;
  }

  const std::string& path_;
  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

void write_npy(const std::string& path, const std::vector<double>& data,
               std::vector<std::size_t> shape) {
  write_npy_as(path, data, shape, "<f8");
}

void write_npy(const std::string& path, const std::vector<float>& data,
               std::vector<std::size_t> shape) {
  write_npy_as(path, data, shape, "<f4");
}

NpyArray read_npy(const std::string& path) {
  return parse_npy(read_file(path, npy_max_bytes), path);
}

NpyArray parse_npy(std::string_view bytes, const std::string& name) {
  if (bytes.size() < magic.size() + 2 || bytes.substr(0, 6) != magic) {
    fail(name, "not a .npy file: expected it to start with the magic string \\x93NUMPY");
  }
  const int major = static_cast<unsigned char>(bytes[6]);
  const int minor = static_cast<unsigned char>(bytes[7]);
  if ((major != 1 && major != 2) || minor != 0) {
    fail(name, "unsupported .npy format version " + std::to_string(major) + "." +
                   std::to_string(minor) + "; expected 1.0 or 2.0");
  }
  const std::size_t length_bytes = major == 1 ? 2 : 4;
  const std::size_t prefix = magic.size() + 2 + length_bytes;
  if (bytes.size() < prefix) fail(name, "truncated: the file ends inside the header length");
  const std::size_t header_len = read_le(bytes.data() + 8, length_bytes);
  if (header_len > npy_max_header_bytes) {
    fail(name, "the header announces " + std::to_string(header_len) + " bytes, more than the " +
                   std::to_string(npy_max_header_bytes) +
                   " a .npy header may hold (NumPy's own limit); expected a short dict such as "
                   "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }");
  }
  if (header_len > bytes.size() - prefix) {
    fail(name, "truncated: the header announces " + std::to_string(header_len) +
                   " bytes but only " + std::to_string(bytes.size() - prefix) + " follow");
  }

  NpyArray array;
  bool fortran_order = false;
  HeaderParser(name, bytes.substr(prefix, header_len)).parse(array, fortran_order);

  std::size_t itemsize = 0;
  if (array.descr == "<f8") {
    itemsize = 8;
  } else if (array.descr == "<f4") {
    itemsize = 4;
  } else {
    fail(name, "unsupported dtype '" + array.descr +
                   "'; expected '<f8' (float64) or '<f4' (float32), little-endian");
  }
  if (fortran_order) {
    fail(name,
         "fortran_order is True; only C-order arrays are supported "
         "(save np.ascontiguousarray(a) instead)");
  }

  // Check the announced size against the bytes actually present before allocating anything.
  const std::size_t available = bytes.size() - prefix - header_len;
  constexpr std::size_t max_size = std::numeric_limits<std::size_t>::max();
  std::size_t count = 0;
  const bool countable = element_count(array.shape, count) && count <= max_size / itemsize;
  if (!countable || count * itemsize != available) {
    std::string needed =
        countable ? std::to_string(count * itemsize) : "more than " + std::to_string(max_size);
    fail(name, "shape " + shape_repr(array.shape) + " of '" + array.descr + "' needs " + needed +
                   " data bytes, but the file holds " + std::to_string(available) +
                   " after its header");
  }

  array.data.resize(count);
  const char* p = bytes.data() + prefix + header_len;
  for (std::size_t i = 0; i < count; ++i, p += itemsize) {
    array.data[i] =
        itemsize == 8
            ? std::bit_cast<double>(read_le(p, 8))
            : static_cast<double>(std::bit_cast<float>(static_cast<std::uint32_t>(read_le(p, 4))));
  }
  return array;
}

}  // namespace data
