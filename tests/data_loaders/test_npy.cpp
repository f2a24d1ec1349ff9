// Tests for data_loaders/npy.hpp: round trips, files written by real NumPy (read, and matched
// byte for byte by write_npy), the atomic write, and every kind of malformed file.
#include <zlib.h>
#include <algorithm>
#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "data_loaders/npy.hpp"
#include "data_loaders/read_file.hpp"

namespace fs = std::filesystem;

namespace {

const std::string fixtures = std::string(OVERPARAM_SOURCE_DIR) + "/tests/data_loaders/fixtures/";

// A fresh directory under the system temp directory, removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir() {
    std::random_device random;
    for (;;) {
      path_ = fs::temp_directory_path() / ("overparam-test-npy-" + std::to_string(random()));
      if (fs::create_directory(path_)) break;
    }
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

  // Writes `bytes` to the file `name` in this directory and returns its path.
  std::string write(const std::string& name, const std::string& bytes) const {
    std::ofstream out(path_ / name, std::ios::binary);
    out << bytes;
    REQUIRE(out.good());
    return file(name);
  }

  // The names of the files in this directory (to spot leftover temporary files).
  std::vector<std::string> listing() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(path_)) {
      names.push_back(entry.path().filename().string());
    }
    return names;
  }

 private:
  fs::path path_;
};

// The message of the DataError that read_npy(path) throws; the test fails if it throws nothing,
// and any other exception type propagates and fails it too.
std::string npy_error(const std::string& path) {
  try {
    data::read_npy(path);
  } catch (const data::DataError& e) {
    return e.what();
  }
  FAIL("read_npy(" << path << ") did not throw data::DataError");
  return "";
}

// A .npy file assembled by hand: magic, version, header length, `dict` + '\n', then `payload`.
std::string npy_bytes(const std::string& dict, const std::string& payload, int major = 1,
                      int minor = 0) {
  std::string out = "\x93NUMPY";
  out += static_cast<char>(major);
  out += static_cast<char>(minor);
  std::uint32_t length = static_cast<std::uint32_t>(dict.size() + 1);
  for (int b = 0; b < (major == 1 ? 2 : 4); ++b)
    out += static_cast<char>((length >> (8 * b)) & 0xff);
  return out + dict + "\n" + payload;
}

// `count` float64 values 0, 1, 2, ... as little-endian bytes.
std::string f8_payload(std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) {
    std::uint64_t bits = std::bit_cast<std::uint64_t>(static_cast<double>(i));
    for (int b = 0; b < 8; ++b) out += static_cast<char>((bits >> (8 * b)) & 0xff);
  }
  return out;
}

std::string dict_for(const std::string& shape, const std::string& descr = "<f8",
                     const std::string& fortran = "False") {
  return "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape + ", }";
}

}  // namespace

TEST_CASE("npy: float64 arrays round-trip for 2-d, 1-d and 0-d shapes", "[data]") {
  TempDir dir;
  const std::vector<std::vector<std::size_t>> shapes = {{3, 4}, {1, 5}, {5, 1}, {7}, {}};
  for (const auto& shape : shapes) {
    std::size_t count = 1;
    for (std::size_t d : shape) count *= d;
    std::vector<double> values(count);
    for (std::size_t i = 0; i < count; ++i) values[i] = 0.1 * static_cast<double>(i) - 1.0 / 3.0;

    std::string path = dir.file("array.npy");
    data::write_npy(path, values, shape);
    data::NpyArray back = data::read_npy(path);
    CHECK(back.shape == shape);
    CHECK(back.data == values);
    CHECK(back.descr == "<f8");

    // The data starts at a multiple of 64 bytes, right after a header ending in '\n'.
    std::string bytes = data::read_file(path);
    std::size_t data_start =
        10 + (static_cast<unsigned char>(bytes[8]) |
              static_cast<std::size_t>(static_cast<unsigned char>(bytes[9])) << 8);
    CHECK(data_start % 64 == 0);
    CHECK(bytes[data_start - 1] == '\n');
    CHECK(bytes.size() == data_start + 8 * count);
    CHECK(dir.listing() == std::vector<std::string>{"array.npy"});  // no temporary left behind
  }
}

