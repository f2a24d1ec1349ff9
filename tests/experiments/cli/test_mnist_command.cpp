#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "data_loaders/mnist.hpp"
#include "experiments/cli/commands.hpp"
#include "experiments/files.hpp"
#include "experiments/tiny_mnist.hpp"

namespace fs = std::filesystem;

namespace {

// Runs a command with the given arguments (argv[0] is the command's name), capturing stdout
// and stderr.
struct Outcome {
  int code = 0;
  std::string out, err;
};
Outcome run(int (*command)(int, char**), std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::ostringstream out, err;
  auto* old_out = std::cout.rdbuf(out.rdbuf());
  auto* old_err = std::cerr.rdbuf(err.rdbuf());
  Outcome o;
  try {
    o.code = command(int(args.size()), argv.data());
  } catch (...) {
    std::cout.rdbuf(old_out);
    std::cerr.rdbuf(old_err);
    throw;
  }
  std::cout.rdbuf(old_out);
  std::cerr.rdbuf(old_err);
  o.out = out.str();
  o.err = err.str();
  return o;
}

std::size_t count_lines(const std::string& text) {
  return std::size_t(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

TEST_CASE("mnist: bad flags give a clear error and exit code 2", "[experiments][mnist]") {
  auto r = run(experiments::run_mnist, {"mnist", "--variant", "deep"});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("--variant must be original or overparam, not 'deep'"));

  r = run(experiments::run_mnist, {"mnist", "--l2-on", "weights"});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("--l2-on must be product or factors"));

  r = run(experiments::run_mnist, {"mnist", "--batch-size", "0"});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("--batch-size"));

  r = run(experiments::run_mnist, {"mnist", "--frobnicate"});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("frobnicate") && Catch::Contains("overparam mnist --help"));

  r = run(experiments::run_mnist, {"mnist", "--steps", "many"});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("steps"));

  r = run(experiments::run_mnist_figure, {"mnist-figure", "--l2-on", "x"});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("--l2-on"));
}

TEST_CASE("mnist: --help lists the flags", "[experiments][mnist]") {
  auto r = run(experiments::run_mnist, {"mnist", "--help"});
  CHECK(r.code == 0);
  for (const char* flag :
       {"--variant", "--epochs", "--steps", "--batch-size", "--l2-on", "--eval-every", "--seed",
        "--threads", "--mnist-dir", "--out", "--no-plot", "--no-progress"})
    CHECK_THAT(r.out, Catch::Contains(flag));
  r = run(experiments::run_mnist_figure, {"mnist-figure", "--help"});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("--quick"));
}

TEST_CASE("mnist: a missing MNIST folder points at scripts/fetch-mnist.sh",
          "[experiments][mnist]") {
  const std::string missing = temp_dir("mnist-missing") + "/nothing-here";
  auto r = run(experiments::run_mnist, {"mnist", "--mnist-dir", missing, "--no-progress"});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("scripts/fetch-mnist.sh") && Catch::Contains(missing));
  r = run(experiments::run_mnist_figure, {"mnist-figure", "--mnist-dir", missing});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("scripts/fetch-mnist.sh"));
}

TEST_CASE("mnist: a 5-step run on a tiny IDX set writes every file", "[experiments][mnist]") {
  const std::string dir = temp_dir("mnist-tiny");
  write_tiny_mnist(dir, 120, 30);
  for (const char* variant : {"original", "overparam"}) {
    INFO(variant);
    const std::string out = dir + "/run-" + variant;
    auto r = run(experiments::run_mnist,
                 {"mnist", "--variant", variant, "--steps", "5", "--batch-size", "8",
                  "--eval-every", "2", "--validation-size", "20", "--mnist-dir", dir, "--out", out,
                  "--no-plot", "--no-progress"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    const std::string losses = read(out + "/batch_loss.csv");
    CHECK(losses.rfind("step,batch_loss,lr\n0,", 0) == 0);
    CHECK(count_lines(losses) == 6);
    const std::string evals = read(out + "/eval.csv");
    CHECK(evals.rfind("step,validation_error_percent,test_error_percent\n2,", 0) == 0);
    CHECK_THAT(evals, Catch::Contains("\n4,") && Catch::Contains("\n5,"));
    const std::string json = read(out + "/run.json");
    CHECK_THAT(json, Catch::Contains("\"steps_done\": 5") &&
                         Catch::Contains(std::string("\"variant\": \"") + variant + "\"") &&
                         Catch::Contains("\"final_test_error_percent\""));
    // linear's layout: version, command, settings, then the results, none nested under "run".
    CHECK(json.find("\"version\"") < json.find("\"command\": \"mnist\""));
    CHECK(json.find("\"command\"") < json.find("\"settings\": {"));
    CHECK(json.find("\"settings\"") < json.find("\"steps_done\""));
    CHECK(json.find("\"run\"") == std::string::npos);
    CHECK_THAT(r.out, Catch::Contains("test error"));
  }
}

TEST_CASE(
    "mnist-figure: the original and both L2 placements, and the paper's table, on a tiny "
    "IDX set",
    "[experiments][mnist]") {
  const std::string dir = temp_dir("mnist-figure");
  write_tiny_mnist(dir, 100, 20);
  const std::string out = dir + "/figure";
  auto r = run(experiments::run_mnist_figure,
               {"mnist-figure", "--steps", "3", "--validation-size", "20", "--mnist-dir", dir,
                "--out", out, "--no-plot", "--no-progress"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const std::string md = read(out + "/mnist.md");
  CHECK_THAT(md, Catch::Contains("| original: batch loss at step 0 | ~3.5 |") &&
                     Catch::Contains("| overparam, L2 on the product W1·W2: batch loss at step "
                                     "0 | ~15 |") &&
                     Catch::Contains("| overparam, L2 on each factor W1, W2: batch loss at step "
                                     "0 | ~15 |") &&
                     Catch::Contains("~500") && Catch::Contains("stopped at 3 steps") &&
                     Catch::Contains("With L2 on each factor W1, W2:\n\n- not judged: "));
  const std::string json = read(out + "/mnist.json");
  CHECK_THAT(json, Catch::Contains("\"overparam\"") && Catch::Contains("\"overparam-factors\"") &&
                       Catch::Contains("\"crossing_step\""));
  CHECK(count_lines(read(out + "/original/batch_loss.csv")) == 4);
  CHECK(count_lines(read(out + "/overparam/batch_loss.csv")) == 4);
  CHECK(count_lines(read(out + "/overparam-factors/batch_loss.csv")) == 4);
  // One placement: the table has its rows only, with no per-placement headings.
  const std::string one = dir + "/one";
  r = run(experiments::run_mnist_figure,
          {"mnist-figure", "--steps", "3", "--validation-size", "20", "--mnist-dir", dir, "--l2-on",
           "factors", "--out", one, "--no-plot", "--no-progress"});
  REQUIRE(r.code == 0);
  const std::string md1 = read(one + "/mnist.md");
  CHECK_THAT(md1, Catch::Contains("On this run:\n\n- not judged: ") &&
                      !Catch::Contains("L2 on the product W1·W2:"));
  CHECK(fs::exists(one + "/overparam-factors/run.json"));
  CHECK(!fs::exists(one + "/overparam"));
}
