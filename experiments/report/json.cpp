#include "experiments/report/json.hpp"

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "data_loaders/atomic_file.hpp"

namespace experiments {

namespace {

// The length of the well-formed UTF-8 sequence at text[i], or 0 when the bytes there are not
// one (a stray continuation byte, a truncated sequence, an overlong form, a surrogate, > U+10FFFF).
std::size_t utf8_sequence(std::string_view text, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if (c >= 0xc2 && c <= 0xdf)
    n = 2, cp = c & 0x1f;
  else if (c >= 0xe0 && c <= 0xef)
    n = 3, cp = c & 0x0f;
  else if (c >= 0xf0 && c <= 0xf4)
    n = 4, cp = c & 0x07;
  else
    return 0;
  if (i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3f);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
      (cp >= 0xd800 && cp <= 0xdfff))
    return 0;
  return n;
}

bool valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_sequence(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// Copies `in` into `out` with every string that is not UTF-8 escaped (json_escape_bytes),
// noting the JSON pointer of each such string (and of each such object key) in `escaped`.
void escape_tree(const Json& in, Json& out, const std::string& pointer,
                 std::vector<std::string>& escaped) {
  auto pointer_part = [](const std::string& key) {  // RFC 6901: ~ as ~0, / as ~1
    std::string part;
    for (const char c : json_escape_bytes(key))
      part += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
    return part;
  };
  if (in.is_string()) {
    const auto& text = in.get_ref<const std::string&>();
    if (valid_utf8(text)) {
      out = in;
    } else {
      out = json_escape_bytes(text);
      escaped.push_back(pointer);
    }
  } else if (in.is_object()) {
    out = Json::object();
    for (auto it = in.begin(); it != in.end(); ++it) {
      const std::string key = valid_utf8(it.key()) ? it.key() : json_escape_bytes(it.key());
      if (key != it.key()) escaped.push_back(pointer + "/" + pointer_part(it.key()) + " (key)");
      escape_tree(it.value(), out[key], pointer + "/" + pointer_part(it.key()), escaped);
    }
  } else if (in.is_array()) {
    out = Json::array();
    for (std::size_t i = 0; i < in.size(); ++i) {
      out.push_back(nullptr);
      escape_tree(in[i], out.back(), pointer + "/" + std::to_string(i), escaped);
    }
  } else {
    out = in;
  }
}

}  // namespace

std::string json_escape_bytes(std::string_view text) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_sequence(text, i);
    if (n == 0) {
      const auto c = static_cast<unsigned char>(text[i]);
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
      i += 1;
    } else if (text[i] == '\\') {
      out += "\\\\";
      i += 1;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string json_text(const Json& json) {
  Json safe;
  std::vector<std::string> escaped;
  escape_tree(json, safe, "", escaped);
  if (!escaped.empty() && safe.is_object()) {
    safe["non_utf8_strings"] = {
        {"escaping",
         "these strings held bytes that are not UTF-8: each such byte is written \\xNN and each "
         "backslash \\\\, so the original bytes can be recovered exactly"},
        {"pointers", escaped}};
  }
  return safe.dump(2, ' ', false, Json::error_handler_t::strict) + "\n";
}

void write_json(const std::string& path, const Json& json) {
  data::write_file_atomic(path, json_text(json));
}

}  // namespace experiments
