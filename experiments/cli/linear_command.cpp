// `overparam linear`: train a linear network (or the end-to-end rule) on l_p regression.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <utility>

#include "autodiff/blas.hpp"
#include "data_loaders/npy.hpp"
#include "data_loaders/read_file.hpp"
#include "experiments/cli/commands.hpp"
#include "experiments/cli/flags.hpp"
#include "experiments/cli/linear_flags.hpp"
#include "experiments/cli/resume.hpp"
#include "experiments/linear/checkpoint.hpp"
#include "experiments/linear/layers_io.hpp"
#include "experiments/linear/problem.hpp"
#include "experiments/linear/records.hpp"
#include "experiments/linear/trainer.hpp"
#include "experiments/report/checkpoint.hpp"
#include "experiments/report/files.hpp"
#include "experiments/report/interrupt.hpp"
#include "experiments/report/json.hpp"
#include "experiments/report/limits.hpp"
#include "experiments/report/plot.hpp"

namespace po = boost::program_options;

namespace experiments {

namespace {

Json settings_json(const LinearFlags& f, const LinearConfig& c, const ProblemSpec& spec) {
  Json s = linear_settings_json(spec, c);
  s["threads"] = f.threads;
  s["load_init"] = f.load_init;
  return s;
}

// The flags of this command beyond those every linear command shares.
struct RunFlags {
  std::string resume;
  double checkpoint_every = 300;
};

// The flags that may come with --resume: how the run goes on, not what it computes.
const std::vector<std::string> resume_flags = {"threads", "progress",         "no-progress", "plot",
                                               "no-plot", "checkpoint-every", "help"};

void declare_flags(po::options_description& flags, LinearFlags& f, RunFlags& r) {
  flags.add_options()("help,h", "print this help");
  add_linear_flags(flags, f);
  add_resume_flags(flags, r.checkpoint_every, r.resume);
}

}  // namespace

int run_linear(int argc, char** argv) {
  LinearFlags f;
  RunFlags r;
  po::options_description flags(
      "overparam linear: train a linear model (a depth-N linear network, or the paper's\n"
      "end-to-end rule) on l_p regression over the UCI gas sensor ethanol data\n\n"
      "Usage: overparam linear [OPTIONS]\n       overparam linear --resume DIR\n\nOptions");
  declare_flags(flags, f, r);
  po::variables_map vm;
  if (const int stop = parse_flags("linear", argc, argv, flags, vm); stop >= 0) return stop;
  double checkpoint_seconds = 0;
  if (!checkpoint_interval("linear", r.checkpoint_every, checkpoint_seconds)) return 2;
  std::vector<std::string> arguments = typed_arguments(argc, argv);
  // --resume: the run's own arguments, from its checkpoint, replace the command line's.
  Json checkpoint;
  if (vm.count("resume")) {
    const std::string dir = r.resume;
    // A file it cannot use: DataError, exit 1.
    if (const int stop = open_resume("linear", vm, resume_flags, dir, checkpoint); stop >= 0)
      return stop;
    LinearFlags saved;
    RunFlags saved_run;
    po::options_description saved_flags;
    declare_flags(saved_flags, saved, saved_run);
    po::variables_map saved_vm;
    parse_saved_arguments("linear", dir, checkpoint, saved_flags, saved_vm);
    arguments = checkpoint.at("arguments").get<std::vector<std::string>>();
    saved.out = dir;  // where the run is now, whatever --out it was given
    if (!vm["threads"].defaulted()) saved.threads = f.threads;
    if (f.no_progress) saved.no_progress = true;
    if (f.no_plot) saved.no_plot = true;
    if (vm["checkpoint-every"].defaulted()) r.checkpoint_every = saved_run.checkpoint_every;
    f = saved;
    r.resume = dir;
  }
  // A flag given an empty list is a mistake, not a request for the default.
  if (vm.count("lr-grid") && !vm["lr-grid"].defaulted() && f.lr_grid.empty()) {
    std::cerr << "overparam linear: --lr-grid: no rates given (an empty list); expected e.g. "
                 "1e-3,5e-3,1e-2\n";
    return 2;
  }
  for (const char* flag : {"load-init", "save-init", "out"}) {  // given, but empty: no folder
    if (vm.count(flag) && vm[flag].as<std::string>().empty()) {
      std::cerr << "overparam linear: --" << flag << " needs a folder, got an empty name\n";
      return 2;
    }
  }
  const bool plot = !f.no_plot;
  LinearConfig c;
  data::Normalization normalization{};
  LossScale loss_scale{};
  try {
    c = check_linear_flags(f, normalization, loss_scale);
  } catch (const std::invalid_argument& e) {
    std::cerr << "overparam linear: " << e.what() << "\n";
    return 2;
  }
  ad::blas::set_num_threads(f.threads);
  // The data's real shape bounds the optimum and the training before either allocates.
  data::Dataset ds = load_problem_data(f.data, f.gas, normalization, f.whiten);
  require_optimum_fits(ds);  // the file's own shape first: a DataError, exit 1
  try {
    require_linear_memory(c, ds.rows, ds.features, f.p);
  } catch (const std::invalid_argument& e) {
    std::cerr << "overparam linear: " << e.what() << "\n";
    return 2;
  }
  const Problem problem = make_problem(std::move(ds), f.p, normalization, loss_scale, f.whiten);
  const ProblemSpec spec{f.data, f.gas, normalization, f.whiten, f.p, loss_scale};
  Json settings = settings_json(f, c, spec);
  if (!r.resume.empty()) {
    // The checkpoint must be this run's: the same settings as this program reads its arguments,
    // and the same data (a file changed since would give another optimum).
    const std::string path = checkpoint_path(r.resume);
    require_saved_settings(r.resume, checkpoint, settings, {"threads"});
    if (checkpoint.value("rows", std::size_t{0}) != problem.x.rows() ||
        checkpoint.value("features", std::size_t{0}) != problem.x.cols() ||
        checkpoint.value("l_star", 0.0) != problem.l_star)
      throw data::DataError(path + ": the data in " + f.data +
                            " are not those the run started on (another number of rows, "
                            "features or optimum L*)");
    try {
      c.resume =
          std::make_shared<LinearCheckpoint>(linear_checkpoint_from_record(checkpoint.at("state")));
    } catch (const std::exception& e) {
      throw data::DataError(path + ": " + e.what());
    }
  } else if (!f.load_init.empty()) {  // a resumed run has its initial layers in the checkpoint
    c.initial_layers =
        load_layers(f.load_init, c.depth, problem.x.cols(), c.width, problem.y.cols());
  }
  // Only now, with the data and the layers read, the output folders: a refused run leaves none.
  // Every place the run will write is created and checked before training, so no training is
  // lost to an unwritable --save-init found at the end.
  if (!f.save_init.empty()) make_output_dir(f.save_init);
  std::string out = f.out;
  if (out.empty())
    out = new_run_dir("runs/linear");
  else
    claim_output_dir(out);
  std::printf("data: %s (%zu rows, %zu features, %s), l_%d loss (%s), L* = %.10e\n",
              problem.source.c_str(), problem.x.rows(), problem.x.cols(),
              (f.normalize + (f.whiten ? ", whitened" : "")).c_str(), f.p,
              loss_scale_name(loss_scale), problem.l_star);
  std::printf(
      "model: depth %zu, width %zu, init %s (std %g), optimizer %s (%s), %zu iterations, %s\n",
      c.depth, c.width, nn::init_name(c.init), c.init_std, optim::optimizer_name(c.optimizer),
      describe_hyperparameters(c.optimizer, c.hyper).c_str(), c.iterations, dtype_name(c.dtype));
  if (c.resume)
    std::printf("resuming %s at iteration %zu of %zu\n", out.c_str(), c.resume->iteration,
                c.iterations);
  if (c.explain == 0) {  // --explain's steps are printed as they happen: no checkpoint holds them
    Json header;
    header["arguments"] = arguments;
    header["settings"] = settings;
    header["rows"] = problem.x.rows();
    header["features"] = problem.x.cols();
    header["l_star"] = problem.l_star;
    c.save_checkpoint = [header, out](const LinearCheckpoint& state) {
      Json record = header;
      record["state"] = linear_checkpoint_record(state);
      write_checkpoint(out, "linear", std::move(record));
    };
    checkpoint_interval("linear", r.checkpoint_every, c.checkpoint_seconds);  // checked above
  }

  const std::vector<double>& rates = c.rates;
  std::vector<LinearResult> results = train_linear(problem, c);
  if (!f.save_init.empty()) save_layers(f.save_init, results[0].initial_layers);
  for (std::size_t i = 0; i < rates.size(); ++i) {
    const LinearResult& r = results[i];
    std::printf("lr %-10s final loss %.10e  distance %.4e  %s\n", show(rates[i]).c_str(),
                r.final_loss, r.final_loss - problem.l_star,
                r.diverged ? ("DIVERGED at iteration " + std::to_string(r.diverged_at)).c_str()
                : r.interrupted
                    ? ("interrupted at iteration " + std::to_string(r.iterations_done)).c_str()
                    : "");
  }
  const std::size_t best = best_run(results);
  const bool all_diverged = best == rates.size();
  const LinearResult& chosen = results[all_diverged ? 0 : best];
  if (rates.size() > 1 && !all_diverged) std::printf("best lr: %s\n", show(rates[best]).c_str());
  const bool e2e = c.optimizer == optim::OptimizerKind::e2e;
  write_linear_run(out, settings, problem, c, results, plot);
  if (std::none_of(results.begin(), results.end(),
                   [](const LinearResult& run) { return run.interrupted; }))
    remove_checkpoint(out);  // complete: nothing left to resume
  std::printf("wrote %s/ (losses.csv, run.json, %s%s)\n", out.c_str(), e2e ? "W.npy" : "W1.npy ...",
              plot ? ", loss.png" : "");
  if (interrupted()) {
    std::fprintf(stderr,
                 "overparam linear: interrupted at iteration %zu of %zu; the rows so far "
                 "are in %s/, and 'overparam linear --resume %s' continues it\n",
                 chosen.iterations_done, c.iterations, out.c_str(), out.c_str());
    return interrupted_exit_code();
  }
  if (all_diverged) {
    std::fprintf(stderr, "overparam linear: every run diverged; try a smaller --lr\n");
    return 3;
  }
  return 0;
}

}  // namespace experiments
