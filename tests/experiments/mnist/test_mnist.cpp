#include <catch2/catch.hpp>

#include <cmath>
#include <csignal>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "experiments/files.hpp"
#include "experiments/interrupts.hpp"
#include "experiments/mnist/checkpoint.hpp"
#include "experiments/mnist/model.hpp"
#include "experiments/mnist/train.hpp"
#include "experiments/mnist/verdicts.hpp"
#include "experiments/report/interrupt.hpp"
#include "experiments/tiny_mnist.hpp"
#include "optim/schedule.hpp"

TEST_CASE("mnist: the tutorial's step count and staircase schedule", "[experiments][mnist]") {
  experiments::MnistConfig c;
  CHECK(experiments::mnist_steps(c, 55000) == 8593);
  c.steps = 300;
  CHECK(experiments::mnist_steps(c, 55000) == 300);

  // lr = 0.01 · 0.95^epoch, the epoch counted in examples seen (step · 64 over 55,000).
  const optim::StaircaseDecay schedule{0.01, 0.95, 55000};
  CHECK(schedule(0) == 0.01);
  CHECK(schedule(859 * 64) == 0.01);  // 54,976 examples: still epoch 0
  CHECK(schedule(860 * 64) == Approx(0.0095));
  CHECK(schedule(8592 * 64) == Approx(0.01 * std::pow(0.95, 9)));
  CHECK_THROWS_WITH((optim::StaircaseDecay{0.01, 1.5, 10}.validate()),
                    Catch::Contains("decay_rate"));
}

TEST_CASE("mnist: the models have the tutorial's parameters, and about 15% more overparameterized",
          "[experiments][mnist]") {
  experiments::MnistModel original(experiments::MnistVariant::original, 1);
  experiments::MnistModel over(experiments::MnistVariant::overparam, 1);
  std::vector<std::string> names;
  for (auto& [name, p] : original.net().named_parameters()) names.push_back(name);
  CHECK(names == std::vector<std::string>{"conv1.weight", "conv1.bias", "conv2.weight",
                                          "conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight",
                                          "fc2.bias"});
  // conv1 32·25 + 32, conv2 64·800 + 64, fc1 3136·512 + 512, fc2 512·10 + 10.
  CHECK(original.net().num_parameters() == 1663370);
  CHECK(over.net().num_parameters() == 1663370 + 512 * 512 + 10 * 10);
  names.clear();
  for (auto& [name, p] : over.net().named_parameters()) names.push_back(name);
  CHECK(names == std::vector<std::string>{"conv1.weight", "conv1.bias", "conv2.weight",
                                          "conv2.bias", "fc1.weight1", "fc1.weight2", "fc1.bias",
                                          "fc2.weight1", "fc2.weight2", "fc2.bias"});
  // The same seed draws the same convolutions in both variants.
  auto o = original.net().parameters(), v = over.net().parameters();
  for (std::size_t i = 0; i < 4; ++i) {
    const auto& a = o[i]->value();
    const auto& b = v[i]->value();
    REQUIRE(a.size() == b.size());
    CHECK(std::equal(a.begin(), a.end(), b.begin()));
  }
}

namespace {
// A run whose batch loss goes from `start` down to `end` geometrically over `steps` steps, with
// a final test error of `test_error` percent.
experiments::MnistResult synthetic_run(std::size_t steps, double start, double end,
                                       double test_error) {
  experiments::MnistResult r;
  r.steps = steps;
  for (std::size_t s = 0; s < steps; ++s)
    r.batch_loss.push_back(start * std::pow(end / start, double(s) / double(steps - 1)));
  r.evals.push_back({steps, test_error, test_error});
  return r;
}
// The original's losses times 2 before step `below_from`, times `ratio` from there on.
experiments::MnistResult scaled_run(const experiments::MnistResult& original,
                                    std::size_t below_from, double ratio) {
  experiments::MnistResult r = original;
  for (std::size_t s = 0; s < r.batch_loss.size(); ++s)
    r.batch_loss[s] *= s < below_from ? 2 : ratio;
  return r;
}
}  // namespace

