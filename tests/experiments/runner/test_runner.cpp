// The job runner on this machine's threads: jobs as data (their JSON, id and outcome bytes),
// outcomes in the order of the list and equal to a direct train_linear or train_mnist, a
// failing job as an outcome, and job folders that are complete or absent and read back by
// resume. Across MPI ranks: tests/experiments/runner/mpi_sweep.sh.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "autodiff/blas.hpp"
#include "experiments/files.hpp"
#include "experiments/runner/folders.hpp"
#include "experiments/runner/runner.hpp"
#include "experiments/tiny_mnist.hpp"

namespace fs = std::filesystem;
using namespace experiments;

namespace {

const std::string gas = std::string(OVERPARAM_SOURCE_DIR) + "/data/gas/ethanol.dat.gz";

LinearJob small_job(std::size_t depth, double lr, std::uint64_t seed = 0) {
  LinearJob job;
  job.problem = {gas, 1, data::Normalization::zscore, false, 2, LossScale::mean};
  job.config.depth = depth;
  job.config.width = 4;
  job.config.rates = {lr, lr / 2};
  job.config.iterations = 300;
  job.config.seed = seed;
  return job;
}

MnistJob small_mnist_job(const std::string& dir, MnistVariant variant) {
  MnistJob job;
  job.mnist_dir = dir;
  job.validation_size = 20;
  job.threads = 2;
  job.config.variant = variant;
  job.config.steps = 4;
  job.config.batch_size = 16;
  job.config.eval_every = 2;
  return job;
}

void check_same(const LinearResult& a, const LinearResult& b) {
  CHECK(a.iteration == b.iteration);
  CHECK(a.loss == b.loss);  // bit for bit
  CHECK(a.final_loss == b.final_loss);
  CHECK(a.diverged == b.diverged);
  REQUIRE(a.final_layers.size() == b.final_layers.size());
  for (std::size_t k = 0; k < a.final_layers.size(); ++k)
    CHECK(std::vector<double>(a.final_layers[k].begin(), a.final_layers[k].end()) ==
          std::vector<double>(b.final_layers[k].begin(), b.final_layers[k].end()));
}

}  // namespace

TEST_CASE("job: its JSON reads back to the same job, and its id follows its settings",
          "[experiments][runner]") {
  LinearJob job = small_job(3, 1e-3);
  job.config.optimizer = optim::OptimizerKind::adam;
  job.config.hyper.beta2 = 0.99;
  job.config.hyper.preset = optim::Preset::pytorch;
  job.config.init = nn::Init::identity;
  job.problem.loss_scale = LossScale::mean_over_p;
  job.problem.normalization = data::Normalization::minmax;
  job.config.initial_layers = {ad::Tensor<double>({1, 2}, {0.25, -1.0 / 3})};
  const LinearJob back = std::get<LinearJob>(job_from_json(job_json(job)));
  CHECK(job_json(back) == job_json(job));
  CHECK(back.config.hyper.beta2 == 0.99);
  CHECK_FALSE(back.config.hyper.beta1.has_value());
  CHECK(back.config.initial_layers[0].data()[1] == -1.0 / 3);
  CHECK(job_id(back) == job_id(job));
  CHECK(job_id(job).size() == 16);
  CHECK(job_id(job).find_first_not_of("0123456789abcdef") == std::string::npos);
  LinearJob other = job;
  other.config.seed = 1;
  CHECK(job_id(other) != job_id(job));
  other = job;
  other.problem.p = 4;
  CHECK(job_id(other) != job_id(job));

  Json broken = job_json(job);
  broken["model"].erase("depth");
  CHECK_THROWS_WITH(job_from_json(broken), Catch::Contains("depth"));
  broken = job_json(job);
  broken["model"]["optimizer"] = "sgd";
  CHECK_THROWS_WITH(job_from_json(broken), Catch::Contains("optimizer"));
}

TEST_CASE("job: an outcome's bytes keep NaN, infinity and the layers", "[experiments][runner]") {
  JobOutcome o;
  o.status = JobStatus::done;
  o.rank = 2;
  o.seconds = 1.5;
  LinearResult r;
  r.iteration = {0, 10};
  r.loss = {1.0, std::numeric_limits<double>::infinity()};
  r.final_loss = std::numeric_limits<double>::quiet_NaN();
  r.diverged = true;
  r.diverged_at = 10;
  r.final_layers = {ad::Tensor<double>({2, 1}, {0.1, 1e-300})};
  o.results = {r};
  const JobOutcome back = decode_outcome(encode_outcome(o));
  CHECK(back.status == JobStatus::done);
  CHECK(back.rank == 2);
  REQUIRE(back.results.size() == 1);
  CHECK(std::isinf(back.results[0].loss[1]));
  CHECK(std::isnan(back.results[0].final_loss));
  CHECK(back.results[0].diverged_at == 10);
  CHECK(back.results[0].final_layers[0].data()[1] == 1e-300);
  CHECK_THROWS_AS(decode_outcome({1, 2, 3}), std::invalid_argument);
}

