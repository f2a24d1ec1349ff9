#include "experiments/report/plot.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <gnuplot-iostream.h>

#include "data_loaders/atomic_file.hpp"

namespace experiments {

namespace fs = std::filesystem;

bool gnuplot_available() {
  static const bool found = std::system("command -v gnuplot >/dev/null 2>&1") == 0;
  return found;
}

std::string gnuplot_quote(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') {
      out += "''";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "'";
}

namespace {

// A folder for gnuplot's private output file whose name holds only characters that need no
// quoting: $TMPDIR when it is such a name, else /tmp.
std::string private_temp_dir() {
  const char* env = std::getenv("TMPDIR");
  if (env != nullptr && *env == '/') {
    const std::string dir = env;
    bool plain = true;
    for (const char c : dir)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '.' || c == '_' ||
            c == '-'))
        plain = false;
    std::error_code ec;
    if (plain && fs::is_directory(dir, ec)) return dir;
  }
  return "/tmp";
}

// A number as gnuplot reads it back exactly; only finite values reach here.
std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// The gnuplot commands for one panel, each curve followed by its inline data block ('-',
// ended by a line "e"); false when no curve has a point to show.
bool panel_commands(std::ostringstream& gp, const Panel& panel) {
  const PlotOptions& o = panel.options;
  // User text (titles, labels, legend entries) goes in as gnuplot single-quoted strings, in
  // which nothing is interpreted (no backslash escapes, no backquote commands, no macros), and
  // noenhanced, so ^ _ @ { } are drawn as typed.
  std::vector<std::string> blocks;
  std::string plot = "plot ";
  std::size_t curves = 0;
  auto shown = [&o](double x, double y) {
    // Log scales cannot show zeros or negatives; such points are left out of the picture.
    return std::isfinite(x) && std::isfinite(y) && !(o.log_y && y <= 0) && !(o.log_x && x <= 0);
  };
  for (const Series& s : panel.series) {
    std::string block;
    std::size_t points = 0;
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!shown(s.x[i], s.y[i])) continue;
      block += number(s.x[i]) + " " + number(s.y[i]) + "\n";
      ++points;
    }
    if (block.empty()) continue;
    const std::string colour = " linecolor " + std::to_string(1 + curves % 8);
    ++curves;
    std::string band;
    if (s.low.size() == s.x.size() && s.high.size() == s.x.size()) {
      for (std::size_t i = 0; i < s.x.size(); ++i)
        if (shown(s.x[i], s.low[i]) && shown(s.x[i], s.high[i]))
          band += number(s.x[i]) + " " + number(s.low[i]) + " " + number(s.high[i]) + "\n";
    }
    if (!band.empty()) {  // beneath its curve, in its colour
      plot += std::string(blocks.empty() ? "" : ", ") + "'-' using 1:2:3 with filledcurves" +
              colour + " fillstyle transparent solid 0.2 noborder notitle";
      blocks.push_back(band + "e\n");
    }
    // Curves that coincide (the emulation figure's, by design) stay apart: each its own dash
    // pattern and open marker, about ten along it, the earlier curves' markers larger so that
    // the later ones sit inside them.
    static constexpr int open_markers[] = {6, 4, 8, 12, 1, 2, 3, 10};
    static constexpr const char* sizes[] = {"2.2", "1.8", "1.4", "1.1", "0.9", "0.7"};
    const std::size_t k = curves - 1;
    plot += std::string(blocks.empty() ? "" : ", ") + "'-' with linespoints linewidth 2" + colour +
            " dashtype " + std::to_string(1 + k % 5) + " pointtype " +
            std::to_string(open_markers[k % 8]) + " pointsize " + sizes[k % 6] + " pointinterval " +
            std::to_string(std::max<std::size_t>(1, points / 10)) + " title " +
            gnuplot_quote(s.label);
    blocks.push_back(block + "e\n");
  }
  if (blocks.empty()) return false;
  gp << "set title " << gnuplot_quote(o.title) << " noenhanced\n";
  gp << "set xlabel " << gnuplot_quote(o.xlabel) << " noenhanced\nset ylabel "
     << gnuplot_quote(o.ylabel) << " noenhanced\n";
  gp << "set grid\nset key top right noenhanced\n";
  gp << (o.log_y ? "set logscale y\nset format y '10^{%L}'\n" : "unset logscale y\nset format y\n");
  gp << (o.log_x ? "set logscale x\n" : "unset logscale x\n");
  gp << "set autoscale xfix\n";  // the x axis ends where the data do
  // Diverged curves would stretch the axis to 1e12 and flatten the rest: cap the range at ten
  // times the highest starting value; a diverging curve leaves through the top.
  double top = 0;
  for (const Series& s : panel.series)
    if (!s.y.empty() && std::isfinite(s.y[0])) top = std::max(top, s.y[0]);
  const bool capped = top > 0 && std::isfinite(10 * top);
  gp << (capped ? "set yrange [:" + number(10 * top) + "]\n" : "set yrange [*:*]\n");
  gp << plot << "\n";
  for (const std::string& block : blocks) gp << block;
  return true;
}

// Moves gnuplot's private output into place through the one atomic writer.
bool finish_png(const std::string& tmp, const std::string& path) {
  std::error_code ec;
  std::string bytes;
  if (fs::exists(tmp, ec) && fs::file_size(tmp, ec) > 0) {
    std::ifstream in(tmp, std::ios::binary);
    std::ostringstream all;
    all << in.rdbuf();
    bytes = all.str();
  }
  std::remove(tmp.c_str());
  if (bytes.empty()) {
    std::cerr << "warning: gnuplot did not write " << path << "\n";
    return false;
  }
  try {
    data::write_file_atomic(path, bytes);
  } catch (const std::exception& e) {
    std::cerr << "warning: " << e.what() << "\n";
    return false;
  }
  return true;
}

}  // namespace