TEST_CASE("mnist_verdicts: the paper's three claims, judged from the numbers", "[experiments]") {
  using Catch::Contains;
  const auto original = synthetic_run(8593, 3.5, 1.6, 0.8);
  // The crossing is the centre of the first 50-step window whose mean stays below: a window with
  // k steps at twice the original and 50 - k at 0.05 times it is below once k <= 24, so
  // "below from step 400" crosses at 400 - 24 + 25 = 401 (at ratio 0.5, k <= 16: +9).
  SECTION("below from step 400, ending 20x lower: all three hold") {
    const std::string v = experiments::mnist_verdicts(original, scaled_run(original, 400, 0.05));
    INFO(v);
    CHECK(v ==
          "- holds: the overparameterized convnet's batch loss falls below the original's for "
          "good near step 500 (paper; here within a factor of 2, on 50-step means). This run: "
          "from step 401.\n"
          "- holds: after 10 epochs the overparameterized convnet's batch loss is at least 10x "
          "below the original's (paper: about 0.05 against 1.6). This run: 0.08036 against 1.607 "
          "(means of the last 100 steps).\n"
          "- holds: after 10 epochs the original convnet's test error is below 1% (the "
          "tutorial's). This run: 0.80%.\n");
  }
  SECTION("a curve like the paper's but crossing near step 2500, not 500") {
    // 15·(0.05/15)^(s/8592) = 3.5·(1.6/3.5)^(s/8592) at s = 8592·ln(15/3.5)/ln(15·1.6/(0.05·3.5)),
    // about 2540.
    const std::string v = experiments::mnist_verdicts(original, synthetic_run(8593, 15, 0.05, 0.9));
    INFO(v);
    CHECK_THAT(v, Contains("- does not hold: the overparameterized convnet's batch loss falls "
                           "below the original's for good near step 500") &&
                      Contains("This run: from step 25") &&
                      Contains("- holds: after 10 epochs the overparameterized"));
  }
  SECTION("ending only 4x lower, or an original test error of 1.2%, does not hold") {
    const std::string v = experiments::mnist_verdicts(original, scaled_run(original, 400, 0.25));
    INFO(v);
    CHECK_THAT(v, Contains("- holds: the overparameterized") &&
                      Contains("- does not hold: after 10 epochs the overparameterized") &&
                      Contains("- holds: after 10 epochs the original"));
    const std::string e = experiments::mnist_verdicts(synthetic_run(8593, 3.5, 1.6, 1.2),
                                                      scaled_run(original, 400, 0.05));
    CHECK_THAT(e, Contains("- does not hold: after 10 epochs the original convnet's test error") &&
                      Contains("This run: 1.20%."));
  }
  SECTION("crossing at step 100 or 2000 is not near 500") {
    for (std::size_t at : {100, 2000}) {
      const std::string v = experiments::mnist_verdicts(original, scaled_run(original, at, 0.05));
      INFO(v);
      CHECK_THAT(v, Contains("- does not hold: the overparameterized convnet's batch loss") &&
                        Contains("from step " + std::to_string(at + 1) + "."));
    }
  }
  SECTION("a short run judges only the crossing, and only once it is long enough") {
    // A slowly falling original over `steps` steps; the other at half of it from `below_from`.
    auto verdicts = [](std::size_t steps, std::size_t below_from) {
      const auto slow = synthetic_run(steps, 3.5, 3, 5);
      return experiments::mnist_verdicts(slow, scaled_run(slow, below_from, 0.5));
    };
    const std::string short_run = verdicts(600, 300);
    INFO(short_run);
    CHECK_THAT(short_run, Contains("- holds: the overparameterized") &&
                              Contains("This run: from step 309.") &&
                              Contains("- not judged: after 10 epochs the overparameterized "
                                       "convnet's batch loss is at least 10x below the "
                                       "original's (paper: about 0.05 against 1.6). This run: "
                                       "this run stopped at 600 steps.") &&
                              Contains("- not judged: after 10 epochs the original"));
    CHECK_THAT(verdicts(2000, 2000),
               Contains("- does not hold: the overparameterized convnet's batch loss falls below "
                        "the original's for good") &&
                   Contains("it never stays below in 2000 steps"));
    CHECK_THAT(verdicts(3, 3), Contains("- not judged: the overparameterized convnet's batch loss "
                                        "falls below the original's for good") &&
                                   Contains("no crossing yet; this run stopped at 3 steps"));
  }
}