TEST_CASE("npy: float32 arrays round-trip through the float overload", "[data]") {
  TempDir dir;
  std::vector<float> values = {0.1f, -2.5f, 3e38f, 1e-30f, 0.0f, -0.0f};
  std::string path = dir.file("f4.npy");
  data::write_npy(path, values, {2, 3});
  data::NpyArray back = data::read_npy(path);
  CHECK(back.descr == "<f4");
  CHECK(back.shape == std::vector<std::size_t>{2, 3});
  REQUIRE(back.data.size() == 6);
  for (std::size_t i = 0; i < 6; ++i) CHECK(back.data[i] == static_cast<double>(values[i]));
  CHECK(std::signbit(back.data[5]));
  CHECK(fs::file_size(path) == 128 + 6 * 4);
}

TEST_CASE("npy: files written by NumPy are read with their values", "[data]") {
  // Made by tests/data_loaders/fixtures/make_npy_fixtures.py (NumPy 1.24.2).
  data::NpyArray a = data::read_npy(fixtures + "numpy_f8_2x3.npy");
  CHECK(a.descr == "<f8");
  CHECK(a.shape == std::vector<std::size_t>{2, 3});
  CHECK(a.data == std::vector<double>{0.0, 0.5, 1.0, 1.5, 2.0, 2.5});

  data::NpyArray b = data::read_npy(fixtures + "numpy_f4_3.npy");
  CHECK(b.descr == "<f4");
  CHECK(b.shape == std::vector<std::size_t>{3});
  CHECK(b.data == std::vector<double>{static_cast<double>(0.1f), -2.5, static_cast<double>(3e38f)});

  data::NpyArray s = data::read_npy(fixtures + "numpy_f8_scalar.npy");
  CHECK(s.shape.empty());
  CHECK(s.data == std::vector<double>{-1.25});

  data::NpyArray e = data::read_npy(fixtures + "numpy_f8_empty.npy");
  CHECK(e.shape == std::vector<std::size_t>{0});
  CHECK(e.data.empty());

  data::NpyArray m = data::read_npy(fixtures + "numpy_f4_1000x2.npy");
  CHECK(m.shape == std::vector<std::size_t>{1000, 2});
  REQUIRE(m.data.size() == 2000);
  for (std::size_t i = 0; i < 2000; ++i) {
    CHECK(m.data[i] == (static_cast<double>(i) - 1000.0) / 8.0);
  }

  data::NpyArray edge = data::read_npy(fixtures + "numpy_f8_aligned_edge.npy");
  CHECK(edge.shape.size() == 14);
  CHECK(edge.shape[12] == 10);
  REQUIRE(edge.data.size() == 100);
  CHECK(edge.data[99] == 99.0);
}

TEST_CASE("npy: write_npy writes the same bytes as numpy.save", "[data]") {
  TempDir dir;
  for (const std::string name :
       {"numpy_f8_2x3.npy", "numpy_f4_3.npy", "numpy_f8_scalar.npy", "numpy_f8_empty.npy",
        "numpy_f4_1000x2.npy", "numpy_f8_aligned_edge.npy"}) {
    INFO(name);
    data::NpyArray array = data::read_npy(fixtures + name);
    std::string mine = dir.file(name);
    if (array.descr == "<f4") {
      data::write_npy(mine, std::vector<float>(array.data.begin(), array.data.end()), array.shape);
    } else {
      data::write_npy(mine, array.data, array.shape);
    }
    CHECK(data::read_file(mine) == data::read_file(fixtures + name));
  }
}

