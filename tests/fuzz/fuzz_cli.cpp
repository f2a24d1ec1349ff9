// libFuzzer target: the flags of every `overparam` command (experiments/cli/commands.hpp), parsed
// and validated by the command's own run function, as main() calls it, stopped before it
// trains or writes anything.
//
// Input format: the words of a command line after `overparam`, separated by NUL bytes
// ("linear\0--depth\0003\0--lr=0.1"): the first word picks the command from commands(), the
// rest are its arguments. One trailing NUL is ignored; empty words in between are arguments.
//
// How a command is stopped before it trains or writes: the harness puts a few flags of its own
// right after the command's name (and sub-command), before the input's arguments:
//   - commands that read data get their data path pointed at a file that does not exist, and
//     their output folder put in a scratch directory: they parse every flag, run their own
//     validation, and then fail to load the data (linear, figure, reproduce, mnist,
//     mnist-figure, theory curl);
//   - commands that need no data file (lsq, theory toy, tape), and any command added after this
//     harness was written, get --help: every flag is parsed and converted, then the help is
//     printed; their own validation after parsing is not run.
// Boost.Program_options parses left to right and refuses an option given twice, so no input
// can undo or swallow these flags: repeating one of them is a flag error, like any other.
//
// A pass: an exit code, or a std::exception caught as main() catches it. A finding: a crash, a
// sanitizer report, a non-std exception, or a nonzero exit code without a message on stderr.
// Set OVERPARAM_FUZZ_VERBOSE=1 to see the commands' output when replaying an input.
#include <fcntl.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "experiments/cli/commands.hpp"
#include "fuzz_support.hpp"

namespace {

void check(bool ok, const std::string& what) {
  if (!ok) fuzz::invariant_failed("cli", what);
}

// The input's words: split at NUL bytes, one trailing NUL ignored.
std::vector<std::string> split_words(std::string_view bytes) {
  if (!bytes.empty() && bytes.back() == '\0') bytes.remove_suffix(1);
  std::vector<std::string> words;
  for (;;) {
    const std::size_t nul = bytes.find('\0');
    words.emplace_back(bytes.substr(0, nul));
    if (nul == std::string_view::npos) break;
    bytes.remove_prefix(nul + 1);
  }
  return words;
}

// The argv the harness hands to the command `words[0]` (argv[0] is the command's name, as
// main() passes it): the name, the sub-command if the command has one, the stop flags, then
// the input's other words.
std::vector<std::string> harness_argv(const std::vector<std::string>& words) {
  const std::string& command = words[0];
  const std::string second = words.size() > 1 ? words[1] : "";
  const std::string missing = fuzz::scratch_dir() + "/no-such-data";
  const std::string out = fuzz::scratch_dir() + "/out";

  std::vector<std::string> head = {command};
  std::vector<std::string> stop;
  if (command == "linear") {
    stop = {"--data", missing, "--out", out};
  } else if (command == "figure" && second == "mnist") {
    head.push_back(second);
    stop = {"--mnist-dir", missing, "--out", out};
  } else if (command == "figure") {
    stop = {"--data", missing, "--out", out};
  } else if (command == "reproduce") {
    stop = {"--data",        missing,         "--out", out, "--report", out + "/REPRODUCTION.md",
            "--figures-dir", out + "/figures"};
  } else if (command == "mnist" || command == "mnist-figure") {
    stop = {"--mnist-dir", missing, "--out", out};
  } else if (command == "theory" && second == "curl") {
    head.push_back(second);
    stop = {"--data", missing};
  } else if (command == "theory" && second == "toy") {
    head.push_back(second);
    stop = {"--help"};
  } else if (command == "theory") {
    // Any other sub-command only prints the usage or an error: nothing to stop.
  } else {
    stop = {"--help"};  // lsq, tape, and any command this harness does not know yet
  }

  std::vector<std::string> argv = head;
  argv.insert(argv.end(), stop.begin(), stop.end());
  argv.insert(argv.end(), words.begin() + static_cast<std::ptrdiff_t>(head.size()), words.end());
  return argv;
}

bool verbose() {
  static const bool on = std::getenv("OVERPARAM_FUZZ_VERBOSE") != nullptr;
  return on;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (!verbose()) {
    // The commands print to stdout (std::printf and std::cout): send it to /dev/null. Their
    // messages on std::cerr are captured per input; fd 2 stays open for libFuzzer and the
    // sanitizers' reports.
    const int null = open("/dev/null", O_WRONLY);
    if (null >= 0) dup2(null, STDOUT_FILENO);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::string> words =
      split_words(std::string_view(reinterpret_cast<const char*>(data), size));
  const experiments::Command* command = nullptr;
  for (const experiments::Command& c : experiments::commands()) {
    if (words[0] == c.name) command = &c;
  }
  if (command == nullptr) return 0;  // main() answers "unknown command"

  std::vector<std::string> args = harness_argv(words);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  std::ostringstream err;
  std::streambuf* const old_err = verbose() ? nullptr : std::cerr.rdbuf(err.rdbuf());
  int code = 0;
  std::string exception;
  try {
    code = command->run(static_cast<int>(args.size()), argv.data());
  } catch (const std::exception& e) {  // main() prints it and exits with 1
    exception = e.what();
    code = -1;
    if (verbose()) std::cerr << "fuzz_cli: " << words[0] << ": error: " << exception << "\n";
  }
  if (old_err != nullptr) std::cerr.rdbuf(old_err);

  if (code == -1) {
    check(!exception.empty(), "an exception says what went wrong");
  } else if (code != 0 && !verbose()) {
    check(err.str().find("overparam") != std::string::npos,
          "exit code " + std::to_string(code) + " comes with an 'overparam ...' message on stderr");
  }
  return 0;
}
