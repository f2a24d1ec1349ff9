#include "experiments/report/csv.hpp"

#include <cstdio>
#include <stdexcept>

#include "data_loaders/atomic_file.hpp"

namespace experiments {

Csv::Csv(const std::vector<std::string>& columns) : columns_(columns.size()) {
  for (std::size_t i = 0; i < columns.size(); ++i) text_ += (i ? "," : "") + columns[i];
  text_ += '\n';
  cells_in_row_ = columns_;
}

Csv& Csv::row() {
  if (cells_in_row_ != columns_)
    throw std::logic_error("Csv: a row has " + std::to_string(cells_in_row_) +
                           " cells, the header " + std::to_string(columns_));
  if (rows_ > 0) text_ += '\n';
  ++rows_;
  cells_in_row_ = 0;
  return *this;
}

void Csv::separator() {
  if (cells_in_row_ >= columns_)
    throw std::logic_error("Csv: more cells than the header's " + std::to_string(columns_));
  if (cells_in_row_ > 0) text_ += ',';
  ++cells_in_row_;
}

Csv& Csv::cell(double value, const char* format) {
  separator();
  char buf[64];
  std::snprintf(buf, sizeof buf, format, value);
  text_ += buf;
  return *this;
}

Csv& Csv::cell(std::size_t value) {
  separator();
  text_ += std::to_string(value);
  return *this;
}

Csv& Csv::cell(long long value) {
  separator();
  text_ += std::to_string(value);
  return *this;
}

Csv& Csv::text(std::string_view value, bool quote) {
  separator();
  quote = quote || value.find_first_of(",\"\n\r") != std::string_view::npos;
  if (!quote) {
    text_ += value;
    return *this;
  }
  text_ += '"';
  for (char c : value) {
    if (c == '"') text_ += '"';
    text_ += c;
  }
  text_ += '"';
  return *this;
}

std::string Csv::str() const {
  if (cells_in_row_ != columns_)
    throw std::logic_error("Csv: the last row has " + std::to_string(cells_in_row_) +
                           " cells, the header " + std::to_string(columns_));
  // row() ends each row when the next one starts; this ends the last one.
  return rows_ > 0 ? text_ + '\n' : text_;
}

void Csv::write(const std::string& path) const {
  data::write_file_atomic(path, str());
}

}  // namespace experiments
