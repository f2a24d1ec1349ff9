#include "experiments/cli/resume.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <limits>

#include "data_loaders/read_file.hpp"
#include "experiments/cli/flags.hpp"
#include "experiments/report/checkpoint.hpp"

namespace po = boost::program_options;

namespace experiments {

void add_resume_flags(boost::program_options::options_description& flags, double& every,
                      std::string& dir) {
  namespace po = boost::program_options;
  flags.add_options()(
      "checkpoint-every", po::value(&every)->default_value(every),
      "write the run's whole state to OUT/checkpoint.cbor every SECONDS of training, and when "
      "Ctrl-C or SIGTERM stops it (0: only then)")(
      "resume", po::value(&dir),
      "continue the run in this folder from its checkpoint.cbor, with the settings it was "
      "started with, to the results it would have had (only --threads, --no-progress, --no-plot "
      "and --checkpoint-every may be given with it)");
}

bool checkpoint_interval(const std::string& command, double every, double& seconds) {
  if (!(every >= 0) || !std::isfinite(every)) {
    std::cerr << "overparam " << command
              << ": --checkpoint-every must be a number of seconds >= 0, got " << show(every)
              << "\n";
    return false;
  }
  seconds = every > 0 ? every : std::numeric_limits<double>::infinity();
  return true;
}

std::vector<std::string> typed_arguments(int argc, char** argv) {
  return std::vector<std::string>(argv + 1, argv + argc);
}

int open_resume(const std::string& command, const po::variables_map& vm,
                const std::vector<std::string>& allowed, const std::string& dir, Json& checkpoint) {
  for (const auto& [name, value] : vm) {
    if (value.defaulted() || name == "resume" ||
        std::find(allowed.begin(), allowed.end(), name) != allowed.end())
      continue;
    std::cerr << "overparam " << command
              << ": --resume continues the run with the settings it was started with; drop --"
              << name << "\n";
    return 2;
  }
  if (dir.empty()) {
    std::cerr << "overparam " << command << ": --resume needs a run's folder, got an empty name\n";
    return 2;
  }
  if (!std::filesystem::exists(checkpoint_path(dir))) {
    if (std::filesystem::exists(dir + "/run.json")) {
      std::cerr << "overparam " << command << ": " << dir
                << " holds a run that completed (its run.json, and no checkpoint.cbor); there "
                   "is nothing to resume\n";
    } else {
      std::cerr << "overparam " << command << ": " << dir
                << " holds no checkpoint.cbor to resume from (a run writes one every "
                   "--checkpoint-every seconds and when Ctrl-C stops it)\n";
    }
    return 2;
  }
  checkpoint = read_checkpoint(dir, command);
  return -1;
}

void parse_saved_arguments(const std::string& command, const std::string& dir,
                           const Json& checkpoint, const po::options_description& flags,
                           po::variables_map& vm) {
  std::vector<std::string> tokens{command};
  try {
    const auto arguments = checkpoint.at("arguments").get<std::vector<std::string>>();
    tokens.insert(tokens.end(), arguments.begin(), arguments.end());
  } catch (const Json::exception&) {
    throw data::DataError(checkpoint_path(dir) + ": the checkpoint lacks the run's arguments");
  }
  std::vector<char*> argv;
  for (std::string& t : tokens) argv.push_back(t.data());
  if (parse_flags(command, int(argv.size()), argv.data(), flags, vm) >= 0)
    throw data::DataError(checkpoint_path(dir) +
                          ": the run's arguments no longer parse (see above)");
}

void require_saved_settings(const std::string& dir, const Json& checkpoint, Json now,
                            const std::vector<std::string>& ignored) {
  Json saved = checkpoint.value("settings", Json());
  for (const std::string& key : ignored) {
    if (saved.is_object()) saved.erase(key);
    now.erase(key);
  }
  if (saved != now)
    throw data::DataError(checkpoint_path(dir) +
                          ": the run's arguments now give other settings than it was started "
                          "with (another overparam version?); start it anew");
}

}  // namespace experiments
