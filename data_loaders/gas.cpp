#include "data_loaders/gas.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <utility>

#include "data_loaders/read_file.hpp"

namespace data {

Normalization parse_normalization(const std::string& name) {
  if (name == "zscore") return Normalization::zscore;
  if (name == "minmax") return Normalization::minmax;
  if (name == "scale") return Normalization::scale;
  if (name == "none") return Normalization::none;
  throw std::invalid_argument("unknown normalization '" + name +
                              "'; expected one of: zscore, minmax, scale, none");
}

std::string to_string(Normalization normalization) {
  switch (normalization) {
    case Normalization::zscore:
      return "zscore";
    case Normalization::minmax:
      return "minmax";
    case Normalization::scale:
      return "scale";
    case Normalization::none:
      return "none";
  }
  return "none";  // unreachable; keeps -Wreturn-type quiet
}

namespace {

// A token as it appears in an error message: quoted, cut short if it is long, and printable:
// a byte outside printable ASCII (a NUL, a CR, an escape, half a UTF-8 sequence) is shown as
// \xNN, so no message puts raw control bytes on a terminal.
std::string quoted(std::string_view token) {
  constexpr std::size_t max_shown = 40;
  std::string out = "'";
  for (std::size_t i = 0; i < token.size() && i < max_shown; ++i) {
    const auto c = static_cast<unsigned char>(token[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += char(c);
    } else {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out + (token.size() > max_shown ? "...'" : "'");
}

// Text the parser cannot read as lines of ASCII/UTF-8, named for what it is: UTF-16 (a BOM,
// or NUL bytes between characters) and CR-only line endings (classic Mac).
void check_encoding(std::string_view text, const std::string& name) {
  if (text.starts_with("\xff\xfe") || text.starts_with("\xfe\xff") ||
      text.substr(0, 256).find('\0') != std::string_view::npos) {
    throw DataError(name + ": looks like UTF-16 text (" +
                    (text.starts_with("\xff\xfe")   ? std::string("byte-order mark FF FE")
                     : text.starts_with("\xfe\xff") ? std::string("byte-order mark FE FF")
                                                    : std::string("NUL bytes in its first line")) +
                    "); expected ASCII or UTF-8: save it as UTF-8");
  }
  const std::size_t cr = text.find('\r');
  if (cr != std::string_view::npos && cr + 1 < text.size() && text[cr + 1] != '\n' &&
      text.substr(0, cr).find('\n') == std::string_view::npos) {
    throw DataError(name + ": its lines end in CR alone (old Mac line endings); expected LF or " +
                    "CRLF: convert it, e.g. with tr '\\r' '\\n'");
  }
}

// Fields are separated by spaces or tabs; a '\r' is allowed only at the end of a line (CRLF).
bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

// Where a line came from, for error messages: "path:17: ...".
struct Where {
  const std::string& file;
  std::size_t line;

  [[noreturn]] void fail(const std::string& what) const {
    throw DataError(file + ":" + std::to_string(line) + ": " + what);
  }
};

// Parses all of `token` as a finite double (an optional leading '+' is accepted, as strtod does).
double parse_double(const Where& where, std::string_view token, const std::string& what) {
  std::string_view digits = token;
  if (digits.size() > 1 && digits[0] == '+' && digits[1] != '-' && digits[1] != '+') {
    digits.remove_prefix(1);
  }
  double value = 0.0;
  const char* end = digits.data() + digits.size();
  auto [ptr, ec] = std::from_chars(digits.data(), end, value);
  if (ec == std::errc::result_out_of_range) {
    where.fail(what + " " + quoted(token) + " is out of the range of a double");
  }
  if (ec != std::errc{} || ptr != end) {
    where.fail("expected a number for " + what + ", found " + quoted(token));
  }
  if (!std::isfinite(value)) {
    where.fail(what + " is " + quoted(token) + "; NaN and infinity are not allowed");
  }
  return value;
}

// Parses all of `token` as an integer of type Int.
template <typename Int>
bool parse_integer(std::string_view token, Int& value) {
  const char* end = token.data() + token.size();
  auto [ptr, ec] = std::from_chars(token.data(), end, value);
  return ec == std::errc{} && ptr == end && !token.empty();
}

// Rows gathered so far, across all the files of one load_gas() call.
struct Gathered {
  int gas_class = 1;
  std::size_t features = 0;     // 0 until the first data row fixes it
  std::string features_set_at;  // "file:line" of that first data row
  std::vector<double> x, y;     // rows of class gas_class only
  std::set<int> classes_seen;   // every class met, for the "no row of class ..." message
  std::vector<double> row;      // scratch: the features of the line being parsed
};

// Parses one data line (already stripped of its line ending and trailing blanks).
void parse_line(const Where& where, std::string_view line, Gathered& out) {
  std::size_t pos = 0;
  auto next_token = [&]() -> std::string_view {
    while (pos < line.size() && is_blank(line[pos])) ++pos;
    std::size_t start = pos;
    while (pos < line.size() && !is_blank(line[pos])) ++pos;
    return line.substr(start, pos - start);
  };

  // CLASS;CONCENTRATION
  std::string_view head = next_token();
  std::size_t semicolon = head.find(';');
  if (semicolon == std::string_view::npos) {
    where.fail("expected 'CLASS;CONCENTRATION' as the first field, found " + quoted(head) +
               " (no ';')");
  }
  std::string_view class_token = head.substr(0, semicolon);
  int gas_class = 0;
  if (!parse_integer(class_token, gas_class)) {
    where.fail("expected an integer gas class before ';', found " + quoted(class_token));
  }
  double concentration =
      parse_double(where, head.substr(semicolon + 1), "the concentration after ';'");

  // 1:f1 2:f2 ...
  out.row.clear();
  for (std::string_view token = next_token(); !token.empty(); token = next_token()) {
    std::size_t expected_index = out.row.size() + 1;
    std::size_t colon = token.find(':');
    if (colon == std::string_view::npos) {
      where.fail("expected 'INDEX:VALUE' for feature " + std::to_string(expected_index) +
                 ", found " + quoted(token) + " (no ':')");
    }
    std::string_view index_token = token.substr(0, colon);
    std::size_t index = 0;
    if (!parse_integer(index_token, index)) {
      where.fail("expected the feature index " + std::to_string(expected_index) +
                 " before ':', found " + quoted(index_token));
    }
    if (index != expected_index) {
      std::string kind = index == 0               ? "is not a valid index (they start at 1)"
                         : index < expected_index ? "repeats or goes backwards"
                                                  : "skips ahead";
      where.fail("expected feature index " + std::to_string(expected_index) + ", found " +
                 std::to_string(index) + ", which " + kind +
                 "; indices must run 1, 2, 3, ... without gaps");
    }
    out.row.push_back(
        parse_double(where, token.substr(colon + 1), "feature " + std::to_string(expected_index)));
  }

  if (out.row.empty()) {
    where.fail("expected features 'INDEX:VALUE' after the concentration, found none");
  }
  if (out.features == 0) {
    out.features = out.row.size();
    out.features_set_at = where.file + ":" + std::to_string(where.line);
  } else if (out.row.size() != out.features) {
    where.fail("expected " + std::to_string(out.features) +
               " features, as in the first data row (" + out.features_set_at + "), found " +
               std::to_string(out.row.size()));
  }

  out.classes_seen.insert(gas_class);
  if (gas_class == out.gas_class) {
    out.x.insert(out.x.end(), out.row.begin(), out.row.end());
    out.y.push_back(concentration);
  }
}

// Parses every line of the text of one file, called `name` in messages, into `out`.
void parse_text(std::string_view text, const std::string& name, Gathered& out) {
  if (text.starts_with("\xef\xbb\xbf")) text.remove_prefix(3);  // a UTF-8 byte-order mark
  check_encoding(text, name);
  std::string_view rest = text;
  std::size_t line_number = 0;
  std::size_t data_rows = 0;
  while (!rest.empty()) {
    ++line_number;
    std::size_t newline = rest.find('\n');
    std::string_view line = rest.substr(0, newline);
    rest.remove_prefix(newline == std::string_view::npos ? rest.size() : newline + 1);
    while (!line.empty() && (is_blank(line.back()) || line.back() == '\r')) {
      line.remove_suffix(1);  // CRLF, trailing blanks
    }
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;  // blank line
    parse_line(Where{name, line_number}, line, out);
    ++data_rows;
  }
  if (data_rows == 0) {
    throw DataError(name + ": no data rows (the file is empty or holds only blank lines); " +
                    "expected lines 'CLASS;CONCENTRATION 1:f1 2:f2 ...'");
  }
}

// The batch number N of a file called `batchN.dat` or `batchN.dat.gz`, or -1 for any other name.
long batch_number(const std::string& name) {
  std::string_view rest = name;
  if (!rest.starts_with("batch")) return -1;
  rest.remove_prefix(5);
  std::size_t digits = 0;
  while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
  if (digits == 0 || digits > 9) return -1;
  std::string_view suffix = rest.substr(digits);
  if (suffix != ".dat" && suffix != ".dat.gz") return -1;
  long n = 0;
  std::from_chars(rest.data(), rest.data() + digits, n);
  return n;
}

// The batch files of `dir` in numeric order of N.
std::vector<std::string> batch_files(const std::string& dir) {
  namespace fs = std::filesystem;
  std::map<long, fs::path> by_number;
  try {
    for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
      const fs::path& file = entry.path();
      long n = batch_number(file.filename().string());
      if (n < 0) continue;
      auto [existing, inserted] = by_number.emplace(n, file);
      if (!inserted) {
        throw DataError(dir + ": both " + existing->second.filename().string() + " and " +
                        file.filename().string() + " hold batch " + std::to_string(n) +
                        "; expected one file per batch");
      }
    }
  } catch (const fs::filesystem_error& e) {
    throw DataError(dir + ": cannot list the directory: " + e.code().message());
  }
  if (by_number.empty()) {
    throw DataError(dir + ": no batch files; expected files named batchN.dat or batchN.dat.gz");
  }
  std::vector<std::string> files;
  for (const auto& [n, file] : by_number) files.push_back(file.string());
  return files;
}

// The Dataset of the rows gathered from `source` (a file or a directory), all of class
// gathered.gas_class; DataError when there is none.
Dataset finish(Gathered& gathered, const std::string& source) {
  const int gas_class = gathered.gas_class;
  if (gathered.y.empty()) {
    std::string seen;
    for (int c : gathered.classes_seen) seen += (seen.empty() ? "" : ", ") + std::to_string(c);
    throw DataError(source + ": no row of gas class " + std::to_string(gas_class) +
                    "; classes found: " + seen + " (1 = ethanol)");
  }

  Dataset dataset;
  dataset.rows = gathered.y.size();
  dataset.features = gathered.features;
  dataset.x = std::move(gathered.x);
  dataset.y = std::move(gathered.y);
  dataset.source = source;
  dataset.gas_class = gas_class;
  dataset.feature_scaling.assign(dataset.features, ColumnScaling{});
  return dataset;
}

}  // namespace

Dataset parse_gas(std::string_view text, const std::string& name, int gas_class) {
  Gathered gathered;
  gathered.gas_class = gas_class;
  parse_text(text, name, gathered);
  return finish(gathered, name);
}

Dataset load_gas(const std::string& path, int gas_class) {
  Gathered gathered;
  gathered.gas_class = gas_class;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    for (const std::string& file : batch_files(path))
      parse_text(read_file(file, gas_max_bytes), file, gathered);
  } else {
    parse_text(read_file(path, gas_max_bytes), path, gathered);
  }
  return finish(gathered, path);
}

namespace {

// The scaling that normalizes a column with these statistics. A constant column (min == max) keeps
// scale 1 and gets offset = its value, so it maps to exactly 0 and back. min == max is tested
// rather than std == 0 because the mean of n equal values need not round back to that value.
ColumnScaling scaling_for(Normalization normalization, double min, double max, double mean,
                          double stddev) {
  if (normalization == Normalization::none) return ColumnScaling{};
  if (normalization == Normalization::scale) {  // not centred: v / sqrt(mean v²)
    const double rms = std::sqrt(stddev * stddev + mean * mean);
    return ColumnScaling{0.0, rms > 0 ? rms : 1.0};
  }
  if (min == max) return ColumnScaling{min, 1.0};
  if (normalization == Normalization::zscore) return ColumnScaling{mean, stddev};
  return ColumnScaling{min, max - min};
}

// Requires: `scaling` came from scaling_for() for the column `column` of `dataset`, whose values
//           run from min to max.
// Ensures:  returns when the scaling can be applied: a finite offset and a finite, positive scale.
//           Otherwise throws DataError naming the data set's source and the column: values whose
//           spread a double cannot hold (from -1e308 to 1e308, say) overflow the statistics, and
//           distinct subnormal values can underflow the standard deviation to 0.
void check_scaling(const ColumnScaling& scaling, const Dataset& dataset,
                   Normalization normalization, const std::string& column, double min, double max) {
  if (std::isfinite(scaling.offset) && std::isfinite(scaling.scale) && scaling.scale > 0) return;
  char range[96];
  std::snprintf(range, sizeof range, "from %.17g to %.17g", min, max);
  const bool underflow = std::isfinite(scaling.offset) && scaling.scale == 0;
  throw DataError(dataset.source + ": cannot normalize (" + to_string(normalization) + ") " +
                  column + ", whose values run " + range + ": " +
                  (underflow ? "its spread underflows" : "its statistics overflow") +
                  " a double; expected values of a magnitude a double can rescale");
}

}  // namespace

void normalize(Dataset& dataset, Normalization normalization, Normalization target) {
  const std::size_t rows = dataset.rows, features = dataset.features;
  if (dataset.x.size() != rows * features || dataset.y.size() != rows) {
    throw std::invalid_argument(
        "normalize: dataset says " + std::to_string(rows) + " rows x " + std::to_string(features) +
        " features but holds x of size " + std::to_string(dataset.x.size()) + " and y of size " +
        std::to_string(dataset.y.size()) + "; expected x of size rows * features, y of size rows");
  }
  if (normalization == Normalization::none && target == Normalization::none) return;
  if (dataset.normalization != Normalization::none ||
      dataset.target_normalization != Normalization::none) {
    throw std::logic_error("normalize: the dataset is already normalized (" +
                           to_string(dataset.normalization) + ", target " +
                           to_string(dataset.target_normalization) +
                           "); normalize a fresh copy from load_gas() instead");
  }
  if (rows == 0) {
    dataset.normalization = normalization;
    dataset.target_normalization = target;
    dataset.feature_scaling.assign(features, ColumnScaling{});
    dataset.target_scaling = ColumnScaling{};
    return;
  }

  // Column statistics, two passes: sums, min and max first, then squared deviations from the mean.
  // Every scaling is computed and checked before the dataset changes.
  std::vector<double> mean(features, 0.0), var(features, 0.0);
  std::vector<double> min(dataset.x.begin(), dataset.x.begin() + features);
  std::vector<double> max = min;
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t j = 0; j < features; ++j) {
      double v = dataset.at(r, j);
      mean[j] += v;
      min[j] = std::min(min[j], v);
      max[j] = std::max(max[j], v);
    }
  }
  for (double& m : mean) m /= static_cast<double>(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t j = 0; j < features; ++j) {
      double d = dataset.at(r, j) - mean[j];
      var[j] += d * d;
    }
  }
  std::vector<ColumnScaling> feature_scaling(features);
  for (std::size_t j = 0; j < features; ++j) {
    double stddev = std::sqrt(var[j] / static_cast<double>(rows));  // population std, ddof = 0
    feature_scaling[j] = scaling_for(normalization, min[j], max[j], mean[j], stddev);
    check_scaling(feature_scaling[j], dataset, normalization, "feature " + std::to_string(j + 1),
                  min[j], max[j]);
  }

  double y_mean = 0.0, y_var = 0.0;
  auto [y_min, y_max] = std::minmax_element(dataset.y.begin(), dataset.y.end());
  for (double v : dataset.y) y_mean += v;
  y_mean /= static_cast<double>(rows);
  for (double v : dataset.y) y_var += (v - y_mean) * (v - y_mean);
  double y_std = std::sqrt(y_var / static_cast<double>(rows));
  const ColumnScaling target_scaling = scaling_for(target, *y_min, *y_max, y_mean, y_std);
  check_scaling(target_scaling, dataset, target, "the concentration (the target)", *y_min, *y_max);

  dataset.normalization = normalization;
  dataset.target_normalization = target;
  dataset.feature_scaling = std::move(feature_scaling);
  dataset.target_scaling = target_scaling;
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t j = 0; j < features; ++j) {
      dataset.at(r, j) = dataset.feature_scaling[j].apply(dataset.at(r, j));
    }
  }
  for (double& v : dataset.y) v = dataset.target_scaling.apply(v);
}

}  // namespace data
