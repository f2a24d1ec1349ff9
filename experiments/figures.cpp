#include "experiments/figures.hpp"

#include <algorithm>
#include <atomic>
#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <mutex>
#include <thread>

#include "autodiff/blas.hpp"
#include "experiments/commands.hpp"
#include "experiments/interrupt.hpp"
#include "experiments/mnist.hpp"
#include "experiments/output.hpp"
#include "experiments/progress.hpp"

namespace po = boost::program_options;

namespace experiments {

const std::vector<double>& paper_lr_grid() {
  static const std::vector<double> grid = {1e-5, 5e-5, 1e-4, 5e-4, 1e-3,
                                           5e-3, 1e-2, 5e-2, 1e-1, 5e-1};
  return grid;
}

const std::vector<std::string>& figure_names() {
  static const std::vector<std::string> names = {"emulation", "depth", "adaptive", "adam", "init"};
  return names;
}

namespace {

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

// "depth 3, width 100" -> "depth-3-width-100"
std::string slug(const std::string& label) {
  std::string s;
  for (char c : label) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      s += char(std::tolower(c));
    else if (!s.empty() && s.back() != '-')
      s += '-';
  }
  while (!s.empty() && s.back() == '-') s.pop_back();
  return s;
}

FigureCurve curve(std::string label, std::size_t depth, std::string optimizer,
                  std::vector<double> grid, std::size_t width = 1, std::string init = "normal") {
  FigureCurve c;
  c.label = std::move(label);
  c.config.depth = depth;
  c.config.width = width;
  c.config.optimizer = std::move(optimizer);
  c.config.init = std::move(init);
  c.lr_grid = std::move(grid);
  if (c.lr_grid.size() == 1) {
    c.config.lr = c.lr_grid[0];
    c.lr_grid.clear();
  }
  return c;
}

}  // namespace

