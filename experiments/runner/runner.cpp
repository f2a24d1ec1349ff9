#include "experiments/runner/runner.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <deque>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

#include "autodiff/blas.hpp"
#include "experiments/linear/records.hpp"
#include "experiments/mnist/records.hpp"
#include "experiments/report/files.hpp"
#include "experiments/report/interrupt.hpp"
#include "experiments/runner/folders.hpp"
#include "experiments/runner/mpi.hpp"

namespace experiments {

namespace {

using Clock = std::chrono::steady_clock;

std::mutex cache_mutex;
std::vector<std::pair<ProblemSpec, std::unique_ptr<Problem>>> problems;
struct MnistKey {
  std::string dir;
  std::size_t validation_size;
  bool operator==(const MnistKey&) const = default;
};
std::vector<std::pair<MnistKey, std::unique_ptr<data::Mnist>>> mnist_sets;

// The training itself, counting each iteration or step in `count`. Returns the status.
JobStatus train(const LinearJob& job, JobOutcome& o,
                const std::function<void(std::size_t)>& count) {
  LinearConfig c = job.config;
  c.progress = false;
  c.explain = 0;
  c.print_explain = false;
  c.on_iterations = count;
  o.results = train_linear(cached_problem(job.problem), c);
  bool stopped = interrupted() != 0;
  for (const LinearResult& r : o.results) stopped = stopped || r.interrupted;
  return stopped ? JobStatus::interrupted : JobStatus::done;
}

JobStatus train(const MnistJob& job, JobOutcome& o, const std::function<void(std::size_t)>& count) {
  const ad::blas::ScopedThreads threads(job.threads);
  MnistConfig c = job.config;
  c.progress = false;
  c.verbose = false;
  c.on_step = count;
  o.mnist = train_mnist(cached_mnist(job.mnist_dir, job.validation_size), c);
  return o.mnist->interrupted ? JobStatus::interrupted : JobStatus::done;
}

// Trains `job` on this thread (a MnistJob on its own threads, with this one). It is
// told every iteration taken, and at the end the ones that rates stopped by divergence (or a
// failure) will never take, so that a progress line reaches its total.
JobOutcome train_job(const Job& job, const std::function<void(std::size_t)>& on_iterations) {
  JobOutcome o;
  o.rank = mpi::rank();
  const auto start = Clock::now();
  std::size_t counted = 0;
  const auto count = [&](std::size_t n) {
    counted += n;
    if (on_iterations) on_iterations(n);
  };
  try {
    o.status = std::visit([&](const auto& j) { return train(j, o, count); }, job);
  } catch (const std::exception& e) {
    o.status = JobStatus::failed;
    o.error = e.what();
  }
  o.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::size_t planned = counted;
  try {
    planned = job_steps(job);
  } catch (const std::exception&) {  // its data could not be read: a failed job, counted as done
  }
  if (o.status != JobStatus::interrupted && counted < planned && on_iterations)
    on_iterations(planned - counted);
  return o;
}

// A finished job's folder, when the run keeps them, with the files its command writes.
void keep(const Job& job, const JobOutcome& o, const std::string& folder, bool run_files,
          bool plot) {
  if (folder.empty() || o.status != JobStatus::done) return;
  std::function<void(const std::string&)> files;
  if (run_files) {
    if (const auto* m = std::get_if<MnistJob>(&job))
      files = [&, m](const std::string& dir) {  // m by value: it ends with the if
        write_mnist_run(dir, m->config, *o.mnist, m->mnist_dir, m->threads, plot);
      };
    else
      files = [&](const std::string& dir) {
        const LinearJob& l = std::get<LinearJob>(job);
        write_linear_run(dir, linear_settings_json(l.problem, l.config), cached_problem(l.problem),
                         l.config, o.results, plot);
      };
  }
  write_job_folder(folder, job, o, files);
}

std::vector<std::uint8_t> count_bytes(std::uint64_t n) {
  std::vector<std::uint8_t> bytes(sizeof n);
  std::memcpy(bytes.data(), &n, sizeof n);
  return bytes;
}

std::uint64_t bytes_count(const std::vector<std::uint8_t>& bytes) {
  std::uint64_t n = 0;
  if (bytes.size() >= sizeof n) std::memcpy(&n, bytes.data(), sizeof n);
  return n;
}

void add_progress(SharedProgress* progress, std::size_t n) {
  if (progress != nullptr && n > 0) progress->add(n);
}

// The jobs of `order` on this process's threads: the MNIST jobs one after another, each on its
// own threads, then the others, one a thread.
void run_here(const std::vector<Job>& jobs, const std::vector<std::size_t>& order,
              const RunnerOptions& options, std::vector<JobOutcome>& out) {
  std::vector<std::size_t> convnets, others;
  for (std::size_t i : order)
    (std::holds_alternative<MnistJob>(jobs[i]) ? convnets : others).push_back(i);
  std::mutex mutex;
  try {
    for (std::size_t i : convnets) {
      if (interrupted()) break;  // the rest stay missing
      JobOutcome o = train_job(jobs[i], [&](std::size_t n) { add_progress(options.progress, n); });
      keep(jobs[i], o, options.folder, options.run_files, options.plot);
      out[i] = std::move(o);
      if (options.on_outcome) options.on_outcome(i, out[i]);
    }
    // One job a thread, each thread's products on that thread (autodiff/blas.hpp).
    ad::blas::set_num_threads(std::max(1, options.jobs), ad::blas::Threading::own);
    ad::blas::parallel_for(others.size(), [&](std::size_t k, std::size_t) {
      // After a signal a job returns at once, marked interrupted (train_linear checks it).
      const std::size_t i = others[k];
      JobOutcome o = train_job(jobs[i], [&](std::size_t n) { add_progress(options.progress, n); });
      keep(jobs[i], o, options.folder, options.run_files, options.plot);
      std::lock_guard lock(mutex);
      out[i] = std::move(o);
      if (options.on_outcome) options.on_outcome(i, out[i]);
    });
  } catch (...) {
    ad::blas::set_num_threads(1);
    throw;
  }
  ad::blas::set_num_threads(1);
}

// Rank 0 under MPI: hands out the jobs of `order`, trains its share on a thread of its own,
// gathers every outcome.
void run_on_ranks(const std::vector<Job>& jobs, const std::vector<std::size_t>& order,
                  const RunnerOptions& options, std::vector<JobOutcome>& out) {
  ad::blas::set_num_threads(1);
  std::mutex mutex;  // guards queue and local_results
  std::deque<std::size_t> queue(order.begin(), order.end());
  std::vector<std::pair<std::size_t, JobOutcome>> local_results;
  std::exception_ptr local_failure;
  std::atomic<bool> local_done{false};
  auto next = [&](std::size_t& i) {
    std::lock_guard lock(mutex);
    if (queue.empty() || interrupted() != 0) return false;
    i = queue.front();
    queue.pop_front();
    return true;
  };
  std::thread local([&] {
    try {
      for (std::size_t i; next(i);) {
        JobOutcome o =
            train_job(jobs[i], [&](std::size_t n) { add_progress(options.progress, n); });
        keep(jobs[i], o, options.folder, options.run_files, options.plot);
        std::lock_guard lock(mutex);
        local_results.emplace_back(i, std::move(o));
      }
    } catch (...) {
      local_failure = std::current_exception();
    }
    local_done = true;
  });

  std::vector<long long> busy(std::size_t(mpi::size()), -1);  // the job each rank trains
  auto assign = [&](int r) {
    std::size_t i;
    if (!next(i)) return;
    Json message{{"index", i},
                 {"job", job_json(jobs[i])},
                 {"folder", options.folder},
                 {"run_files", options.run_files},
                 {"plot", options.plot}};
    mpi::send(r, mpi::Tag::job, Json::to_cbor(message));
    busy[std::size_t(r)] = (long long)i;
  };
  auto done = [&](std::size_t i, JobOutcome o) {
    out[i] = std::move(o);
    if (options.on_outcome) options.on_outcome(i, out[i]);
  };
  for (int r = 1; r < mpi::size(); ++r) assign(r);
  while (true) {
    {
      std::vector<std::pair<std::size_t, JobOutcome>> finished;
      {
        std::lock_guard lock(mutex);
        finished.swap(local_results);
      }
      for (auto& [i, o] : finished) done(i, std::move(o));
    }
    bool heard = false;
    int from = 0, tag = 0;
    while (mpi::poll(from, tag)) {
      heard = true;
      const std::vector<std::uint8_t> bytes = mpi::receive(from, tag);
      if (tag == mpi::Tag::progress) {
        add_progress(options.progress, bytes_count(bytes));
      } else if (tag == mpi::Tag::result) {
        const std::size_t i = bytes_count(bytes);
        done(i, decode_outcome({bytes.begin() + 8, bytes.end()}));
        busy[std::size_t(from)] = -1;
        assign(from);
      }
    }
    const bool ranks_busy =
        std::any_of(busy.begin(), busy.end(), [](long long i) { return i >= 0; });
    if (!ranks_busy && local_done) {
      std::lock_guard lock(mutex);
      if (local_results.empty()) break;
    }
    if (!heard) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  local.join();
  if (local_failure) std::rethrow_exception(local_failure);
}

}  // namespace

const Problem& cached_problem(const ProblemSpec& spec) {
  std::lock_guard lock(cache_mutex);
  for (const auto& [s, p] : problems)
    if (s == spec) return *p;
  problems.emplace_back(spec, std::make_unique<Problem>(load_problem(spec)));
  return *problems.back().second;
}

void remember_problem(const ProblemSpec& spec, const Problem& problem) {
  std::lock_guard lock(cache_mutex);
  for (const auto& [s, p] : problems)
    if (s == spec) return;
  problems.emplace_back(spec, std::make_unique<Problem>(problem));
}

const data::Mnist& cached_mnist(const std::string& dir, std::size_t validation_size) {
  std::lock_guard lock(cache_mutex);
  const MnistKey key{dir, validation_size};
  for (const auto& [k, m] : mnist_sets)
    if (k == key) return *m;
  mnist_sets.emplace_back(key,
                          std::make_unique<data::Mnist>(data::load_mnist(dir, validation_size)));
  return *mnist_sets.back().second;
}

std::size_t job_steps(const Job& job) {
  if (const auto* m = std::get_if<MnistJob>(&job))
    return mnist_steps(m->config, cached_mnist(m->mnist_dir, m->validation_size).train.count);
  return job_iterations(job);
}

RunnerOptions figure_runner_options(const JobStore& store, SharedProgress* progress, int jobs) {
  RunnerOptions options;
  options.jobs = std::max(1, jobs);
  options.progress = progress;
  options.folder = store.folder;
  options.resume = store.resume;
  options.run_files = false;
  options.plot = false;
  return options;
}

std::vector<JobOutcome> run_jobs(const std::vector<LinearJob>& jobs, const RunnerOptions& options) {
  return run_jobs(std::vector<Job>(jobs.begin(), jobs.end()), options);
}

std::vector<JobOutcome> run_jobs(const std::vector<Job>& jobs, const RunnerOptions& options) {
  std::vector<JobOutcome> out(jobs.size());
  std::vector<std::size_t> order;
  // A job equal to an earlier one (the same id) is trained once; it gets the earlier one's
  // outcome at the end, and its iterations count as done from the start, as a kept job's do.
  std::vector<std::pair<std::size_t, std::size_t>> copies;  // (index, index of the first)
  std::map<std::string, std::size_t> first;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const auto [earlier, fresh] = first.emplace(job_id(jobs[i]), i);
    if (!fresh) {
      copies.emplace_back(i, earlier->second);
      add_progress(options.progress, job_steps(jobs[i]));
      continue;
    }
    if (options.resume && !options.folder.empty()) {
      if (std::optional<JobOutcome> kept = read_job_folder(options.folder, jobs[i])) {
        out[i] = std::move(*kept);
        add_progress(options.progress, job_steps(jobs[i]));
        if (options.on_outcome) options.on_outcome(i, out[i]);
        continue;
      }
    }
    order.push_back(i);
  }
  const auto copy_outcomes = [&] {
    for (const auto& [i, f] : copies) {
      out[i] = out[f];
      if (options.on_outcome) options.on_outcome(i, out[i]);
    }
  };
  // Longest first, so the threads and ranks end together.
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return job_cost(jobs[a]) > job_cost(jobs[b]);
  });
  if (order.empty()) {
    copy_outcomes();
    return out;
  }
  if (!options.folder.empty()) {
    make_output_dir(options.folder);
    // What a run killed while writing a folder left under its temporary name (the folder is
    // this run's alone, claim_output_dir, and none of its jobs has started yet).
    for (const auto& e : std::filesystem::directory_iterator(options.folder))
      if (e.path().filename().string().rfind(".partial-", 0) == 0)
        std::filesystem::remove_all(e.path());
  }
  // Every problem built and data set read before any job starts: bad data is one error, not
  // one per job.
  for (std::size_t i : order) {
    if (const auto* m = std::get_if<MnistJob>(&jobs[i]))
      cached_mnist(m->mnist_dir, m->validation_size);
    else
      cached_problem(std::get<LinearJob>(jobs[i]).problem);
  }
  if (mpi::active())
    run_on_ranks(jobs, order, options, out);
  else
    run_here(jobs, order, options, out);
  copy_outcomes();
  return out;
}