// ---- checkpoints and resume ------------------------------------------------------------------

namespace {

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

// The checkpoint through its file's encoding (CBOR) and back, as --resume reads it.
std::shared_ptr<const experiments::MnistCheckpoint> through_cbor(
    const experiments::MnistCheckpoint& checkpoint) {
  const auto bytes = experiments::Json::to_cbor(experiments::mnist_checkpoint_record(checkpoint));
  return std::make_shared<experiments::MnistCheckpoint>(
      experiments::mnist_checkpoint_from_record(experiments::Json::from_cbor(bytes)));
}

}  // namespace

TEST_CASE(
    "train_mnist: a run stopped by a signal and resumed from its checkpoint is the "
    "uninterrupted run, bit for bit",
    "[experiments][mnist][resume]") {
  const std::string dir = temp_dir("mnist-resume");
  write_tiny_mnist(dir, 120, 20);
  const data::Mnist mnist = data::load_mnist(dir, 20);  // 100 training images
  const auto variant =
      GENERATE(experiments::MnistVariant::original, experiments::MnistVariant::overparam);
  INFO(experiments::to_string(variant));
  experiments::MnistConfig c;
  c.variant = variant;
  c.batch_size = 16;
  c.steps = 14;  // batches wrap around the 100 images: the offsets depend on the step
  c.eval_every = 5;
  c.eval_batch = 7;
  const experiments::MnistResult whole = experiments::train_mnist(mnist, c);
  REQUIRE(whole.steps == 14);
  REQUIRE(whole.evals.size() == 3);  // steps 5, 10 and 14

  // A checkpoint after every step; SIGINT during the one after step 6, so the run stops after
  // step 7, the dropout masks and Momentum's velocity of 7 steps in its checkpoint.
  experiments::MnistConfig stopped = c;
  std::optional<experiments::MnistCheckpoint> last;
  stopped.checkpoint_seconds = 0;
  stopped.save_checkpoint = [&](const experiments::MnistCheckpoint& s) {
    last = s;
    if (s.step == 6) std::raise(SIGINT);
  };
  const experiments::MnistResult part =
      with_interrupt_handlers([&] { return experiments::train_mnist(mnist, stopped); });
  CHECK(part.interrupted);
  CHECK(part.steps == 7);
  REQUIRE(last);
  CHECK(last->step == 7);
  CHECK(last->dropout_calls == 7);
  CHECK(last->result.evals.size() == 1);

  experiments::MnistConfig resumed = c;
  resumed.resume = through_cbor(*last);
  const experiments::MnistResult rest = experiments::train_mnist(mnist, resumed);
  CHECK(!rest.interrupted);
  CHECK(rest.steps == whole.steps);
  CHECK(same_bits(rest.batch_loss, whole.batch_loss));
  CHECK(same_bits(rest.lr, whole.lr));
  REQUIRE(rest.evals.size() == whole.evals.size());
  for (std::size_t k = 0; k < whole.evals.size(); ++k) {
    CHECK(rest.evals[k].step == whole.evals[k].step);
    CHECK(rest.evals[k].validation_error == whole.evals[k].validation_error);
    CHECK(rest.evals[k].test_error == whole.evals[k].test_error);
  }

  // The other variant's checkpoint, or one past the end of the run, is refused.
  experiments::MnistConfig other = resumed;
  other.variant = variant == experiments::MnistVariant::original
                      ? experiments::MnistVariant::overparam
                      : experiments::MnistVariant::original;
  CHECK_THROWS_WITH(experiments::train_mnist(mnist, other),
                    Catch::Contains("train_mnist: the checkpoint holds"));
  experiments::MnistConfig shorter = resumed;
  shorter.steps = 5;
  CHECK_THROWS_WITH(experiments::train_mnist(mnist, shorter),
                    Catch::Contains("the checkpoint is at step 7 of a 5-step run"));
}
