// Tests for data_loaders/gas.hpp: the bundled ethanol file, the UCI batch1 fixture, directories of
// batch files, every kind of malformed line, and the two normalizations.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "data_loaders/gas.hpp"
#include "data_loaders/read_file.hpp"

namespace fs = std::filesystem;

namespace {

const std::string source_dir = OVERPARAM_SOURCE_DIR;
const std::string ethanol_gz = source_dir + "/data/gas/ethanol.dat.gz";
const std::string batch1 = source_dir + "/tests/data_loaders/fixtures/batch1.dat";
const std::string batch1_gz = source_dir + "/tests/data_loaders/fixtures/batch1.dat.gz";

// A fresh directory under the system temp directory, removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir() {
    std::random_device random;
    for (;;) {
      path_ = fs::temp_directory_path() / ("overparam-test-gas-" + std::to_string(random()));
      if (fs::create_directory(path_)) break;
    }
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }

  // Writes `text` to the file `name` in this directory and returns its path.
  std::string write(const std::string& name, const std::string& text) const {
    fs::path file = path_ / name;
    std::ofstream out(file, std::ios::binary);
    out << text;
    REQUIRE(out.good());
    return file.string();
  }

 private:
  fs::path path_;
};

// The message of the DataError that load_gas(path, gas_class) throws; the test fails if it throws
// nothing, and any other exception type propagates and fails it too.
std::string gas_error(const std::string& path, int gas_class = 1) {
  try {
    data::load_gas(path, gas_class);
  } catch (const data::DataError& e) {
    return e.what();
  }
  FAIL("load_gas(" << path << ") did not throw data::DataError");
  return "";
}

// The values of one UCI line, parsed independently of the loader: concentration, then features.
std::vector<double> parse_uci_line(const std::string& line) {
  std::vector<double> values;
  std::istringstream in(line);
  std::string token;
  in >> token;
  values.push_back(std::stod(token.substr(token.find(';') + 1)));
  while (in >> token) values.push_back(std::stod(token.substr(token.find(':') + 1)));
  return values;
}

// Four features, class 1, concentration 10: a good line for building bad files around.
const std::string good_line = "1;10.000000 1:1.5 2:-2.5 3:3.25 4:4e2\n";

}  // namespace

TEST_CASE("load_gas: the bundled ethanol file has 2565 rows of 128 features", "[data]") {
  data::Dataset d = data::load_gas(ethanol_gz);
  CHECK(d.rows == 2565);
  CHECK(d.features == 128);
  CHECK(d.x.size() == 2565 * 128);
  CHECK(d.y.size() == 2565);
  CHECK(d.source == ethanol_gz);
  CHECK(d.gas_class == 1);
  CHECK(d.normalization == data::Normalization::none);
  CHECK(d.feature_scaling.size() == 128);

  // The first line, by hand: "1;10.000000 1:15596.162100 2:1.868245 ... 128:..."
  CHECK(d.y[0] == 10.0);
  CHECK(d.at(0, 0) == 15596.1621);
  CHECK(d.at(0, 1) == 1.868245);
  CHECK(d.at(0, 5) == -2.739388);

  // ... and every value of the first and last lines, against an independent parse of the text.
  const std::string text = data::read_file(ethanol_gz);
  const std::vector<double> first = parse_uci_line(text.substr(0, text.find('\n')));
  std::string last_line = text.substr(0, text.size() - 1);
  last_line = last_line.substr(last_line.rfind('\n') + 1);
  const std::vector<double> last = parse_uci_line(last_line);
  REQUIRE(first.size() == 129);
  REQUIRE(last.size() == 129);
  CHECK(d.y.front() == first[0]);
  CHECK(d.y.back() == last[0]);
  for (std::size_t j = 0; j < 128; ++j) {
    CHECK(d.at(0, j) == first[j + 1]);
    CHECK(d.at(2564, j) == last[j + 1]);
  }
  CHECK(d.at(2564, 127) == -24.570653);
  CHECK(*std::min_element(d.y.begin(), d.y.end()) == 2.5);
  CHECK(*std::max_element(d.y.begin(), d.y.end()) == 600.0);
}

