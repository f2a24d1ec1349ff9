// What a user sees when a run is interrupted, diverges, or is given bad input: the real
// `overparam` program, run as a child process, checked for its exit code, its message and the
// files it leaves. The bad-input catalogue is read from docs/RELIABILITY.md itself, so every
// row of that table is a test and the table cannot drift from the program.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "experiments/files.hpp"
#include "experiments/process.hpp"
#include "experiments/tiny_mnist.hpp"

namespace fs = std::filesystem;
using test_process::Child;
using test_process::Outcome;
using test_process::run_overparam;

namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string line; std::getline(ss, line);) out.push_back(line);
  return out;
}

// Waits until `path` exists (the program creates its output folder after installing its signal
// handlers and before training), then a little longer, so the run is inside its loop.
bool wait_for(const std::string& path, std::chrono::seconds timeout = std::chrono::seconds(60)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!fs::exists(path)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  return true;
}

std::string describe(const Outcome& o) {
  return "exit code " + std::to_string(o.code) + ", signal " + std::to_string(o.signal) +
         (o.timed_out ? ", timed out" : "") + "\n--- stdout\n" + o.out + "--- stderr\n" + o.err;
}

}  // namespace

TEST_CASE("signals: SIGINT or SIGTERM stops overparam linear, which keeps its rows",
          "[experiments][reliability]") {
  const auto [signal, expected_code] = GENERATE(std::pair{SIGINT, 130}, std::pair{SIGTERM, 143});
  const std::string out = temp_dir("linear-signal") + "/run";
  Child child(test_process::overparam_path(),
              {"linear", "--p", "4", "--depth", "3", "--lr", "1e-4", "--iterations", "100000000",
               "--log-every", "100", "--no-plot", "--no-progress", "--out", out});
  REQUIRE(wait_for(out));
  child.send(signal);
  const Outcome o = child.wait(std::chrono::seconds(60));
  INFO(describe(o));
  CHECK(o.signal == 0);
  CHECK(o.code == expected_code);
  CHECK_THAT(o.err, Catch::Contains("interrupted at iteration"));

  const std::string json = read(out + "/run.json");
  CHECK_THAT(json, Catch::Contains("\"interrupted\": true"));
  CHECK_THAT(json, Catch::Contains("\"diverged\": false"));
  const auto rows = lines(read(out + "/losses.csv"));
  REQUIRE(rows.size() >= 2);
  CHECK(rows[0] == "iteration,loss,distance");
  CHECK(rows[1].rfind("0,", 0) == 0);
  // The last row is the iteration where the run stopped, which run.json reports.
  const std::string last_iteration = rows.back().substr(0, rows.back().find(','));
  CHECK_THAT(json, Catch::Contains("\"iterations\": " + last_iteration + ","));
  CHECK(fs::exists(out + "/W1.npy"));
  // Nothing half-written is left behind: no temporary files in the folder.
  for (const auto& entry : fs::directory_iterator(out))
    CHECK(entry.path().filename().string().find(".tmp") == std::string::npos);
}

TEST_CASE("signals: SIGINT stops overparam mnist after the steps done, with its batch losses",
          "[experiments][reliability]") {
  const std::string dir = temp_dir("mnist-signal");
  write_tiny_mnist(dir, 200, 20);
  const std::string out = dir + "/run";
  Child child(test_process::overparam_path(),
              {"mnist", "--mnist-dir", dir, "--validation-size", "20", "--steps", "10000000",
               "--batch-size", "8", "--threads", "1", "--no-plot", "--no-progress", "--out", out});
  REQUIRE(wait_for(out));
  child.send(SIGINT);
  const Outcome o = child.wait(std::chrono::seconds(60));
  INFO(describe(o));
  CHECK(o.signal == 0);
  CHECK(o.code == 130);
  CHECK_THAT(o.err, Catch::Contains("interrupted after"));
  const std::string json = read(out + "/run.json");
  CHECK_THAT(json, Catch::Contains("\"interrupted\": true"));
  const auto rows = lines(read(out + "/batch_loss.csv"));
  REQUIRE(rows.size() >= 2);
  CHECK(rows[0] == "step,batch_loss,lr");
}

TEST_CASE("signals: SIGINT during a figure writes that figure's files and stops",
          "[experiments][reliability]") {
  const std::string out = temp_dir("figure-signal") + "/fig";
  Child child(test_process::overparam_path(),
              {"figure", "depth", "--jobs", "1", "--no-progress", "--no-plot", "--out", out});
  REQUIRE(wait_for(out));
  child.send(SIGINT);
  const Outcome o = child.wait(std::chrono::seconds(120));
  INFO(describe(o));
  CHECK(o.signal == 0);
  CHECK(o.code == 130);
  CHECK_THAT(o.err, Catch::Contains("interrupted"));
  CHECK_THAT(read(out + "/depth.json"), Catch::Contains("\"interrupted\": true"));
  CHECK_THAT(read(out + "/depth.md"), Catch::Contains("**Interrupted**"));
  CHECK(lines(read(out + "/grid.csv")).size() > 1);
}

