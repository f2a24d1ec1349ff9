// The command line's edge: flags become typed, checked settings here, once.
//
// Each command declares its flags with Boost.Program_options, calls parse_flags, and turns the
// values into the typed settings of its domain (enums, lists of rates, counts within their
// limits) with the helpers below. A user's mistake is one line on stderr naming the flag, and
// exit code 2; nothing below the command parses or checks a flag again.
#pragma once

#include <boost/program_options.hpp>
#include <string>
#include <vector>

#include "autodiff/conv.hpp"
#include "experiments/figures/catalogue.hpp"
#include "experiments/linear/trainer.hpp"
#include "optim/factory.hpp"

namespace experiments {

// Parses a command's flags into `vm`. Prints the help for --help (`flags` only: `hidden` holds
// positional arguments) or one line naming a bad flag. Returns the exit code when the command
// should stop now (0 after --help, 2 after a bad flag), or -1 to go on.
int parse_flags(const std::string& command, int argc, char** argv,
                const boost::program_options::options_description& flags,
                boost::program_options::variables_map& vm,
                const boost::program_options::options_description* hidden = nullptr,
                const boost::program_options::positional_options_description* positional = nullptr);

// The checks below throw std::invalid_argument with the message the user sees.

// A user's token as a message may quote it: at most 40 characters, then "... (N bytes)", with
// every byte outside printable ASCII (NUL, CR, ESC ...) shown as \xNN.
std::string excerpt(const std::string& token);

// "1e-3,5e-3": positive finite rates, at least one ("FLAG: 'x' is not a positive number ...").
std::vector<double> parse_rates(const std::string& flag, const std::string& text);
// gd|momentum|adagrad|adadelta|rmsprop|adam|e2e.
optim::OptimizerKind parse_optimizer(const std::string& name);
// float64|float32.
DType parse_dtype(const std::string& name);
// mean|mean-over-p (--loss-scale).
LossScale parse_loss_scale(const std::string& name);
// tensorflow|pytorch (--optimizer-defaults).
optim::Preset parse_preset(const std::string& name);
// The settings of `figure` and `reproduce` beyond the paper's, as typed.
struct FigureFlags {
  std::string normalize = "zscore", loss_scale = "mean", optimizer_defaults = "tensorflow";
  std::string lr_grid;
  std::size_t iterations = 0, width = 0, seeds = 0;
  bool whiten = false;
};
// Declares --normalize, --whiten, --loss-scale, --optimizer-defaults, --iterations, --lr-grid,
// --width and --seeds (with `seeds_help`, whose default differs between the commands).
void add_figure_flags(boost::program_options::options_description& flags, FigureFlags& f,
                      const std::string& seeds_help);
// The same, checked and typed (--iterations, --lr-grid, --width and --seeds only when given:
// `vm` says which).
struct FigureSettings {
  data::Normalization normalization = data::Normalization::zscore;
  bool whiten = false;
  Conventions conventions;
  FigureOverrides overrides;
};
FigureSettings check_figure_flags(const boost::program_options::variables_map& vm,
                                  const FigureFlags& f);
// The most initialization seeds a figure takes.
inline constexpr std::size_t max_seeds = 100;
// automatic|im2col|fast.
ad::ConvAlgorithm parse_conv(const std::string& name);
// "FLAG must be between LO and HI, got VALUE".
void check_range(const std::string& flag, std::size_t value, std::size_t lo, std::size_t hi);
// "FLAG needs WHAT, got an empty name" when `path` is empty: an empty name is no file (and
// would otherwise reach the reader as "'': no such file", naming no flag).
void check_path_given(const std::string& flag, const std::string& path, const std::string& what);
// "FLAG must be a positive number, got VALUE" for <= 0, NaN and infinity.
void check_positive(const std::string& flag, double value);
// A number as %g prints it, for messages.
std::string show(double value);

// The defaults that several commands share: the ethanol file in data/gas, one job per core.
std::string default_gas_data();
int default_jobs();

}  // namespace experiments
