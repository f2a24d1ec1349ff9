// What runs leave behind: output folders, files written atomically, run.json, PNG plots.
//
// Every file is written to a temporary name in its folder and renamed into place, so a reader
// (or a crash) never sees half a file. Plots go through gnuplot (gnuplot-iostream); a machine
// without gnuplot still gets every CSV and JSON file, and a warning instead of the PNG.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace experiments {

// Creates `dir` (and its parents) if needed. Throws std::runtime_error naming the folder when
// it cannot be created or written into.
void make_output_dir(const std::string& dir);

// The local time as YYYYmmdd-HHMMSS, for default output folders that never overwrite a run.
std::string timestamp();

// Writes `content` to `path` through a temporary file and a rename.
void write_file_atomic(const std::string& path, const std::string& content);

// A JSON object built key by key, in insertion order. Numbers are written with full precision
// (non-finite ones as null, which JSON lacks a number for).
class JsonObject {
 public:
  JsonObject& add(const std::string& key, const std::string& value);
  JsonObject& add(const std::string& key, const char* value);
  JsonObject& add(const std::string& key, double value);
  JsonObject& add(const std::string& key, long long value);
  JsonObject& add(const std::string& key, int value) { return add(key, (long long)value); }
  JsonObject& add(const std::string& key, std::size_t value) { return add(key, (long long)value); }
  JsonObject& add(const std::string& key, bool value);
  JsonObject& add(const std::string& key, const std::vector<double>& values);
  JsonObject& add(const std::string& key, const JsonObject& object);
  JsonObject& add(const std::string& key, const std::vector<JsonObject>& objects);
  std::string str(int indent = 0) const;

 private:
  struct Field {
    std::string key;
    std::string scalar;               // a rendered number, string, bool or array of numbers
    std::vector<JsonObject> objects;  // or nested objects
    bool is_object = false, is_list = false;
  };
  std::vector<Field> fields_;
};

std::string json_number(double value);

// One curve of a plot.
struct Series {
  std::string label;
  std::vector<double> x, y;
};

struct PlotOptions {
  std::string title;
  std::string xlabel = "iteration";
  std::string ylabel = "loss";
  bool log_y = true;
  bool log_x = false;
};

// Draws the curves into a PNG. Returns false (after a warning on stderr) when gnuplot is
// missing or fails; the caller's data files are unaffected either way.
bool plot_png(const std::string& path, const std::vector<Series>& series, const PlotOptions& o);

// Several plots side by side in one PNG (a figure with panels, like the paper's).
struct Panel {
  std::vector<Series> series;
  PlotOptions options;
};
bool plot_panels_png(const std::string& path, const std::vector<Panel>& panels,
                     const std::string& title = "");

// True when gnuplot can be run on this machine.
bool gnuplot_available();

}  // namespace experiments