TEST_CASE("load_gas: the UCI batch1 file keeps only the rows of the requested class", "[data]") {
  // Counted with: awk -F';' '$1==1' tests/data_loaders/fixtures/batch1.dat | wc -l  -> 90
  //          and: awk -F';' '$1==2' tests/data_loaders/fixtures/batch1.dat | wc -l  -> 98
  // (all six classes: 90, 98, 83, 30, 70, 74; 445 lines in all).
  data::Dataset ethanol = data::load_gas(batch1);
  CHECK(ethanol.rows == 90);
  CHECK(ethanol.features == 128);
  CHECK(ethanol.gas_class == 1);
  data::Dataset ethylene = data::load_gas(batch1, 2);
  CHECK(ethylene.rows == 98);
  CHECK(ethylene.gas_class == 2);
  std::size_t total = 0;
  for (int c = 1; c <= 6; ++c) total += data::load_gas(batch1, c).rows;
  CHECK(total == 445);

  // Batch 1's ethanol rows are the first 90 lines of the bundled ethanol file.
  data::Dataset all = data::load_gas(ethanol_gz);
  CHECK(std::equal(ethanol.x.begin(), ethanol.x.end(), all.x.begin()));
  CHECK(std::equal(ethanol.y.begin(), ethanol.y.end(), all.y.begin()));
}

TEST_CASE("load_gas: no row of the requested class names the file and the classes seen", "[data]") {
  std::string message = gas_error(batch1, 7);
  CHECK_THAT(message, Catch::Contains(batch1));
  CHECK_THAT(message, Catch::Contains("no row of gas class 7"));
  CHECK_THAT(message, Catch::Contains("classes found: 1, 2, 3, 4, 5, 6"));

  TempDir dir;
  std::string only_class_3 = dir.write("only3.dat", "3;5.0 1:1 2:2\n3;6.0 1:1 2:2\n");
  message = gas_error(only_class_3);
  CHECK_THAT(message, Catch::Contains(only_class_3));
  CHECK_THAT(message, Catch::Contains("classes found: 3"));
}

TEST_CASE("load_gas: gzip and plain copies of a file give identical data", "[data]") {
  for (int c = 1; c <= 6; ++c) {
    data::Dataset plain = data::load_gas(batch1, c);
    data::Dataset packed = data::load_gas(batch1_gz, c);
    CHECK(plain.rows == packed.rows);
    CHECK(plain.features == packed.features);
    CHECK(plain.x == packed.x);
    CHECK(plain.y == packed.y);
  }
}

TEST_CASE("load_gas: CRLF line endings, trailing blanks and blank lines are accepted", "[data]") {
  TempDir dir;
  std::string file = dir.write("crlf.dat",
                               "\r\n"
                               "1;10.5 1:1.25 2:-2 \r\n"
                               "   \t\r\n"
                               "2;99 1:0 2:0\t \r\n"
                               "1;+20 1:3e-1 2:4.0   \n"
                               "\n"
                               "1;30 1:5 2:6");  // no final newline
  data::Dataset d = data::load_gas(file);
  REQUIRE(d.rows == 3);
  REQUIRE(d.features == 2);
  CHECK(d.y == std::vector<double>{10.5, 20.0, 30.0});
  CHECK(d.x == std::vector<double>{1.25, -2.0, 0.3, 4.0, 5.0, 6.0});
}

