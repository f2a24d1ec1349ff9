#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "experiments/files.hpp"
#include "experiments/process.hpp"
#include "experiments/report/runs.hpp"

namespace fs = std::filesystem;

TEST_CASE("distinguishing_labels: the settings that differ, or the names",
          "[experiments][report]") {
  using experiments::RunCurve;
  std::vector<RunCurve> curves(3);
  curves[0] = {"a", {{"depth", "1"}, {"optimizer", "\"gd\""}, {"p", "4"}}, {}};
  curves[1] = {"b", {{"depth", "3"}, {"optimizer", "\"gd\""}, {"p", "4"}}, {}};
  curves[2] = {"c", {{"depth", "3"}, {"optimizer", "\"adam\""}, {"p", "4"}}, {}};
  CHECK(experiments::distinguishing_labels(curves) ==
        std::vector<std::string>{"depth=1, optimizer=gd", "depth=3, optimizer=gd",
                                 "depth=3, optimizer=adam"});
  curves.resize(1);
  CHECK(experiments::distinguishing_labels(curves) == std::vector<std::string>{"a"});
}

TEST_CASE("overparam plot: two linear runs on one plot, labelled by their depth",
          "[experiments][report]") {
  const std::string dir = temp_dir("plot");
  for (const char* depth : {"1", "2"}) {
    const auto o =
        test_process::run_overparam({"linear", "--depth", depth, "--iterations", "20", "--no-plot",
                                     "--no-progress", "--out", dir + "/depth" + depth});
    REQUIRE(o.code == 0);
  }
  const auto curves =
      experiments::read_run_curves(dir + "/depth2", experiments::CurveValue::distance);
  REQUIRE(curves.size() == 1);
  CHECK(curves[0].series.x.size() == 21);
  CHECK(curves[0].settings.at("depth") == "2");
  const auto o = test_process::run_overparam(
      {"plot", dir + "/depth1", dir + "/depth2", "--out", dir + "/both.png"});
  INFO(o.err);
  CHECK(o.code == 0);
  CHECK_THAT(o.out, Catch::Contains("depth=1") && Catch::Contains("depth=2"));
  // A folder that holds no run, and a distance asked of an MNIST-less folder, are refused.
  const auto bad = test_process::run_overparam({"plot", dir, "--out", dir + "/x.png"});
  CHECK(bad.code == 1);
  CHECK_THAT(bad.err, Catch::Contains("holds no run"));
  const auto none = test_process::run_overparam({"plot"});
  CHECK(none.code == 2);
  fs::remove_all(dir);
}