TEST_CASE("run_jobs: outcomes in the list's order, equal to train_linear's, a failure kept",
          "[experiments][runner]") {
  std::vector<LinearJob> jobs = {small_job(1, 1e-2), small_job(3, 1e-2), small_job(2, 5e-3, 7)};
  LinearJob failing = small_job(2, 1e-2);
  failing.config.rates.clear();  // train_linear refuses a job without rates
  jobs.insert(jobs.begin() + 1, failing);
  RunnerOptions options;
  options.jobs = 2;
  std::vector<std::size_t> seen;
  options.on_outcome = [&](std::size_t i, const JobOutcome&) { seen.push_back(i); };
  const std::vector<JobOutcome> out = run_jobs(jobs, options);
  REQUIRE(out.size() == jobs.size());
  CHECK(seen.size() == jobs.size());
  CHECK(out[1].status == JobStatus::failed);
  CHECK_THAT(out[1].error, Catch::Contains("rate"));
  for (std::size_t i : {0, 2, 3}) {
    INFO("job " << i);
    REQUIRE(out[i].status == JobStatus::done);
    const auto direct = train_linear(cached_problem(jobs[i].problem), jobs[i].config);
    REQUIRE(out[i].results.size() == direct.size());
    for (std::size_t k = 0; k < direct.size(); ++k) check_same(out[i].results[k], direct[k]);
  }
}

TEST_CASE("run_jobs: a job the list holds twice is trained once, and both get its outcome",
          "[experiments][runner]") {
  const std::vector<LinearJob> jobs = {small_job(2, 1e-2), small_job(1, 1e-2), small_job(2, 1e-2)};
  REQUIRE(job_id(jobs[0]) == job_id(jobs[2]));
  RunnerOptions options;
  options.jobs = 2;
  std::vector<std::size_t> seen;
  options.on_outcome = [&](std::size_t i, const JobOutcome&) { seen.push_back(i); };
  SharedProgress progress("runs", 3 * 2 * 300, false);
  options.progress = &progress;
  const std::vector<JobOutcome> out = run_jobs(jobs, options);
  CHECK(seen.size() == 3);
  CHECK(seen.back() == 2);  // the copy's outcome comes after the trainings
  REQUIRE(out[2].status == JobStatus::done);
  CHECK(out[2].seconds == out[0].seconds);  // the same training's clock, not a second one
  CHECK(out[1].seconds != out[0].seconds);
  for (std::size_t k = 0; k < 2; ++k) check_same(out[2].results[k], out[0].results[k]);
  CHECK(progress.done() == 3 * 2 * 300);  // the copy's iterations count as done
}

TEST_CASE("job folders: complete or absent, read back by resume, another job's refused",
          "[experiments][runner]") {
  const std::string root = temp_dir("job-folders") + "/jobs";
  const std::vector<LinearJob> jobs = {small_job(1, 1e-2), small_job(2, 1e-2)};
  RunnerOptions options;
  options.folder = root;
  options.plot = false;
  const std::vector<JobOutcome> first = run_jobs(jobs, options);
  std::size_t entries = 0;
  for (const auto& e : fs::directory_iterator(root)) {
    ++entries;
    CHECK(e.path().filename().string().rfind(".partial", 0) == std::string::npos);
    for (const char* file : {"job.json", "outcome.cbor", "run.json", "losses.csv", "W1.npy"})
      CHECK(fs::exists(e.path() / file));
  }
  CHECK(entries == 2);

  options.resume = true;
  std::size_t trained = 0;
  options.on_outcome = [&](std::size_t, const JobOutcome& o) { trained += !o.resumed; };
  const std::vector<JobOutcome> again = run_jobs(jobs, options);
  CHECK(trained == 0);
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    CHECK(again[i].resumed);
    for (std::size_t k = 0; k < jobs[i].config.rates.size(); ++k)
      check_same(again[i].results[k], first[i].results[k]);
  }

  // A folder removed is trained again; one whose job.json names another job is an error.
  fs::remove_all(job_folder(root, jobs[1]));
  trained = 0;
  run_jobs(jobs, options);
  CHECK(trained == 1);
  fs::copy_file(job_folder(root, jobs[0]) + "/job.json", job_folder(root, jobs[1]) + "/job.json",
                fs::copy_options::overwrite_existing);
  CHECK_THROWS_WITH(run_jobs(jobs, options), Catch::Contains("another job"));
}