int serve_jobs() {
  ad::blas::set_num_threads(1);
  while (true) {
    int from = 0, tag = 0;
    if (!mpi::poll(from, tag)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      continue;
    }
    const std::vector<std::uint8_t> bytes = mpi::receive(from, tag);
    if (tag == mpi::Tag::stop) return 0;
    if (tag != mpi::Tag::job) continue;
    const Json message = Json::from_cbor(bytes);
    const std::size_t index = message.at("index").get<std::size_t>();
    const Job job = job_from_json(message.at("job"));
    const std::string folder = message.at("folder").get<std::string>();
    const bool run_files = message.at("run_files").get<bool>();
    const bool plot = message.at("plot").get<bool>();

    // The training on a thread of its own; this one (the only one that calls MPI) reports its
    // iterations to rank 0 twice a second.
    std::atomic<std::size_t> count{0};
    std::atomic<bool> finished{false};
    JobOutcome outcome;
    std::exception_ptr failure;
    std::thread worker([&] {
      try {
        outcome = train_job(job, [&](std::size_t n) { count += n; });
        keep(job, outcome, folder, run_files, plot);
      } catch (...) {
        failure = std::current_exception();
      }
      finished = true;
    });
    std::size_t sent = 0;
    auto last = Clock::now();
    auto report = [&] {
      const std::size_t c = count.load();
      if (c > sent) mpi::send(0, mpi::Tag::progress, count_bytes(c - sent));
      sent = c;
      last = Clock::now();
    };
    while (!finished) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      if (Clock::now() - last > std::chrono::milliseconds(500)) report();
    }
    worker.join();
    if (failure) std::rethrow_exception(failure);
    report();
    std::vector<std::uint8_t> reply = count_bytes(index);
    const std::vector<std::uint8_t> body = encode_outcome(outcome);
    reply.insert(reply.end(), body.begin(), body.end());
    mpi::send(0, mpi::Tag::result, reply);
  }
}

std::string runner_description(int jobs) {
  if (mpi::active()) return std::to_string(mpi::size()) + " MPI ranks";
  return std::to_string(jobs) + (jobs == 1 ? " run at a time" : " parallel runs");
}

void stop_workers() {
  static bool stopped = false;
  if (!mpi::active() || mpi::rank() != 0 || stopped) return;
  stopped = true;
  for (int r = 1; r < mpi::size(); ++r) mpi::send(r, mpi::Tag::stop, {});
}

}  // namespace experiments
