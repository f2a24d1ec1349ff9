#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <limits>
#include <set>
#include <string>

#include "experiments/files.hpp"
#include "experiments/process.hpp"
#include "experiments/report/csv.hpp"
#include "experiments/report/files.hpp"
#include "experiments/report/json.hpp"
#include "experiments/report/plot.hpp"

namespace fs = std::filesystem;
using test_process::Child;
using test_process::Outcome;
using test_process::overparam_path;

TEST_CASE("Csv: a header, full rows, formats and quoting", "[experiments][report]") {
  experiments::Csv csv({"name", "x", "n"});
  csv.row().text("plain").cell(0.1).cell(std::size_t(3));
  csv.row().text("a, \"b\"").cell(2.5, "%.3g").cell(-1LL);
  csv.row().text("quoted", true).cell(1.0 / 3, "%.6g").cell(true);
  CHECK(csv.rows() == 3);
  CHECK(csv.str() ==
        "name,x,n\n"
        "plain,0.10000000000000001,3\n"
        "\"a, \"\"b\"\"\",2.5,-1\n"
        "\"quoted\",0.333333,1\n");
  // A short or long row is a programming error, caught where it happens.
  experiments::Csv bad({"a", "b"});
  bad.row().cell(1LL);
  CHECK_THROWS_AS(bad.row(), std::logic_error);
  CHECK_THROWS_AS(bad.str(), std::logic_error);
  experiments::Csv too_many({"a"});
  CHECK_THROWS_AS(too_many.row().cell(1LL).cell(2LL), std::logic_error);
  CHECK(experiments::Csv({"only", "header"}).str() == "only,header\n");
}

TEST_CASE("json_text: keys in insertion order, NaN as null, bad UTF-8 escaped reversibly",
          "[experiments][report]") {
  experiments::Json j;
  j["zeta"] = 1;
  j["alpha"] = std::numeric_limits<double>::quiet_NaN();
  j["name"] = std::string("caf\xff");
  j["rates"] = std::vector<double>{1e-3, 0.5};
  const std::string text = experiments::json_text(j);
  CHECK(text.find("\"zeta\"") < text.find("\"alpha\""));
  CHECK(text.find("\"alpha\": null") != std::string::npos);
  CHECK(text.find("\"caf\\\\xff\"") != std::string::npos);  // the byte as \xff, in JSON text
  CHECK(text.find("0.001") != std::string::npos);
  CHECK(text.back() == '\n');
  // Reads back to the same numbers.
  const auto back = experiments::Json::parse(text);
  CHECK(back["rates"][0].get<double>() == 1e-3);
  CHECK(back["name"].get<std::string>() == "caf\\xff");
  CHECK(back["non_utf8_strings"]["pointers"][0].get<std::string>() == "/name");
}

TEST_CASE("new_run_dir: runs started in the same second get folders of their own",
          "[experiments][report]") {
  const std::string root = temp_dir("run-dirs");
  std::set<std::string> made;
  for (int i = 0; i < 5; ++i) made.insert(experiments::new_run_dir(root + "/runs/linear"));
  CHECK(made.size() == 5);
  for (const auto& dir : made) CHECK(fs::is_directory(dir));
  CHECK_THROWS_WITH(experiments::new_run_dir("/proc/overparam-no/linear"),
                    Catch::Contains("cannot create the output folder"));
  fs::remove_all(root);
}

TEST_CASE("claim_output_dir: the lock file goes when released, and a removed file's lock is void",
          "[experiments][report]") {
  const std::string dir = temp_dir("lock-release") + "/run";
  const std::string lock = dir + "/.overparam.lock";
  experiments::claim_output_dir(dir);
  REQUIRE(fs::exists(lock));
  CHECK(read(lock) == std::to_string(::getpid()) + "\n");
  // A second run that opened the file while this one held it: its flock fails now ...
  const int waiting = ::open(lock.c_str(), O_RDWR);
  REQUIRE(waiting >= 0);
  CHECK(::flock(waiting, LOCK_EX | LOCK_NB) != 0);
  experiments::release_output_dirs();
  CHECK(!fs::exists(lock));
  CHECK(fs::is_empty(dir));  // only the run's outputs remain (none here)
  // ... and succeeds once the holder is done, but on a file that no path names any more: a
  // claim made now creates a new file, which that stale lock does not cover.
  CHECK(::flock(waiting, LOCK_EX | LOCK_NB) == 0);
  experiments::claim_output_dir(dir);
  struct stat stale = {};
  struct stat current = {};
  REQUIRE(::fstat(waiting, &stale) == 0);
  REQUIRE(::stat(lock.c_str(), &current) == 0);
  CHECK(stale.st_ino != current.st_ino);
  const int third = ::open(lock.c_str(), O_RDWR);
  REQUIRE(third >= 0);
  CHECK(::flock(third, LOCK_EX | LOCK_NB) != 0);  // the new claim holds the path's file
  ::close(third);
  ::close(waiting);
  experiments::release_output_dirs();
  CHECK(!fs::exists(lock));
  fs::remove_all(fs::path(dir).parent_path());
}