TEST_CASE("load_gas: a directory is read batch by batch in numeric order", "[data]") {
  TempDir dir;
  // Each batch has one ethanol row whose concentration is its batch number, plus a row of class 2.
  dir.write("batch10.dat", "2;0 1:0 2:0\n1;10 1:10 2:100\n");
  dir.write("batch2.dat", "1;2 1:2 2:20\n2;0 1:0 2:0\n");
  dir.write("batch1.dat", "1;1 1:1 2:10\n");
  dir.write("batch3.dat.gz", "1;3 1:3 2:30\n");  // read_file accepts plain text under any name
  dir.write("notes.txt", "not a batch file\n");
  dir.write("batch4.csv", "not a batch file either\n");

  data::Dataset d = data::load_gas(dir.path().string());
  CHECK(d.rows == 4);
  CHECK(d.features == 2);
  CHECK(d.y == std::vector<double>{1, 2, 3, 10});
  CHECK(d.x == std::vector<double>{1, 10, 2, 20, 3, 30, 10, 100});
  CHECK(d.source == dir.path().string());

  CHECK(data::load_gas(dir.path().string(), 2).rows == 2);
}

TEST_CASE("load_gas: a real gzip batch file in a directory", "[data]") {
  TempDir dir;
  fs::copy_file(batch1_gz, dir.path() / "batch1.dat.gz");
  data::Dataset d = data::load_gas(dir.path().string());
  CHECK(d.rows == 90);
  CHECK(d.x == data::load_gas(batch1).x);
}

TEST_CASE("load_gas: bad directories throw DataError naming the directory", "[data]") {
  TempDir dir;
  dir.write("readme.txt", "nothing here\n");
  std::string message = gas_error(dir.path().string());
  CHECK_THAT(message, Catch::Contains(dir.path().string()));
  CHECK_THAT(message, Catch::Contains("no batch files"));

  dir.write("batch3.dat", good_line);
  dir.write("batch3.dat.gz", good_line);
  message = gas_error(dir.path().string());
  CHECK_THAT(message, Catch::Contains("batch3.dat"));
  CHECK_THAT(message, Catch::Contains("batch3.dat.gz"));
  CHECK_THAT(message, Catch::Contains("one file per batch"));

  // The feature count is fixed by the first data row of the first file, for every later file.
  TempDir mixed;
  mixed.write("batch1.dat", good_line);
  std::string second = mixed.write("batch2.dat", good_line + "1;10 1:1 2:2\n");
  message = gas_error(mixed.path().string());
  CHECK_THAT(message, Catch::Contains(second + ":2:"));
  CHECK_THAT(message, Catch::Contains("expected 4 features"));
  CHECK_THAT(message, Catch::Contains("batch1.dat:1"));
  CHECK_THAT(message, Catch::Contains("found 2"));

  CHECK_THAT(gas_error((dir.path() / "missing").string()), Catch::Contains("no such file"));
}

