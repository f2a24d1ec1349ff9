// Hostile names and concurrent runs, through the real `overparam` program: a user's string
// (an --out folder, a title) never runs a command in gnuplot, and never stops the plot being
// drawn; two grid rates that print alike get two files; two runs never share one folder.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>
#include <zlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "data_loaders/read_file.hpp"
#include "experiments/files.hpp"
#include "experiments/process.hpp"
#include "experiments/report/json.hpp"
#include "experiments/report/plot.hpp"

namespace fs = std::filesystem;
using test_process::Child;
using test_process::Outcome;
using test_process::run_overparam;

namespace {

std::string describe(const Outcome& o) {
  return "exit code " + std::to_string(o.code) + ", signal " + std::to_string(o.signal) +
         (o.timed_out ? ", timed out" : "") + "\n--- stdout\n" + o.out + "--- stderr\n" + o.err;
}

// Every special character of gnuplot's strings and of a shell, in one name each.
const std::vector<std::string>& hostile_names() {
  static const std::vector<std::string> names = {
      "x';system('touch PWNED');'",
      "it's",
      "a\"b\\c",
      "`touch PWNED`",
      "$(touch PWNED);%s%L@x",
      "new\nline",
      "semi;colon \"'; print 'hi'",
  };
  return names;
}

void write_file_atomic_for_test(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

}  // namespace

TEST_CASE("hostile names: gnuplot_quote leaves nothing for gnuplot to interpret",
          "[experiments][reliability]") {
  CHECK(experiments::gnuplot_quote("it's") == "'it''s'");
  CHECK(experiments::gnuplot_quote("a\nb\r\t") == "'a b  '");
  CHECK(experiments::gnuplot_quote("`x` $y \\n \"") == "'`x` $y \\n \"'");
  CHECK(experiments::gnuplot_quote(std::string("a\0b", 3)) == "'a b'");
}

TEST_CASE(
    "hostile names: titles, labels and legend entries with every special character plot "
    "and run nothing",
    "[experiments][reliability]") {
  if (!experiments::gnuplot_available()) {
    WARN("gnuplot is not installed");
    return;
  }
  const std::string dir = temp_dir("hostile-plot");
  const fs::path before = fs::current_path();
  fs::current_path(dir);  // a `touch PWNED` run by gnuplot would land here
  for (const std::string& text : hostile_names()) {
    INFO(text);
    experiments::PlotOptions o;
    o.title = text;
    o.xlabel = text;
    o.ylabel = text;
    const std::string png = dir + "/plot.png";
    fs::remove(png);
    CHECK(experiments::plot_png(png, {{text, {0, 1, 2}, {3, 2, 1}}}, o));
    CHECK(fs::file_size(png) > 0);
    CHECK(experiments::plot_panels_png(png, {{{{text, {0, 1}, {1, 2}}}, o}}, text));
  }
  fs::current_path(before);
  CHECK(!fs::exists(dir + "/PWNED"));
  for (const auto& entry : fs::directory_iterator(dir))
    CHECK(entry.path().filename() == "plot.png");
}

TEST_CASE(
    "hostile names: an --out folder named with quotes, backquotes or $ gets its plot and "
    "runs no command",
    "[experiments][reliability]") {
  if (!experiments::gnuplot_available()) {
    WARN("gnuplot is not installed");
    return;
  }
  const std::string parent = temp_dir("hostile-out");
  for (const std::string& name : hostile_names()) {
    const std::string out = parent + "/" + name;
    const Outcome o = run_overparam(
        {"linear", "--p", "2", "--depth", "2", "--iterations", "5", "--no-progress", "--out", out});
    INFO(name << "\n" << describe(o));
    CHECK(o.code == 0);
    CHECK(fs::exists(out + "/loss.png"));
    CHECK(fs::file_size(out + "/loss.png") > 0);
    CHECK_THAT(o.err, !Catch::Contains("warning"));
  }
  // Nothing ran: no PWNED anywhere the program or gnuplot could have written it.
  CHECK(!fs::exists(std::string(OVERPARAM_SOURCE_DIR) + "/PWNED"));
  CHECK(!fs::exists(parent + "/PWNED"));
  std::size_t folders = 0;
  for (const auto& entry : fs::directory_iterator(parent)) {
    CHECK(entry.is_directory());
    ++folders;
  }
  CHECK(folders == hostile_names().size());
}

TEST_CASE("hostile names: tape renders a --dot file whose name starts with '-' as a file",
          "[experiments][reliability]") {
  const std::string dir = temp_dir("hostile-dot");
  Child child(test_process::overparam_path(),
              {"tape", "--example", "linear", "--dot=-Tsvg.dot", "--png=-o.png"}, dir);
  const Outcome o = child.wait(std::chrono::seconds(60));
  INFO(describe(o));
  CHECK(o.code == 0);
  CHECK(fs::exists(dir + "/-Tsvg.dot"));
  if (o.err.find("not installed") == std::string::npos) CHECK(fs::file_size(dir + "/-o.png") > 0);
}

TEST_CASE("outputs: two grid rates that print alike write two CSV files, named by grid index",
          "[experiments][reliability]") {
  const std::string out = temp_dir("hostile-grid") + "/run";
  const Outcome o =
      run_overparam({"linear", "--p", "2", "--depth", "2", "--iterations", "5", "--lr-grid",
                     "1e-3,1.000001e-3", "--no-plot", "--no-progress", "--out", out});
  INFO(describe(o));
  REQUIRE(o.code == 0);
  CHECK(fs::exists(out + "/losses_grid0.csv"));
  CHECK(fs::exists(out + "/losses_grid1.csv"));
  const std::string json = read(out + "/run.json");
  CHECK_THAT(json, Catch::Contains("\"csv\": \"losses_grid0.csv\""));
  CHECK_THAT(json, Catch::Contains("\"csv\": \"losses_grid1.csv\""));
  CHECK_THAT(json, Catch::Contains("1.000001e-03") || Catch::Contains("0.001000001"));
}

TEST_CASE("outputs: a second run with the same --out refuses, naming the first run's pid",
          "[experiments][reliability]") {
  const std::string out = temp_dir("hostile-lock") + "/run";
  Child first(test_process::overparam_path(),
              {"linear", "--p", "4", "--depth", "3", "--lr", "1e-4", "--iterations", "100000000",
               "--log-every", "100", "--no-plot", "--no-progress", "--out", out});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!fs::exists(out + "/.overparam.lock") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const Outcome second =
      run_overparam({"linear", "--iterations", "5", "--no-plot", "--no-progress", "--out", out});
  INFO(describe(second));
  CHECK(second.code == 1);
  CHECK_THAT(second.err, Catch::Contains("the output folder '" + out +
                                         "' is in use by another overparam run (pid " +
                                         std::to_string(first.pid()) + ")"));
  first.send(SIGINT);
  const Outcome o = first.wait(std::chrono::seconds(60));
  CHECK(o.code == 130);
  CHECK(!fs::exists(out + "/.overparam.lock"));  // an interrupted run removes its lock file too
  // Once the first run has ended, the folder is free again.
  const Outcome third =
      run_overparam({"linear", "--iterations", "5", "--no-plot", "--no-progress", "--out", out});
  INFO(describe(third));
  CHECK(third.code == 0);
  CHECK(fs::exists(out + "/run.json"));
  CHECK(!fs::exists(out + "/.overparam.lock"));  // a finished folder holds only the outputs
}

TEST_CASE("outputs: the lock file of a killed run does not lock the folder",
          "[experiments][reliability]") {
  const std::string out = temp_dir("hostile-lock-kill") + "/run";
  Child first(test_process::overparam_path(),
              {"linear", "--p", "4", "--depth", "3", "--lr", "1e-4", "--iterations", "100000000",
               "--log-every", "100", "--no-plot", "--no-progress", "--out", out});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!fs::exists(out + "/.overparam.lock") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  first.send(SIGKILL);
  const Outcome o = first.wait(std::chrono::seconds(60));
  CHECK(o.signal == SIGKILL);
  REQUIRE(fs::exists(out + "/.overparam.lock"));  // SIGKILL runs no clean-up; the kernel
                                                  // dropped the lock all the same
  const Outcome next =
      run_overparam({"linear", "--iterations", "5", "--no-plot", "--no-progress", "--out", out});
  INFO(describe(next));
  CHECK(next.code == 0);
  CHECK(!fs::exists(out + "/.overparam.lock"));
}

TEST_CASE("reading: a FIFO as --data is refused at once instead of blocking for ever",
          "[experiments][reliability]") {
  const std::string fifo = temp_dir("hostile-fifo") + "/data.fifo";
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  const Outcome o = run_overparam({"linear", "--data", fifo, "--iterations", "5", "--no-plot"},
                                  std::chrono::seconds(30));
  INFO(describe(o));
  CHECK(!o.timed_out);
  CHECK(o.code == 1);
  CHECK_THAT(o.err, Catch::Contains(fifo + ": is a FIFO (named pipe), expected a regular file"));
}

TEST_CASE("reading: a gzip bomb stops at the limit while inflating", "[experiments][reliability]") {
  const std::string path = temp_dir("hostile-bomb") + "/newlines.dat.gz";
  gzFile file = gzopen(path.c_str(), "wb9");
  REQUIRE(file != nullptr);
  const std::string newlines(1 << 20, '\n');
  for (int k = 0; k < 3; ++k)
    REQUIRE(gzwrite(file, newlines.data(), unsigned(newlines.size())) == int(newlines.size()));
  gzclose(file);
  CHECK(std::filesystem::file_size(path) < 64 * 1024);
  CHECK_THROWS_WITH(data::read_file(path, std::size_t{2} << 20),
                    Catch::Contains("larger than 2 MiB once decompressed"));
  CHECK(data::read_file(path, std::size_t{4} << 20).size() == 3u << 20);
  // A plain file over the limit is refused from its size, before a byte is read.
  const std::string plain = temp_dir("hostile-big") + "/big.dat";
  write_file_atomic_for_test(plain, std::string(3 << 20, ' '));
  CHECK_THROWS_WITH(data::read_file(plain, std::size_t{1} << 20),
                    Catch::Contains("3145728 bytes, larger than the 1 MiB"));
}

TEST_CASE("reading: a UTF-8 file with a byte-order mark trains like one without",
          "[experiments][reliability]") {
  const std::string dir = temp_dir("hostile-bom");
  const std::string text =
      read(std::string(OVERPARAM_SOURCE_DIR) + "/tests/experiments/bad_inputs/gas_cr_only.dat");
  std::string lines = text;
  for (char& c : lines)
    if (c == '\r') c = '\n';
  write_file_atomic_for_test(dir + "/bom.dat", "\xef\xbb\xbf" + lines);
  const Outcome o = run_overparam({"linear", "--data", dir + "/bom.dat", "--iterations", "3",
                                   "--no-plot", "--no-progress", "--out", dir + "/run"});
  INFO(describe(o));
  CHECK(o.code == 0);
  CHECK_THAT(o.out, Catch::Contains("(3 rows, 128 features"));
}

TEST_CASE("messages: a 100 KB flag value is quoted as a short excerpt, control bytes escaped",
          "[experiments][reliability]") {
  const std::string huge(100000, '7');
  Outcome o = run_overparam({"linear", "--depth", huge + "x"});
  INFO(describe(o));
  CHECK(o.code == 2);
  CHECK(o.err.size() < 1000);
  CHECK_THAT(o.err, Catch::Contains("... (100001 bytes)"));
  o = run_overparam({"linear", "--lr-grid", std::string("1e-3,\r\x1b[2J\x01")});
  INFO(describe(o));
  CHECK(o.code == 2);
  CHECK(o.err.find('\r') == std::string::npos);
  CHECK(o.err.find('\x1b') == std::string::npos);
  CHECK_THAT(o.err, Catch::Contains("\\x0d\\x1b[2J\\x01"));
}

TEST_CASE("memory: the optimum of a small file of 100,000 features is refused from its shape",
          "[experiments][reliability]") {
  const std::string dir = temp_dir("hostile-wide");
  std::string row = "1;10.0";
  // 240 GB for the optimum, from a 2 MB file: more than any test machine has.
  for (int j = 1; j <= 100000; ++j) row += " " + std::to_string(j) + ":0." + std::to_string(j % 7);
  write_file_atomic_for_test(dir + "/wide.dat", row + "\n" + row + "\n");
  const Outcome o = run_overparam({"linear", "--data", dir + "/wide.dat", "--iterations", "3",
                                   "--no-plot", "--no-progress", "--out", dir + "/run"},
                                  std::chrono::seconds(60));
  INFO(describe(o));
  CHECK(o.code == 1);
  CHECK_THAT(o.err, Catch::Contains("(2 rows, 100000 features): its optimum L* needs about"));
  CHECK(!fs::exists(dir + "/run"));
}

namespace {
// A gas file of `rows` rows of `features` features each, small on disk.
std::string wide_gas_file(const std::string& dir, std::size_t rows, std::size_t features) {
  std::string text;
  for (std::size_t i = 0; i < rows; ++i) {
    text += "1;" + std::to_string(10 + i);
    for (std::size_t j = 1; j <= features; ++j)
      text += " " + std::to_string(j) + ":0." + std::to_string((i + j) % 7);
    text += "\n";
  }
  const std::string path = dir + "/wide.dat";
  write_file_atomic_for_test(path, text);
  return path;
}
}  // namespace

TEST_CASE("memory: a small file of 20,000 features is refused at once, from its shape",
          "[experiments][reliability]") {
  // Its optimum's dense Hessian [d,d] alone is 3.2 GB: refused before the optimum allocates,
  // by the feature limit (or, on a machine of less than about 10 GB, by the memory check).
  const std::string dir = temp_dir("hostile-20000");
  const std::string wide = wide_gas_file(dir, 2, 20000);
  for (const char* command : {"linear", "figure", "theory"}) {
    std::vector<std::string> args;
    if (std::string(command) == "linear")
      args = {"linear", "--iterations", "3", "--no-plot", "--no-progress"};
    else if (std::string(command) == "figure")
      args = {"figure", "depth", "--quick", "--no-plot", "--no-progress"};
    else
      args = {"theory", "curl"};
    args.insert(args.end(), {"--data", wide});
    if (std::string(command) != "theory") args.insert(args.end(), {"--out", dir + "/run"});
    const auto start = std::chrono::steady_clock::now();
    const Outcome o = run_overparam(args, std::chrono::seconds(60));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    INFO(command << ": " << describe(o));
    CHECK(o.code == 1);
    CHECK(seconds < 20);  // a 3 GB factorization would take minutes
    CHECK_THAT(o.err, Catch::Contains(wide + " (2 rows, 20000 features): its optimum L*"));
    CHECK_THAT(o.err,
               Catch::Contains("supports at most 4096 features") || Catch::Contains("needs about"));
    CHECK(!fs::exists(dir + "/run"));
  }
}

TEST_CASE("memory: the training's memory is bounded with the file's real number of features",
          "[experiments][reliability]") {
  // 200 models of depth 2 and width 4096: about 5 GB on the gas data's 128 features, but 157
  // GB on a file of 4,000 features. The check names the features it used.
  const std::string dir = temp_dir("hostile-4000");
  const std::string wide = wide_gas_file(dir, 2, 4000);
  std::string rates = "1e-3";
  for (int k = 1; k < 200; ++k) rates += ",1e-3";
  const Outcome o = run_overparam(
      {"linear", "--data", wide, "--depth", "2", "--width", "4096", "--lr-grid", rates,
       "--iterations", "3", "--no-plot", "--no-progress", "--out", dir + "/run"},
      std::chrono::seconds(60));
  INFO(describe(o));
  CHECK(o.code == 2);
  CHECK_THAT(o.err, Catch::Contains("overparam linear: depth 2, width 4096, 200 rates, 4000 "
                                    "features needs about"));
  CHECK(!fs::exists(dir + "/run"));
}

TEST_CASE("signals: SIGINT or SIGTERM stops overparam lsq and theory toy at their next step",
          "[experiments][reliability]") {
  const auto [signal, expected_code] = GENERATE(std::pair{SIGINT, 130}, std::pair{SIGTERM, 143});
  {
    Child child(test_process::overparam_path(),
                {"lsq", "--iterations", "100000000", "--print-every", "1000000"});
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    child.send(signal);
    const Outcome o = child.wait(std::chrono::seconds(30));
    INFO(describe(o));
    CHECK(!o.timed_out);
    CHECK(o.signal == 0);
    CHECK(o.code == expected_code);
    CHECK_THAT(o.err, Catch::Contains("overparam lsq: interrupted at iteration"));
  }
  {
    const std::string out = temp_dir("hostile-toy") + "/run";
    Child child(test_process::overparam_path(),
                {"theory", "toy", "--iterations", "10000000", "--no-plot", "--out", out});
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    child.send(signal);
    const Outcome o = child.wait(std::chrono::seconds(30));
    INFO(describe(o));
    CHECK(!o.timed_out);
    CHECK(o.signal == 0);
    CHECK(o.code == expected_code);
    CHECK_THAT(o.err, Catch::Contains("interrupted"));
  }
}

TEST_CASE(
    "records: run.json stays valid UTF-8 for a non-UTF-8 --data, escaped reversibly, and "
    "records the largest seed as the number",
    "[experiments][reliability]") {
  CHECK(experiments::json_escape_bytes("a\xff\\b\xc3\xa9") == "a\\xff\\\\b\xc3\xa9");
  const std::string dir = temp_dir("hostile-utf8");
  const std::string data = dir + "/gas-\xff\xfe.dat.gz";
  fs::copy_file(std::string(OVERPARAM_SOURCE_DIR) + "/data/gas/ethanol.dat.gz", data);
  const Outcome o =
      run_overparam({"linear", "--data", data, "--iterations", "3", "--seed",
                     "18446744073709551615", "--no-plot", "--no-progress", "--out", dir + "/run"});
  INFO(describe(o));
  REQUIRE(o.code == 0);
  const std::string text = read(dir + "/run/run.json");
  const auto json = nlohmann::json::parse(text);  // throws on invalid UTF-8
  CHECK(json["settings"]["seed"].get<std::uint64_t>() == 18446744073709551615ull);
  CHECK(json["settings"]["data"].get<std::string>() == experiments::json_escape_bytes(data));
  CHECK_THAT(text, Catch::Contains("gas-\\\\xff\\\\xfe.dat.gz"));  // in JSON text: \\xff
  CHECK_THAT(text, Catch::Contains("\"non_utf8_strings\""));
}
