#include "executor/slurm/slurm_job_json.h"

#include <cstdint>
#include <set>

namespace wfm {
namespace {

// Seconds since the epoch beyond this (year 5138) are not a time Slurm means.
constexpr int64_t kLatestSeconds = 100'000'000'000;

Error Malformed(const std::string& what) {
  return Error{ErrorCode::kUnavailable, "malformed job from Slurm: " + what};
}

// The member `name` of `job` as an integer in [minimum, maximum]; `fallback` when it is missing
// or null.
Result<int64_t> IntegerField(const nlohmann::json& job, const char* name, int64_t minimum,
                             int64_t maximum, int64_t fallback) {
  auto it = job.find(name);
  if (it == job.end() || it->is_null()) return fallback;
  int64_t value = 0;
  if (it->is_number_unsigned()) {
    uint64_t raw = it->get<uint64_t>();
    if (raw > static_cast<uint64_t>(maximum)) return Malformed(std::string(name) + " out of range");
    value = static_cast<int64_t>(raw);
  } else if (it->is_number_integer()) {
    value = it->get<int64_t>();
  } else {
    return Malformed(std::string(name) + " is not an integer");
  }
  if (value < minimum || value > maximum) return Malformed(std::string(name) + " out of range");
  return value;
}

// The member `name` of `job` as a string; "" when it is missing or null.
Result<std::string> StringField(const nlohmann::json& job, const char* name) {
  auto it = job.find(name);
  if (it == job.end() || it->is_null()) return std::string();
  if (!it->is_string()) return Malformed(std::string(name) + " is not a string");
  return it->get<std::string>();
}

}  // namespace

bool IsTerminalSlurmState(const std::string& state) {
  static const std::set<std::string> kTerminal = {
      "COMPLETED", "FAILED",    "CANCELLED", "TIMEOUT",      "NODE_FAIL",
      "PREEMPTED", "BOOT_FAIL", "DEADLINE",  "OUT_OF_MEMORY"};
  return kTerminal.count(state) > 0;
}

Result<SlurmJob> ParseSlurmJob(const nlohmann::json& job) {
  if (!job.is_object()) return Malformed("a job is not an object");
  SlurmJob parsed;
  auto id = IntegerField(job, "job_id", 1, UINT32_MAX, 0);
  if (!id.ok()) return id.error();
  if (*id == 0) return Malformed("job_id is missing");
  parsed.id = std::to_string(*id);
  auto state = StringField(job, "job_state");
  if (!state.ok()) return state.error();
  if (state->empty()) return Malformed("job_state is missing");
  parsed.state = *state;
  auto name = StringField(job, "name");
  if (!name.ok()) return name.error();
  parsed.name = *name;
  auto reason = StringField(job, "state_reason");
  if (!reason.ok()) return reason.error();
  parsed.reason = *reason == "None" ? "" : *reason;
  auto nodes = StringField(job, "nodes");
  if (!nodes.ok()) return nodes.error();
  parsed.nodes = *nodes;
  auto status = IntegerField(job, "exit_code", 0, INT32_MAX, 0);
  auto start = IntegerField(job, "start_time", 0, kLatestSeconds, 0);
  auto end = IntegerField(job, "end_time", 0, kLatestSeconds, 0);
  for (const auto* field : {&status, &start, &end}) {
    if (!field->ok()) return field->error();
  }

  bool terminal = IsTerminalSlurmState(parsed.state);
  bool ran = !parsed.nodes.empty();  // a job cancelled while pending never had a node
  if (parsed.state != "PENDING" && ran) parsed.started_at = *start * 1000;
  if (terminal) parsed.ended_at = *end * 1000;
  if (terminal && ran) {
    int wait_status = static_cast<int>(*status);
    if ((wait_status & 0x7f) != 0) {
      parsed.signal = wait_status & 0x7f;
    } else {
      parsed.exit_code = (wait_status >> 8) & 0xff;
    }
  }
  parsed.description = job;
  return parsed;
}

Result<std::vector<SlurmJob>> ParseSlurmJobList(const nlohmann::json& answer) {
  if (!answer.is_object()) return Malformed("the answer is not an object");
  std::string errors = SlurmErrorMessages(answer);
  if (!errors.empty()) return Error{ErrorCode::kUnavailable, "Slurm: " + errors};
  auto jobs = answer.find("jobs");
  if (jobs == answer.end() || !jobs->is_array()) return Malformed("no \"jobs\" array");
  std::vector<SlurmJob> parsed;
  for (const auto& job : *jobs) {
    auto one = ParseSlurmJob(job);
    if (!one.ok()) return one.error();
    parsed.push_back(std::move(*one));
  }
  return parsed;
}

std::string SlurmErrorMessages(const nlohmann::json& answer) {
  if (!answer.is_object()) return "";
  auto errors = answer.find("errors");
  if (errors == answer.end() || !errors->is_array()) return "";
  std::string joined;
  for (const auto& error : *errors) {
    std::string message;
    for (const char* part : {"error", "description"}) {
      auto it = error.is_object() ? error.find(part) : error.end();
      if (it == error.end() || !it->is_string() || it->get<std::string>().empty()) continue;
      message += message.empty() ? it->get<std::string>() : " (" + it->get<std::string>() + ")";
    }
    if (message.empty()) message = error.dump();
    joined += (joined.empty() ? "" : "; ") + message;
  }
  return joined;
}

Result<nlohmann::json> ParseSlurmAnswer(const std::string& text, const std::string& what) {
  auto parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return Error{ErrorCode::kUnavailable, what + " is not JSON: " + text.substr(0, 200)};
  }
  return parsed;
}

}  // namespace wfm
