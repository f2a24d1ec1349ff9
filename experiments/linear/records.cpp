#include "experiments/linear/records.hpp"

namespace experiments {

Csv losses_csv(const LinearResult& r, double l_star) {
  Csv csv({"iteration", "loss", "distance"});
  for (std::size_t i = 0; i < r.iteration.size(); ++i)
    csv.row().cell(r.iteration[i]).cell(r.loss[i]).cell(r.loss[i] - l_star);
  return csv;
}

Series distance_series(std::string label, const LinearResult& r, double l_star) {
  Series s{std::move(label), {}, {}};
  for (std::size_t k = 0; k < r.iteration.size(); ++k) {
    s.x.push_back(double(r.iteration[k]));
    s.y.push_back(r.loss[k] - l_star);
  }
  return s;
}

}  // namespace experiments
