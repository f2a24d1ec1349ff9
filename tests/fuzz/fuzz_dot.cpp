// libFuzzer target: the Graphviz DOT writer of a tape (autodiff/tape.hpp, Tape::to_dot).
//
// Input: fields separated by the byte 0x1E (ASCII record separator). Field 0 is a header:
// byte 0 bit 0 draws values (to_dot(true)), bit 1 runs backward first; byte 1 onwards picks
// each leaf's kind (param, variable, input, constant). Every further field is the name of one
// leaf (up to 16) holding a small tensor; the leaves are summed, so ops' nodes follow. Graphviz
// is never run.
//
// The DOT text is read back the way Graphviz reads it, and it is a finding when:
//   - a line is not one the writer emits (the header, a node with its label and fill, an edge
//     between existing nodes, the closing brace), or a line holds a control character;
//   - a double-quoted string is not closed on its line, or holds a backslash that is not one of
//     \" \\ (escaped bytes) and \n (the label's line breaks): Graphviz would substitute
//     \N, \G, \L ... or justify lines with \l, \r;
//   - a label's first line, decoded, is not the leaf's name as the contract shows it (control
//     characters as spaces, bytes that are not UTF-8 as '?'; checked by a decoder of its own
//     here), or the decoded label is not valid UTF-8.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "autodiff/elementwise.hpp"
#include "autodiff/reduce.hpp"
#include "autodiff/tape.hpp"
#include "fuzz_support.hpp"

namespace {

void check(bool ok, const std::string& what) {
  if (!ok) fuzz::invariant_failed("dot", what);
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

// The code point of the UTF-8 sequence at text[i], advancing i past it; -1 (advancing one
// byte) when the bytes there are not a shortest-form encoding of a scalar value.
long decode_utf8(const std::string& text, std::size_t& i) {
  const auto byte = [&text](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned b = byte(i);
  std::size_t n = b < 0x80             ? 1
                  : (b & 0xe0) == 0xc0 ? 2
                  : (b & 0xf0) == 0xe0 ? 3
                  : (b & 0xf8) == 0xf0 ? 4
                                       : 0;
  if (n == 0 || i + n > text.size()) {
    ++i;
    return -1;
  }
  long cp = n == 1 ? b : n == 2 ? (b & 0x1f) : n == 3 ? (b & 0x0f) : (b & 0x07);
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) {
      ++i;
      return -1;
    }
    cp = cp << 6 | (byte(i + k) & 0x3f);
  }
  static const long smallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < smallest[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
    ++i;
    return -1;
  }
  i += n;
  return cp;
}

// What the label should show of a name: control characters as spaces, each byte that does not
// start a valid UTF-8 sequence as '?'.
std::string shown(const std::string& name) {
  std::string out;
  for (std::size_t i = 0; i < name.size();) {
    const std::size_t from = i;
    const long cp = decode_utf8(name, i);
    if (cp < 0)
      out += '?';
    else if (cp < 0x20 || cp == 0x7f)
      out += ' ';
    else
      out.append(name, from, i - from);
  }
  return out;
}

bool valid_utf8(const std::string& text) {
  for (std::size_t i = 0; i < text.size();)
    if (decode_utf8(text, i) < 0) return false;
  return true;
}

// Reads the DOT string that starts at line[i] == '"'; returns its decoded lines (split at \n)
// and leaves i just past the closing quote.
std::vector<std::string> read_quoted(const std::string& line, std::size_t& i) {
  std::vector<std::string> lines(1);
  for (++i; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '"') {
      ++i;
      return lines;
    }
    if (c != '\\') {
      lines.back() += c;
      continue;
    }
    check(i + 1 < line.size(), "a backslash is not the last byte of a line: " + line);
    const char e = line[++i];
    check(e == '"' || e == '\\' || e == 'n',
          std::string("a label's escapes are \\\", \\\\ and \\n only, found \\") + e);
    if (e == 'n')
      lines.emplace_back();
    else
      lines.back() += e;
  }
  check(false, "a double-quoted string is closed on its line: " + line);
  return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::string> fields =
      split_fields(std::string_view(reinterpret_cast<const char*>(data), size));
  const std::string& header = fields[0];
  const auto head = [&header](std::size_t i) {
    return i < header.size() ? static_cast<unsigned char>(header[i]) : 0u;
  };
  const bool values = head(0) & 1, run_backward = head(0) & 2;