TEST_CASE("load_gas: each malformed line throws DataError naming file, line and the problem",
          "[data]") {
  struct Case {
    std::string name;
    std::string bad_line;
    std::string expected_text;
  };
  const std::vector<Case> cases = {
      {"too_few_features", "1;10 1:1 2:2 3:3", "expected 4 features"},
      {"too_many_features", "1;10 1:1 2:2 3:3 4:4 5:5", "found 5"},
      {"no_features", "1;10", "found none"},
      {"missing_semicolon", "1 10 1:1 2:2 3:3 4:4", "no ';'"},
      {"class_not_integer", "one;10 1:1 2:2 3:3 4:4", "expected an integer gas class"},
      {"concentration_missing", "1; 1:1 2:2 3:3 4:4", "expected a number for the concentration"},
      {"concentration_not_numeric", "1;ten 1:1 2:2 3:3 4:4", "found 'ten'"},
      {"concentration_nan", "1;nan 1:1 2:2 3:3 4:4", "NaN and infinity are not allowed"},
      {"concentration_inf", "1;inf 1:1 2:2 3:3 4:4", "NaN and infinity are not allowed"},
      {"index_out_of_order", "1;10 1:1 3:3 2:2 4:4", "expected feature index 2, found 3"},
      {"index_duplicate", "1;10 1:1 2:2 2:2 4:4", "expected feature index 3, found 2"},
      {"index_zero", "1;10 0:1 1:1 2:2 3:3", "expected feature index 1, found 0"},
      {"index_not_integer", "1;10 1:1 b:2 3:3 4:4", "expected the feature index 2"},
      {"missing_colon", "1;10 1:1 2=2 3:3 4:4", "no ':'"},
      {"value_not_numeric", "1;10 1:1 2:abc 3:3 4:4", "expected a number for feature 2"},
      {"value_trailing_garbage", "1;10 1:1 2:1.5x 3:3 4:4", "found '1.5x'"},
      {"value_empty", "1;10 1:1 2: 3:3 4:4", "expected a number for feature 2"},
      {"value_nan", "1;10 1:1 2:2 3:NaN 4:4", "feature 3 is 'NaN'"},
      {"value_inf", "1;10 1:1 2:2 3:3 4:-inf", "feature 4 is '-inf'"},
      {"value_overflow", "1;10 1:1 2:1e999 3:3 4:4", "out of the range of a double"},
      {"stray_carriage_return", "1;10 1:1\r2:2 3:3 4:4", "expected a number for feature 1"},
      // Strict everywhere: a bad row of another class is an error too, not silently skipped.
      {"other_class_bad", "5;10 1:1 2:x 3:3 4:4", "expected a number for feature 2"},
  };
  TempDir dir;
  for (const Case& c : cases) {
    SECTION(c.name) {
      // Line 1 good, line 2 blank (blank lines still count), line 3 bad, line 4 good.
      std::string file =
          dir.write(c.name + ".dat", good_line + "\n" + c.bad_line + "\n" + good_line);
      std::string message = gas_error(file);
      CHECK_THAT(message, Catch::Contains(file + ":3: "));
      CHECK_THAT(message, Catch::Contains(c.expected_text));
    }
  }
}

TEST_CASE("load_gas: a file without data rows throws DataError naming the file", "[data]") {
  TempDir dir;
  for (const std::string& text : {std::string(""), std::string("\n  \n\r\n\t\n")}) {
    std::string file = dir.write("empty.dat", text);
    std::string message = gas_error(file);
    CHECK_THAT(message, Catch::Contains(file));
    CHECK_THAT(message, Catch::Contains("no data rows"));
  }
}

namespace {

// A small dataset by hand: 4 rows, 3 features; feature 1 is constant.
data::Dataset small_dataset() {
  data::Dataset d;
  d.rows = 4;
  d.features = 3;
  d.x = {1.0, 0.1, -4.0,  //
         2.0, 0.1, 0.0,   //
         3.0, 0.1, 8.0,   //
         6.0, 0.1, 4.0};
  d.y = {10.0, 20.0, 30.0, 60.0};
  d.feature_scaling.assign(3, data::ColumnScaling{});
  return d;
}

// Mean and population standard deviation of column j of x (or of y when j == features).
std::pair<double, double> column_moments(const data::Dataset& d, std::size_t j) {
  double sum = 0.0, sum_sq = 0.0;
  for (std::size_t r = 0; r < d.rows; ++r) {
    double v = j == d.features ? d.y[r] : d.at(r, j);
    sum += v;
    sum_sq += v * v;
  }
  double mean = sum / static_cast<double>(d.rows);
  return {mean, std::sqrt(std::max(0.0, sum_sq / static_cast<double>(d.rows) - mean * mean))};
}

}  // namespace

