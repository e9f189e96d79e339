#include "common/report/json_layout.h"

namespace cardflow {

namespace {

using Json = nlohmann::ordered_json;

// Scalars and strings, escaped by nlohmann; invalid UTF-8 (a deck file name
// can hold any bytes) is replaced, never thrown.
std::string Scalar(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// `{"a": 1, "b": [2, 3]}`: one line, a space after every `:` and `,`.
void AppendInline(const Json& value, std::string& out) {
  if (value.is_object()) {
    out += '{';
    const char* sep = "";
    for (const auto& item : value.items()) {
      out += sep;
      out += Scalar(Json(item.key()));
      out += ": ";
      AppendInline(item.value(), out);
      sep = ", ";
    }
    out += '}';
  } else if (value.is_array()) {
    out += '[';
    const char* sep = "";
    for (const Json& element : value) {
      out += sep;
      AppendInline(element, out);
      sep = ", ";
    }
    out += ']';
  } else {
    out += Scalar(value);
  }
}

}  // namespace

std::string LayoutJson(const Json& object) {
  std::string out = "{\n";
  const char* sep = "";
  for (const auto& item : object.items()) {
    out += sep;
    out += "  " + Scalar(Json(item.key())) + ": ";
    const Json& value = item.value();
    if (value.is_array() && !value.empty()) {
      out += "[\n";
      const char* element_sep = "";
      for (const Json& element : value) {
        out += element_sep;
        out += "    ";
        AppendInline(element, out);
        element_sep = ",\n";
      }
      out += "\n  ]";
    } else {
      AppendInline(value, out);
    }
    sep = ",\n";
  }
  out += "\n}\n";
  return out;
}

}  // namespace cardflow
