#include "experiments/report/plot.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <gnuplot-iostream.h>

namespace experiments {

namespace fs = std::filesystem;

bool gnuplot_available() {
  static const bool found = std::system("command -v gnuplot >/dev/null 2>&1") == 0;
  return found;
}

namespace {

// The gnuplot commands for one panel, and its data blocks; false when it has nothing to show.
bool panel_commands(Gnuplot& gp, const Series* series, std::size_t count, const PlotOptions& o,
                    std::vector<std::vector<std::pair<double, double>>>& data) {
  gp << "set title \"" << o.title << "\" noenhanced\n";
  gp << "set xlabel '" << o.xlabel << "'\nset ylabel '" << o.ylabel << "'\n";
  gp << "set grid\nset key top right noenhanced\n";
  gp << (o.log_y ? "set logscale y\nset format y '10^{%L}'\n" : "unset logscale y\nset format y\n");
  gp << (o.log_x ? "set logscale x\n" : "unset logscale x\n");
  // Diverged curves would stretch the axis to 1e12 and flatten the rest: cap the range at ten
  // times the highest starting value; a diverging curve leaves through the top.
  double top = 0;
  for (std::size_t k = 0; k < count; ++k)
    if (!series[k].y.empty() && std::isfinite(series[k].y[0])) top = std::max(top, series[k].y[0]);
  gp << (top > 0 ? "set yrange [:" + std::to_string(10 * top) + "]\n" : "set yrange [*:*]\n");
  std::string plot = "plot ";
  bool first = true;
  for (std::size_t k = 0; k < count; ++k) {
    const Series& s = series[k];
    std::vector<std::pair<double, double>> points;
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      // Log scales cannot show zeros or negatives; such points are left out of the picture.
      if (!std::isfinite(s.y[i]) || (o.log_y && s.y[i] <= 0)) continue;
      if (o.log_x && s.x[i] <= 0) continue;
      points.emplace_back(s.x[i], s.y[i]);
    }
    if (points.empty()) continue;
    plot += std::string(first ? "" : ", ") + "'-' with lines linewidth 2 title \"" + s.label + "\"";
    first = false;
    data.push_back(std::move(points));
  }
  if (first) return false;
  gp << plot << "\n";
  return true;
}

bool finish_png(const std::string& tmp, const std::string& path) {
  std::error_code ec;
  if (!fs::exists(tmp) || fs::file_size(tmp, ec) == 0) {
    std::cerr << "warning: gnuplot did not write " << path << "\n";
    std::remove(tmp.c_str());
    return false;
  }
  fs::rename(tmp, path, ec);
  return !ec;
}

}  // namespace

bool plot_png(const std::string& path, const std::vector<Series>& series, const PlotOptions& o) {
  return plot_panels_png(path, {Panel{series, o}});
}

bool plot_panels_png(const std::string& path, const std::vector<Panel>& panels,
                     const std::string& title) {
  if (!gnuplot_available()) {
    std::cerr << "warning: gnuplot not found, skipping " << path
              << " (install gnuplot-nox; the CSV files have the data)\n";
    return false;
  }
  const std::string tmp = path + ".tmp.png";
  try {
    Gnuplot gp("gnuplot");
    gp << "set terminal pngcairo size " << 640 * std::max<std::size_t>(1, panels.size()) + 160
       << ",600 enhanced font 'Sans,11'\n";
    gp << "set output '" << tmp << "'\n";
    if (panels.size() > 1 || !title.empty()) {
      gp << "set multiplot layout 1," << panels.size();
      if (!title.empty()) gp << " title \"" << title << "\" noenhanced";
      gp << "\n";
    }
    for (const Panel& panel : panels) {
      std::vector<std::vector<std::pair<double, double>>> data;
      if (!panel_commands(gp, panel.series.data(), panel.series.size(), panel.options, data)) {
        gp << "set title 'no data'\nplot 1/0 notitle\n";
        continue;
      }
      for (const auto& points : data) gp.send1d(points);
    }
    if (panels.size() > 1 || !title.empty()) gp << "unset multiplot\n";
    gp << "unset output\n";
  } catch (const std::exception& e) {
    std::cerr << "warning: plotting " << path << " failed: " << e.what() << "\n";
    std::remove(tmp.c_str());
    return false;
  }
  // The Gnuplot object waited for gnuplot to finish when it went out of scope.
  return finish_png(tmp, path);
}

}  // namespace experiments
