#include "experiments/runner/job.hpp"

#include <cstdio>
#include <optional>
#include <stdexcept>

#include "autodiff/conv.hpp"
#include "experiments/linear/checkpoint.hpp"
#include "experiments/mnist/checkpoint.hpp"

namespace experiments {

namespace {

// The value of the enum whose name(value) is `name`, among the first `count` values.
template <typename Enum, typename NameOf>
Enum from_name(const std::string& key, const std::string& name, int count, NameOf name_of) {
  for (int k = 0; k < count; ++k)
    if (name == name_of(static_cast<Enum>(k))) return static_cast<Enum>(k);
  throw std::invalid_argument("job: \"" + key + "\" has an unknown value '" + name + "'");
}

const char* normalization_name(data::Normalization n) {
  static std::string names[4];
  std::string& s = names[int(n)];
  if (s.empty()) s = data::to_string(n);
  return s.c_str();
}

Json tensor_json(const ad::Tensor<double>& t) {
  return Json{
      {"rows", t.rows()}, {"cols", t.cols()}, {"data", std::vector<double>(t.begin(), t.end())}};
}

ad::Tensor<double> tensor_from_json(const Json& j) {
  const auto rows = j.at("rows").get<std::size_t>(), cols = j.at("cols").get<std::size_t>();
  const auto values = j.at("data").get<std::vector<double>>();
  if (values.size() != rows * cols)
    throw std::invalid_argument("job: a layer's data does not match its shape");
  return ad::Tensor<double>(ad::Shape{rows, cols}, values);
}

Json optional_json(const std::optional<double>& v) {
  return v ? Json(*v) : Json(nullptr);
}
std::optional<double> optional_from_json(const Json& j) {
  if (j.is_null()) return std::nullopt;
  return j.get<double>();
}

Json result_json(const LinearResult& r) {
  Json j;
  put_linear_rows(j, r);
  j["interrupted"] = r.interrupted;
  j["wall_seconds"] = r.wall_seconds;
  for (const char* key : {"initial_layers", "final_layers"}) {
    Json layers = Json::array();
    for (const auto& t : key[0] == 'i' ? r.initial_layers : r.final_layers)
      layers.push_back(tensor_json(t));
    j[key] = layers;
  }
  return j;
}

LinearResult result_from_json(const Json& j) {
  LinearResult r;
  get_linear_rows(j, r);
  r.interrupted = j.at("interrupted").get<bool>();
  r.wall_seconds = j.at("wall_seconds").get<double>();
  for (const auto& t : j.at("initial_layers")) r.initial_layers.push_back(tensor_from_json(t));
  for (const auto& t : j.at("final_layers")) r.final_layers.push_back(tensor_from_json(t));
  return r;
}

}  // namespace

Json job_json(const LinearJob& job) {
  const ProblemSpec& p = job.problem;
  const LinearConfig& c = job.config;
  Json problem;
  problem["data"] = p.data;
  problem["gas"] = p.gas;
  problem["normalize"] = normalization_name(p.normalization);
  problem["target"] = normalization_name(target_normalization(p.normalization));
  problem["whiten"] = p.whiten;
  problem["p"] = p.p;
  problem["loss_scale"] = loss_scale_name(p.loss_scale);
  Json hyper;
  hyper["preset"] = optim::preset_name(c.hyper.preset);
  hyper["momentum"] = optional_json(c.hyper.momentum);
  hyper["beta1"] = optional_json(c.hyper.beta1);
  hyper["beta2"] = optional_json(c.hyper.beta2);
  hyper["eps"] = optional_json(c.hyper.eps);
  hyper["rho"] = optional_json(c.hyper.rho);
  hyper["initial_accumulator"] = optional_json(c.hyper.initial_accumulator);
  hyper["initial_mean_square"] = optional_json(c.hyper.initial_mean_square);
  hyper["weight_decay"] = c.hyper.weight_decay;
  Json model;
  model["depth"] = c.depth;
  model["width"] = c.width;
  model["optimizer"] = optim::optimizer_name(c.optimizer);
  model["rates"] = c.rates;
  model["hyperparameters"] = hyper;
  model["init"] = nn::init_name(c.init);
  model["init_std"] = c.init_std;
  model["seed"] = c.seed;
  model["iterations"] = c.iterations;
  model["log_every"] = c.log_every;
  model["dtype"] = dtype_name(c.dtype);
  Json layers = Json::array();
  for (const auto& t : c.initial_layers) layers.push_back(tensor_json(t));
  model["initial_layers"] = layers;
  return Json{{"problem", problem}, {"model", model}};
}

Json job_json(const MnistJob& job) {
  const MnistConfig& c = job.config;
  Json data;
  data["mnist_dir"] = job.mnist_dir;
  data["validation_size"] = job.validation_size;
  Json model;
  model["threads"] = job.threads;
  model["variant"] = to_string(c.variant);
  model["l2_on"] = to_string(c.l2_on);
  model["epochs"] = c.epochs;
  model["steps"] = c.steps;
  model["batch_size"] = c.batch_size;
  model["eval_every"] = c.eval_every;
  model["eval_batch"] = c.eval_batch;
  model["seed"] = c.seed;
  model["conv"] = ad::to_string(c.conv);
  return Json{{"kind", "mnist"}, {"data", data}, {"model", model}};
}

Json job_json(const Job& job) {
  return std::visit([](const auto& j) { return job_json(j); }, job);
}

namespace {

MnistJob mnist_job_from_json(const Json& json) {
  MnistJob job;
  const Json& d = json.at("data");
  job.mnist_dir = d.at("mnist_dir").get<std::string>();
  job.validation_size = d.at("validation_size").get<std::size_t>();
  const Json& m = json.at("model");
  MnistConfig& c = job.config;
  c.variant = parse_mnist_variant(m.at("variant").get<std::string>());
  c.l2_on = parse_l2_on(m.at("l2_on").get<std::string>());
  c.epochs = m.at("epochs").get<std::size_t>();
  c.steps = m.at("steps").get<std::size_t>();
  c.batch_size = m.at("batch_size").get<std::size_t>();
  c.eval_every = m.at("eval_every").get<std::size_t>();
  c.eval_batch = m.at("eval_batch").get<std::size_t>();
  c.seed = m.at("seed").get<std::uint64_t>();
  job.threads = m.at("threads").get<int>();
  if (job.threads < 1 || job.threads > 4096)
    throw std::invalid_argument("job: \"threads\" must be between 1 and 4096");
  c.conv = from_name<ad::ConvAlgorithm>("conv", m.at("conv").get<std::string>(), 3,
                                        [](ad::ConvAlgorithm a) { return ad::to_string(a); });
  return job;
}

}  // namespace

Job job_from_json(const Json& json) {
  try {
    // A linear job's record has no "kind" (its ids predate the other kinds).
    if (json.contains("kind")) {
      const std::string kind = json.at("kind").get<std::string>();
      if (kind != "mnist") throw std::invalid_argument("job: unknown \"kind\" '" + kind + "'");
      return mnist_job_from_json(json);
    }
    LinearJob job;
    const Json& p = json.at("problem");
    job.problem.data = p.at("data").get<std::string>();
    job.problem.gas = p.at("gas").get<int>();
    job.problem.normalization = data::parse_normalization(p.at("normalize").get<std::string>());
    job.problem.whiten = p.at("whiten").get<bool>();
    job.problem.p = p.at("p").get<int>();
    job.problem.loss_scale = from_name<LossScale>(
        "loss_scale", p.at("loss_scale").get<std::string>(), 2, loss_scale_name);
    const Json& m = json.at("model");
    LinearConfig& c = job.config;
    c.depth = m.at("depth").get<std::size_t>();
    c.width = m.at("width").get<std::size_t>();
    c.optimizer =
        from_name<optim::OptimizerKind>("optimizer", m.at("optimizer").get<std::string>(),
                                        int(optim::OptimizerKind::e2e) + 1, optim::optimizer_name);
    c.rates = m.at("rates").get<std::vector<double>>();
    const Json& h = m.at("hyperparameters");
    c.hyper.preset = from_name<optim::Preset>("preset", h.at("preset").get<std::string>(), 2,
                                              optim::preset_name);
    c.hyper.momentum = optional_from_json(h.at("momentum"));
    c.hyper.beta1 = optional_from_json(h.at("beta1"));
    c.hyper.beta2 = optional_from_json(h.at("beta2"));
    c.hyper.eps = optional_from_json(h.at("eps"));
    c.hyper.rho = optional_from_json(h.at("rho"));
    c.hyper.initial_accumulator = optional_from_json(h.at("initial_accumulator"));
    c.hyper.initial_mean_square = optional_from_json(h.at("initial_mean_square"));
    c.hyper.weight_decay = h.at("weight_decay").get<double>();
    c.init = nn::parse_init(m.at("init").get<std::string>());
    c.init_std = m.at("init_std").get<double>();
    c.seed = m.at("seed").get<std::uint64_t>();
    c.iterations = m.at("iterations").get<std::size_t>();
    c.log_every = m.at("log_every").get<std::size_t>();
    c.dtype = from_name<DType>("dtype", m.at("dtype").get<std::string>(), 2, dtype_name);
    for (const auto& t : m.at("initial_layers")) c.initial_layers.push_back(tensor_from_json(t));
    return job;
  } catch (const Json::exception& e) {
    throw std::invalid_argument(std::string("job: ") + e.what());
  }
}

std::string job_id(const Job& job) {
  const std::string text = job_json(job).dump();
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a, 64 bits
  for (unsigned char byte : text) {
    h ^= byte;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", (unsigned long long)h);
  return buf;
}

std::size_t job_iterations(const Job& job) {
  if (const auto* m = std::get_if<MnistJob>(&job)) {
    // MNIST's 60,000 training images; a smaller set's progress line jumps to its end.
    const std::size_t train = 60000 - std::min<std::size_t>(m->validation_size, 60000);
    return mnist_steps(m->config, train);
  }
  const LinearConfig& c = std::get<LinearJob>(job).config;
  return c.rates.size() * c.iterations;
}

double job_cost(const Job& job) {
  if (std::holds_alternative<MnistJob>(job)) return double(job_iterations(job)) * mnist_step_cost;
  const LinearConfig& c = std::get<LinearJob>(job).config;
  return double(c.rates.size()) * double(c.iterations) * double(c.depth * c.width + 4);
}

const char* job_status_name(JobStatus s) {
  switch (s) {
    case JobStatus::done:
      return "done";
    case JobStatus::failed:
      return "failed";
    case JobStatus::interrupted:
      return "interrupted";
    case JobStatus::missing:
      return "missing";
  }
  return "missing";
}

std::vector<std::uint8_t> encode_outcome(const JobOutcome& o) {
  Json j;
  j["status"] = job_status_name(o.status);
  j["error"] = o.error;
  j["seconds"] = o.seconds;
  j["rank"] = o.rank;
  Json results = Json::array();
  for (const LinearResult& r : o.results) results.push_back(result_json(r));
  j["results"] = results;
  if (o.mnist) put_mnist_result(j["mnist"], *o.mnist);
  return Json::to_cbor(j);
}

JobOutcome decode_outcome(const std::vector<std::uint8_t>& bytes) {
  try {
    const Json j = Json::from_cbor(bytes);
    JobOutcome o;
    o.status =
        from_name<JobStatus>("status", j.at("status").get<std::string>(), 4, job_status_name);
    o.error = j.at("error").get<std::string>();
    o.seconds = j.at("seconds").get<double>();
    o.rank = j.at("rank").get<int>();
    for (const Json& r : j.at("results")) o.results.push_back(result_from_json(r));
    if (j.contains("mnist")) o.mnist = mnist_result_from_record(j.at("mnist"));
    return o;
  } catch (const Json::exception& e) {
    throw std::invalid_argument(std::string("job outcome: ") + e.what());
  }
}

}  // namespace experiments
