// CSV tables, the format every curve and grid of a run is written in (pandas.read_csv and
// numpy.genfromtxt read them as they are).
//
//   Csv csv({"iteration", "loss", "distance"});
//   csv.row().cell(it).cell(loss).cell(loss - l_star);
//   csv.write(dir + "/losses.csv");
//
// One header line, then one line per row, fields separated by commas, lines ending in '\n'.
// Numbers are written with a printf format (by default %.17g, which reads back to the same
// double); text fields are quoted when asked or when they hold a comma, a quote or a newline.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace experiments {

class Csv {
 public:
  explicit Csv(const std::vector<std::string>& columns);

  // Starts a new row (the previous one must be complete: throws std::logic_error otherwise).
  Csv& row();
  Csv& cell(double value, const char* format = "%.17g");
  Csv& cell(std::size_t value);
  Csv& cell(long long value);
  Csv& cell(int value) { return cell(static_cast<long long>(value)); }
  Csv& cell(bool value) { return cell(value ? 1LL : 0LL); }
  // Text, quoted (RFC 4180: a quote inside is doubled) if `quote` or if it needs it.
  Csv& text(std::string_view value, bool quote = false);

  std::size_t rows() const { return rows_; }
  // The whole table (requires complete rows).
  std::string str() const;
  // Writes str() to `path` atomically (data::write_file_atomic).
  void write(const std::string& path) const;

 private:
  void separator();
  std::size_t columns_;
  std::size_t rows_ = 0;
  std::size_t cells_in_row_ = 0;
  std::string text_;
};

}  // namespace experiments