Figure make_figure(const std::string& name, bool quick) {
  Figure f;
  f.name = name;
  const auto& grid = paper_lr_grid();
  if (name == "emulation") {
    f.title = "Depth emulated by the end-to-end rule (paper, Figure 2)";
    f.claim =
        "gradient descent on depth-2 and depth-3 networks, hidden width 1 or 100, follows "
        "the end-to-end update rule of the same depth";
    f.iterations = quick ? 25'000 : 250'000;
    // Balanced init with one drawn end-to-end matrix: every curve starts at the same point, and
    // the theorem's premise (balancedness) holds exactly.
    for (auto [panel, p, lr] : {std::tuple{"l2", 2, 1e-3}, std::tuple{"l4", 4, 3e-4}}) {
      FigurePanel fp{panel, p, {}};
      for (std::size_t depth : {2u, 3u}) {
        const std::string d = "depth " + std::to_string(depth);
        fp.curves.push_back(curve(d + ", width 1", depth, "gd", {lr}, 1, "balanced"));
        fp.curves.push_back(curve(d + ", width 100", depth, "gd", {lr}, 100, "balanced"));
        fp.curves.push_back(curve(d + ", e2e rule", depth, "e2e", {lr}, 1, "balanced"));
      }
      f.panels.push_back(std::move(fp));
    }
  } else if (name == "depth") {
    f.title = "Gradient descent at depth 1, 2, 3 (paper, Figure 3 left)";
    f.claim = "on l_2 depth brings nothing (depth 1 is best); on l_4 depth 3 converges fastest";
    f.iterations = quick ? 30'000 : 1'000'000;
    for (auto [panel, p] : {std::pair{"l2", 2}, std::pair{"l4", 4}}) {
      FigurePanel fp{panel, p, {}};
      for (std::size_t depth : {1u, 2u, 3u})
        fp.curves.push_back(curve("depth " + std::to_string(depth), depth, "gd", grid));
      f.panels.push_back(std::move(fp));
    }
    f.paper = {{"l4", "depth 3", 6.5e-3}, {"l4", "depth 1", 3.7e-2}};
  } else if (name == "adaptive") {
    f.title = "Depth against AdaGrad and AdaDelta on l_4 (paper, Figure 3 right)";
    f.claim = "gradient descent on a depth-3 network beats AdaGrad and AdaDelta on depth 1";
    f.iterations = quick ? 30'000 : 1'000'000;
    FigurePanel fp{"l4", 4, {}};
    fp.curves.push_back(curve("AdaGrad, depth 1", 1, "adagrad", grid));
    fp.curves.push_back(curve("AdaDelta, depth 1", 1, "adadelta", grid));
    fp.curves.push_back(curve("GD, depth 3", 3, "gd", grid));
    f.panels.push_back(std::move(fp));
    f.paper = {{"l4", "AdaGrad, depth 1", 6e-2},
               {"l4", "AdaDelta, depth 1", 2e-2},
               {"l4", "GD, depth 3", 6.5e-3}};
  } else if (name == "adam") {
    f.title = "Adam at depth 1, 2, 3 on l_4 (paper, Figure 4 left)";
    f.claim = "depth accelerates Adam too: depth 2 and 3 beat depth 1";
    f.iterations = quick ? 20'000 : 200'000;
    FigurePanel fp{"l4", 4, {}};
    for (std::size_t depth : {1u, 2u, 3u})
      fp.curves.push_back(curve("Adam, depth " + std::to_string(depth), depth, "adam", grid));
    f.panels.push_back(std::move(fp));
    f.paper = {{"l4", "Adam, depth 1", 1.15e-2},
               {"l4", "Adam, depth 2", 3.8e-3},
               {"l4", "Adam, depth 3", 2.8e-3}};
  } else if (name == "init") {
    f.title = "Near-zero against identity initialization on l_4 (paper, Figure 4 right)";
    f.claim =
        "a deep network started near zero stalls (depth 8 never leaves its start), started "
        "near the identity it beats depth 1";
    f.iterations = quick ? 10'000 : 100'000;
    FigurePanel fp{"l4", 4, {}};
    fp.curves.push_back(curve("depth 1", 1, "gd", grid));
    for (std::size_t depth : {4u, 8u}) {
      const std::string d = "depth " + std::to_string(depth);
      fp.curves.push_back(curve(d + ", near-zero init", depth, "gd", grid, 1, "normal"));
      fp.curves.push_back(curve(d + ", identity init", depth, "gd", grid, 1, "identity"));
    }
    f.panels.push_back(std::move(fp));
  } else {
    std::string all;
    for (const auto& n : figure_names()) all += (all.empty() ? "" : ", ") + n;
    throw std::invalid_argument("unknown figure '" + name + "'; the figures are " + all);
  }
  for (auto& panel : f.panels)
    for (auto& c : panel.curves) c.config.iterations = f.iterations;
  return f;
}

// ---- running ----------------------------------------------------------------------------------

