// libFuzzer target: the gnuplot script writer (experiments/report/plot.hpp, gnuplot_script).
//
// Input: fields separated by the byte 0x1E (ASCII record separator; inside a field it is just
// another control character). Field 0 is a header: byte 0 bit 0 log_y, bit 1 log_x; byte 1 the
// number of panels (1 + b % 3); byte 2 the curves per panel (b % 4). Then, in order: the output
// path, the figure's title, and for each panel its title, x label and y label, then for each
// curve its legend entry and its points (numbers as strtod reads them, "x y x y ..."). Missing
// fields are empty. Every second curve has a band, from y/2 to 2y. gnuplot is never run.
//
// The script is read back the way gnuplot reads it, and it is a finding when:
//   - a line holds a control character, or ends in a backslash (gnuplot's line continuation);
//   - a single-quoted literal ('' for a quote) is not closed on its line;
//   - a line, with its literals replaced by Q, is not one of the commands the writer emits
//     (so no user byte can sit outside a literal: no ;, backquote, @, # ... as code);
//   - the user's strings, decoded from the literals in order, differ from what was passed in
//     (control characters shown as spaces), or a fixed literal ('-', 'Sans,11' ...) changed;
//   - the inline data differ from the points the header's contract keeps, a data line is not
//     two finite numbers (three for a band: x, low, high), or a plot's '-' sources and data
//     blocks do not match.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "experiments/report/plot.hpp"
#include "fuzz_support.hpp"

namespace {

using experiments::Panel;
using experiments::Series;

void check(bool ok, const std::string& what) {
  if (!ok) fuzz::invariant_failed("plot", what);
}

std::vector<std::string> split_fields(std::string_view bytes) {
  std::vector<std::string> fields(1);
  for (const char c : bytes) {
    if (c == '\x1e')
      fields.emplace_back();
    else
      fields.back() += c;
  }
  return fields;
}

// What gnuplot should read back from a user's string: control characters as spaces.
std::string shown(const std::string& text) {
  std::string out = text;
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return out;
}

std::vector<double> numbers(const std::string& field) {
  std::vector<double> out;
  const char* p = field.c_str();
  const char* end = p + field.size();
  while (p < end) {
    char* next = nullptr;
    const double v = std::strtod(p, &next);
    if (next == p) {
      ++p;  // not a number here: skip a byte
      continue;
    }
    out.push_back(v);
    p = next;
  }
  return out;
}

// Reads `line` as gnuplot does: returns the line with each single-quoted literal replaced by Q,
// and appends the literals' decoded contents to `literals`.
std::string skeleton(const std::string& line, std::vector<std::string>& literals) {
  std::string out;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] != '\'') {
      out += line[i];
      continue;
    }
    std::string literal;
    bool closed = false;
    for (++i; i < line.size(); ++i) {
      if (line[i] == '\'') {
        if (i + 1 < line.size() && line[i + 1] == '\'') {
          literal += '\'';
          ++i;
        } else {
          closed = true;
          break;
        }
      } else {
        literal += line[i];
      }
    }
    check(closed, "a single-quoted literal is closed on its line: " + line);
    literals.push_back(literal);
    out += 'Q';
  }
  return out;
}

bool finite_number(const std::string& token, double& value) {
  if (token.empty()) return false;
  char* end = nullptr;
  value = std::strtod(token.c_str(), &end);
  return end == token.c_str() + token.size() && std::isfinite(value);
}

// One inline data block: its lines' numbers, in order (two a line for a curve, three for a band).
using Points = std::vector<std::vector<double>>;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::string> fields =
      split_fields(std::string_view(reinterpret_cast<const char*>(data), size));
  const std::string& header = fields[0];
  const auto head = [&header](std::size_t i) {
    return i < header.size() ? static_cast<unsigned char>(header[i]) : 0u;
  };
  std::size_t next = 1;
  const auto field = [&fields, &next]() -> std::string {
    return next < fields.size() ? fields[next++] : std::string();
  };

  const bool log_y = head(0) & 1, log_x = head(0) & 2;
  const std::size_t panel_count = 1 + head(1) % 3, curves = head(2) % 4;
  const std::string output = field(), title = field();
  std::vector<Panel> panels(panel_count);
  std::vector<std::string> expected_user = {shown(output)};
  const bool multiplot = panel_count > 1 || !title.empty();
  if (multiplot && !title.empty()) expected_user.push_back(shown(title));
  std::vector<Points> expected_blocks;
  std::size_t expected_no_data = 0;
  for (Panel& panel : panels) {
    panel.options.title = field();
    panel.options.xlabel = field();
    panel.options.ylabel = field();
    panel.options.log_y = log_y;
    panel.options.log_x = log_x;
    std::vector<std::string> labels;
    std::vector<Points> blocks;
    for (std::size_t k = 0; k < curves; ++k) {
      Series s;
      s.label = field();
      const std::vector<double> v = numbers(field());
      Points kept, band;  // the header's contract: finite, and positive on a log axis
      const auto shown_point = [&](double x, double y) {
        return std::isfinite(x) && std::isfinite(y) && !(log_y && y <= 0) && !(log_x && x <= 0);
      };
      for (std::size_t i = 0; i + 1 < v.size(); i += 2) {
        s.x.push_back(v[i]);
        s.y.push_back(v[i + 1]);
        if (k % 2 == 1) {
          s.low.push_back(v[i + 1] / 2);
          s.high.push_back(v[i + 1] * 2);
          if (shown_point(v[i], s.low.back()) && shown_point(v[i], s.high.back()))
            band.push_back({v[i], s.low.back(), s.high.back()});
        }
        if (shown_point(v[i], v[i + 1])) kept.push_back({v[i], v[i + 1]});
      }
      if (!kept.empty()) {
        labels.push_back(shown(s.label));
        if (!band.empty()) blocks.push_back(band);  // drawn first, beneath its curve
        blocks.push_back(kept);
      }
      panel.series.push_back(std::move(s));
    }
    if (blocks.empty()) {  // drawn as 'no data'
      ++expected_no_data;
      continue;
    }
    expected_user.push_back(shown(panel.options.title));
    expected_user.push_back(shown(panel.options.xlabel));
    expected_user.push_back(shown(panel.options.ylabel));
    expected_user.insert(expected_user.end(), labels.begin(), labels.end());
    expected_blocks.insert(expected_blocks.end(), blocks.begin(), blocks.end());
  }

  const std::string script = experiments::gnuplot_script(output, panels, title);

  // Every command the writer emits, with its literals as Q; [N] stands for a number.