TEST_CASE("normalize: zscore gives columns of mean 0 and population std 1", "[data]") {
  SECTION("hand-made data with a constant column") {
    data::Dataset raw = small_dataset();
    data::Dataset d = raw;
    data::normalize(d, data::Normalization::zscore);
    CHECK(d.normalization == data::Normalization::zscore);
    for (std::size_t j : {0, 2, 3}) {  // 3 = the target
      auto [mean, sd] = column_moments(d, j);
      CHECK(mean == Approx(0.0).margin(1e-12));
      CHECK(sd == Approx(1.0).epsilon(1e-12));
    }
    for (std::size_t r = 0; r < 4; ++r) CHECK(d.at(r, 1) == 0.0);  // the constant column

    // Column 0 is 1, 2, 3, 6: mean 3, population variance (4 + 1 + 0 + 9) / 4 = 3.5.
    CHECK(d.feature_scaling[0].offset == Approx(3.0));
    CHECK(d.feature_scaling[0].scale == Approx(std::sqrt(3.5)));
    CHECK(d.at(3, 0) == Approx(3.0 / std::sqrt(3.5)));
    // The target is 10, 20, 30, 60: mean 30, population std sqrt(350).
    CHECK(d.target_scaling.offset == Approx(30.0));
    CHECK(d.target_scaling.scale == Approx(std::sqrt(350.0)));

    // restore() maps every normalized value back to the raw one, the constant column included.
    for (std::size_t r = 0; r < 4; ++r) {
      CHECK(d.target_scaling.restore(d.y[r]) == Approx(raw.y[r]));
      for (std::size_t j = 0; j < 3; ++j) {
        CHECK(d.feature_scaling[j].restore(d.at(r, j)) == Approx(raw.at(r, j)));
      }
    }
  }
  SECTION("the bundled ethanol file") {
    data::Dataset d = data::load_gas(ethanol_gz);
    data::normalize(d, data::Normalization::zscore);
    for (std::size_t j = 0; j <= d.features; ++j) {
      auto [mean, sd] = column_moments(d, j);
      CHECK(mean == Approx(0.0).margin(1e-9));
      CHECK(sd == Approx(1.0).epsilon(1e-9));
    }
  }
}

TEST_CASE("normalize: minmax maps every column into [0, 1]", "[data]") {
  data::Dataset raw = small_dataset();
  data::Dataset d = raw;
  data::normalize(d, data::Normalization::minmax);
  CHECK(d.normalization == data::Normalization::minmax);
  CHECK(d.y == std::vector<double>{0.0, 0.2, 0.4, 1.0});
  for (std::size_t r = 0; r < 4; ++r) CHECK(d.at(r, 1) == 0.0);  // the constant column
  CHECK(d.at(0, 2) == 0.0);
  CHECK(d.at(1, 2) == Approx(1.0 / 3.0));
  CHECK(d.at(2, 2) == 1.0);
  CHECK(d.feature_scaling[2].restore(d.at(3, 2)) == Approx(4.0));

  data::Dataset gas = data::load_gas(batch1);
  data::normalize(gas, data::Normalization::minmax);
  for (std::size_t j = 0; j < gas.features; ++j) {
    double lo = 1.0, hi = 0.0;
    for (std::size_t r = 0; r < gas.rows; ++r) {
      lo = std::min(lo, gas.at(r, j));
      hi = std::max(hi, gas.at(r, j));
    }
    CHECK(lo == 0.0);
    CHECK(hi == 1.0);
  }
  CHECK(*std::min_element(gas.y.begin(), gas.y.end()) == 0.0);
  CHECK(*std::max_element(gas.y.begin(), gas.y.end()) == 1.0);
}

TEST_CASE("normalize: the features and the target each as asked", "[data]") {
  const auto features = GENERATE(data::Normalization::none, data::Normalization::minmax,
                                 data::Normalization::scale, data::Normalization::zscore);
  const auto target =
      GENERATE(data::Normalization::none, data::Normalization::zscore, data::Normalization::minmax);
  INFO(data::to_string(features) << " features, " << data::to_string(target) << " target");
  data::Dataset both = small_dataset(), x_only = small_dataset(), y_only = small_dataset();
  data::normalize(both, features, target);
  data::normalize(x_only, features);
  data::normalize(y_only, target);
  CHECK(both.x == x_only.x);
  CHECK(both.y == y_only.y);
  CHECK(both.normalization == features);
  CHECK(both.target_normalization == target);
  if (features == data::Normalization::none) CHECK(both.x == small_dataset().x);
  if (target == data::Normalization::none) CHECK(both.y == small_dataset().y);
}

