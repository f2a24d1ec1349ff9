#include "experiments/report/json.hpp"

#include "data_loaders/atomic_file.hpp"

namespace experiments {

std::string json_text(const Json& json) {
  return json.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

void write_json(const std::string& path, const Json& json) {
  data::write_file_atomic(path, json_text(json));
}

}  // namespace experiments