TEST_CASE("job: a MNIST job's JSON reads back to the same job, and its id follows its settings",
          "[experiments][runner][mnist]") {
  MnistJob job = small_mnist_job("/data/mnist", MnistVariant::overparam);
  job.config.l2_on = L2On::factors;
  job.config.conv = ad::ConvAlgorithm::im2col;
  job.config.seed = 9;
  const Job back = job_from_json(job_json(job));
  REQUIRE(std::holds_alternative<MnistJob>(back));
  const MnistJob& m = std::get<MnistJob>(back);
  CHECK(job_json(m) == job_json(job));
  CHECK(m.config.l2_on == L2On::factors);
  CHECK(m.config.conv == ad::ConvAlgorithm::im2col);
  CHECK(m.threads == 2);
  CHECK(job_id(back) == job_id(Job(job)));
  for (auto change : std::vector<std::function<void(MnistJob&)>>{
           [](MnistJob& j) { j.threads = 1; }, [](MnistJob& j) { j.config.l2_on = L2On::product; },
           [](MnistJob& j) { j.config.conv = ad::ConvAlgorithm::fast; },
           [](MnistJob& j) { j.config.steps = 5; }, [](MnistJob& j) { j.validation_size = 0; }}) {
    MnistJob other = job;
    change(other);
    CHECK(job_id(other) != job_id(job));
  }
  // A linear job of any settings has another id: its record has no "kind".
  CHECK(job_json(small_job(1, 1e-2)).contains("kind") == false);
  Json broken = job_json(job);
  broken["kind"] = "resnet";
  CHECK_THROWS_WITH(job_from_json(broken), Catch::Contains("resnet"));
  broken = job_json(job);
  broken["model"]["threads"] = 0;
  CHECK_THROWS_WITH(job_from_json(broken), Catch::Contains("threads"));
  broken = job_json(job);
  broken["model"].erase("variant");
  CHECK_THROWS_WITH(job_from_json(broken), Catch::Contains("variant"));
}

TEST_CASE("job: a MNIST outcome's bytes keep its rows, evaluations and divergence",
          "[experiments][runner][mnist]") {
  JobOutcome o;
  o.status = JobStatus::done;
  MnistResult r;
  r.steps = 2;
  r.batch_loss = {2.5, 1.25, std::numeric_limits<double>::infinity()};
  r.lr = {0.01, 0.01, 0.0095};
  r.evals = {{2, 50.0, 62.5}};
  r.num_parameters = 1234;
  r.diverged = true;
  r.train_seconds = 0.5;
  o.mnist = r;
  const JobOutcome back = decode_outcome(encode_outcome(o));
  REQUIRE(back.mnist.has_value());
  CHECK(back.results.empty());
  CHECK(back.mnist->batch_loss[1] == 1.25);
  CHECK(std::isinf(back.mnist->batch_loss[2]));
  CHECK(back.mnist->lr == r.lr);
  CHECK(back.mnist->evals[0].test_error == 62.5);
  CHECK(back.mnist->num_parameters == 1234);
  CHECK(back.mnist->diverged);
  CHECK_FALSE(decode_outcome(encode_outcome(JobOutcome{})).mnist.has_value());
}

TEST_CASE("run_jobs: MNIST jobs beside linear ones, equal to train_mnist's, kept and resumed",
          "[experiments][runner][mnist]") {
  const std::string dir = temp_dir("runner-mnist");
  write_tiny_mnist(dir, 100, 20);
  const MnistJob original = small_mnist_job(dir, MnistVariant::original);
  const MnistJob overparam = small_mnist_job(dir, MnistVariant::overparam);
  const std::vector<Job> jobs = {small_job(1, 1e-2), original, overparam};
  RunnerOptions options;
  options.jobs = 2;
  options.folder = dir + "/jobs";
  options.plot = false;
  const std::vector<JobOutcome> out = run_jobs(jobs, options);
  REQUIRE(out[0].status == JobStatus::done);
  CHECK_FALSE(out[0].mnist.has_value());
  ad::blas::set_num_threads(2, ad::blas::Threading::own);  // the jobs' threads
  for (std::size_t i : {1, 2}) {
    INFO("job " << i);
    REQUIRE(out[i].status == JobStatus::done);
    REQUIRE(out[i].mnist.has_value());
    const MnistJob& job = std::get<MnistJob>(jobs[i]);
    const MnistResult direct = train_mnist(cached_mnist(dir, 20), job.config);
    CHECK(out[i].mnist->batch_loss == direct.batch_loss);  // bit for bit
    CHECK(out[i].mnist->lr == direct.lr);
    REQUIRE(out[i].mnist->evals.size() == direct.evals.size());
    CHECK(out[i].mnist->evals.back().test_error == direct.evals.back().test_error);
    for (const char* file : {"job.json", "outcome.cbor", "run.json", "batch_loss.csv", "eval.csv"})
      CHECK(fs::exists(job_folder(options.folder, jobs[i]) + "/" + file));
  }
  ad::blas::set_num_threads(1);
  CHECK(out[1].mnist->batch_loss != out[2].mnist->batch_loss);  // two models, two curves

  options.resume = true;
  std::size_t trained = 0;
  options.on_outcome = [&](std::size_t, const JobOutcome& o) { trained += !o.resumed; };
  const std::vector<JobOutcome> again = run_jobs(jobs, options);
  CHECK(trained == 0);
  CHECK(again[2].mnist->batch_loss == out[2].mnist->batch_loss);

  // Unreadable MNIST files are one error before any job starts.
  MnistJob missing = original;
  missing.mnist_dir = dir + "/none";
  CHECK_THROWS_AS(run_jobs({Job(missing)}, RunnerOptions{}), data::DataError);
}