TEST_CASE("normalize: none leaves the data alone, and misuse is reported", "[data]") {
  data::Dataset d = small_dataset();
  data::normalize(d, data::Normalization::none);
  CHECK(d.x == small_dataset().x);
  CHECK(d.y == small_dataset().y);
  CHECK(d.normalization == data::Normalization::none);

  data::normalize(d, data::Normalization::zscore);
  CHECK_THROWS_AS(data::normalize(d, data::Normalization::minmax), std::logic_error);
  CHECK_NOTHROW(data::normalize(d, data::Normalization::none));

  data::Dataset broken = small_dataset();
  broken.x.pop_back();
  CHECK_THROWS_AS(data::normalize(broken, data::Normalization::zscore), std::invalid_argument);
}

TEST_CASE("normalize: scale divides each column by its root mean square, without centring",
          "[data]") {
  data::Dataset d = small_dataset();
  const data::Dataset raw = small_dataset();
  data::normalize(d, data::Normalization::scale);
  CHECK(d.normalization == data::Normalization::scale);
  for (std::size_t j = 0; j < d.features; ++j) {
    double sum_sq = 0;
    for (std::size_t r = 0; r < d.rows; ++r) sum_sq += d.at(r, j) * d.at(r, j);
    const bool zero_column = [&] {
      for (std::size_t r = 0; r < raw.rows; ++r)
        if (raw.at(r, j) != 0) return false;
      return true;
    }();
    INFO("feature " << j);
    CHECK(sum_sq / double(d.rows) == Approx(zero_column ? 0.0 : 1.0));
    CHECK(d.feature_scaling[j].offset == 0.0);
    for (std::size_t r = 0; r < d.rows; ++r)  // signs and ratios kept: no shift
      CHECK(d.at(r, j) * d.feature_scaling[j].scale == Approx(raw.at(r, j)));
  }
  double y_sq = 0;
  for (double v : d.y) y_sq += v * v;
  CHECK(y_sq / double(d.rows) == Approx(1.0));
}

TEST_CASE("parse_normalization: the four names, and an error listing them", "[data]") {
  CHECK(data::parse_normalization("zscore") == data::Normalization::zscore);
  CHECK(data::parse_normalization("minmax") == data::Normalization::minmax);
  CHECK(data::parse_normalization("scale") == data::Normalization::scale);
  CHECK(data::parse_normalization("none") == data::Normalization::none);
  for (auto n : {data::Normalization::zscore, data::Normalization::minmax,
                 data::Normalization::scale, data::Normalization::none}) {
    CHECK(data::parse_normalization(data::to_string(n)) == n);
  }
  CHECK_THROWS_AS(data::parse_normalization("ZScore"), std::invalid_argument);
  CHECK_THROWS_WITH(data::parse_normalization("l2"),
                    Catch::Contains("'l2'") && Catch::Contains("zscore, minmax, scale, none"));
}

TEST_CASE("parse_gas: text in memory loads like the file, and errors name the given name",
          "[data]") {
  TempDir dir;
  const std::string text = good_line + "2;50 1:1 2:2 3:3 4:4\n" + good_line;
  const data::Dataset from_file = data::load_gas(dir.write("three.dat", text));
  const data::Dataset from_text = data::parse_gas(text, "three-in-memory");
  CHECK(from_text.rows == 2);
  CHECK(from_text.features == 4);
  CHECK(from_text.x == from_file.x);
  CHECK(from_text.y == from_file.y);
  CHECK(from_text.source == "three-in-memory");
  CHECK(data::parse_gas(text, "three-in-memory", 2).y == std::vector<double>{50.0});

  CHECK_THROWS_WITH(data::parse_gas(good_line + "1;10 1:1 2:x 3:3 4:4\n", "upload"),
                    Catch::StartsWith("upload:2: ") && Catch::Contains("feature 2"));
  CHECK_THROWS_WITH(data::parse_gas("\n \n", "upload"),
                    Catch::StartsWith("upload: ") && Catch::Contains("no data rows"));
  CHECK_THROWS_WITH(data::parse_gas(good_line, "upload", 3),
                    Catch::StartsWith("upload: ") && Catch::Contains("classes found: 1"));
}

