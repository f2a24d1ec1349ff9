// Tests of experiments/commands.cpp: parse_flags(), the flag handling every command shares, seen
// as a user sees it, through the real `overparam` program run as a child process.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "experiments/files.hpp"
#include "experiments/process.hpp"

using Catch::Matchers::Contains;

// A hang found by tests/fuzz/fuzz_cli.cpp (see docs/RELIABILITY.md): Boost.Program_options fills
// the placeholders of its messages (%canonical_option%, %value%, ...) with the user's tokens in
// a loop that never ended when a token held the placeholder itself, and SIGTERM did not stop it.
TEST_CASE(
    "parse_flags: an argument holding a Boost message placeholder is a flag error, not a hang",
    "[experiments][errors]") {
  struct Case {
    std::vector<std::string> args;
    std::string shown;  // how the message shows the bad argument, each '%' as '?'
  };
  const std::vector<Case> cases = {
      {{"linear", "-%canonical_option%"}, "unrecognised option '-?canonical_option?'"},
      {{"linear", "--depth=%value%"}, "the argument ('?value?') for option '--depth' is invalid"},
      {{"mnist", "--x%original_token%y"}, "unrecognised option '--x?original_token?y'"},
      {{"theory", "curl", "--tol", "%value%"}, "('?value?') for option '--tol'"},
      {{"figure", "emulation", "--jobs", "%option%%prefix%"}, "('?option??prefix?')"},
      {{"lsq", "--%canonical_option%"}, "unrecognised option '--?canonical_option?'"},
  };
  for (const Case& c : cases) {
    INFO("overparam " << c.args[0] << " " << c.args.back());
    const test_process::Outcome o = test_process::run_overparam(c.args, std::chrono::seconds(20));
    INFO("stderr: " << o.err);
    REQUIRE_FALSE(o.timed_out);
    CHECK(o.code == 2);
    CHECK_THAT(o.err, Contains(c.shown) && Contains("each '%' in the arguments shown as '?'"));
  }
}

TEST_CASE("parse_flags: a '%' in a value that parses reaches the command unchanged",
          "[experiments][errors]") {
  // --normalize takes any string; the command itself then refuses it, quoting it as given.
  const test_process::Outcome o = test_process::run_overparam(
      {"linear", "--normalize", "%canonical_option%", "--iterations", "1"},
      std::chrono::seconds(20));
  INFO("stderr: " << o.err);
  REQUIRE_FALSE(o.timed_out);
  CHECK(o.code == 2);
  CHECK_THAT(o.err, Contains("unknown normalization '%canonical_option%'"));
}

// The progress line shows only on a terminal: script(1) gives the program one.
TEST_CASE("figure: on a terminal, one progress line of iterations across all the runs",
          "[experiments]") {
  REQUIRE(std::filesystem::exists("/usr/bin/script"));  // util-linux, on every Debian system
  const std::string out = temp_dir("figure-progress");
  std::filesystem::remove_all(out);
  test_process::Child child("/usr/bin/script",
                            {"-qec",
                             test_process::overparam_path() +
                                 " figure adaptive --iterations 3000 --lr-grid 1e-3,1e-2 "
                                 "--no-plot --jobs 1 --out " +
                                 out,
                             "/dev/null"});
  const auto r = child.wait(std::chrono::seconds(120));
  INFO(r.out);
  REQUIRE(r.code == 0);
  // "adaptive [####....]  34%  6.1e+03/1.8e+04 it  ... it/s  0:01 elapsed  ETA 0:02"
  CHECK_THAT(r.out, Contains("adaptive ["));
  CHECK_THAT(r.out, Contains("/1.8e+04 it"));  // 3 curves x 2 rates x 3000 iterations
  CHECK_THAT(r.out, Contains(" it/s "));
  CHECK_THAT(r.out, Contains(" elapsed  ETA "));
}