TEST_CASE("npy: a 2.0 header is read like a 1.0 one", "[data]") {
  TempDir dir;
  std::string path = dir.write("v2.npy", npy_bytes(dict_for("(2, 2)"), f8_payload(4), 2));
  data::NpyArray a = data::read_npy(path);
  CHECK(a.shape == std::vector<std::size_t>{2, 2});
  CHECK(a.data == std::vector<double>{0, 1, 2, 3});
}

TEST_CASE("npy: writing replaces a file atomically and reports unwritable places", "[data]") {
  TempDir dir;
  std::string path = dir.file("a.npy");
  data::write_npy(path, std::vector<double>{1, 2, 3}, {3});
  data::write_npy(path, std::vector<double>{4, 5}, {2});
  CHECK(data::read_npy(path).data == std::vector<double>{4, 5});
  CHECK(dir.listing() == std::vector<std::string>{"a.npy"});

  SECTION("a directory that does not exist") {
    std::string missing = dir.file("no/such/dir/a.npy");
    CHECK_THROWS_AS(data::write_npy(missing, std::vector<double>{1}, {1}), data::DataError);
    CHECK_THROWS_WITH(data::write_npy(missing, std::vector<double>{1}, {1}),
                      Catch::Contains(missing) && Catch::Contains("does the directory exist?"));
  }
  SECTION("a path that is a directory") {
    fs::create_directory(dir.path() / "sub");
    std::string sub = dir.file("sub");
    CHECK_THROWS_WITH(data::write_npy(sub, std::vector<double>{1}, {1}),
                      Catch::Contains(sub) && Catch::Contains("renaming"));
    CHECK(fs::is_directory(sub));
  }
  SECTION("a read-only directory") {
    fs::path locked = dir.path() / "locked";
    fs::create_directory(locked);
    fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
    bool can_write_anyway = std::ofstream(locked / "probe").good();  // e.g. running as root
    if (can_write_anyway) {
      WARN("skipped: this user can write into a read-only directory");
    } else {
      std::string path_in_locked = (locked / "a.npy").string();
      CHECK_THROWS_WITH(data::write_npy(path_in_locked, std::vector<double>{1}, {1}),
                        Catch::Contains(path_in_locked) && Catch::Contains("writable"));
    }
    fs::permissions(locked, fs::perms::owner_all);
  }
  for (const std::string& name : dir.listing()) {
    CHECK(name.find(".tmp") == std::string::npos);  // no temporary file left behind
  }
}

TEST_CASE("npy: write_npy rejects data that does not fill the shape", "[data]") {
  TempDir dir;
  std::string path = dir.file("bad.npy");
  CHECK_THROWS_AS(data::write_npy(path, std::vector<double>{1, 2, 3}, {2, 2}),
                  std::invalid_argument);
  CHECK_NOTHROW(data::write_npy(path, std::vector<float>{1}, {}));  // a 0-d array holds one
  CHECK_THROWS_AS(data::write_npy(path, std::vector<double>{}, {}), std::invalid_argument);
  CHECK_THROWS_AS(
      data::write_npy(path, std::vector<double>{}, {std::size_t{1} << 40, std::size_t{1} << 40}),
      std::invalid_argument);
}

