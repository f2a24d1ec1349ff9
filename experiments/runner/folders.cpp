#include "experiments/runner/folders.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "experiments/report/files.hpp"

namespace fs = std::filesystem;

namespace experiments {

std::string job_folder(const std::string& root, const Job& job) {
  return root + "/" + job_id(job);
}

void write_job_folder(const std::string& root, const Job& job, const JobOutcome& outcome,
                      const std::function<void(const std::string&)>& run_files) {
  const std::string id = job_id(job);
  const std::string final_dir = root + "/" + id;
  // A name of this process alone: another rank may be writing another job next to it.
  const std::string partial = root + "/.partial-" + id + "-" + std::to_string(::getpid());
  std::error_code ec;
  fs::remove_all(partial, ec);
  make_output_dir(partial);
  try {
    Json record;
    record["id"] = id;
    record["job"] = job_json(job);
    write_json(partial + "/job.json", record);
    if (run_files) run_files(partial);
    const std::vector<std::uint8_t> bytes = encode_outcome(outcome);
    write_file_atomic(partial + "/outcome.cbor", std::string(bytes.begin(), bytes.end()));
    fs::rename(partial, final_dir, ec);
    // Another process finished the same job first: its folder is as good as this one.
    if (ec && fs::exists(final_dir + "/outcome.cbor")) {
      fs::remove_all(partial, ec);
      return;
    }
    if (ec)
      throw std::runtime_error("cannot move " + partial + " to " + final_dir + ": " + ec.message());
  } catch (...) {
    fs::remove_all(partial, ec);
    throw;
  }
}

std::optional<JobOutcome> read_job_folder(const std::string& root, const Job& job) {
  const std::string dir = job_folder(root, job);
  if (!fs::exists(dir)) return std::nullopt;
  auto slurp = [&](const std::string& name) {
    std::ifstream in(dir + "/" + name, std::ios::binary);
    if (!in) throw std::runtime_error(dir + "/" + name + ": cannot be read");
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  Json record;
  try {
    record = Json::parse(slurp("job.json"));
  } catch (const Json::exception& e) {
    throw std::runtime_error(dir + "/job.json: not a job record (" + std::string(e.what()) + ")");
  }
  if (!record.contains("job") || record["job"] != job_json(job))
    throw std::runtime_error(dir + "/job.json: holds another job's settings than the one of id " +
                             job_id(job) + "; move the folder away and resume again");
  const std::string bytes = slurp("outcome.cbor");
  try {
    JobOutcome o = decode_outcome(std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
    o.resumed = true;
    return o;
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(dir + "/outcome.cbor: " + e.what());
  }
}

}  // namespace experiments