TEST_CASE("divergence: overparam linear keeps the rows up to the divergence and names it",
          "[experiments][reliability]") {
  const std::string out = temp_dir("linear-diverge") + "/run";
  const Outcome o = run_overparam({"linear", "--p", "4", "--lr", "10", "--iterations", "1000",
                                   "--log-every", "1", "--no-plot", "--no-progress", "--out", out});
  INFO(describe(o));
  CHECK(o.signal == 0);
  CHECK(o.code == 3);
  CHECK_THAT(o.err, Catch::Contains("every run diverged; try a smaller --lr"));
  REQUIRE_THAT(o.out, Catch::Contains("DIVERGED at iteration "));
  const std::size_t at = o.out.find("DIVERGED at iteration ") + 22;
  const std::string iteration = o.out.substr(at, o.out.find('\n', at) - at);
  const auto rows = lines(read(out + "/losses.csv"));
  REQUIRE(rows.size() >= 3);
  // One row per iteration (log every 1) up to and including the one that diverged.
  CHECK(rows.size() == std::stoul(iteration) + 2);
  CHECK(rows.back().rfind(iteration + ",", 0) == 0);
  CHECK_THAT(read(out + "/run.json"), Catch::Contains("\"diverged_at\": " + iteration + ","));
}

// ---- the bad-input catalogue of docs/RELIABILITY.md ---------------------------------------------

namespace {

struct CatalogueRow {
  std::size_t line = 0;
  std::string input, command;
  int exit_code = 0;
  std::string message;
};

// The text between the first pair of backticks in a table cell ("" if none).
std::string code_span(const std::string& cell) {
  const auto a = cell.find('`');
  const auto b = cell.find('`', a + 1);
  return a == std::string::npos || b == std::string::npos ? "" : cell.substr(a + 1, b - a - 1);
}

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(' ');
  const auto b = s.find_last_not_of(' ');
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

// The rows of the table under "## Bad input, catalogued": | input | command | exit | message |.
std::vector<CatalogueRow> read_catalogue() {
  const std::string path = std::string(OVERPARAM_SOURCE_DIR) + "/docs/RELIABILITY.md";
  std::vector<CatalogueRow> rows;
  bool in_section = false;
  std::size_t number = 0;
  for (const std::string& line : lines(read(path))) {
    ++number;
    if (line.rfind("## ", 0) == 0) in_section = line.rfind("## Bad input", 0) == 0;
    if (!in_section || line.rfind("| ", 0) != 0) continue;
    std::vector<std::string> cells{""};  // split on |, but not on an escaped \|
    for (std::size_t i = 1; i < line.size(); ++i) {
      if (line[i] == '|' && line[i - 1] != '\\')
        cells.emplace_back();
      else
        cells.back() += line[i];
    }
    for (auto& cell : cells) cell = trim(cell);
    if (cells.size() < 4 || code_span(cells[1]).rfind("overparam ", 0) != 0) continue;
    CatalogueRow row;
    row.line = number;
    row.input = cells[0];
    row.command = code_span(cells[1]);
    row.exit_code = std::stoi(cells[2]);
    row.message = code_span(cells[3]);
    // A literal | in a message is written \| in the Markdown table.
    for (std::size_t at; (at = row.message.find("\\|")) != std::string::npos;)
      row.message.erase(at, 1);
    rows.push_back(row);
  }
  return rows;
}

// Splits a command on spaces; 'single quotes' group words. OUT is replaced by a fresh folder.
std::vector<std::string> words(const std::string& command, const std::string& out) {
  std::vector<std::string> result;
  std::string word;
  bool quoted = false, any = false;
  for (char ch : command) {
    if (ch == '\'') {
      quoted = !quoted;
      any = true;
    } else if (ch == ' ' && !quoted) {
      if (any) result.push_back(word);
      word.clear();
      any = false;
    } else {
      word += ch;
      any = true;
    }
  }
  if (any) result.push_back(word);
  for (auto& w : result)
    if (w == "OUT") w = out;
  return result;
}

}  // namespace

TEST_CASE("bad input: every row of the catalogue in docs/RELIABILITY.md", "[reliability]") {
  const std::vector<CatalogueRow> rows = read_catalogue();
  REQUIRE(rows.size() >= 30);  // the catalogue itself must not go missing
  const std::string out = temp_dir("catalogue");
  for (const CatalogueRow& row : rows) {
    auto args = words(row.command, out + "/run-" + std::to_string(row.line));
    args.erase(args.begin());  // "overparam"
    const Outcome o = run_overparam(args, std::chrono::seconds(120));
    INFO("docs/RELIABILITY.md line " << row.line << ": " << row.input << "\n  " << row.command
                                     << "\n"
                                     << describe(o));
    CHECK(!o.timed_out);
    CHECK(o.signal == 0);  // a clean exit, never a crash
    CHECK(o.code == row.exit_code);
    CHECK(o.code != 0);
    CHECK_THAT(o.err, Catch::Contains(row.message));
    CHECK_THAT(o.err, !Catch::Contains("Sanitizer") && !Catch::Contains("terminate called"));
  }
}