// A bug caught by tests/fuzz/fuzz_gas.cpp's invariant on its seed huge_values.dat (see
// docs/RELIABILITY.md): values a double holds, but whose spread it cannot, made normalize() write
// NaN and infinity into the data set without a word.
TEST_CASE("normalize: a column a double cannot rescale throws DataError and changes nothing",
          "[data]") {
  struct Case {
    std::string name, text;
    data::Normalization normalization;
    std::string column, problem;
  };
  const std::vector<Case> cases = {
      {"feature_spread_overflows_zscore", "1;1 1:1e308 2:1\n1;2 1:-1e308 2:2\n",
       data::Normalization::zscore, "feature 1", "statistics overflow"},
      {"feature_spread_overflows_minmax", "1;1 1:1e308 2:1\n1;2 1:-1e308 2:2\n",
       data::Normalization::minmax, "feature 1", "statistics overflow"},
      {"feature_variance_overflows", "1;1 1:5 2:1e200\n1;2 1:6 2:-1e200\n",
       data::Normalization::zscore, "feature 2", "statistics overflow"},
      {"target_sum_overflows", "1;1e308 1:1\n1;1e308 1:2\n1;0 1:3\n", data::Normalization::zscore,
       "the concentration", "statistics overflow"},
      {"subnormal_spread_underflows", "1;1 1:0\n1;2 1:5e-324\n", data::Normalization::zscore,
       "feature 1", "spread underflows"},
  };
  for (const Case& c : cases) {
    SECTION(c.name) {
      const data::Dataset raw = data::parse_gas(c.text, "wide.dat");
      data::Dataset d = raw;
      try {
        data::normalize(d, c.normalization);
        FAIL("normalize did not throw data::DataError");
      } catch (const data::DataError& e) {
        const std::string message = e.what();
        CHECK_THAT(message, Catch::StartsWith("wide.dat: cannot normalize (" +
                                              data::to_string(c.normalization) + ") " + c.column));
        CHECK_THAT(message, Catch::Contains(c.problem));
      }
      CHECK(d.normalization == data::Normalization::none);
      CHECK(d.x == raw.x);
      CHECK(d.y == raw.y);
      CHECK(d.feature_scaling.size() == raw.features);
      CHECK(d.feature_scaling[0].scale == 1.0);
    }
  }
  // The same subnormal column is fine under minmax: its range, unlike its std, does not vanish.
  data::Dataset d = data::parse_gas("1;1 1:0\n1;2 1:5e-324\n", "tiny.dat");
  data::normalize(d, data::Normalization::minmax);
  CHECK(d.x == std::vector<double>{0.0, 1.0});
}

TEST_CASE("read_file: a gzip file cut short is refused, even where the cut leaves whole lines",
          "[data][errors]") {
  std::ifstream in(batch1_gz, std::ios::binary);
  const std::string packed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(packed.size() > 1000);
  TempDir dir;
  // Without its 8-byte trailer (CRC-32 and length) every row still decompresses: only the
  // stream's end is missing. Cut in the middle, the last row is partial.
  for (std::size_t cut : {std::size_t(8), packed.size() / 2}) {
    const std::string path = dir.write("cut.dat.gz", packed.substr(0, packed.size() - cut));
    CHECK_THROWS_WITH(data::read_file(path),
                      Catch::Contains(path) && Catch::Contains("truncated gzip data"));
    CHECK_THROWS_AS(data::load_gas(path, 1), data::DataError);
  }
  CHECK(data::read_file(batch1_gz).size() > packed.size());  // the whole file still reads
}
