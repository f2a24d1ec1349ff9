// `overparam lsq`: the flags of the smallest training loop (experiments/tape/lsq.hpp).
#include <boost/program_options.hpp>
#include <cmath>
#include <iostream>
#include <string>

#include "experiments/cli/commands.hpp"
#include "experiments/cli/flags.hpp"
#include "experiments/report/limits.hpp"
#include "experiments/tape/lsq.hpp"

namespace po = boost::program_options;

namespace experiments {

int run_lsq(int argc, char** argv) {
  LsqOptions o;
  std::string dtype = "float64";
  po::options_description flags(
      "overparam lsq: least squares by gradient descent on a synthetic problem\n\n"
      "Usage: overparam lsq [OPTIONS]\n\nOptions");
  flags.add_options()                                                                          //
      ("help,h", "print this help")                                                            //
      ("rows", po::value(&o.rows)->default_value(o.rows), "examples m")                        //
      ("features", po::value(&o.features)->default_value(o.features), "features d")            //
      ("iterations", po::value(&o.iterations)->default_value(o.iterations), "GD steps")        //
      ("lr", po::value(&o.lr)->default_value(o.lr), "learning rate")                           //
      ("noise", po::value(&o.noise)->default_value(o.noise, "0.1"), "std of the label noise")  //
      ("seed", po::value(&o.seed)->default_value(o.seed), "random seed")                       //
      ("print-every", po::value(&o.print_every)->default_value(o.print_every),
       "print the loss every K iterations")  //
      ("dtype", po::value(&dtype)->default_value(dtype), "float64 or float32");
  po::variables_map vm;
  if (const int stop = parse_flags("lsq", argc, argv, flags, vm); stop >= 0) return stop;
  auto fail = [](const std::string& why) {
    std::cerr << "overparam lsq: " << why << "\n";
    return 2;
  };
  if (o.rows == 0 || o.features == 0) return fail("--rows and --features must be at least 1");
  if (o.rows > 1000000 || o.features > 10000) return fail("--rows <= 1e6 and --features <= 1e4");
  if (!(o.lr > 0) || !std::isfinite(o.lr)) return fail("--lr must be a positive number");
  if (!(o.noise >= 0)) return fail("--noise must be >= 0");
  if (o.print_every == 0) return fail("--print-every must be at least 1");
  if (dtype != "float64" && dtype != "float32")
    return fail("--dtype must be float64 or float32, not '" + dtype + "'");
  o.float32 = dtype == "float32";
  // The data in double (x, and LAPACK's copy for L*), the tensor X in the dtype, and the
  // tape's [m,1] columns: checked from the real sizes before any of it is allocated.
  const double cells = double(o.rows) * double(o.features);
  try {
    require_memory(
        cells * (2 * 8 + (o.float32 ? 4 : 8)) + double(o.rows) * 8 * 8,
        "--rows " + std::to_string(o.rows) + " --features " + std::to_string(o.features));
  } catch (const std::invalid_argument& e) {
    return fail(e.what());
  }
  return run_lsq_lesson(o);
}

}  // namespace experiments
