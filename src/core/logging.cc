#include "core/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <vector>

namespace wfm {
namespace {

// %* : the log message as a quoted, escaped JSON string, so json lines stay valid JSON.
class JsonMessageFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    std::string quoted = nlohmann::json(std::string(msg.payload.data(), msg.payload.size()))
                             .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    dest.append(quoted.data(), quoted.data() + quoted.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessageFlag>();
  }
};

// The fields of the LogFields scopes open on this thread, outermost first.
thread_local std::vector<std::pair<std::string, std::string>> t_fields;

// %& : the thread's log fields, as `,"key":"value"` (JSON) or ` key=value` (text).
class FieldsFlag : public spdlog::custom_flag_formatter {
 public:
  explicit FieldsFlag(bool json) : json_(json) {}
  void format(const spdlog::details::log_msg&, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    for (const auto& [key, value] : t_fields) {
      std::string text =
          json_ ? "," + nlohmann::json(key).dump() + ":" +
                      nlohmann::json(value).dump(-1, ' ', false,
                                                 nlohmann::json::error_handler_t::replace)
                : " " + key + "=" + value;
      dest.append(text.data(), text.data() + text.size());
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<FieldsFlag>(json_);
  }

 private:
  bool json_;
};

}  // namespace

LogFields::LogFields(std::initializer_list<std::pair<const char*, std::string>> fields) {
  for (const auto& [key, value] : fields) {
    if (value.empty()) continue;
    t_fields.emplace_back(key, value);
    ++added_;
  }
}

LogFields::~LogFields() { t_fields.resize(t_fields.size() - added_); }

Status SetUpLogging(const std::string& level, const std::string& format) {
  auto parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off") {
    return Error{ErrorCode::kInvalidArgument,
                 "unknown log level '" + level + "' (trace, debug, info, warn, error, off)"};
  }
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  if (format == "text") {
    formatter->add_flag<FieldsFlag>('&', false).set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v%&");
  } else if (format == "json") {
    formatter->add_flag<JsonMessageFlag>('*').add_flag<FieldsFlag>('&', true).set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","message":%*%&})");
  } else {
    return Error{ErrorCode::kInvalidArgument, "unknown log format '" + format + "' (text, json)"};
  }
  spdlog::set_formatter(std::move(formatter));
  spdlog::set_level(parsed);
  return OkStatus();
}

}  // namespace wfm
