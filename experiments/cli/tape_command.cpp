// `overparam tape`: record a small example on the tape, list its nodes, write its graph.

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "experiments/cli/commands.hpp"
#include "experiments/cli/flags.hpp"
#include "experiments/report/files.hpp"
#include "experiments/report/plot.hpp"
#include "experiments/tape/examples.hpp"

extern char** environ;

namespace po = boost::program_options;

namespace experiments {

namespace {

std::string find_program(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return "";
  const std::string all = path;
  std::size_t start = 0;
  while (start <= all.size()) {
    std::size_t end = all.find(':', start);
    if (end == std::string::npos) end = all.size();
    const std::string dir = end > start ? all.substr(start, end - start) : ".";
    const std::filesystem::path candidate = std::filesystem::path(dir) / program;
    if (::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate))
      return candidate.string();
    start = end + 1;
  }
  return "";
}

// A path as one argument of a program that reads options: `-x` becomes `./-x`, so a file
// name never turns into a flag of `dot`. (No shell is involved: posix_spawn passes argv as is.)
std::string as_operand(const std::string& path) {
  return !path.empty() && path[0] == '-' ? "./" + path : path;
}

// Runs `dot -Tpng DOT -o PNG`; returns an empty string on success, else what went wrong.
std::string render_png(const std::string& dot_program, const std::string& dot_file,
                       const std::string& png_file) {
  const std::string tmp = png_file + ".tmp.png";
  std::vector<std::string> args = {dot_program, "-Tpng", as_operand(dot_file),
                                   "-o" + as_operand(tmp)};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (const int err =
          posix_spawn(&pid, dot_program.c_str(), nullptr, nullptr, argv.data(), environ);
      err != 0) {
    return "could not start " + dot_program + ": " + std::strerror(err);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return "waiting for dot failed";
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::remove(tmp.c_str());
    return "dot failed (exit status " +
           std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")";
  }
  std::error_code ec;
  std::filesystem::rename(tmp, png_file, ec);
  if (ec) return "could not rename " + tmp + " to " + png_file + ": " + ec.message();
  return "";
}

void print_listing(const TapeExample& ex, const TapeGraph& g, bool values) {
  std::printf("example %s: %s\n", ex.name.c_str(), ex.description.c_str());
  std::printf("loss = %.10g\n\n", ex.loss);
  std::printf("the tape, in recording order (every input comes before its consumer):\n");
  std::printf("  %3s  %-24s %-14s %s\n", "#", "op", "shape", "inputs");
  for (const auto& n : g.nodes) {
    std::string what = n.leaf ? n.name + " (" + n.op + ")" : n.op;
    std::string inputs;
    for (int i : n.inputs) inputs += (inputs.empty() ? "n" : ", n") + std::to_string(i);
    if (n.parameter)
      inputs = "leaf: a parameter, backward adds into its grad";
    else if (n.leaf)
      inputs = "leaf: data, no gradient";
    std::printf("  n%-2d  %-24s %-14s %s\n", n.index, what.c_str(), n.shape.c_str(),
                inputs.c_str());
    if (values)
      std::printf("       value %s%s%s\n", n.value.c_str(), n.grad.empty() ? "" : "   grad ",
                  n.grad.c_str());
  }
  std::printf("\nbackward ran from n%zu (the loss) down to n0; parameter gradients:\n",
              g.nodes.empty() ? std::size_t{0} : g.nodes.size() - 1);
  for (const auto& gr : ex.gradients) {
    std::printf("  d loss / d %-4s %-14s ||grad|| = %.6g\n", gr.name.c_str(), gr.shape.c_str(),
                gr.norm);
  }
}

}  // namespace

// ---- the command ----------------------------------------------------------------------------

int run_tape(int argc, char** argv) {
  std::string example = "linear", dot_file, png_file;
  bool values = false;
  po::options_description flags(
      "overparam tape: record a small example on the tape, run backward, and write the\n"
      "recorded graph as Graphviz DOT (and PNG, when Graphviz's `dot` is installed)\n\n"
      "  mlp     a two-layer ReLU network with a softmax cross-entropy loss\n"
      "  linear  a depth-3 linear network with the l_4 loss (the paper's model)\n"
      "  conv    conv2d + relu + max_pool2d + dense, softmax cross-entropy\n"
      "  scalar  the tutorial's depth-2 network of two scalars, with the l_4 loss\n\n"
      "Prints the nodes (index, op, shape, inputs) and the parameter gradients.\n"
      "Exit status 3: the DOT file was written but the PNG could not be drawn.\n\n"
      "Usage: overparam tape --example NAME --dot FILE [--png FILE] [--values]\n\nOptions");
  flags.add_options()("help,h", "print this help")(
      "example", po::value(&example)->default_value(example), "mlp|linear|conv|scalar")(
      "dot", po::value(&dot_file), "write the graph here in Graphviz DOT (required)")(
      "png", po::value(&png_file), "also render it here with `dot -Tpng`")(
      "values", po::bool_switch(&values),
      "show each node's value and gradient (a scalar, up to 4 entries, or the norm) in the "
      "listing and the picture");
  po::variables_map vm;
  if (const int stop = parse_flags("tape", argc, argv, flags, vm); stop >= 0) return stop;
  if (dot_file.empty()) {
    std::cerr << "overparam tape: --dot FILE is required (where to write the graph)\n";
    return 2;
  }
  TapeExample ex;
  try {
    ex = record_tape_example(example);
  } catch (const std::invalid_argument& e) {
    std::cerr << "overparam tape: " << e.what() << "\n";
    return 2;
  }
  const TapeGraph& graph = ex.graph;
  print_listing(ex, graph, values);

  const auto parent = std::filesystem::path(dot_file).parent_path();
  if (!parent.empty()) make_output_dir(parent.string());
  write_file_atomic(dot_file, values ? ex.dot_values : ex.dot);
  std::printf("\nwrote %s (%zu nodes, %zu edges)\n", dot_file.c_str(), graph.nodes.size(),
              graph.edges.size());
  if (png_file.empty()) {
    std::printf("render it with: dot -Tpng %s -o tape.png\n", dot_file.c_str());
    return 0;
  }
  const std::string dot_program = find_program("dot");
  if (dot_program.empty()) {
    std::cerr << "overparam tape: Graphviz's `dot` is not installed, so " << png_file
              << " was not drawn (" << dot_file
              << " was written); install it with scripts/install-deps.sh --optional "
                 "(Debian package graphviz)\n";
    return 3;
  }
  const auto png_parent = std::filesystem::path(png_file).parent_path();
  if (!png_parent.empty()) make_output_dir(png_parent.string());
  if (const std::string err = render_png(dot_program, dot_file, png_file); !err.empty()) {
    std::cerr << "overparam tape: " << err << "; " << dot_file << " was written\n";
    return 3;
  }
  std::printf("wrote %s\n", png_file.c_str());
  return 0;
}

}  // namespace experiments