  std::deque<ad::Parameter<double>> parameters;  // leaves borrow these: stable addresses
  std::deque<ad::Tensor<double>> inputs;
  ad::Tape<double> tape;
  std::vector<ad::Var<double>> leaves;
  std::vector<std::string> names, kinds;
  for (std::size_t k = 1; k < fields.size() && k <= 16; ++k) {
    const std::string& name = fields[k];
    ad::Tensor<double> value({k % 3 + 1}, std::vector<double>(k % 3 + 1, 0.5 * double(k)));
    switch (head(k) % 4) {
      case 0:
        parameters.emplace_back(value, name);
        leaves.push_back(tape.param(parameters.back()));
        kinds.push_back("param");
        break;
      case 1:
        leaves.push_back(tape.variable(value, name));
        kinds.push_back("variable");
        break;
      case 2:
        inputs.push_back(value);
        leaves.push_back(tape.input(inputs.back(), name));
        kinds.push_back("input");
        break;
      default:
        leaves.push_back(tape.constant(value, name));
        kinds.push_back("constant");
        break;
    }
    names.push_back(name);
  }
  if (!leaves.empty()) {
    ad::Var<double> total = ad::sum(leaves[0]);
    for (std::size_t k = 1; k < leaves.size(); ++k) total = total + ad::sum(leaves[k]);
    const bool needs_grad = std::count(kinds.begin(), kinds.end(), "param") +
                                std::count(kinds.begin(), kinds.end(), "variable") >
                            0;
    if (run_backward && needs_grad) tape.backward(total);
  }

  const std::string dot = tape.to_dot(values);

  static const std::regex node_line("  n([0-9]+) \\[label=");
  static const std::regex node_rest("(, style=filled, fillcolor=\"#(ffe9b3|e8e8e8)\")?\\];");
  static const std::regex edge_line("  n([0-9]+) -> n([0-9]+);");
  std::vector<std::string> lines;
  for (std::size_t start = 0; start < dot.size();) {
    const std::size_t end = dot.find('\n', start);
    check(end != std::string::npos, "the DOT text ends with a newline");
    lines.push_back(dot.substr(start, end - start));
    start = end + 1;
  }
  check(lines.size() >= 4 && lines[0] == "digraph tape {" && lines[1] == "  rankdir=BT;" &&
            lines[2] == "  node [shape=box, fontname=\"Helvetica\"];" && lines.back() == "}",
        "the DOT header and closing brace");
  std::size_t nodes = 0;
  for (std::size_t l = 3; l + 1 < lines.size(); ++l) {
    const std::string& line = lines[l];
    for (const char c : line)
      check(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f, "no control character in a line");
    std::smatch m;
    if (std::regex_match(line, m, edge_line)) {
      check(std::stoul(m[1]) < std::stoul(m[2]) && std::stoul(m[2]) < tape.size(),
            "an edge runs from an earlier node to a later one: " + line);
      continue;
    }
    const std::string prefix = "  n" + std::to_string(nodes) + " [label=";
    check(line.compare(0, prefix.size(), prefix) == 0 && line.size() > prefix.size() &&
              line[prefix.size()] == '"',
          "node lines come in order, each with a quoted label: " + line);
    std::size_t i = prefix.size();
    const std::vector<std::string> label = read_quoted(line, i);
    check(std::regex_match(line.substr(i), node_rest), "a node line ends as written: " + line);
    for (const std::string& piece : label) check(valid_utf8(piece), "a label is valid UTF-8");
    check(label.size() >= 2, "a label holds a name line and a shape line");
    if (nodes < names.size()) {  // the leaves come first, in order
      const std::string name = names[nodes].empty() ? kinds[nodes] : names[nodes];
      const std::string expected =
          shown(name) + (name == kinds[nodes] ? "" : " (" + kinds[nodes] + ")");
      check(label[0] == expected,
            "a leaf's label shows its name: '" + label[0] + "' for '" + expected + "'");
    }
    ++nodes;
  }
  check(nodes == tape.size(), "one node line per node of the tape");
  return 0;
}
