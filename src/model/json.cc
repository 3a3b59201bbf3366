#include "model/json.h"

namespace wfm {
namespace {

using nlohmann::json;

// RFC 3339, or null while unset (the key is always there).
void PutTimestamp(json& out, const char* key, TimestampMs ms) {
  out[key] = ms != 0 ? json(FormatTimestamp(ms)) : json(nullptr);
}

TimestampMs GetTimestamp(const json& in, const char* key) {
  TimestampMs ms = 0;
  auto it = in.find(key);
  if (it != in.end() && it->is_string()) ParseTimestamp(it->get<std::string>(), &ms);
  return ms;
}

// The text, or null when there is none (the API's one way to say "no value").
json TextOrNull(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

Error TypeError(const std::string& field, const char* expected) {
  return Error{ErrorCode::kInvalidArgument, "'" + field + "' must be " + expected};
}

// Reads an optional string field. Returns false (and sets *error) when present but not a string.
bool ReadString(const json& in, const char* key, const std::string& label, std::string* out,
                Error* error) {
  auto it = in.find(key);
  if (it == in.end() || it->is_null()) return true;
  if (!it->is_string()) {
    *error = TypeError(label, "a string");
    return false;
  }
  *out = it->get<std::string>();
  return true;
}

Result<State> StateFromJson(const json& in, size_t index) {
  std::string label = "states[" + std::to_string(index) + "]";
  if (!in.is_object()) return TypeError(label, "an object");
  State state;
  Error error;
  if (!ReadString(in, "name", label + ".name", &state.name, &error) ||
      !ReadString(in, "type", label + ".type", &state.type, &error) ||
      !ReadString(in, "comment", label + ".comment", &state.comment, &error) ||
      !ReadString(in, "next", label + ".next", &state.next, &error) ||
      !ReadString(in, "resource", label + ".resource", &state.resource, &error)) {
    return error;
  }
  auto end = in.find("end");
  if (end != in.end() && !end->is_null()) {
    if (!end->is_boolean()) return TypeError(label + ".end", "a boolean");
    state.end = end->get<bool>();
  }
  return state;
}

}  // namespace

json WorkflowToJson(const Workflow& workflow) {
  json states = json::array();
  for (const auto& s : workflow.states) {
    json state = {{"name", s.name},
                  {"type", s.type},
                  {"comment", TextOrNull(s.comment)},
                  {"next", TextOrNull(s.next)},
                  {"resource", TextOrNull(s.resource)},
                  {"end", s.end}};
    states.push_back(std::move(state));
  }
  json out = {{"id", workflow.id},
              {"name", workflow.name},
              {"revision", workflow.revision},
              {"startAt", workflow.start_at},
              {"description", TextOrNull(workflow.description)},
              {"states", std::move(states)}};
  PutTimestamp(out, "createdAt", workflow.created_at);
  return out;
}

Result<Workflow> WorkflowFromJson(const json& in) {
  if (!in.is_object()) return Error{ErrorCode::kInvalidArgument, "the body must be a JSON object"};
  Workflow workflow;
  Error error;
  if (!ReadString(in, "id", "id", &workflow.id, &error) ||
      !ReadString(in, "name", "name", &workflow.name, &error) ||
      !ReadString(in, "startAt", "startAt", &workflow.start_at, &error) ||
      !ReadString(in, "description", "description", &workflow.description, &error)) {
    return error;
  }
  auto revision = in.find("revision");
  if (revision != in.end() && !revision->is_null()) {
    if (!revision->is_number_integer()) return TypeError("revision", "an integer");
    workflow.revision = revision->get<int64_t>();
  }
  auto states = in.find("states");
  if (states != in.end() && !states->is_null()) {
    if (!states->is_array()) return TypeError("states", "an array");
    for (size_t i = 0; i < states->size(); ++i) {
      auto state = StateFromJson((*states)[i], i);
      if (!state.ok()) return state.error();
      workflow.states.push_back(std::move(state.value()));
    }
  }
  workflow.created_at = GetTimestamp(in, "createdAt");
  return workflow;
}

json TaskToJson(const Task& task, JsonForm form) {
  // The API says "no value" with null (the key always there); the stored form keeps strings.
  auto text = [form](const std::string& value) {
    return form == JsonForm::kApi ? TextOrNull(value) : json(value);
  };
  json out = {{"id", text(task.id)},
              {"state", task.state},
              {"status", ToString(task.status)},
              {"statusReason", text(task.status_reason)},
              {"container", text(task.container)},
              {"jobDefinition", text(task.job_definition)},
              {"attempt", task.attempt}};
  if (task.exit_code) {
    out["exitCode"] = *task.exit_code;
  } else if (form == JsonForm::kApi) {
    out["exitCode"] = nullptr;
  }
  PutTimestamp(out, "createdAt", task.created_at);
  PutTimestamp(out, "startedAt", task.started_at);
  PutTimestamp(out, "stoppedAt", task.stopped_at);
  if (form == JsonForm::kStorage) {
    out["submitIntent"] = task.submit_intent;
    out["terminateSent"] = task.terminate_sent;
    out["dependencyIds"] = task.dependency_ids;
  }
  return out;
}

json JobToJson(const Job& job, JsonForm form) {
  json tasks = json::array();
  for (const auto& t : job.tasks) tasks.push_back(TaskToJson(t, form));
  json out = {{"id", job.id},
              {"workflow", WorkflowToJson(job.workflow)},
              {"data", json::parse(job.data_json.empty() ? "[]" : job.data_json)},
              {"status", ToString(job.status)},
              {"tasks", std::move(tasks)}};
  out["statusReason"] =
      form == JsonForm::kApi ? TextOrNull(job.status_reason) : json(job.status_reason);
  PutTimestamp(out, "createdAt", job.created_at);
  PutTimestamp(out, "startedAt", job.started_at);
  PutTimestamp(out, "stoppedAt", job.stopped_at);
  return out;
}

Result<Job> JobFromStorageJson(const std::string& text) {
  try {
    json in = json::parse(text);
    Job job;
    job.id = in.at("id").get<std::string>();
    auto workflow = WorkflowFromJson(in.at("workflow"));
    if (!workflow.ok()) return Error{ErrorCode::kInternal, workflow.error().message};
    job.workflow = std::move(workflow.value());
    job.data_json = in.at("data").dump();
    if (!ParseJobStatus(in.at("status").get<std::string>(), &job.status)) {
      return Error{ErrorCode::kInternal, "stored job " + job.id + " has an unknown status"};
    }
    job.status_reason = in.value("statusReason", "");
    job.created_at = GetTimestamp(in, "createdAt");
    job.started_at = GetTimestamp(in, "startedAt");
    job.stopped_at = GetTimestamp(in, "stoppedAt");
    for (const auto& t : in.at("tasks")) {
      Task task;
      task.id = t.at("id").get<std::string>();
      task.state = t.at("state").get<std::string>();
      if (!ParseTaskStatus(t.at("status").get<std::string>(), &task.status)) {
        return Error{ErrorCode::kInternal,
                     "stored job " + job.id + " has a task of unknown status"};
      }
      task.status_reason = t.value("statusReason", "");
      task.container = t.value("container", "");
      task.job_definition = t.value("jobDefinition", "");
      task.attempt = t.value("attempt", 0);
      if (t.contains("exitCode")) task.exit_code = t.at("exitCode").get<int>();
      task.created_at = GetTimestamp(t, "createdAt");
      task.started_at = GetTimestamp(t, "startedAt");
      task.stopped_at = GetTimestamp(t, "stoppedAt");
      task.submit_intent = t.value("submitIntent", false);
      task.terminate_sent = t.value("terminateSent", false);
      task.dependency_ids = t.value("dependencyIds", std::vector<std::string>{});
      job.tasks.push_back(std::move(task));
    }
    return job;
  } catch (const json::exception& e) {
    return Error{ErrorCode::kInternal, std::string("stored job is not readable: ") + e.what()};
  }
}

}  // namespace wfm