TEST_CASE("npy: each malformed file throws DataError naming the file and the problem", "[data]") {
  struct Case {
    std::string name;
    std::string bytes;
    std::string expected_text;
  };
  const std::string six = f8_payload(6);
  const std::vector<Case> cases = {
      {"empty", "", "magic string"},
      {"bad_magic", "\x93NUMPX\x01\x00" + npy_bytes(dict_for("(2, 3)"), six).substr(8),
       "magic string"},
      {"text_file", "hello, this is not an array\n", "magic string"},
      {"version_3", npy_bytes(dict_for("(2, 3)"), six, 3), "unsupported .npy format version 3.0"},
      {"version_1_1", npy_bytes(dict_for("(2, 3)"), six, 1, 1), "version 1.1; expected 1.0"},
      {"truncated_length", std::string("\x93NUMPY\x01\x00\x10", 9), "truncated"},
      {"truncated_header", npy_bytes(dict_for("(2, 3)"), "").substr(0, 40), "truncated"},
      {"dtype_int", npy_bytes(dict_for("(2, 3)", "<i8"), six), "unsupported dtype '<i8'"},
      {"dtype_big_endian", npy_bytes(dict_for("(2, 3)", ">f8"), six), "unsupported dtype '>f8'"},
      {"dtype_half", npy_bytes(dict_for("(2, 3)", "<f2"), six), "unsupported dtype '<f2'"},
      {"fortran_order", npy_bytes(dict_for("(2, 3)", "<f8", "True"), six), "fortran_order is True"},
      {"fortran_lowercase", npy_bytes(dict_for("(2, 3)", "<f8", "false"), six),
       "expected True or False"},
      {"missing_key", npy_bytes("{'descr': '<f8', 'shape': (2, 3), }", six),
       "missing key 'fortran_order'"},
      {"unknown_key",
       npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (6,), 'x': 1}", six),
       "unexpected key 'x'"},
      {"duplicate_key",
       npy_bytes("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (6,)}", six),
       "key 'descr' appears twice"},
      {"no_closing_brace",
       npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (6,), ", six),
       "expected a quoted string"},
      {"not_a_dict", npy_bytes("['descr', '<f8']", six), "expected '{'"},
      {"unterminated_string", npy_bytes("{'descr: <f8}", six), "unterminated string"},
      {"trailing_text", npy_bytes(dict_for("(2, 3)") + " junk", six), "after the closing '}'"},
      {"shape_not_tuple", npy_bytes(dict_for("(6)"), six), "expected a tuple"},
      {"shape_negative", npy_bytes(dict_for("(-6,)"), six), "non-negative integer"},
      {"shape_string", npy_bytes(dict_for("'six'"), six), "expected '('"},
      {"shape_missing_comma", npy_bytes(dict_for("(2 3)"), six), "expected ',' or ')'"},
      {"shape_huge_dim", npy_bytes(dict_for("(99999999999999999999999,)"), six), "too large"},
      {"too_few_bytes", npy_bytes(dict_for("(2, 4)"), six), "needs 64 data bytes"},
      {"too_many_bytes", npy_bytes(dict_for("(5,)"), six), "the file holds 48"},
      {"f4_size_mismatch", npy_bytes(dict_for("(7,)", "<f4"), six.substr(0, 27)),
       "needs 28 data bytes"},
      // Forged headers announcing absurd sizes: refused before any allocation.
      {"absurd_count", npy_bytes(dict_for("(1000000000000,)"), six), "needs 8000000000000"},
      {"count_overflow", npy_bytes(dict_for("(4294967296, 4294967296, 4294967296)"), six),
       "more than"},
      {"bytes_overflow", npy_bytes(dict_for("(2305843009213693952,)"), six), "more than"},
  };
  TempDir dir;
  for (const Case& c : cases) {
    SECTION(c.name) {
      std::string path = dir.write(c.name + ".npy", c.bytes);
      std::string message = npy_error(path);
      CHECK_THAT(message, Catch::Contains(path + ": "));
      CHECK_THAT(message, Catch::Contains(c.expected_text));
    }
  }
}

TEST_CASE("npy: parse_npy reads bytes in memory like read_npy, and errors name the given name",
          "[data]") {
  const std::string bytes = data::read_file(fixtures + "numpy_f8_2x3.npy");
  const data::NpyArray a = data::parse_npy(bytes, "in-memory.npy");
  CHECK(a.descr == "<f8");
  CHECK(a.shape == std::vector<std::size_t>{2, 3});
  CHECK(a.data == data::read_npy(fixtures + "numpy_f8_2x3.npy").data);

  CHECK_THROWS_WITH(data::parse_npy(bytes.substr(0, bytes.size() - 1), "in-memory.npy"),
                    Catch::StartsWith("in-memory.npy: ") && Catch::Contains("needs 48 data bytes"));
  CHECK_THROWS_WITH(data::parse_npy("", "in-memory.npy"),
                    Catch::StartsWith("in-memory.npy: ") && Catch::Contains("magic string"));
}

