// `overparam reproduce`'s report, on runs short enough for the suite: the section on other
// reproductions says what its own numbers say.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "experiments/files.hpp"
#include "experiments/process.hpp"

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string line; std::getline(ss, line);) out.push_back(line);
  return out;
}

// The lines of the report's section titled `title`, up to the next "## ".
std::vector<std::string> section(const std::string& report, const std::string& title) {
  std::vector<std::string> out;
  bool in = false;
  for (const std::string& line : lines_of(report)) {
    if (line.rfind("## ", 0) == 0) in = line == "## " + title;
    if (in) out.push_back(line);
  }
  return out;
}

// The fields of one CSV line (quoted fields hold commas, never quotes).
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> fields{""};
  bool quoted = false;
  for (char ch : line) {
    if (ch == '"')
      quoted = !quoted;
    else if (ch == ',' && !quoted)
      fields.emplace_back();
    else
      fields.back() += ch;
  }
  return fields;
}

}  // namespace

TEST_CASE(
    "reproduce: 'why other reproductions differ' judges its l_2 rerun from its own numbers, and "
    "lists the sensitivity study's course column as the study has it",
    "[experiments][reproduce]") {
  const std::string out = temp_dir("reproduce-others") + "/run";
  const test_process::Outcome o =
      test_process::run_overparam({"reproduce", "--quick", "--iterations", "100", "--no-mnist",
                                   "--no-progress", "--out", out, "--report", out + "/R.md"},
                                  std::chrono::seconds(1200));  // sanitized builds are slow
  INFO(o.out << o.err);
  REQUIRE(o.code == 0);
  const std::vector<std::string> body =
      section(read(out + "/R.md"), "Why other reproductions differ");
  REQUIRE(!body.empty());

  // The l_2 rerun: its verdict follows from its three distances, and the prose from the verdict.
  const std::regex l2(
      R"(- (holds|does not hold): l2: depth 1 ends closest to the optimum\. This run: depth 1 (\S+), depth 2 (\S+), depth 3 (\S+)\.)");
  std::smatch m;
  std::size_t l2_lines = 0;
  bool holds = false;
  for (const std::string& line : body) {
    if (!std::regex_match(line, m, l2)) continue;
    ++l2_lines;
    holds = m[1] == "holds";
    const double d1 = std::stod(m[2]), d2 = std::stod(m[3]), d3 = std::stod(m[4]);
    INFO(line);
    CHECK(holds == (d1 < d2 && d1 < d3));
  }
  REQUIRE(l2_lines == 1);
  std::string text;
  for (const std::string& line : body) text += line + "\n";
  CHECK_THAT(text,
             Catch::Contains(holds ? "Depth 1 is best here too, as they found."
                                   : "Here depth 1 is not the best, unlike what they found."));

  // The course reproduction's settings: every row of the study's last column, in its order.
  std::vector<std::string> expected;
  std::string last_column;
  for (const std::string& line : lines_of(read(out + "/sensitivity/sensitivity.csv"))) {
    const std::vector<std::string> f = csv_fields(line);
    REQUIRE(f.size() == 8);
    if (f[0] == "figure") continue;
    if (f[3] == "--loss-scale mean-over-p --optimizer-defaults pytorch")
      expected.push_back(std::string("- ") + (f[4] == "1" ? "holds" : "does not hold") + ": " +
                         f[0] + ": " + f[1] + ". " + f[7] + ".");
  }
  REQUIRE(expected.size() >= 5);
  std::vector<std::string> listed;
  bool after_course = false;
  for (const std::string& line : body) {
    if (line.find("The 2019 course reproduction") == 0) after_course = true;
    if (after_course && line.rfind("- ", 0) == 0) listed.push_back(line);
  }
  CHECK(listed == expected);
}