namespace {

// One curve of a figure: all its learning rates, trained together (train_linear_grid).
struct Task {
  std::size_t panel, curve;
  std::vector<double> rates;
  std::vector<LinearResult> results;
};

const CurveResult* find(const FigureResult& r, const std::string& panel, const std::string& label) {
  for (const auto& c : r.curves)
    if (c.panel == panel && c.label == label) return &c;
  return nullptr;
}

double final_distance(const FigureResult& r, std::size_t panel, const CurveResult& c) {
  return c.best.final_loss - r.l_star[panel];
}

std::size_t panel_index(const Figure& f, const std::string& name) {
  for (std::size_t i = 0; i < f.panels.size(); ++i)
    if (f.panels[i].name == name) return i;
  return 0;
}

// The claims of each figure, checked on this run: "- [x] claim (numbers)".
std::string check_claims(const FigureResult& r) {
  const Figure& f = r.figure;
  std::string out;
  // "- holds: the paper's claim. This run: the numbers." (or "does not hold").
  auto claim = [&](bool holds, const std::string& text, const std::string& numbers) {
    out += std::string(holds ? "- holds: " : "- does not hold: ") + text +
           ". This run: " + numbers + ".\n";
  };
  auto dist = [&](const std::string& panel, const std::string& label) {
    const CurveResult* c = find(r, panel, label);
    if (c == nullptr || c->best.diverged) return std::numeric_limits<double>::infinity();
    return final_distance(r, panel_index(f, panel), *c);
  };
  if (f.name == "emulation") {
    // Along the whole curve: the largest relative gap between each network and the rule.
    auto gap = [&](const std::string& panel, const std::string& a, const std::string& b) {
      const CurveResult* x = find(r, panel, a);
      const CurveResult* y = find(r, panel, b);
      if (x == nullptr || y == nullptr || x->best.diverged || y->best.diverged)
        return std::numeric_limits<double>::infinity();
      const double l_star = r.l_star[panel_index(f, panel)];
      double worst = 0;
      for (std::size_t i = 0; i < x->best.loss.size() && i < y->best.loss.size(); ++i)
        worst =
            std::max(worst, std::abs((x->best.loss[i] - l_star) / (y->best.loss[i] - l_star) - 1));
      return worst;
    };
    for (const auto& panel : f.panels)
      for (std::string depth : {"depth 2", "depth 3"}) {
        const double g1 = gap(panel.name, depth + ", width 1", depth + ", e2e rule");
        const double g100 = gap(panel.name, depth + ", width 100", depth + ", e2e rule");
        claim(g1 <= 0.05 && g100 <= 0.05,
              panel.name + ", " + depth + ": networks of width 1 and 100 follow the e2e rule",
              "largest gap along the curve " + fmt(100 * g1) + "% (width 1) and " +
                  fmt(100 * g100) + "% (width 100); 5% counts as following");
      }
  } else if (f.name == "depth") {
    const double l2_1 = dist("l2", "depth 1"), l2_2 = dist("l2", "depth 2"),
                 l2_3 = dist("l2", "depth 3");
    claim(l2_1 <= std::min(l2_2, l2_3), "l2: depth 1 ends closest to the optimum",
          "depth 1 " + fmt(l2_1) + ", depth 2 " + fmt(l2_2) + ", depth 3 " + fmt(l2_3));
    const double l4_1 = dist("l4", "depth 1"), l4_3 = dist("l4", "depth 3");
    claim(l4_3 < l4_1, "l4: depth 3 ends closer to the optimum than depth 1",
          "depth 3 " + fmt(l4_3) + ", depth 1 " + fmt(l4_1));
  } else if (f.name == "adaptive") {
    const double gd = dist("l4", "GD, depth 3"), ag = dist("l4", "AdaGrad, depth 1"),
                 ad = dist("l4", "AdaDelta, depth 1");
    claim(gd < ag && gd < ad, "GD on depth 3 ends closer than AdaGrad and AdaDelta on depth 1",
          "GD depth 3 " + fmt(gd) + ", AdaGrad " + fmt(ag) + ", AdaDelta " + fmt(ad));
  } else if (f.name == "adam") {
    const double a1 = dist("l4", "Adam, depth 1"), a2 = dist("l4", "Adam, depth 2"),
                 a3 = dist("l4", "Adam, depth 3");
    claim(a2 < a1 && a3 < a1, "Adam on depth 2 and 3 ends closer than on depth 1",
          "depth 1 " + fmt(a1) + ", depth 2 " + fmt(a2) + ", depth 3 " + fmt(a3));
  } else if (f.name == "init") {
    const CurveResult* zero8 = find(r, "l4", "depth 8, near-zero init");
    if (zero8 != nullptr && !zero8->best.loss.empty()) {
      const double start = zero8->best.loss.front(), end = zero8->best.final_loss;
      claim(std::abs(end - start) <= 1e-3 * start,
            "depth 8 from near zero does not leave its start",
            "loss " + fmt(start) + " at the start, " + fmt(end) + " at the end");
    }
    const double d1 = dist("l4", "depth 1");
    for (std::string depth : {"depth 4", "depth 8"}) {
      const double id = dist("l4", depth + ", identity init");
      claim(id < d1, depth + " from the identity ends closer than depth 1",
            depth + " " + fmt(id) + ", depth 1 " + fmt(d1));
    }
  }
  return out;
}

std::string paper_table(const FigureResult& r, bool quick, std::size_t paper_horizon) {
  const Figure& f = r.figure;
  std::string t =
      "| panel | curve | best lr | distance L - L* at the end | paper |\n"
      "|---|---|---|---|---|\n";
  for (const auto& c : r.curves) {
    std::string paper = "";
    for (const auto& pv : f.paper)
      if (pv.panel == c.panel && pv.curve == c.label) {
        paper = "~" + fmt(pv.distance);
        if (!quick) {
          const double ours = final_distance(r, panel_index(f, c.panel), c);
          const double ratio = ours / pv.distance;
          paper += ratio >= 0.5 && ratio <= 2 ? " (within 2x)" : " (ours " + fmt(ratio) + "x)";
        }
      }
    const std::string d =
        c.best.diverged ? "diverged" : fmt(final_distance(r, panel_index(f, c.panel), c));
    t += "| " + c.panel + " | " + c.label + " | " + (std::isnan(c.best_lr) ? "-" : fmt(c.best_lr)) +
         " | " + d + " | " + paper + " |\n";
  }
  if (quick && !f.paper.empty()) {
    t += "\n(--quick: this run stopped at " + std::to_string(f.iterations) +
         " iterations; the paper's numbers are at " + std::to_string(paper_horizon) + ".)\n";
  }
  return t;
}

}  // namespace