#define PLOT_ENTRY                                                                            \
  "Q with linespoints linewidth 2 linecolor [1-8] dashtype [1-5] pointtype [0-9]+ pointsize " \
  "[.0-9]+ pointinterval [0-9]+ title Q|Q using 1:2:3 with filledcurves linecolor [1-8] "     \
  "fillstyle transparent solid 0.2 noborder notitle"
  static const std::regex command(
      "set terminal pngcairo size [0-9]+,600 enhanced font Q|set output Q|"
      "set multiplot layout 1,[0-9]+( title Q noenhanced)?|set (title|xlabel|ylabel) Q "
      "noenhanced|set title Q|set grid|set key top right noenhanced|(un)?set logscale [xy]|"
      "set format y( Q)?|set yrange \\[\\*:\\*\\]|set yrange \\[:[-+.0-9e]+\\]|"
      "set autoscale xfix|"
      "plot (" PLOT_ENTRY ")(, (" PLOT_ENTRY
      "))*|"
      "plot 1/0 notitle|unset multiplot|unset output");
  check(!script.empty() && script.back() == '\n', "the script ends with a newline");
  std::vector<std::string> user, fixed_wrong;
  std::vector<Points> blocks;
  std::vector<std::size_t> arity;  // numbers a line in each block
  std::size_t pending = 0, multiplots = 0, no_data = 0;
  std::size_t start = 0;
  while (start < script.size()) {
    const std::size_t end = script.find('\n', start);
    const std::string line = script.substr(start, end - start);
    start = end + 1;
    for (const char c : line)
      check(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f,
            "no control character in a line of the script");
    check(line.empty() || line.back() != '\\', "no line ends in a backslash: " + line);
    if (pending > 0) {  // inside the inline data of a plot
      if (line == "e") {
        --pending;
        continue;
      }
      std::vector<double> values;
      std::size_t from = 0;
      bool ok = true;
      while (ok && from <= line.size()) {
        const std::size_t space = std::min(line.find(' ', from), line.size());
        double value = 0;
        ok = finite_number(line.substr(from, space - from), value);
        values.push_back(value);
        from = space + 1;
      }
      const std::size_t block = blocks.size() - pending;  // the blocks come in order
      check(ok && values.size() == arity[block],
            "a data line is " + std::to_string(arity[block]) + " finite numbers: " + line);
      blocks[block].push_back(values);
      continue;
    }
    std::vector<std::string> literals;
    const std::string shape = skeleton(line, literals);
    check(std::regex_match(shape, command), "a command the writer emits: " + line);
    if (shape.rfind("set yrange [:", 0) == 0) {
      double top = 0;
      check(finite_number(shape.substr(13, shape.size() - 14), top) && top > 0,
            "the y range's top is a positive finite number: " + line);
    }
    if (shape.rfind("set multiplot", 0) == 0) ++multiplots;
    // Literals the writer fixes; every other literal is a user's string.
    if (shape.rfind("set terminal", 0) == 0) {
      check(literals == std::vector<std::string>{"Sans,11"}, "the font literal");
    } else if (shape == "set format y Q") {
      check(literals == std::vector<std::string>{"10^{%L}"}, "the format literal");
    } else if (shape == "set title Q") {
      check(literals == std::vector<std::string>{"no data"}, "the 'no data' literal");
      ++no_data;
    } else if (shape.rfind("plot Q", 0) == 0) {
      // Its entries: a curve reads '-' and has a title; a band reads '-' alone.
      std::size_t k = 0;
      for (std::size_t from = 5; from < shape.size();) {
        const std::size_t comma = std::min(shape.find(", ", from), shape.size());
        const bool is_band =
            shape.substr(from, comma - from).find("filledcurves") != std::string::npos;
        check(k < literals.size() && literals[k] == "-", "each entry reads inline data ('-')");
        ++k;
        if (!is_band) {
          check(k < literals.size(), "each curve has a title");
          if (k < literals.size()) user.push_back(literals[k]);
          ++k;
        }
        blocks.emplace_back();
        arity.push_back(is_band ? 3 : 2);
        ++pending;
        from = comma + 2;
      }
      check(k == literals.size(), "no literal beyond the entries'");
    } else {
      user.insert(user.end(), literals.begin(), literals.end());
    }
  }
  check(pending == 0, "every data block is ended by 'e'");
  check(multiplots == (multiplot ? 1u : 0u), "multiplot exactly when there are panels or a title");
  check(user == expected_user, "the user's strings read back from the literals, in order");
  check(blocks == expected_blocks, "the inline data are the points kept, in order");
  check(no_data == expected_no_data, "a panel with no point to show is drawn as 'no data'");
  return 0;
}
