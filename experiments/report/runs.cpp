#include "experiments/report/runs.hpp"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "experiments/report/format.hpp"
#include "experiments/report/json.hpp"

namespace experiments {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw std::runtime_error(where + ": " + what);
}

Json read_json(const fs::path& path) {
  std::ifstream in(path);
  if (!in) fail(path.string(), "cannot be read");
  try {
    return Json::parse(in);
  } catch (const Json::exception& e) {
    fail(path.string(), std::string("not valid JSON (") + e.what() + ")");
  }
}

// Columns `x_column` and `y_column` (by header name) of a CSV file of numbers.
Series read_series(const fs::path& path, const std::string& x_column, const std::string& y_column) {
  std::ifstream in(path);
  if (!in) fail(path.string(), "cannot be read");
  std::string line;
  if (!std::getline(in, line)) fail(path.string(), "empty; expected a header line");
  std::vector<std::string> header;
  std::stringstream hs(line);
  for (std::string cell; std::getline(hs, cell, ',');) header.push_back(cell);
  auto column = [&](const std::string& name) {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return i;
    fail(path.string(), "no column '" + name + "' in its header '" + line + "'");
  };
  const std::size_t xi = column(x_column), yi = column(y_column);
  Series s;
  for (std::size_t number = 2; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    std::vector<std::string> cells;
    std::stringstream ls(line);
    for (std::string cell; std::getline(ls, cell, ',');) cells.push_back(cell);
    if (cells.size() != header.size())
      fail(path.string() + ":" + std::to_string(number),
           "expected " + std::to_string(header.size()) + " fields, found " +
               std::to_string(cells.size()));
    try {
      s.x.push_back(std::stod(cells[xi]));
      s.y.push_back(std::stod(cells[yi]));
    } catch (const std::exception&) {
      fail(path.string() + ":" + std::to_string(number), "expected numbers");
    }
  }
  return s;
}

std::map<std::string, std::string> flat_settings(const Json& settings) {
  std::map<std::string, std::string> out;
  if (!settings.is_object()) return out;
  for (const auto& [key, value] : settings.items()) out[key] = value.dump();
  return out;
}

}  // namespace

std::vector<RunCurve> read_run_curves(const std::string& dir, CurveValue value) {
  const fs::path root = dir;
  if (!fs::is_directory(root)) fail(dir, "not a folder");
  const std::string y = value == CurveValue::distance ? "distance" : "loss";
  if (fs::exists(root / "run.json")) {
    const Json run = read_json(root / "run.json");
    const std::string command = run.value("command", "");
    RunCurve c;
    c.name = root.filename().empty() ? dir : root.filename().string();
    if (command == "linear") {
      c.settings = flat_settings(run["settings"]);
      c.series = read_series(root / "losses.csv", "iteration", y);
    } else if (command == "mnist") {
      if (value == CurveValue::distance)
        fail(dir, "an MNIST run has no distance from an optimum; plot its loss (--y loss)");
      c.settings = flat_settings(run["settings"]);
      c.series = read_series(root / "batch_loss.csv", "step", "batch_loss");
    } else {
      fail((root / "run.json").string(),
           "not a linear or mnist run (\"command\": \"" + command + "\")");
    }
    return {c};
  }
  for (const auto& entry : fs::directory_iterator(root)) {
    if (entry.path().extension() != ".json") continue;
    const Json figure = read_json(entry.path());
    if (!figure.contains("figure") || !figure.contains("curves")) continue;
    std::vector<RunCurve> curves;
    for (const auto& curve : figure["curves"]) {
      RunCurve c;
      const std::string panel = curve.value("panel", ""), label = curve.value("curve", "");
      c.name = root.filename().string() + ": " + panel + ", " + label;
      c.settings = {{"panel", panel}, {"curve", label}};
      // The curve's CSV, named as figures/files.cpp names it: PANEL_SLUG.csv.
      c.series = read_series(root / (panel + "_" + slug(label) + ".csv"), "iteration", y);
      curves.push_back(std::move(c));
    }
    return curves;
  }
  fail(dir, "holds no run: expected run.json (linear, mnist) or a figure's NAME.json");
}

std::vector<std::string> distinguishing_labels(const std::vector<RunCurve>& curves) {
  std::set<std::string> keys;
  for (const auto& c : curves)
    for (const auto& [key, value] : c.settings) keys.insert(key);
  std::vector<std::string> differing;
  for (const std::string& key : keys) {
    std::set<std::string> values;
    for (const auto& c : curves) {
      const auto it = c.settings.find(key);
      values.insert(it == c.settings.end() ? "" : it->second);
    }
    if (values.size() > 1) differing.push_back(key);
  }
  std::vector<std::string> labels;
  for (const auto& c : curves) {
    std::string label;
    for (const std::string& key : differing) {
      const auto it = c.settings.find(key);
      std::string value = it == c.settings.end() ? "-" : it->second;
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        value = value.substr(1, value.size() - 2);
      label += (label.empty() ? "" : ", ") + key + "=" + value;
    }
    labels.push_back(label.empty() ? c.name : label);
  }
  return labels;
}

}  // namespace experiments