FigureResult run_figure(const Figure& figure, const std::string& data_path,
                        const std::string& normalization, const std::string& out_dir, int jobs,
                        bool progress, bool plot) {
  const auto start = std::chrono::steady_clock::now();
  make_output_dir(out_dir);
  FigureResult result;
  result.figure = figure;
  std::vector<Problem> problems;
  for (const auto& panel : figure.panels) {
    problems.push_back(load_problem(data_path, 1, normalization, panel.p));
    result.l_star.push_back(problems.back().l_star);
  }

  std::vector<Task> tasks;
  std::size_t runs = 0;
  for (std::size_t p = 0; p < figure.panels.size(); ++p)
    for (std::size_t c = 0; c < figure.panels[p].curves.size(); ++c) {
      const FigureCurve& fc = figure.panels[p].curves[c];
      tasks.push_back(
          {p, c, fc.lr_grid.empty() ? std::vector<double>{fc.config.lr} : fc.lr_grid, {}});
      runs += tasks.back().rates.size();
    }
  // Longest first (deeper networks and bigger grids), so the parallel jobs end together.
  std::stable_sort(tasks.begin(), tasks.end(), [&](const Task& a, const Task& b) {
    const auto cost = [&](const Task& t) {
      const auto& cfg = figure.panels[t.panel].curves[t.curve].config;
      return double(t.rates.size()) * double(cfg.depth * cfg.width + 4);
    };
    return cost(a) > cost(b);
  });

  // Each curve's grid is single-threaded; `jobs` curves train at once.
  ad::blas::set_num_threads(1);
  std::atomic<std::size_t> next{0}, done{0};
  std::mutex mutex;
  std::exception_ptr failure;
  Progress bar(figure.name, tasks.size(), progress);
  auto worker = [&]() {
    for (std::size_t i; (i = next++) < tasks.size();) {
      try {
        const LinearConfig& config = figure.panels[tasks[i].panel].curves[tasks[i].curve].config;
        tasks[i].results = train_linear_grid(problems[tasks[i].panel], config, tasks[i].rates);
      } catch (...) {
        std::lock_guard lock(mutex);
        failure = std::current_exception();
      }
      std::lock_guard lock(mutex);
      bar.update(++done, tasks[i].results.empty() ? 0.0 : tasks[i].results[0].final_loss);
    }
  };
  std::vector<std::thread> pool;
  for (int j = 0; j < std::max(1, jobs); ++j) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  bar.finish();
  if (failure) std::rethrow_exception(failure);

  // The best rate of each curve: lowest final loss among the runs that did not diverge.
  std::string grid_csv = "panel,curve,lr,final_loss,distance,diverged,diverged_at,best\n";
  std::vector<Panel> panels;
  for (std::size_t p = 0; p < figure.panels.size(); ++p) {
    Panel panel;
    panel.options.title = figure.panels[p].name == "l2" ? "l_2 loss" : "l_4 loss";
    panel.options.ylabel = "L - L* (distance from optimum)";
    for (std::size_t c = 0; c < figure.panels[p].curves.size(); ++c) {
      CurveResult cr;
      cr.panel = figure.panels[p].name;
      cr.label = figure.panels[p].curves[c].label;
      const Task* task = nullptr;
      for (const Task& t : tasks)
        if (t.panel == p && t.curve == c) task = &t;
      std::size_t best = task->rates.size();
      for (std::size_t r = 0; r < task->rates.size(); ++r) {
        const LinearResult& run = task->results[r];
        cr.rates.push_back(task->rates[r]);
        cr.final_losses.push_back(run.final_loss);
        cr.diverged.push_back(run.diverged);
        if (!run.diverged &&
            (best == task->rates.size() || run.final_loss < task->results[best].final_loss))
          best = r;
      }
      const bool found = best < task->rates.size();
      cr.best_lr = found ? task->rates[best] : std::numeric_limits<double>::quiet_NaN();
      cr.best = task->results[found ? best : 0];
      for (std::size_t r = 0; r < task->rates.size(); ++r) {
        const LinearResult& run = task->results[r];
        char line[256];
        std::snprintf(line, sizeof line, "%s,\"%s\",%.6g,%.17g,%.17g,%d,%lld,%d\n",
                      cr.panel.c_str(), cr.label.c_str(), task->rates[r], run.final_loss,
                      run.final_loss - result.l_star[p], run.diverged ? 1 : 0,
                      run.diverged ? (long long)run.diverged_at : -1LL, r == best ? 1 : 0);
        grid_csv += line;
      }
      std::string csv = "iteration,loss,distance\n";
      Series s{
          cr.label + (best && cr.rates.size() > 1 ? " (lr " + fmt(cr.best_lr) + ")" : ""), {}, {}};
      for (std::size_t k = 0; k < cr.best.iteration.size(); ++k) {
        char line[96];
        const double d = cr.best.loss[k] - result.l_star[p];
        std::snprintf(line, sizeof line, "%zu,%.17g,%.17g\n", cr.best.iteration[k], cr.best.loss[k],
                      d);
        csv += line;
        s.x.push_back(double(cr.best.iteration[k]));
        s.y.push_back(d);
      }
      write_file_atomic(out_dir + "/" + cr.panel + "_" + slug(cr.label) + ".csv", csv);
      panel.series.push_back(std::move(s));
      result.curves.push_back(std::move(cr));
    }
    panels.push_back(std::move(panel));
  }
  write_file_atomic(out_dir + "/grid.csv", grid_csv);

  const bool quick = figure.iterations < make_figure(figure.name, false).iterations;
  const std::size_t paper_horizon = make_figure(figure.name, false).iterations;
  result.markdown_table = paper_table(result, quick, paper_horizon);
  result.verdict = check_claims(result);
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::string md = "# " + figure.title + "\n\nThe paper: " + figure.claim + ".\n\n" +
                   std::to_string(figure.iterations) + " iterations, data " + data_path + " (" +
                   normalization + "), " + std::to_string(runs) + " runs in " +
                   fmt(result.wall_seconds) + " s.\n\n" +
                   (interrupted() ? "**Interrupted**: the curves end where the signal stopped "
                                    "them; the verdicts below judge those partial runs.\n\n"
                                  : "") +
                   result.markdown_table + "\nThe claims on this run:\n\n" + result.verdict;
  write_file_atomic(out_dir + "/" + figure.name + ".md", md);

  JsonObject json;
  json.add("version", OVERPARAM_VERSION)
      .add("figure", figure.name)
      .add("iterations", figure.iterations)
      .add("quick", quick)
      .add("interrupted", interrupted() != 0)
      .add("data", data_path)
      .add("normalize", normalization)
      .add("l_star", result.l_star)
      .add("wall_seconds", result.wall_seconds);
  std::vector<JsonObject> curves;
  for (const auto& c : result.curves)
    curves.push_back(JsonObject()
                         .add("panel", c.panel)
                         .add("curve", c.label)
                         .add("best_lr", c.best_lr)
                         .add("final_loss", c.best.final_loss)
                         .add("diverged", c.best.diverged)
                         .add("rates", c.rates)
                         .add("final_losses", c.final_losses));
  json.add("curves", curves);
  write_file_atomic(out_dir + "/" + figure.name + ".json", json.str() + "\n");
  if (plot) plot_panels_png(out_dir + "/" + figure.name + ".png", panels, figure.title);
  if (interrupted()) throw Interrupted{};  // this figure's files are written; go no further
  return result;
}

