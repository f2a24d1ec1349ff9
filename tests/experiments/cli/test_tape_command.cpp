#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "experiments/cli/commands.hpp"
#include "experiments/tape/examples.hpp"

using experiments::record_tape_example;
using experiments::TapeGraph;

namespace {

bool has_edge(const TapeGraph& g, const std::string& from_name, const std::string& to_op) {
  for (const auto& [from, to] : g.edges) {
    if (g.nodes[std::size_t(from)].name == from_name && g.nodes[std::size_t(to)].op == to_op)
      return true;
  }
  return false;
}

int count_op(const TapeGraph& g, const std::string& op) {
  int n = 0;
  for (const auto& node : g.nodes) n += node.op == op;
  return n;
}

// Runs `overparam tape ARGS...` in-process and returns its exit code.
int run(std::vector<std::string> args) {
  args.insert(args.begin(), "tape");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return experiments::run_tape(int(args.size()), argv.data());
}

std::string temp_dir() {
  auto dir = std::filesystem::temp_directory_path() /
             ("overparam-test-tape-" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir);
  return dir.string();
}

void check_topological(const TapeGraph& g) {
  for (const auto& [from, to] : g.edges) CHECK(from < to);
  const auto& last = g.nodes.back();
  CHECK(last.shape == "[]");  // the loss, a scalar, is recorded last
  CHECK_FALSE(last.leaf);
}

}  // namespace

TEST_CASE("tape command: the mlp example's DOT has 5 leaves and 6 ops", "[experiments][tape]") {
  const auto ex = record_tape_example("mlp");
  const TapeGraph& g = ex.graph;
  REQUIRE(g.nodes.size() == 11);
  CHECK(g.edges.size() == 10);
  CHECK(count_op(g, "param") == 4);
  CHECK(count_op(g, "input") == 1);
  CHECK(count_op(g, "matmul") == 2);
  CHECK(count_op(g, "relu") == 1);
  CHECK(g.nodes.back().op == "softmax_cross_entropy");
  CHECK(has_edge(g, "x", "matmul"));
  CHECK(has_edge(g, "W1", "matmul"));
  CHECK(has_edge(g, "b2", "add_bias"));
  check_topological(g);
  REQUIRE(ex.gradients.size() == 4);
  for (const auto& gr : ex.gradients) CHECK(gr.norm > 0);
}

TEST_CASE("tape command: the linear example is a depth-3 chain with the l_4 loss",
          "[experiments][tape]") {
  const auto ex = record_tape_example("linear");
  const TapeGraph& g = ex.graph;
  REQUIRE(g.nodes.size() == 12);
  CHECK(g.edges.size() == 11);
  CHECK(count_op(g, "param") == 3);
  CHECK(count_op(g, "matmul") == 3);  // X and three layers: three products
  CHECK(count_op(g, "pow") == 1);
  CHECK(has_edge(g, "y", "sub"));
  CHECK(has_edge(g, "W3", "matmul"));
  for (const auto& node : g.nodes)
    if (node.op == "param") CHECK(node.parameter);
  check_topological(g);
  REQUIRE(ex.gradients.size() == 3);
  CHECK(ex.gradients[0].name == "W1");
  CHECK(ex.gradients[0].shape == "[3,4]");
}

TEST_CASE("tape command: the conv example records conv2d, max_pool2d and a dense layer",
          "[experiments][tape]") {
  const auto ex = record_tape_example("conv");
  const TapeGraph& g = ex.graph;
  REQUIRE(g.nodes.size() == 12);
  CHECK(g.edges.size() == 11);
  CHECK(count_op(g, "conv2d") == 1);
  CHECK(count_op(g, "max_pool2d") == 1);
  CHECK(has_edge(g, "K", "conv2d"));
  CHECK(has_edge(g, "kb", "conv2d"));
  for (const auto& node : g.nodes) {
    if (node.op == "conv2d") {
      CHECK(node.inputs.size() == 3);
      CHECK(node.shape == "[2,2,4,4]");
    }
    if (node.op == "max_pool2d") CHECK(node.shape == "[2,2,2,2]");
  }
  check_topological(g);
}

TEST_CASE("tape command: an unknown example is an error naming the valid ones",
          "[experiments][tape]") {
  CHECK_THROWS_WITH(record_tape_example("rnn"), Catch::Contains("mlp, linear, conv or scalar"));
  const std::string dir = temp_dir();
  CHECK(run({"--example", "rnn", "--dot", dir + "/t.dot"}) == 2);
  CHECK_FALSE(std::filesystem::exists(dir + "/t.dot"));
  CHECK(run({"--example", "mlp"}) == 2);  // --dot is required
  CHECK(run({"--no-such-flag"}) == 2);
  std::filesystem::remove_all(dir);
}

TEST_CASE("tape command: writes the DOT file that to_dot() produced", "[experiments][tape]") {
  const std::string dir = temp_dir();
  REQUIRE(run({"--example", "conv", "--dot", dir + "/sub/conv.dot"}) == 0);
  std::ifstream in(dir + "/sub/conv.dot");
  std::stringstream text;
  text << in.rdbuf();
  CHECK(text.str() == record_tape_example("conv").dot);
  std::filesystem::remove_all(dir);
}

TEST_CASE("tape command: --values lists each node's value and gradient", "[experiments][tape]") {
  const std::string dir = temp_dir();
  const std::string dot = dir + "/values.dot";
  REQUIRE(run({"--example", "mlp", "--values", "--dot", dot}) == 0);
  const std::string text = [&] {
    std::ifstream in(dot);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }();
  CHECK(text.find("\\nvalue ") != std::string::npos);
  CHECK(text.find("\\ngrad ") != std::string::npos);
  std::filesystem::remove_all(dir);
}
