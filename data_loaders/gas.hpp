// The UCI gas sensor data: the regression task of Arora, Cohen & Hazan (ICML 2018), section 8.
//
// "Gas Sensor Array Drift Dataset at Different Concentrations" (UCI id 270) holds 13,910
// measurements of an array of 16 chemical sensors exposed to six gases, in ten files
// `batch1.dat` ... `batch10.dat`. Each line is one measurement:
//
//     CLASS;CONCENTRATION 1:f1 2:f2 ... 128:f128
//
// CLASS is the gas (1 ethanol, 2 ethylene, 3 ammonia, 4 acetaldehyde, 5 acetone, 6 toluene),
// CONCENTRATION its level in ppmv (the regression target), and f1..f128 are 8 features from each
// of the 16 sensors. The paper regresses concentration on the features for ethanol only, so
// load_gas() keeps the rows of one class. A loaded Dataset is raw; normalize() then rescales every
// column and remembers how, so a prediction can be mapped back to ppmv.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace data {

// How normalize() rescales each feature column and the target.
//   zscore: (v - mean) / std, with the population std (ddof = 0);
//   minmax: (v - min) / (max - min), into [0, 1];
//   scale:  v / sqrt(mean v²), each column to a root mean square of 1, not centred;
//   none:   unchanged.
// A constant column becomes all 0 under zscore and minmax.
// The largest gas file (or batch file, once inflated) load_gas reads: the whole UCI data set
// of ten batches is about 17 MB of text, so 256 MiB is ample for any file of this format and
// stops /dev/zero-like or gzip-bomb inputs long before they cost gigabytes.
inline constexpr std::size_t gas_max_bytes = std::size_t{256} << 20;

enum class Normalization { none, zscore, minmax, scale };

// Requires: nothing.
// Ensures:  returns the Normalization called `name` ("zscore", "minmax", "scale" or "none"); throws
//           std::invalid_argument listing the valid names otherwise.
Normalization parse_normalization(const std::string& name);

// Ensures: the inverse of parse_normalization: "zscore", "minmax", "scale" or "none".
std::string to_string(Normalization normalization);

// How one column was rescaled: normalized = (raw - offset) / scale. The identity (offset 0,
// scale 1) until normalize() runs; a constant column keeps scale 1, so restore() still gives back
// its constant value.
struct ColumnScaling {
  double offset = 0.0;
  double scale = 1.0;

  double apply(double raw) const { return (raw - offset) / scale; }
  double restore(double normalized) const { return normalized * scale + offset; }
};

// A regression data set held in memory: `rows` samples of `features` inputs each, one target each.
struct Dataset {
  std::size_t rows = 0;
  std::size_t features = 0;
  std::vector<double> x;  // [rows, features], row-major: feature j of row r is x[r * features + j]
  std::vector<double> y;  // [rows]: the gas concentration in ppmv (before normalization)
  std::string source;     // the file or directory it was read from
  int gas_class = 0;      // the UCI class the rows belong to (1 = ethanol)

  Normalization normalization = Normalization::none;         // of the features
  Normalization target_normalization = Normalization::none;  // of the target
  std::vector<ColumnScaling> feature_scaling;  // [features], how each x column was rescaled
  ColumnScaling target_scaling;                // how y was rescaled

  double& at(std::size_t row, std::size_t feature) { return x[row * features + feature]; }
  double at(std::size_t row, std::size_t feature) const { return x[row * features + feature]; }
};

// Requires: `path` names a file in the UCI line format above (plain or gzip, detected by content),
//           or a directory holding files `batchN.dat` / `batchN.dat.gz` (other files are ignored).
// Ensures:  returns the rows of class `gas_class`, raw (normalization none, identity scalings), in
//           file order; a directory's files are read in numeric order of N (batch2 before
//           batch10). Every line of every file is checked, whatever its class, and any of these
//           throws DataError naming the file and line and saying what was expected and found: a
//           first field that is not `CLASS;CONCENTRATION`, a feature that is not `INDEX:VALUE`,
//           feature indices that do not run 1, 2, 3, ... (a gap, a repeat, a wrong order), a row
//           whose feature count differs from the first data row's, a value that is not a number,
//           or that is NaN or infinite. Blank lines are skipped; lines may end in CRLF and carry
//           trailing blanks. Also DataError: an unreadable file, a file without data rows, a
//           directory without batch files, and no row of class `gas_class` (the message lists the
//           classes that were seen).
Dataset load_gas(const std::string& path, int gas_class = 1);

// Requires: `text` is the (decompressed) content of one file in the UCI line format; `name` says
//           where it came from, for messages and Dataset::source.
// Ensures:  what load_gas() returns for a file holding `text`, with the same checks; its
//           DataErrors name `name` and the line. load_gas() reads each file and parses it here.
Dataset parse_gas(std::string_view text, const std::string& name, int gas_class = 1);

// Requires: dataset.x.size() == rows * features and dataset.y.size() == rows (else
//           std::invalid_argument); the dataset not yet normalized, unless both normalizations
//           are none (else std::logic_error: normalize a fresh copy instead).
// Ensures:  every feature column rescaled as `features` says and the target as `target` says, the
//           statistics used stored in feature_scaling / target_scaling, and
//           dataset.normalization / target_normalization set. A
//           column whose values a double cannot rescale (a spread from -1e308 to 1e308 overflows
//           the statistics; distinct subnormal values can underflow the standard deviation to 0)
//           throws DataError naming dataset.source, the column and its range, before the dataset
//           is changed.
void normalize(Dataset& dataset, Normalization features, Normalization target);
// The features and the target alike.
inline void normalize(Dataset& dataset, Normalization normalization) {
  normalize(dataset, normalization, normalization);
}

}  // namespace data
