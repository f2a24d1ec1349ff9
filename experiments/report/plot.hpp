// Plots as PNG files, drawn by gnuplot (through gnuplot-iostream).
//
// A curve is a Series of (x, y) points; a plot is one panel of curves, a figure several panels
// side by side. gnuplot draws each PNG into a private temporary file (no user text in the
// script: titles and labels are quoted by gnuplot_quote), which is then written into place. A
// machine without gnuplot still gets every CSV and JSON file, and a warning instead of the PNG.
#pragma once

#include <string>
#include <vector>

namespace experiments {

// One curve of a plot.
struct Series {
  std::string label;
  std::vector<double> x, y;
  // A band around the curve (its range over seeds), shaded in the curve's colour beneath it:
  // empty, or one value of each per point.
  std::vector<double> low = {}, high = {};
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

// The whole gnuplot script that draws `panels` into the PNG file `output`: commands, and each
// curve's points inline ('-' data, "x y" lines ended by "e"). User text (`output`, titles,
// labels, legend entries) appears only inside gnuplot_quote literals; every number is finite
// (points with a non-finite coordinate, or not positive on a log axis, are left out).
// plot_panels_png pipes it to gnuplot; exposed so that tests and tests/fuzz/fuzz_plot.cpp can
// check it without running gnuplot.
std::string gnuplot_script(const std::string& output, const std::vector<Panel>& panels,
                           const std::string& title = "");

// A table of numbers as coloured cells, each with its text: rows[i] x columns[j] holds
// values[i * columns.size() + j] (NaN: an empty cell). The colour is log2 of the value, white at
// `neutral`, red below, blue above, symmetric around it (a speed-up map: 1 is no change).
struct HeatMap {
  std::string title, xlabel, ylabel, colour_label;
  std::vector<std::string> columns, rows;
  std::vector<double> values;
  std::vector<std::string> cells;  // the text in each cell, same layout as values
  double neutral = 1;
};
bool plot_heatmap_png(const std::string& path, const HeatMap& map);
// Its script (tests and the fuzzer check it without gnuplot); the same quoting rules as
// gnuplot_script.
std::string heatmap_script(const std::string& output, const HeatMap& map);

// `text` as a gnuplot single-quoted string literal: ' doubled, control characters (newline,
// CR, NUL ...) shown as spaces. Inside such a literal gnuplot interprets nothing.
std::string gnuplot_quote(const std::string& text);

// True when gnuplot can be run on this machine.
bool gnuplot_available();

}  // namespace experiments
