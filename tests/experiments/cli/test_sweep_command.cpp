// `overparam sweep` as a user runs it: its files, a folder it refuses to mix with another run,
// Ctrl-C keeping every finished job, and --resume training only the rest, to the same rows as
// an uninterrupted sweep. Under mpirun: tests/experiments/runner/mpi_sweep.sh.
#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "experiments/files.hpp"
#include "experiments/process.hpp"
#include "experiments/tiny_mnist.hpp"

namespace fs = std::filesystem;
using test_process::Child;
using test_process::run_overparam;

namespace {

// The sweep's rows without the seconds each job took (columns 1 to 9 of 11).
std::string rows_without_time(const std::string& csv) {
  std::stringstream in(csv), out;
  for (std::string line; std::getline(in, line);) {
    std::size_t at = 0;
    for (int field = 0; field < 9 && at != std::string::npos; ++field) at = line.find(',', at + 1);
    out << line.substr(0, at) << "\n";
  }
  return out.str();
}

std::size_t finished_jobs(const std::string& jobs) {
  std::size_t n = 0;
  if (!fs::exists(jobs)) return 0;
  for (const auto& e : fs::directory_iterator(jobs))
    n += e.path().filename().string().rfind(".partial", 0) != 0;
  return n;
}

std::vector<std::string> sweep_args(const std::string& out, std::size_t iterations) {
  return {"sweep",        "linear",
          "--vary",       "depth=1,2,3",
          "--vary",       "lr=1e-3,1e-2",
          "--width",      "8",
          "--iterations", std::to_string(iterations),
          "--jobs",       "1",
          "--no-plot",    "--no-progress",
          "--out",        out};
}

}  // namespace

TEST_CASE("sweep: its files, and a finished sweep's folder refused to a second one",
          "[experiments]") {
  const std::string out = temp_dir("sweep") + "/s";
  std::vector<std::string> args = {
      "sweep",     "linear",       "--vary", "depth=1,2",     "--seeds", "2", "--lr-grid",
      "1e-3,1e-2", "--iterations", "200",    "--no-progress", "--out",   out};
  const auto o = run_overparam(args);
  INFO(o.out << o.err);
  REQUIRE(o.code == 0);
  CHECK_THAT(o.out, Catch::Contains("2 combinations x 2 seed(s) = 4 linear jobs"));
  CHECK(count(read(out + "/sweep.csv"), "\n") == 5);  // header + 4 jobs
  CHECK_THAT(read(out + "/sweep.csv"), Catch::StartsWith("job,depth,seed,status,best_lr,"));
  const std::string summary = read(out + "/summary.csv");
  CHECK_THAT(summary, Catch::StartsWith("depth,seeds,best_lr,distance_median,distance_min,"));
  CHECK_THAT(summary, Catch::Contains("\n1,2,") && Catch::Contains("\n2,2,"));
  CHECK_THAT(read(out + "/sweep.json"), Catch::Contains("\"status\": \"complete\""));
  CHECK(fs::exists(out + "/sweep.png"));
  CHECK(finished_jobs(out + "/jobs") == 4);
  // Each job folder is a linear run: overparam plot reads it.
  for (const auto& e : fs::directory_iterator(out + "/jobs"))
    CHECK_THAT(read((e.path() / "run.json").string()), Catch::Contains("\"command\": \"linear\""));

  const std::string before = read(out + "/sweep.csv");
  const auto again = run_overparam(args);
  CHECK(again.code == 2);
  CHECK_THAT(again.err, Catch::Contains("already holds a sweep") && Catch::Contains("--resume"));
  CHECK(read(out + "/sweep.csv") == before);

  // --resume in the folder of another sweep is refused too.
  args[3] = "depth=1,3";
  args.push_back("--resume");
  const auto other = run_overparam(args);
  CHECK(other.code == 2);
  CHECK_THAT(other.err, Catch::Contains("holds another sweep"));
}