TEST_CASE("npy: a header announcing more data than the file holds is refused before allocating",
          "[data]") {
  // Each header is checked against the bytes that follow it, in checked arithmetic, before the
  // array is allocated: the message says what the shape needs and what the file holds.
  const std::string six = f8_payload(6);
  struct Case {
    std::string shape, descr, expected;
  };
  const std::vector<Case> cases = {
      {"(2147483648,)", "<f8", "needs 17179869184 data bytes, but the file holds 48"},
      {"(2147483648, 2147483648)", "<f4", "needs more than"},  // 2^62 elements of 4 bytes
      {"(4294967296, 4294967296)", "<f8", "needs more than 18446744073709551615 data bytes"},
      {"(3074457345618258603, 3)", "<f8", "needs more than"},  // count fits, bytes do not
      {"(0, 18446744073709551615)", "<f8", "needs 0 data bytes, but the file holds 48"},
  };
  for (const Case& c : cases) {
    INFO(c.shape << " " << c.descr);
    CHECK_THROWS_WITH(
        data::parse_npy(npy_bytes(dict_for(c.shape, c.descr), six), "forged.npy"),
        Catch::StartsWith("forged.npy: shape " + c.shape) && Catch::Contains(c.expected));
  }
}

TEST_CASE("npy: a header longer than NumPy's limit is refused before it is parsed", "[data]") {
  // A version 2.0 header may announce up to 4 GiB; NumPy reads at most 10000 bytes of it.
  const std::string dict = dict_for("(2, 3)");
  const std::string at_limit =
      dict + std::string(data::npy_max_header_bytes - dict.size() - 1, ' ');
  CHECK(data::parse_npy(npy_bytes(at_limit, f8_payload(6), 2), "long.npy").data.size() == 6);
  const std::string over = at_limit + " ";
  CHECK_THROWS_WITH(data::parse_npy(npy_bytes(over, f8_payload(6), 2), "long.npy"),
                    Catch::StartsWith("long.npy: the header announces 10001 bytes, more than the "
                                      "10000 a .npy header may hold"));
}

TEST_CASE("npy: a file, or a gzip stream once inflated, over npy_max_bytes is refused while read",
          "[data]") {
  TempDir dir;
  // A valid array of npy_max_bytes + 8 bytes, gzipped to a few hundred KB: read_npy stops
  // inflating at the limit instead of holding the whole array.
  const std::size_t count = data::npy_max_bytes / 8 + 1;
  const std::string path = dir.file("bomb.npy.gz");
  gzFile file = gzopen(path.c_str(), "wb1");
  REQUIRE(file != nullptr);
  std::string head = npy_bytes(dict_for("(" + std::to_string(count) + ",)"), "");
  REQUIRE(gzwrite(file, head.data(), static_cast<unsigned>(head.size())) == int(head.size()));
  const std::string zeros(std::size_t{1} << 20, '\0');
  for (std::size_t written = 0; written < count * 8; written += zeros.size()) {
    const std::size_t n = std::min(zeros.size(), count * 8 - written);
    REQUIRE(gzwrite(file, zeros.data(), static_cast<unsigned>(n)) == int(n));
  }
  REQUIRE(gzclose(file) == Z_OK);
  CHECK(fs::file_size(path) < (std::size_t{4} << 20));
  const std::string message = npy_error(path);
  CHECK_THAT(message, Catch::StartsWith(path + ": larger than 256 MiB"));

  // A plain file well over the limit is refused from its size, unread: a sparse file.
  const std::string plain = dir.file("large.npy");
  {
    std::ofstream out(plain, std::ios::binary);
    out << head;
  }
  fs::resize_file(plain, 2 * data::npy_max_bytes);
  CHECK_THAT(npy_error(plain), Catch::StartsWith(plain + ": 536870912 bytes, larger than the "
                                                         "256 MiB a valid file of this kind"));
}
