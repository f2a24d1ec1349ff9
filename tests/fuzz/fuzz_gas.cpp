// libFuzzer target: the UCI gas sensor loader (data_loaders/gas.hpp), then normalize().
//
// Input: the bytes of one data file. Plain text is parsed in memory by parse_gas(); a gzip
// stream (starting 1f 8b) is written to a scratch file and read by load_gas(), through
// read_file()'s inflate path. A DataError is the loader (or normalize()) refusing a bad file: a
// pass. A crash, a sanitizer report, any other exception, or a data set that breaks its own
// contract (sizes that disagree, a value that is not finite, a scaling that is not finite) is a
// finding.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "data_loaders/gas.hpp"
#include "data_loaders/read_file.hpp"
#include "fuzz_support.hpp"

namespace {

void check(bool ok, const std::string& what) {
  if (!ok) fuzz::invariant_failed("gas", what);
}

void check_dataset(const data::Dataset& ds, const char* stage) {
  const std::string where = std::string(stage) + ": ";
  check(ds.rows > 0 && ds.features > 0, where + "a loaded data set has rows and features");
  check(ds.y.size() == ds.rows, where + "y.size() == rows");
  check(ds.x.size() == ds.rows * ds.features, where + "x.size() == rows * features");
  check(ds.feature_scaling.size() == ds.features, where + "one scaling per feature");
  for (double v : ds.x) check(std::isfinite(v), where + "every x is finite");
  for (double v : ds.y) check(std::isfinite(v), where + "every y is finite");
}

// Loads the input and normalizes it both ways; a DataError from either is the loader refusing a
// bad file.
void load_and_normalize(std::string_view bytes) {
  const data::Dataset raw = fuzz::is_gzip(bytes)
                                ? data::load_gas(fuzz::write_scratch_file("input.dat.gz", bytes))
                                : data::parse_gas(bytes, "input.dat");
  check_dataset(raw, "loaded");

  for (data::Normalization n : {data::Normalization::zscore, data::Normalization::minmax}) {
    data::Dataset ds = raw;
    data::normalize(ds, n);
    check_dataset(ds, n == data::Normalization::zscore ? "zscore" : "minmax");
    for (std::size_t j = 0; j < ds.features; ++j) {
      const data::ColumnScaling& s = ds.feature_scaling[j];
      check(std::isfinite(s.offset) && std::isfinite(s.scale) && s.scale > 0,
            "feature " + std::to_string(j) + ": a finite offset and a positive finite scale");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    load_and_normalize(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const data::DataError&) {
  }
  return 0;
}