TEST_CASE("sweep: Ctrl-C keeps every finished job, and --resume trains only the rest",
          "[experiments][reliability]") {
  const std::string dir = temp_dir("sweep-resume");
  const std::size_t iterations = 40000;
  REQUIRE(run_overparam(sweep_args(dir + "/whole", iterations)).code == 0);

  const std::string out = dir + "/stopped";
  Child child(test_process::overparam_path(), sweep_args(out, iterations));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (finished_jobs(out + "/jobs") < 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  child.send(SIGINT);
  const auto stopped = child.wait();
  INFO(stopped.out << stopped.err);
  const std::size_t kept = finished_jobs(out + "/jobs");
  if (kept == 6) {
    WARN("the sweep ended before the signal arrived; nothing to resume");
    return;
  }
  CHECK(stopped.code == 130);
  CHECK_THAT(stopped.err, Catch::Contains("--resume"));
  CHECK(kept >= 2);
  for (const auto& e : fs::directory_iterator(out + "/jobs")) {
    CHECK(e.path().filename().string().rfind(".partial", 0) != 0);  // no half-written folder
    CHECK(fs::exists(e.path() / "outcome.cbor"));
  }
  CHECK_THAT(read(out + "/sweep.json"), Catch::Contains("\"status\": \"interrupted\""));

  std::vector<std::string> resume = sweep_args(out, iterations);
  resume.push_back("--resume");
  const auto resumed = run_overparam(resume);
  INFO(resumed.out << resumed.err);
  REQUIRE(resumed.code == 0);
  CHECK_THAT(resumed.out, Catch::Contains("resumed: " + std::to_string(kept) + " finished jobs"));
  CHECK(count(resumed.out, " done: depth") == 6 - kept);  // only the missing ones trained
  CHECK(rows_without_time(read(out + "/sweep.csv")) ==
        rows_without_time(read(dir + "/whole/sweep.csv")));
  CHECK(read(out + "/summary.csv") == read(dir + "/whole/summary.csv"));
}

TEST_CASE("sweep mnist: a job per variant and seed, each folder the run 'mnist' writes, resumed",
          "[experiments][mnist]") {
  const std::string dir = temp_dir("sweep-mnist");
  write_tiny_mnist(dir, 60, 20);
  const std::string out = dir + "/s";
  const std::vector<std::string> common = {"--steps",           "4",        "--batch-size", "16",
                                           "--validation-size", "20",       "--eval-every", "2",
                                           "--mnist-dir",       dir,        "--threads",    "1",
                                           "--no-progress",     "--no-plot"};
  std::vector<std::string> args = {"sweep",   "mnist", "--vary", "variant=original,overparam",
                                   "--seeds", "2",     "--out",  out};
  args.insert(args.end(), common.begin(), common.end());
  const auto o = run_overparam(args);
  INFO(o.out << o.err);
  REQUIRE(o.code == 0);
  CHECK_THAT(o.out, Catch::Contains("2 combinations x 2 seed(s) = 4 mnist jobs, one at a time on "
                                    "1 thread"));
  const std::string rows = read(out + "/sweep.csv");
  CHECK_THAT(rows, Catch::StartsWith("job,variant,seed,status,steps,final_loss,validation_error,"
                                     "test_error,diverged,seconds,folder\n"));
  CHECK(count(rows, ",done,4,") == 4);
  const std::string summary = read(out + "/summary.csv");
  CHECK_THAT(summary, Catch::StartsWith("variant,seeds,final_loss_median,final_loss_min,"));
  CHECK_THAT(summary, Catch::Contains("\noriginal,2,") && Catch::Contains("\noverparam,2,"));
  CHECK(finished_jobs(out + "/jobs") == 4);

  // The first job (the original, seed 0) is the run `overparam mnist` trains with its flags.
  std::vector<std::string> single = {"mnist", "--out", dir + "/single"};
  single.insert(single.end(), common.begin(), common.end());
  REQUIRE(run_overparam(single).code == 0);
  const std::string first = rows.substr(rows.find('\n') + 1, 16);
  for (const char* file : {"batch_loss.csv", "eval.csv"})
    CHECK(read(out + "/jobs/" + first + "/" + file) == read(dir + "/single/" + file));
  CHECK_THAT(read(out + "/jobs/" + first + "/run.json"), Catch::Contains("\"command\": \"mnist\""));

  args.push_back("--resume");
  const auto again = run_overparam(args);
  INFO(again.out << again.err);
  REQUIRE(again.code == 0);
  CHECK_THAT(again.out, Catch::Contains("resumed: 4 finished jobs"));
  CHECK_THAT(again.out, !Catch::Contains(" done: variant"));
  CHECK(rows_without_time(read(out + "/sweep.csv")) == rows_without_time(rows));
}