// ---- commands ---------------------------------------------------------------------------------

namespace {

std::string default_data() {
  return std::string(OVERPARAM_DATA_DIR) + "/gas/ethanol.dat.gz";
}

int default_jobs() {
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

int run_figure_command(int argc, char** argv) {
  // The MNIST figure has its own flags (overparam mnist-figure); hand it the rest.
  if (argc >= 2 && std::string(argv[1]) == "mnist") {
    argv[1] = argv[0];
    return run_mnist_figure(argc - 1, argv + 1);
  }
  std::string name, out, data = default_data(), normalization = "zscore";
  bool quick = false, no_plot = false, no_progress = false;
  int jobs = default_jobs();
  po::options_description flags(
      "overparam figure: reproduce one of the paper's figures\n\n"
      "Usage: overparam figure NAME [OPTIONS]\n"
      "NAME: emulation | depth | adaptive | adam | init | mnist (see 'overparam figure mnist "
      "--help')\n\nOptions");
  flags.add_options()("help,h", "print this help")("quick", po::bool_switch(&quick),
                                                   "shorter horizons (under a minute per figure)")(
      "out", po::value(&out), "output folder (default: runs/figure-NAME[-quick])")(
      "data", po::value(&data)->default_value(data), "gas data file or folder")(
      "normalize", po::value(&normalization)->default_value(normalization), "zscore|minmax|none")(
      "jobs", po::value(&jobs)->default_value(jobs), "runs at once (each single-threaded)")(
      "no-plot", po::bool_switch(&no_plot), "no PNG")("no-progress", po::bool_switch(&no_progress),
                                                      "no progress line");
  po::positional_options_description positional;
  positional.add("name", 1);
  po::options_description hidden;
  hidden.add_options()("name", po::value(&name));
  po::variables_map vm;
  if (const int stop = parse_flags("figure", argc, argv, flags, vm, &hidden, &positional);
      stop >= 0)
    return stop;
  if (name.empty()) {
    std::cerr << "overparam figure: which figure? emulation, depth, adaptive, adam or init\n";
    return 2;
  }
  if (jobs < 1 || jobs > 256) {
    std::cerr << "overparam figure: --jobs must be between 1 and 256\n";
    return 2;
  }
  Figure figure;
  try {
    figure = make_figure(name, quick);
  } catch (const std::invalid_argument& e) {
    std::cerr << "overparam figure: " << e.what() << "\n";
    return 2;
  }
  if (out.empty()) out = "runs/figure-" + name + (quick ? "-quick" : "");
  std::printf("%s: %zu iterations per run\n", figure.title.c_str(), figure.iterations);
  const FigureResult r = run_figure(figure, data, normalization, out, jobs, !no_progress, !no_plot);
  std::printf(
      "\n%s\n%s\nwrote %s/ (%s.png, %s.md, %s.json, grid.csv, one CSV per curve) in %.0f s\n",
      r.markdown_table.c_str(), r.verdict.c_str(), out.c_str(), name.c_str(), name.c_str(),
      name.c_str(), r.wall_seconds);
  return 0;
}

}  // namespace experiments

namespace experiments {

int run_reproduce(int argc, char** argv) {
  std::string out, report, figures_dir, data = default_data(), normalization = "zscore";
  bool quick = false, no_progress = false;
  int jobs = default_jobs();
  po::options_description flags(
      "overparam reproduce: run every figure of the paper (the MNIST one when data/mnist holds\n"
      "the files) and write a report with the figures, the paper's numbers beside this run's,\n"
      "and a verdict per claim\n\n"
      "Usage: overparam reproduce [OPTIONS]\n\nOptions");
  flags.add_options()("help,h", "print this help")("quick", po::bool_switch(&quick),
                                                   "shorter horizons (about a minute per figure)")(
      "out", po::value(&out), "folder for every run's files (default: runs/reproduce[-quick])")(
      "report", po::value(&report),
      "the report (default: docs/REPRODUCTION.md of the source tree; with --quick, "
      "OUT/REPRODUCTION.md)")(
      "figures-dir", po::value(&figures_dir),
      "where the report's PNGs go (default: docs/figures beside the report)")(
      "data", po::value(&data)->default_value(data), "gas data file or folder")(
      "normalize", po::value(&normalization)->default_value(normalization), "zscore|minmax|none")(
      "jobs", po::value(&jobs)->default_value(jobs), "runs at once (each single-threaded)")(
      "no-progress", po::bool_switch(&no_progress), "no progress line");
  po::variables_map vm;
  if (const int stop = parse_flags("reproduce", argc, argv, flags, vm); stop >= 0) return stop;
  if (jobs < 1 || jobs > 256) {
    std::cerr << "overparam reproduce: --jobs must be between 1 and 256\n";
    return 2;
  }
  namespace fs = std::filesystem;
  if (out.empty()) out = quick ? "runs/reproduce-quick" : "runs/reproduce";
  if (report.empty())
    report = quick ? out + "/REPRODUCTION.md"
                   : std::string(OVERPARAM_SOURCE_DIR) + "/docs/REPRODUCTION.md";
  if (figures_dir.empty()) figures_dir = (fs::path(report).parent_path() / "figures").string();
  make_output_dir(out);
  make_output_dir(figures_dir);

  const auto start = std::chrono::steady_clock::now();
  std::string body;
  for (const std::string& name : figure_names()) {
    const Figure figure = make_figure(name, quick);
    std::printf("[%s] %s, %zu iterations per run\n", name.c_str(), figure.title.c_str(),
                figure.iterations);
    std::fflush(stdout);
    const FigureResult r =
        run_figure(figure, data, normalization, out + "/" + name, jobs, !no_progress, true);
    std::printf("%s(%.0f s)\n\n", r.verdict.c_str(), r.wall_seconds);
    std::error_code ec;
    const std::string png = out + "/" + name + "/" + name + ".png";
    const std::string dest = figures_dir + "/" + name + (quick ? "-quick" : "") + ".png";
    if (fs::exists(png)) fs::copy_file(png, dest, fs::copy_options::overwrite_existing, ec);
    const std::string rel = fs::relative(dest, fs::path(report).parent_path(), ec).string();
    body += "## " + figure.title + "\n\nThe paper: " + figure.claim + ".\n\n![" + name + "](" +
            rel + ")\n\n" + std::to_string(figure.iterations) + " iterations per run; " +
            fmt(r.wall_seconds) + " s.\n\n" + r.markdown_table + "\nOn this run:\n\n" + r.verdict +
            "\n";
  }
  // The MNIST figure, when the data are there (scripts/fetch-mnist.sh puts them in data/mnist).
  {
    const fs::path mnist_dir = fs::path(OVERPARAM_DATA_DIR) / "mnist";
    std::error_code ec;
    const bool present = fs::exists(mnist_dir / "train-images-idx3-ubyte", ec) ||
                         fs::exists(mnist_dir / "train-images-idx3-ubyte.gz", ec);
    body += "## The MNIST convnet, and its overparameterized variant (paper, Figure 5)\n\n";
    if (!present) {
      std::printf("[mnist] skipped: no MNIST files in %s (run scripts/fetch-mnist.sh)\n\n",
                  mnist_dir.c_str());
      body +=
          "Not run: the MNIST files were not in `data/mnist/`. `scripts/fetch-mnist.sh` "
          "fetches them; then run `overparam reproduce` again, or `overparam figure mnist`.\n\n";
    } else {
      std::printf("[mnist] both convnets, %s\n", quick ? "600 steps each" : "10 epochs each");
      std::fflush(stdout);
      const std::string dir = out + "/mnist";
      std::vector<std::string> args = {"figure", "--out", dir};
      if (quick) args.push_back("--quick");
      if (no_progress) args.push_back("--no-progress");
      std::vector<char*> argv_mnist;
      for (auto& a : args) argv_mnist.push_back(a.data());
      const int code = run_mnist_figure(int(argv_mnist.size()), argv_mnist.data());
      std::string md;
      if (code == 0 && fs::exists(dir + "/mnist.md")) {
        std::ifstream in(dir + "/mnist.md");
        md.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        const std::size_t first_line = md.find('\n');  // drop its own title
        if (md.rfind("# ", 0) == 0 && first_line != std::string::npos)
          md = md.substr(first_line + 1);
      }
      const std::string dest = figures_dir + "/mnist" + (quick ? "-quick" : "") + ".png";
      if (fs::exists(dir + "/mnist.png"))
        fs::copy_file(dir + "/mnist.png", dest, fs::copy_options::overwrite_existing, ec);
      const std::string rel = fs::relative(dest, fs::path(report).parent_path(), ec).string();
      body += code == 0 ? "![mnist](" + rel + ")\n" + md + "\n"
                        : "The run failed (exit code " + std::to_string(code) + "); see `" + dir +
                              "`.\n\n";
    }
  }
  const double total =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::string md =
      "# Reproduction of the paper's experiments\n\n"
      "Arora, Cohen & Hazan, *On the Optimization of Deep Networks: Implicit Acceleration by "
      "Overparameterization*, ICML 2018, section 8: l_p regression on the ethanol rows of the UCI "
      "Gas Sensor Array Drift at Different Concentrations data (2565 rows, 128 features), and, "
      "when MNIST has been fetched, TensorFlow's MNIST tutorial convnet.\n\n"
      "Written by `overparam reproduce" +
      std::string(quick ? " --quick" : "") + "` (version " + OVERPARAM_VERSION + ") in " +
      std::to_string(std::lround(total)) + " s with " + std::to_string(jobs) +
      " parallel runs. Every number below was measured by that command; the runs' CSV and JSON "
      "files are in `" +
      out +
      "`.\n\n"
      "Preprocessing: the paper does not state it. This run uses `" +
      normalization +
      "`: every feature and the target minus its mean, divided by its population standard "
      "deviation. Losses are reported as the distance from the optimum, L - L*, with L* computed "
      "directly (least squares for l_2, Newton's method for l_4). Near-zero initialization is "
      "N(0, 0.01^2) per entry; learning rates come from the paper's grid {1e-5, 5e-5, ..., 5e-1}, "
      "the best being the lowest final loss among runs that did not diverge. The emulation figure "
      "uses balanced initialization (one end-to-end matrix drawn N(0, 0.01^2), split across the "
      "layers) so that all its curves start at the same point.\n\n" +
      (quick
           ? std::string("**This is a --quick run**: horizons are a tenth (or a thirtieth) of the "
                         "paper's, so its numbers are not comparable with the paper's; the "
                         "verdicts only say what this short run shows.\n\n")
           : std::string()) +
      body;
  write_file_atomic(report, md);
  std::printf("wrote %s and %s/ in %.0f s\n", report.c_str(), figures_dir.c_str(), total);
  return 0;
}

}  // namespace experiments