TEST_CASE("signals: a figure stopped by SIGINT resumes from its kept jobs to the same curves",
          "[experiments][reliability]") {
  const std::string dir = temp_dir("figure-resume");
  // Short runs: the sanitizer builds train about ten times slower.
  const std::vector<std::string> args = {"figure", "depth", "--quick",   "--iterations",  "3000",
                                         "--jobs", "1",     "--no-plot", "--no-progress", "--out"};
  auto with_out = [&](const std::string& out) {
    std::vector<std::string> a = args;
    a.push_back(out);
    return a;
  };
  REQUIRE(run_overparam(with_out(dir + "/whole")).code == 0);
  const std::string out = dir + "/stopped";
  Child child(test_process::overparam_path(), with_out(out));
  auto kept = [&] {
    std::size_t n = 0;
    if (fs::exists(out + "/jobs"))
      for (const auto& e : fs::directory_iterator(out + "/jobs"))
        n += e.path().filename().string().rfind(".partial", 0) != 0;
    return n;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (kept() < 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  child.send(SIGINT);
  const Outcome stopped = child.wait();
  INFO(describe(stopped));
  CHECK(kept() >= 2);
  if (stopped.code == 0) {
    WARN("the figure ended before the signal arrived");
  } else {
    CHECK(stopped.code == 130);
  }
  std::vector<std::string> resume = with_out(out);
  resume.push_back("--resume");
  const Outcome resumed = run_overparam(resume);
  INFO(describe(resumed));
  REQUIRE(resumed.code == 0);
  std::size_t csvs = 0;
  for (const auto& e : fs::directory_iterator(dir + "/whole"))
    if (e.path().extension() == ".csv") {
      ++csvs;
      CHECK(read((fs::path(out) / e.path().filename()).string()) == read(e.path().string()));
    }
  CHECK(csvs > 10);
}

TEST_CASE(
    "signals: a linear or mnist run stopped by SIGINT and continued by --resume writes the files "
    "of an uninterrupted run, byte for byte",
    "[experiments][reliability][resume]") {
  const std::string dir = temp_dir("resume-cli");
  write_tiny_mnist(dir, 200, 20);
  struct Case {
    std::string command;
    std::vector<std::string> args;   // without --out
    std::vector<std::string> files;  // those that must be the same
  };
  const Case c = GENERATE_COPY(
      Case{"linear",
           {"--p", "4", "--depth", "3", "--optimizer", "momentum", "--lr", "1e-4", "--iterations",
            "15000", "--log-every", "10", "--no-plot", "--no-progress"},
           {"losses.csv", "W1.npy", "W2.npy", "W3.npy"}},
      Case{"mnist",
           // Few steps, yet more than the wait before the signal: the TSan build's steps are slow.
           {"--mnist-dir", dir, "--validation-size", "20", "--steps", "80", "--batch-size", "8",
            "--eval-every", "20", "--threads", "1", "--no-plot", "--no-progress"},
           {"batch_loss.csv", "eval.csv"}});
  INFO(c.command);
  auto with_out = [&](const std::string& out) {
    std::vector<std::string> args{c.command};
    args.insert(args.end(), c.args.begin(), c.args.end());
    args.insert(args.end(), {"--out", out});
    return args;
  };
  const std::string whole = dir + "/" + c.command + "-whole",
                    part = dir + "/" + c.command + "-part";
  const Outcome w = run_overparam(with_out(whole));
  INFO(describe(w));
  REQUIRE(w.code == 0);

  Child child(test_process::overparam_path(), with_out(part));
  REQUIRE(wait_for(part));
  child.send(SIGINT);
  const Outcome stopped = child.wait(std::chrono::seconds(60));
  INFO(describe(stopped));
  REQUIRE(stopped.code == 130);  // stopped part way: the run must be longer than the wait
  CHECK_THAT(stopped.err,
             Catch::Contains("'overparam " + c.command + " --resume " + part + "' continues it"));
  REQUIRE(fs::exists(part + "/checkpoint.cbor"));
  CHECK(read(part + "/" + c.files[0]) != read(whole + "/" + c.files[0]));

  // Flags that would change what it computes are refused; those of how it runs are taken.
  Outcome o = run_overparam({c.command, "--resume", part, "--seed", "5"});
  CHECK(o.code == 2);
  CHECK_THAT(o.err, Catch::Contains("--resume continues the run with the settings it was started "
                                    "with; drop --seed"));
  o = run_overparam({c.command, "--resume", part, "--no-progress", "--checkpoint-every", "0"});
  INFO(describe(o));
  REQUIRE(o.code == 0);
  CHECK_THAT(o.out, Catch::Contains("resuming " + part + " at"));
  for (const std::string& file : c.files) {
    INFO(file);
    CHECK(read(part + "/" + file) == read(whole + "/" + file));
  }
  CHECK(!fs::exists(part + "/checkpoint.cbor"));  // complete: nothing left to resume
  o = run_overparam({c.command, "--resume", part});
  CHECK(o.code == 2);
  CHECK_THAT(o.err, Catch::Contains("holds a run that completed"));
}
