// `overparam mnist`: train the MNIST tutorial convnet, or its overparameterized variant.
#include <boost/program_options.hpp>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <limits>

#include "autodiff/blas.hpp"
#include "data_loaders/read_file.hpp"
#include "experiments/cli/commands.hpp"
#include "experiments/cli/flags.hpp"
#include "experiments/cli/mnist_common.hpp"
#include "experiments/cli/mnist_flags.hpp"
#include "experiments/cli/resume.hpp"
#include "experiments/mnist/checkpoint.hpp"
#include "experiments/mnist/records.hpp"
#include "experiments/mnist/train.hpp"
#include "experiments/report/checkpoint.hpp"
#include "experiments/report/console.hpp"
#include "experiments/report/files.hpp"
#include "experiments/report/interrupt.hpp"
#include "experiments/report/limits.hpp"

namespace po = boost::program_options;

namespace experiments {

namespace {

// The flags that may come with --resume: how the run goes on, not what it computes.
const std::vector<std::string> resume_flags = {"threads", "progress",         "no-progress", "plot",
                                               "no-plot", "checkpoint-every", "help"};

// A 64-bit FNV-1a hash of the images and labels of every split: a resumed run must train on the
// data it started on.
std::uint64_t data_fingerprint(const data::Mnist& mnist) {
  std::uint64_t h = 14695981039346656037ull;
  auto mix = [&h](std::uint64_t word) { h = (h ^ word) * 1099511628211ull; };
  for (const data::MnistSplit* split : {&mnist.train, &mnist.validation, &mnist.test}) {
    mix(split->count);
    for (float pixel : split->images) {
      std::uint32_t bits;
      std::memcpy(&bits, &pixel, sizeof bits);
      mix(bits);
    }
    for (int label : split->labels) mix(std::uint64_t(label));
  }
  return h;
}

}  // namespace

int run_mnist(int argc, char** argv) {
  MnistFlags f;
  po::options_description flags(
      "overparam mnist: train TensorFlow's MNIST tutorial convnet, or its overparameterized\n"
      "variant (each dense weight a product of two matrices), as in the paper's last figure\n\n"
      "Usage: overparam mnist [OPTIONS]\n       overparam mnist --resume DIR\n\nOptions");
  add_mnist_flags(flags, f);
  po::variables_map vm;
  if (const int stop = parse_flags("mnist", argc, argv, flags, vm); stop >= 0) return stop;
  double checkpoint_seconds = 0;
  if (!checkpoint_interval("mnist", f.checkpoint_every, checkpoint_seconds)) return 2;
  std::vector<std::string> arguments = typed_arguments(argc, argv);
  // --resume: the run's own arguments, from its checkpoint, replace the command line's.
  Json checkpoint;
  if (vm.count("resume")) {
    const std::string dir = f.resume;
    // A file it cannot use: DataError, exit 1.
    if (const int stop = open_resume("mnist", vm, resume_flags, dir, checkpoint); stop >= 0)
      return stop;
    MnistFlags saved;
    po::options_description saved_flags;
    add_mnist_flags(saved_flags, saved);
    po::variables_map saved_vm;
    parse_saved_arguments("mnist", dir, checkpoint, saved_flags, saved_vm);
    arguments = checkpoint.at("arguments").get<std::vector<std::string>>();
    saved.out = dir;  // where the run is now, whatever --out it was given
    if (!vm["threads"].defaulted()) saved.threads = f.threads;
    if (f.no_progress) saved.no_progress = true;
    if (f.no_plot) saved.no_plot = true;
    if (!vm["checkpoint-every"].defaulted()) saved.checkpoint_every = f.checkpoint_every;
    f = saved;
    f.resume = dir;
  }
  MnistConfig& c = f.c;
  c.progress = !f.no_progress;
  c.verbose = true;
  try {
    check_mnist_flags(f);
  } catch (const std::invalid_argument& e) {
    std::cerr << "overparam mnist: " << e.what() << "\n";
    return 2;
  }
  data::Mnist mnist;
  if (!load_mnist_or_explain("mnist", f.mnist_dir, f.validation_size, mnist)) return 1;
  use_mnist_threads(f.threads);
  try {  // every thread's OpenBLAS buffer must fit, or OpenBLAS spins (report/limits.hpp)
    require_memory(double(ad::blas::num_threads()) * blas_thread_reserve_bytes,
                   std::to_string(ad::blas::num_threads()) + " threads (--threads)");
  } catch (const std::invalid_argument& e) {
    std::cerr << "overparam mnist: " << e.what() << "; give fewer --threads or a larger limit\n";
    return 2;
  }
  Json settings = mnist_result_json(c, MnistResult{}, f.mnist_dir, f.threads)["settings"];
  settings["validation_size"] = f.validation_size;
  const std::uint64_t fingerprint = data_fingerprint(mnist);
  if (!f.resume.empty()) {
    // The checkpoint must be this run's: the same settings as this program reads its arguments,
    // and the same images (files changed since would train another model).
    const std::string path = checkpoint_path(f.resume);
    require_saved_settings(f.resume, checkpoint, settings, {"threads"});
    if (checkpoint.value("data_fingerprint", std::uint64_t{0}) != fingerprint)
      throw data::DataError(path + ": the images in " + f.mnist_dir +
                            " are not those the run started on");
    try {
      c.resume =
          std::make_shared<MnistCheckpoint>(mnist_checkpoint_from_record(checkpoint.at("state")));
    } catch (const std::exception& e) {
      throw data::DataError(path + ": " + e.what());
    }
  }
  std::string out = f.out;
  if (out.empty())
    out = new_run_dir("runs/mnist-" + f.variant);
  else
    claim_output_dir(out);

  const std::size_t steps = mnist_steps(c, mnist.train.count);
  say("data: %s (%zu training, %zu validation, %zu test images)\n", f.mnist_dir.c_str(),
      mnist.train.count, mnist.validation.count, mnist.test.count);
  say("model: %s%s, %zu steps of batch %zu (%.2f epochs), seed %llu, %d threads\n",
      f.variant.c_str(), c.variant == MnistVariant::overparam ? (", l2 on " + f.l2_on).c_str() : "",
      steps, c.batch_size, double(steps * c.batch_size) / double(mnist.train.count),
      (unsigned long long)c.seed, ad::blas::num_threads());
  if (c.resume) say("resuming %s at step %zu of %zu\n", out.c_str(), c.resume->step, steps);
  Json header;
  header["arguments"] = arguments;
  header["settings"] = settings;
  header["data_fingerprint"] = fingerprint;
  c.save_checkpoint = [header, out](const MnistCheckpoint& state) {
    Json record = header;
    record["state"] = mnist_checkpoint_record(state);
    write_checkpoint(out, "mnist", std::move(record));
  };
  checkpoint_interval("mnist", f.checkpoint_every, c.checkpoint_seconds);  // checked above
  c.progress_label = f.variant;
  const MnistResult r = train_mnist(mnist, c);
  write_mnist_run(out, c, r, f.mnist_dir, f.threads, !f.no_plot);
  if (r.interrupted) {
    std::cerr << "overparam mnist: interrupted after " << r.steps << " of " << steps
              << " steps; the batch losses so far are in " << out
              << "/, and 'overparam mnist --resume " << out << "' continues it\n";
    return interrupted_exit_code();
  }
  remove_checkpoint(out);  // complete: nothing left to resume

  const MnistEval& last = r.evals.back();
  say("batch loss %.4f -> %.4f over %zu steps (%.1f ms per step, %.0f s training, "
      "%.0f s evaluating)\n",
      r.batch_loss.front(), r.batch_loss.back(), r.steps, 1e3 * r.seconds_per_step(),
      r.train_seconds, r.eval_seconds);
  say("validation error %.2f%%, test error %.2f%%\n", last.validation_error, last.test_error);
  say("wrote %s/ (batch_loss.csv, eval.csv, run.json%s)\n", out.c_str(),
      f.no_plot ? "" : ", batch_loss.png");
  if (r.diverged) {
    std::cerr << "overparam mnist: the loss diverged at step " << r.steps << "\n";
    return 3;
  }
  return 0;
}

}  // namespace experiments