std::string gnuplot_script(const std::string& output, const std::vector<Panel>& panels,
                           const std::string& title) {
  std::ostringstream gp;
  gp << "set terminal pngcairo size " << 640 * std::max<std::size_t>(1, panels.size()) + 160
     << ",600 enhanced font 'Sans,11'\n";
  gp << "set output " << gnuplot_quote(output) << "\n";
  const bool multiplot = panels.size() > 1 || !title.empty();
  if (multiplot) {
    gp << "set multiplot layout 1," << std::max<std::size_t>(1, panels.size());
    if (!title.empty()) gp << " title " << gnuplot_quote(title) << " noenhanced";
    gp << "\n";
  }
  for (const Panel& panel : panels)
    if (!panel_commands(gp, panel)) gp << "set title 'no data'\nplot 1/0 notitle\n";
  if (multiplot) gp << "unset multiplot\n";
  gp << "unset output\n";
  return gp.str();
}

bool plot_png(const std::string& path, const std::vector<Series>& series, const PlotOptions& o) {
  return plot_panels_png(path, {Panel{series, o}});
}

namespace {

// Runs gnuplot on script(output), where output is a private temporary file, then moves the PNG
// to `path`: no part of `path` (a user's folder name) ever enters the script.
template <typename Script>
bool run_gnuplot(const std::string& path, Script script) {
  if (!gnuplot_available()) {
    std::cerr << "warning: gnuplot not found, skipping " << path
              << " (install gnuplot-nox; the CSV files have the data)\n";
    return false;
  }
  std::string tmp = private_temp_dir() + "/overparam-plot-XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) {
    std::cerr << "warning: cannot create a temporary file for " << path << "\n";
    return false;
  }
  ::close(fd);
  try {
    Gnuplot gp("gnuplot");
    gp << script(tmp);
  } catch (const std::exception& e) {
    std::cerr << "warning: plotting " << path << " failed: " << e.what() << "\n";
    std::remove(tmp.c_str());
    return false;
  }
  // The Gnuplot object waited for gnuplot to finish when it went out of scope.
  return finish_png(tmp, path);
}

// "('a' 0, 'b' 1)": gnuplot tic labels at the cells' centres.
std::string tics(const std::vector<std::string>& names) {
  std::string text = "(";
  for (std::size_t i = 0; i < names.size(); ++i)
    text += (i ? ", " : "") + gnuplot_quote(names[i]) + " " + std::to_string(i);
  return text + ")";
}

}  // namespace

bool plot_panels_png(const std::string& path, const std::vector<Panel>& panels,
                     const std::string& title) {
  return run_gnuplot(path,
                     [&](const std::string& tmp) { return gnuplot_script(tmp, panels, title); });
}

std::string heatmap_script(const std::string& output, const HeatMap& m) {
  std::ostringstream gp;
  const std::size_t cols = m.columns.size(), rows = m.rows.size();
  double spread = 0;
  for (double v : m.values)
    if (std::isfinite(v) && v > 0 && m.neutral > 0)
      spread = std::max(spread, std::fabs(std::log2(v / m.neutral)));
  if (!(spread > 0)) spread = 1;
  gp << "set terminal pngcairo size " << 200 + 110 * std::max<std::size_t>(1, cols) << ","
     << 160 + 60 * std::max<std::size_t>(1, rows) << " enhanced font 'Sans,11'\n";
  gp << "set output " << gnuplot_quote(output) << "\n";
  gp << "set title " << gnuplot_quote(m.title) << " noenhanced\n";
  gp << "set xlabel " << gnuplot_quote(m.xlabel) << " noenhanced\nset ylabel "
     << gnuplot_quote(m.ylabel) << " noenhanced\n";
  gp << "set cblabel " << gnuplot_quote(m.colour_label) << " noenhanced\n";
  gp << "set xtics " << tics(m.columns) << " noenhanced\nset ytics " << tics(m.rows)
     << " noenhanced\n";
  // The first row at the top.
  gp << "set xrange [-0.5:" << number(double(cols) - 0.5) << "]\nset yrange ["
     << number(double(rows) - 0.5) << ":-0.5]\n";
  gp << "set palette defined (-1 '#b2182b', 0 '#f7f7f7', 1 '#2166ac')\n";
  gp << "set cbrange [" << number(-spread) << ":" << number(spread) << "]\nunset key\n";
  std::string cells;
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j) {
      const std::size_t k = i * cols + j;
      const double v = k < m.values.size() ? m.values[k] : NAN;
      const bool shown = std::isfinite(v) && v > 0 && m.neutral > 0;
      cells += std::to_string(j) + " " + std::to_string(i) + " " +
               (shown ? number(std::log2(v / m.neutral)) : std::string("NaN")) + "\n";
    }
  // Every cell's text as a label (a quoted literal), not as data.
  std::size_t n = 0;
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j) {
      const std::size_t k = i * cols + j;
      if (k < m.cells.size() && !m.cells[k].empty())
        gp << "set label " << ++n << " " << gnuplot_quote(m.cells[k]) << " at " << j << "," << i
           << " center front noenhanced\n";
    }
  gp << "plot '-' using 1:2:3 with image\n" << cells << "e\nunset output\n";
  return gp.str();
}

bool plot_heatmap_png(const std::string& path, const HeatMap& map) {
  return run_gnuplot(path, [&](const std::string& tmp) { return heatmap_script(tmp, map); });
}

}  // namespace experiments
