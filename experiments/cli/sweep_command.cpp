// `overparam sweep linear|mnist --vary FLAG=v1,v2,... [--vary ...] [--seeds K]`: the cartesian
// product of the values as jobs for the runner, locally or on MPI ranks, resumable.
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "experiments/cli/commands.hpp"
#include "experiments/cli/flags.hpp"
#include "experiments/cli/linear_flags.hpp"
#include "experiments/cli/mnist_common.hpp"
#include "experiments/cli/mnist_flags.hpp"
#include "experiments/figures/mnist_runs.hpp"
#include "experiments/figures/sweep.hpp"
#include "experiments/linear/layers_io.hpp"
#include "experiments/report/console.hpp"
#include "experiments/report/files.hpp"
#include "experiments/report/interrupt.hpp"
#include "experiments/runner/mpi.hpp"
#include "experiments/runner/runner.hpp"

namespace po = boost::program_options;

namespace experiments {

namespace {

// The most jobs one sweep takes: combinations x seeds.
constexpr std::size_t max_sweep_jobs = 100'000;

// What a sweep trains: `overparam linear` runs or `overparam mnist` runs.
enum class SweepKind { linear, mnist };

const char* kind_name(SweepKind kind) {
  return kind == SweepKind::linear ? "linear" : "mnist";
}

// Flags a sweep sets itself, or that make no sense per job.
const std::set<std::string>& not_varied() {
  static const std::set<std::string> flags{
      "help", "out",     "save-init", "load-init",       "explain", "threads",
      "plot", "no-plot", "progress",  "no-progress",     "vary",    "seeds",
      "jobs", "resume",  "lr-grid",   "checkpoint-every"};
  return flags;
}

// The flags of either kind of run; the sweep fills the one of its kind.
struct RunFlags {
  LinearFlags linear;
  MnistFlags mnist;
};

struct SweepFlags {
  std::vector<std::string> vary;
  std::string what;
  std::size_t seeds = 1;
  int jobs = default_jobs();
  bool resume = false;
};

po::options_description sweep_flags(SweepKind kind, RunFlags& f, SweepFlags& s) {
  const std::string what = kind_name(kind);
  po::options_description flags(
      "overparam sweep: train every combination of a few flags' values, from K seeds each, on\n"
      "this machine's cores or on MPI ranks (mpirun -np N overparam sweep ...; docs/CLUSTER.md)\n\n"
      "Usage: overparam sweep linear|mnist --vary FLAG=V1,V2,... [--vary ...] [--seeds K]\n"
      "                      [--out DIR] [--resume] [any flag of 'overparam linear' or 'overparam\n"
      "                      mnist', the same for every job]\n\n"
      "Writes DIR/sweep.csv (a row per job), DIR/summary.csv (a row per combination: for linear\n"
      "runs the rate chosen on the median over seeds and the distance's median, min and max; for\n"
      "mnist runs the final batch loss's and test error's), DIR/sweep.png, DIR/sweep.json (what\n"
      "was run), and DIR/jobs/ID/ (each job's folder, as 'linear' or 'mnist' writes it). Rerun\n"
      "the same command with --resume to train only the jobs not yet finished. Linear jobs run\n"
      "--jobs at a time; mnist jobs one at a time on --threads (under MPI one a rank).\n\n"
      "Options");
  flags.add_options()("help,h", "print this help")(
      "vary", po::value(&s.vary)->composing(),
      ("FLAG=V1,V2,...: a flag of 'overparam " + what +
       "' and its values (switches: on,off); repeat for more flags")
          .c_str())("seeds", po::value(&s.seeds)->default_value(s.seeds),
                    "initialization seeds per combination: --seed, --seed + 1, ...")(
      "jobs", po::value(&s.jobs)->default_value(s.jobs),
      "linear jobs at once on this machine (each single-threaded); under MPI one per rank")(
      "resume", po::bool_switch(&s.resume),
      "continue the sweep in --out: keep its finished jobs, train the rest");
  po::options_description run_flags("Flags of 'overparam " + what + "'");
  if (kind == SweepKind::linear)
    add_linear_flags(run_flags, f.linear);
  else
    add_mnist_flags(run_flags, f.mnist, false);
  flags.add(run_flags);
  return flags;
}

// linear or mnist: the sweep's first word. A sweep whose first word is a flag (--help, or the
// kind given after its flags) reads linear's flags.
SweepKind sweep_kind(int argc, char** argv) {
  return argc > 1 && std::string(argv[1]) == "mnist" ? SweepKind::mnist : SweepKind::linear;
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::string::size_type start = 0;
  while (true) {
    const auto at = text.find(sep, start);
    parts.push_back(text.substr(start, at == std::string::npos ? at : at - start));
    if (at == std::string::npos) return parts;
    start = at + 1;
  }
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The --vary axes, checked against the flags of `linear` and the flags given.
std::vector<SweepAxis> check_axes(SweepKind kind, const SweepFlags& s,
                                  const po::options_description& flags,
                                  const po::variables_map& vm) {
  if (s.vary.empty())
    throw std::invalid_argument(
        "nothing to sweep: give --vary FLAG=V1,V2,... (e.g. --vary depth=1,2,3)");
  std::vector<SweepAxis> axes;
  for (const std::string& spec : s.vary) {
    const auto eq = spec.find('=');
    std::string flag = spec.substr(0, eq);
    while (!flag.empty() && flag[0] == '-') flag.erase(0, 1);
    if (eq == std::string::npos || flag.empty())
      throw std::invalid_argument("--vary '" + excerpt(spec) +
                                  "': expected FLAG=V1,V2,... (e.g. depth=1,2,3)");
    if (not_varied().count(flag))
      throw std::invalid_argument("--vary " + flag + ": a sweep cannot vary --" + flag +
                                  (flag == "lr-grid"
                                       ? " (each job trains its whole --lr-grid; vary --lr instead)"
                                       : " (it is the sweep's, or the same for every job)"));
    const po::option_description* option = flags.find_nothrow(flag, false);
    if (option == nullptr || option->long_name() != flag)
      throw std::invalid_argument("--vary " + excerpt(flag) + ": not a flag of 'overparam " +
                                  kind_name(kind) + "' (see overparam " + kind_name(kind) +
                                  " --help)");
    if (flag == "seed" && s.seeds > 1)
      throw std::invalid_argument("--vary seed with --seeds " + std::to_string(s.seeds) +
                                  ": give one or the other");
    for (const SweepAxis& a : axes)
      if (a.flag == flag) throw std::invalid_argument("--vary " + flag + " is given twice");
    if (vm.count(flag) && !vm[flag].defaulted())
      throw std::invalid_argument("--" + flag + " is both given and varied; drop one");
    if (eq + 1 == spec.size())
      throw std::invalid_argument("--vary " + flag + ": no values (an empty list); expected e.g. " +
                                  flag + "=V1,V2");
    SweepAxis axis{flag, split(spec.substr(eq + 1), ',')};
    for (const std::string& v : axis.values)
      if (v.empty())
        throw std::invalid_argument("--vary " + flag + ": an empty value in '" +
                                    excerpt(spec.substr(eq + 1)) + "'");
    std::set<std::string> seen;
    for (const std::string& v : axis.values)
      if (!seen.insert(v).second)
        throw std::invalid_argument("--vary " + flag + ": the value " + excerpt(v) +
                                    " is given twice");
    axes.push_back(std::move(axis));
  }
  return axes;
}

// The flags of one combination: the user's, plus one --FLAG=VALUE per axis, parsed and checked
// by linear's own code, so a value the flag refuses is refused with linear's message.
Job combination_job(SweepKind kind, const std::vector<std::string>& user_args,
                    const std::vector<SweepAxis>& axes, const std::vector<std::string>& values,
                    const po::options_description& flags) {
  std::vector<std::string> args = user_args;
  for (std::size_t a = 0; a < axes.size(); ++a) {
    const po::option_description* option = flags.find_nothrow(axes[a].flag, false);
    const bool is_switch = option->semantic()->max_tokens() == 0;
    if (!is_switch) {
      args.push_back("--" + axes[a].flag + "=" + values[a]);
      continue;
    }
    if (values[a] == "on" || values[a] == "true" || values[a] == "1")
      args.push_back("--" + axes[a].flag);
    else if (values[a] != "off" && values[a] != "false" && values[a] != "0")
      throw std::invalid_argument("--vary " + axes[a].flag + "=" + excerpt(values[a]) + ": --" +
                                  axes[a].flag + " is a switch; its values are on and off");
  }
  RunFlags f;
  SweepFlags s;
  po::options_description local = sweep_flags(kind, f, s);
  po::options_description hidden;
  hidden.add_options()("what", po::value(&s.what));
  po::options_description all;
  all.add(local).add(hidden);
  po::positional_options_description positional;
  positional.add("what", 1);
  std::string where;
  for (std::size_t a = 0; a < axes.size(); ++a)
    where += (a ? " " : "") + axes[a].flag + "=" + excerpt(values[a]);
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
    if (kind == SweepKind::mnist) {
      check_mnist_flags(f.mnist);
      return MnistJob{f.mnist.mnist_dir, f.mnist.validation_size,
                      mnist_job_threads(f.mnist.threads), f.mnist.c};
    }
    const LinearFlags& l = f.linear;
    LinearJob job;
    job.config = check_linear_flags(l, job.problem.normalization, job.problem.loss_scale);
    job.problem.data = l.data;
    job.problem.gas = l.gas;
    job.problem.whiten = l.whiten;
    job.problem.p = l.p;
    job.config.progress = false;
    if (!l.load_init.empty()) job.config.initial_layers.clear();  // loaded once the data is read
    return job;
  } catch (const po::error& e) {
    throw std::invalid_argument("--vary " + where + ": " + e.what());
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("--vary " + where + ": " + e.what());
  }
}

// "1 thread", "2 threads": what a MNIST job trains on here.
std::string threads_text(int threads) {
  const int n = mnist_job_threads(threads);
  return std::to_string(n) + (n == 1 ? " thread" : " threads");
}

// The seed of a job: the combination's --seed plus `offset`.
void add_to_seed(Job& job, std::size_t offset) {
  if (auto* m = std::get_if<MnistJob>(&job))
    m->config.seed += offset;
  else
    std::get<LinearJob>(job).config.seed += offset;
}

Json sweep_record(SweepKind kind, const std::vector<std::string>& user_args, const Sweep& sweep) {
  Json record;
  record["version"] = OVERPARAM_VERSION;
  record["command"] = std::string("sweep ") + kind_name(kind);
  record["arguments"] = user_args;
  Json axes = Json::array();
  for (const SweepAxis& a : sweep.axes)
    axes.push_back(Json{{"flag", a.flag}, {"values", a.values}});
  record["axes"] = axes;
  record["seeds"] = sweep.seeds;
  Json jobs = Json::array();
  for (const SweepJob& j : sweep.jobs)
    jobs.push_back(Json{{"id", job_id(j.job)},
                        {"combination", j.combination},
                        {"values", j.values},
                        {"seed", j.seed}});
  record["jobs"] = jobs;
  return record;
}

}  // namespace

int run_sweep(int argc, char** argv) {
  const SweepKind kind = sweep_kind(argc, argv);
  RunFlags f;
  SweepFlags s;
  const po::options_description flags = sweep_flags(kind, f, s);
  po::options_description hidden;
  hidden.add_options()("what", po::value(&s.what));
  po::positional_options_description positional;
  positional.add("what", 1);
  po::variables_map vm;
  if (const int stop = parse_flags("sweep", argc, argv, flags, vm, &hidden, &positional); stop >= 0)
    return stop;
  const std::vector<std::string> user_args(argv + 1, argv + argc);
  const bool mnist = kind == SweepKind::mnist;
  const std::string& out_flag = mnist ? f.mnist.out : f.linear.out;
  const bool no_plot = mnist ? f.mnist.no_plot : f.linear.no_plot;
  const bool no_progress = mnist ? f.mnist.no_progress : f.linear.no_progress;
  Sweep sweep;
  try {
    if (s.what == "mnist" && !mnist)
      throw std::invalid_argument(
          "the kind of sweep comes first: overparam sweep mnist --vary ...");
    if (s.what != kind_name(kind))
      throw std::invalid_argument(
          s.what.empty() ? "what to sweep? overparam sweep linear|mnist --vary FLAG=V1,V2,..."
                         : "unknown sweep '" + excerpt(s.what) +
                               "'; sweeps train linear or mnist runs (overparam sweep linear ...)");
    if (vm.count("out") && out_flag.empty())
      throw std::invalid_argument("--out needs a folder, got an empty name");
    if (s.resume && out_flag.empty())
      throw std::invalid_argument("--resume needs the --out of the sweep to continue");
    if (s.jobs < 1 || s.jobs > 256) throw std::invalid_argument("--jobs must be between 1 and 256");
    check_range("--seeds", s.seeds, 1, max_seeds);
    if (!mnist && f.linear.explain > 0)
      throw std::invalid_argument("--explain takes a single run apart; use linear");
    if (!mnist && !f.linear.save_init.empty())
      throw std::invalid_argument(
          "--save-init: each job's initial layers are in its own folder "
          "(W1.npy ... are its final ones); use linear for one run");
    sweep.axes = check_axes(kind, s, flags, vm);
    sweep.seeds = s.seeds;
    const auto combinations = sweep_combinations(sweep.axes);
    if (combinations.size() > max_sweep_jobs / s.seeds)
      throw std::invalid_argument(std::to_string(combinations.size()) + " combinations x " +
                                  std::to_string(s.seeds) + " seeds is more than " +
                                  std::to_string(max_sweep_jobs) + " jobs");
    for (std::size_t c = 0; c < combinations.size(); ++c) {
      const Job base = combination_job(kind, user_args, sweep.axes, combinations[c], flags);
      for (std::size_t seed = 0; seed < s.seeds; ++seed) {
        SweepJob j{c, combinations[c], seed, base};
        add_to_seed(j.job, seed);
        sweep.jobs.push_back(std::move(j));
      }
    }
  } catch (const std::invalid_argument& e) {
    std::cerr << "overparam sweep: " << e.what() << "\n";
    return 2;
  }
  // The data of every combination, and the memory each job needs, before any folder exists.
  for (SweepJob& j : sweep.jobs) {
    if (const auto* m = std::get_if<MnistJob>(&j.job)) {
      if (!cached_mnist_or_explain("sweep", m->mnist_dir, m->validation_size)) return 1;
      const std::size_t images = cached_mnist(m->mnist_dir, m->validation_size).train.count;
      if (images <= m->config.batch_size) {
        std::cerr << "overparam sweep: " << combination_label(sweep.axes, j.values)
                  << ": --batch-size " << m->config.batch_size
                  << " needs more training images than that; " << m->mnist_dir << " has " << images
                  << " after the validation set\n";
        return 2;
      }
      continue;
    }
    LinearJob& job = std::get<LinearJob>(j.job);
    const Problem& problem = cached_problem(job.problem);
    try {
      require_linear_memory(job.config, problem.x.rows(), problem.x.cols(), problem.p);
    } catch (const std::invalid_argument& e) {
      std::cerr << "overparam sweep: " << combination_label(sweep.axes, j.values) << ": "
                << e.what() << "\n";
      return 2;
    }
    if (!f.linear.load_init.empty())
      job.config.initial_layers = load_layers(f.linear.load_init, job.config.depth,
                                              problem.x.cols(), job.config.width, problem.y.cols());
  }

  const std::string out = out_flag.empty() ? new_run_dir("runs/sweep") : out_flag;
  const Json record = sweep_record(kind, user_args, sweep);
  const std::string record_path = out + "/sweep.json";
  if (!out_flag.empty()) {
    const bool exists = std::filesystem::exists(record_path);
    if (exists && !s.resume) {
      std::cerr << "overparam sweep: " << out << " already holds a sweep (sweep.json); add "
                << "--resume to finish it, or choose another --out\n";
      return 2;
    }
    if (s.resume && exists) {
      Json old;
      try {
        old = Json::parse(slurp(record_path));
      } catch (const Json::exception&) {
        std::cerr << "overparam sweep: " << record_path << " is not a sweep record\n";
        return 2;
      }
      if (!old.contains("jobs") || old["jobs"] != record["jobs"]) {
        std::cerr << "overparam sweep: " << out << " holds another sweep (its sweep.json lists "
                  << "other jobs); --resume continues the same command, or choose another --out\n";
        return 2;
      }
    }
    claim_output_dir(out);
  }
  Json running = record;
  running["status"] = "running";
  write_json(record_path, running);

  say("sweep: %zu combinations x %zu seed(s) = %zu %s jobs, %s, into %s/\n",
      sweep.jobs.size() / s.seeds, s.seeds, sweep.jobs.size(), kind_name(kind),
      mnist && !mpi::active() ? ("one at a time on " + threads_text(f.mnist.threads)).c_str()
                              : runner_description(s.jobs).c_str(),
      out.c_str());
  std::size_t planned = 0;
  for (const SweepJob& j : sweep.jobs) planned += job_steps(j.job);
  SharedProgress progress("sweep", planned, !no_progress);
  RunnerOptions options;
  options.jobs = s.jobs;
  options.progress = &progress;
  options.folder = out + "/jobs";
  options.resume = s.resume;
  options.plot = !no_plot;
  std::size_t ended = 0, resumed = 0;
  options.on_outcome = [&](std::size_t i, const JobOutcome& o) {
    ++ended;
    if (o.resumed) {
      ++resumed;
      return;
    }
    if (o.status == JobStatus::interrupted) return;
    say("job %zu/%zu %s: %s, seed %zu (%.1f s%s)%s%s\n", ended, sweep.jobs.size(),
        job_status_name(o.status), combination_label(sweep.axes, sweep.jobs[i].values).c_str(),
        sweep.jobs[i].seed, o.seconds,
        mpi::active() ? (", rank " + std::to_string(o.rank)).c_str() : "",
        o.error.empty() ? "" : ": ", o.error.c_str());
  };
  const std::vector<JobOutcome> outcomes = run_jobs(
      [&] {
        std::vector<Job> jobs;
        for (const SweepJob& j : sweep.jobs) jobs.push_back(j.job);
        return jobs;
      }(),
      options);
  progress.finish();
  if (resumed > 0) say("resumed: %zu finished jobs read from %s/jobs/\n", resumed, out.c_str());

  std::vector<Series> curves;
  PlotOptions plot;
  const std::string over =
      "median over " + std::to_string(s.seeds) + (s.seeds == 1 ? " seed" : " seeds");
  if (mnist) {
    mnist_sweep_csv(sweep, outcomes).write(out + "/sweep.csv");
    mnist_sweep_summary_csv(sweep, outcomes, &curves).write(out + "/summary.csv");
    plot.title =
        "sweep: MNIST convnet, batch loss, " + over + (s.seeds > 1 ? ", band: min to max" : "");
    plot.xlabel = "step";
    plot.ylabel = "batch loss";
  } else {
    std::vector<double> l_star;
    for (const SweepJob& j : sweep.jobs)
      l_star.push_back(cached_problem(std::get<LinearJob>(j.job).problem).l_star);
    sweep_csv(sweep, outcomes, l_star).write(out + "/sweep.csv");
    sweep_summary_csv(sweep, outcomes, l_star, &curves).write(out + "/summary.csv");
    plot.title = "sweep: l_" + std::to_string(f.linear.p) + " regression, " + over;
    plot.ylabel = "L - L* (distance from optimum)";
  }
  if (!no_plot && !curves.empty()) plot_png(out + "/sweep.png", curves, plot);
  std::size_t done = 0, failed = 0, missing = 0;
  for (const JobOutcome& o : outcomes) {
    done += o.status == JobStatus::done;
    failed += o.status == JobStatus::failed;
    missing += o.status == JobStatus::interrupted || o.status == JobStatus::missing;
  }
  Json final_record = record;
  final_record["status"] = missing ? "interrupted" : failed ? "failed jobs" : "complete";
  final_record["done"] = done;
  final_record["failed"] = failed;
  final_record["unfinished"] = missing;
  write_json(record_path, final_record);
  say("wrote %s/ (sweep.csv, summary.csv, %ssweep.json, jobs/): %zu done, %zu failed, %zu "
      "unfinished\n",
      out.c_str(), no_plot ? "" : "sweep.png, ", done, failed, missing);
  if (missing > 0 || interrupted()) {
    std::fprintf(stderr,
                 "overparam sweep: %zu jobs unfinished; rerun the same command with --resume "
                 "to train only those\n",
                 missing);
    return interrupted() ? interrupted_exit_code() : 1;
  }
  return failed > 0 ? 1 : 0;
}

}  // namespace experiments