TEST_CASE("overparam linear: two runs without --out in the same second keep both results",
          "[experiments][report]") {
  const std::string cwd = temp_dir("same-second");
  const std::vector<std::string> args = {
      "linear",
      "--iterations",
      "3",
      "--no-plot",
      "--no-progress",
      "--data",
      std::string(OVERPARAM_SOURCE_DIR) + "/data/gas/ethanol.dat.gz"};
  // Started together, both usually within one second; whichever folder names they get, they
  // must be two, each with its own complete run.
  Child a(overparam_path(), args, cwd), b(overparam_path(), args, cwd);
  const Outcome ra = a.wait(), rb = b.wait();
  CHECK(ra.code == 0);
  CHECK(rb.code == 0);
  std::vector<fs::path> runs;
  for (const auto& entry : fs::directory_iterator(cwd + "/runs")) runs.push_back(entry.path());
  REQUIRE(runs.size() == 2);
  for (const auto& run : runs) {
    CHECK(fs::exists(run / "run.json"));
    CHECK(fs::exists(run / "losses.csv"));
  }
  fs::remove_all(cwd);
}

TEST_CASE("overparam linear: a run refused for a bad --load-init leaves no folder behind",
          "[experiments][report]") {
  const std::string cwd = temp_dir("refused");
  Child c(overparam_path(),
          {"linear", "--iterations", "3", "--no-plot", "--load-init",
           std::string(OVERPARAM_SOURCE_DIR) + "/tests/experiments/bad_inputs/npy_wrong_shape",
           "--data", std::string(OVERPARAM_SOURCE_DIR) + "/data/gas/ethanol.dat.gz"},
          cwd);
  const Outcome r = c.wait();
  CHECK(r.code == 1);
  CHECK(r.err.find("W1.npy: shape (1,127)") != std::string::npos);
  CHECK_FALSE(fs::exists(cwd + "/runs"));
  fs::remove_all(cwd);
}

TEST_CASE("gnuplot_script: a curve's band is shaded beneath it, in its colour, from its points",
          "[experiments][plot]") {
  experiments::Series banded{
      "median of 3 seeds", {1, 2, 3}, {1, 0.8, 0.5}, {0.5, 0, 0.2}, {2, 1.5, 1}};
  experiments::Series plain{"one seed", {1, 2, 3}, {2, 1.5, 1.2}, {}, {}};
  experiments::PlotOptions o;  // log y: the band's point at a low of 0 is left out
  const std::string script =
      experiments::gnuplot_script("/tmp/x.png", {experiments::Panel{{plain, banded}, o}});
  const std::string plot_line = script.substr(script.find("plot '-'"));
  CHECK_THAT(plot_line,
             Catch::StartsWith(
                 "plot '-' with linespoints linewidth 2 linecolor 1 dashtype 1 pointtype 6 ") &&
                 Catch::Contains(", '-' using 1:2:3 with filledcurves linecolor 2 fillstyle "
                                 "transparent solid 0.2 noborder notitle, '-' with linespoints "
                                 "linewidth 2 linecolor 2 dashtype 2 "));
  // The blocks in the order of the entries: the plain curve, the band (x low high), the curve.
  CHECK_THAT(script, Catch::EndsWith("\n1 2\n2 1.5\n3 1.2\ne\n1 0.5 2\n3 0.20000000000000001 1\ne\n"
                                     "1 1\n2 0.80000000000000004\n3 0.5\ne\nunset output\n"));
  // No band without one value of each per point.
  banded.low.pop_back();
  CHECK_THAT(experiments::gnuplot_script("/tmp/x.png", {experiments::Panel{{banded}, o}}),
             !Catch::Contains("filledcurves"));
}
