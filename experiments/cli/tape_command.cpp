#include "experiments/cli/tape_command.hpp"

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
#include <random>
#include <stdexcept>

#include "autodiff/autodiff.hpp"
#include "experiments/cli/flags.hpp"
#include "experiments/report/files.hpp"
#include "experiments/report/plot.hpp"
#include "nn/deep_linear.hpp"
#include "nn/losses.hpp"

extern char** environ;

namespace po = boost::program_options;

namespace experiments {

// ---- the examples ---------------------------------------------------------------------------

const std::vector<std::string>& tape_example_names() {
  static const std::vector<std::string> names = {"mlp", "linear", "conv"};
  return names;
}

namespace {

using Tensor = ad::Tensor<double>;
using Param = ad::Parameter<double>;

Tensor random_tensor(ad::Shape shape, std::mt19937_64& rng, double std) {
  std::normal_distribution<double> normal(0.0, std);
  Tensor t(shape);
  for (double& v : t) v = normal(rng);
  return t;
}

double norm(const Tensor& t) {
  double s = 0;
  for (double v : t) s += v * v;
  return std::sqrt(s);
}

// The tape's nodes and edges, read through its view of them (Tape::node).
TapeGraph tape_graph(const ad::Tape<double>& tape) {
  TapeGraph g;
  for (std::size_t i = 0; i < tape.size(); ++i) {
    const ad::NodeInfo<double> info = tape.node(i);
    TapeGraph::Node n;
    n.index = int(i);
    n.name = info.name;
    n.op = info.op;
    n.shape = info.shape().str();
    n.leaf = info.is_leaf();
    n.parameter = info.parameter;
    for (std::size_t input : info.inputs) {
      n.inputs.push_back(int(input));
      g.edges.emplace_back(int(input), int(i));
    }
    g.nodes.push_back(std::move(n));
  }
  return g;
}

// Runs backward from `loss` and packs what the command shows: the loss, the DOT and the nodes,
// and the name, shape and gradient norm of each parameter.
TapeExample finish_example(std::string name, std::string description, ad::Tape<double>& tape,
                           ad::Var<double> loss, const std::vector<Param*>& params) {
  tape.backward(loss);
  TapeExample ex;
  ex.name = std::move(name);
  ex.description = std::move(description);
  ex.loss = loss.value().item();
  ex.dot = tape.to_dot();
  ex.graph = tape_graph(tape);
  for (const Param* p : params) {
    ex.gradients.push_back({p->name(), p->shape().str(), p->has_grad() ? norm(p->grad()) : 0.0});
  }
  return ex;
}

// x[5,4] -> relu(x·W1ᵀ + b1)[5,8] -> ·W2ᵀ + b2 -> logits[5,3] -> softmax cross-entropy.
TapeExample record_mlp() {
  std::mt19937_64 rng(7);
  const Tensor x = random_tensor({5, 4}, rng, 1.0);
  const std::vector<int> labels = {0, 2, 1, 2, 0};
  Param w1(random_tensor({8, 4}, rng, 0.5), "W1"), b1(random_tensor({8}, rng, 0.1), "b1");
  Param w2(random_tensor({3, 8}, rng, 0.5), "W2"), b2(random_tensor({3}, rng, 0.1), "b2");

  // Leaves first, one statement each, so the tape's order reads like the code (the order in
  // which C++ evaluates the arguments of one call is unspecified).
  ad::Tape<double> tape;
  auto xv = tape.input(x, "x");
  auto w1v = tape.param(w1);
  auto b1v = tape.param(b1);
  auto w2v = tape.param(w2);
  auto b2v = tape.param(b2);
  auto h = ad::relu(ad::add_bias(ad::matmul(xv, w1v, ad::Transpose::no, ad::Transpose::yes), b1v));
  auto logits = ad::add_bias(ad::matmul(h, w2v, ad::Transpose::no, ad::Transpose::yes), b2v);
  auto loss = ad::softmax_cross_entropy(logits, labels);
  return finish_example(
      "mlp",
      "a two-layer ReLU network: x[5,4] -> relu(x W1^T + b1)[5,8] -> logits[5,3], "
      "softmax cross-entropy against 5 labels",
      tape, loss, {&w1, &b1, &w2, &b2});
}

// x[6,4] -> W3 W2 W1 x (a depth-3 linear network, width 3) -> l_4 loss against y[6,1].
TapeExample record_linear() {
  std::mt19937_64 rng(11);
  const Tensor x = random_tensor({6, 4}, rng, 1.0);
  const Tensor y = random_tensor({6, 1}, rng, 1.0);
  nn::DeepLinearOptions o;
  o.input_dim = 4;
  o.output_dim = 1;
  o.depth = 3;
  o.width = 3;
  o.init = nn::Init::normal;
  o.init_std = 0.5;
  o.seed = 3;
  nn::DeepLinear<double> net(o);

  ad::Tape<double> tape;
  auto xv = tape.input(x, "x");
  auto yv = tape.input(y, "y");
  auto loss = nn::lp_loss(net.forward(xv), yv, 4);
  return finish_example(
      "linear",
      "a depth-3 linear network (nn::DeepLinear, width 3), x[6,4] -> W3 W2 W1 x, with the l_4 "
      "loss; multiplied in the order " +
          net.chain_order(6),
      tape, loss, net.parameters());
}

// x[2,1,6,6] -> conv2d 3x3 (2 filters) -> relu -> max_pool2d 2x2 -> flatten[2,8] -> dense[2,3].
TapeExample record_conv() {
  std::mt19937_64 rng(5);
  const Tensor x = random_tensor({2, 1, 6, 6}, rng, 1.0);
  const std::vector<int> labels = {1, 2};
  Param k(random_tensor({2, 1, 3, 3}, rng, 0.5), "K"), kb(random_tensor({2}, rng, 0.1), "kb");
  Param w(random_tensor({3, 8}, rng, 0.5), "W"), b(random_tensor({3}, rng, 0.1), "b");

  ad::Tape<double> tape;
  auto xv = tape.input(x, "x");
  auto kv = tape.param(k);
  auto kbv = tape.param(kb);
  auto wv = tape.param(w);
  auto bv = tape.param(b);
  auto features = ad::flatten(ad::max_pool2d(ad::relu(ad::conv2d(xv, kv, kbv)), {}));
  auto logits = ad::add_bias(ad::matmul(features, wv, ad::Transpose::no, ad::Transpose::yes), bv);
  auto loss = ad::softmax_cross_entropy(logits, labels);
  return finish_example(
      "conv",
      "a tiny convnet: x[2,1,6,6] -> conv2d 3x3, 2 filters -> relu -> max_pool2d 2x2 -> "
      "flatten (recorded as a reshape) [2,8] -> dense[2,3], softmax cross-entropy",
      tape, loss, {&k, &kb, &w, &b});
}

// The full path of `program` on $PATH, or "" (no shell involved).
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

// Runs `dot -Tpng DOT -o PNG`; returns an empty string on success, else what went wrong.
std::string render_png(const std::string& dot_program, const std::string& dot_file,
                       const std::string& png_file) {
  const std::string tmp = png_file + ".tmp.png";
  std::vector<std::string> args = {dot_program, "-Tpng", dot_file, "-o", tmp};
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

void print_listing(const TapeExample& ex, const TapeGraph& g) {
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
  }
  std::printf("\nbackward ran from n%zu (the loss) down to n0; parameter gradients:\n",
              g.nodes.empty() ? std::size_t{0} : g.nodes.size() - 1);
  for (const auto& gr : ex.gradients) {
    std::printf("  d loss / d %-4s %-14s ||grad|| = %.6g\n", gr.name.c_str(), gr.shape.c_str(),
                gr.norm);
  }
}

}  // namespace

TapeExample record_tape_example(const std::string& name) {
  if (name == "mlp") return record_mlp();
  if (name == "linear") return record_linear();
  if (name == "conv") return record_conv();
  throw std::invalid_argument("--example must be mlp, linear or conv, not '" + name + "'");
}

// ---- the command ----------------------------------------------------------------------------

int run_tape(int argc, char** argv) {
  std::string example = "linear", dot_file, png_file;
  po::options_description flags(
      "overparam tape: record a small example on the tape, run backward, and write the\n"
      "recorded graph as Graphviz DOT (and PNG, when Graphviz's `dot` is installed)\n\n"
      "  mlp     a two-layer ReLU network with a softmax cross-entropy loss\n"
      "  linear  a depth-3 linear network with the l_4 loss (the paper's model)\n"
      "  conv    conv2d + relu + max_pool2d + dense, softmax cross-entropy\n\n"
      "Prints the nodes (index, op, shape, inputs) and the parameter gradients.\n"
      "Exit status 3: the DOT file was written but the PNG could not be drawn.\n\n"
      "Usage: overparam tape --example NAME --dot FILE [--png FILE]\n\nOptions");
  flags.add_options()("help,h", "print this help")(
      "example", po::value(&example)->default_value(example), "mlp|linear|conv")(
      "dot", po::value(&dot_file), "write the graph here in Graphviz DOT (required)")(
      "png", po::value(&png_file), "also render it here with `dot -Tpng`");
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
  print_listing(ex, graph);

  const auto parent = std::filesystem::path(dot_file).parent_path();
  if (!parent.empty()) make_output_dir(parent.string());
  write_file_atomic(dot_file, ex.dot);
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
