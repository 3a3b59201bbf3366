// Activities, the results of activity and callback tasks, and tags.
#include "api/sfn/sfn_api.h"

namespace wfm::sfn {
namespace {

// The Step Functions name of an error about a task token, by its code.
Error TaskTokenError(const Error& error) {
  return WithType(error, error.code == ErrorCode::kNotFound   ? "TaskDoesNotExist"
                         : error.code == ErrorCode::kConflict ? "TaskTimedOut"
                                                              : "");
}

// The record kind that holds a taggable resource's tags: state machines and activities.
// Errors: InvalidArn.
Result<std::string> TaggedKind(const std::string& arn) {
  if (CheckActivityArn(arn).ok()) return std::string(kRecordActivity);
  auto parsed = ParseStateMachineArn(arn);
  if (parsed.ok() && parsed->qualifier.empty()) return std::string(kRecordStateMachine);
  return TypedError("InvalidArn",
                    "Invalid Arn: '" + arn + "' is not a state machine or activity ARN");
}

}  // namespace

Result<json> SfnApi::CreateActivity(Params& p) {
  auto name = p.String("name", 1, 80, true);
  auto tags = p.Array("tags", false);
  p.Object("encryptionConfiguration");
  if (!p.ok()) return p.error();
  if (auto s = CheckResourceName(*name, "activity"); !s.ok()) return s.error();
  json tag_map = json::object();
  if (tags) {
    if (auto s = MergeTags(*tags, tag_map); !s.ok()) return s.error();
  }
  std::string arn = arns_.Activity(*name);
  TimestampMs now = clock_.Now();
  json body = {{"name", *name}, {"creationDate", now}, {"tags", tag_map}};
  Status created = store_.CreateRecord(Record{kRecordActivity, arn, "", "", now, body.dump(), 0});
  if (created.ok()) return json{{"activityArn", arn}, {"creationDate", EpochSeconds(now)}};
  if (created.error().code != ErrorCode::kAlreadyExists) return created.error();
  // Idempotent by name (different tags are ignored, as Step Functions does).
  auto existing = Get(kRecordActivity, arn, "ActivityDoesNotExist");
  if (!existing.ok()) return existing.error();
  return json{{"activityArn", arn}, {"creationDate", EpochSeconds(existing->created_at)}};
}

Result<json> SfnApi::DescribeActivity(Params& p) {
  auto arn = p.String("activityArn", 1, 256, true);
  if (!p.ok()) return p.error();
  if (auto s = CheckActivityArn(*arn); !s.ok()) return s.error();
  auto record = Get(kRecordActivity, *arn, "ActivityDoesNotExist");
  if (!record.ok()) return record.error();
  auto body = BodyOf(record.value());
  if (!body.ok()) return body.error();
  return json{{"activityArn", *arn},
              {"name", (*body)["name"]},
              {"creationDate", EpochSeconds(record->created_at)}};
}

Result<json> SfnApi::ListActivities(Params& p) {
  auto max_results = p.Integer("maxResults", 0, 1000);
  auto token = p.String("nextToken", 1, 1024, false);
  if (!p.ok()) return p.error();
  auto page = List({kRecordActivity, "", "", token.value_or(""), PageSize(max_results)});
  if (!page.ok()) return page.error();
  json items = json::array();
  for (const Record& record : page->records) {
    auto body = BodyOf(record);
    if (!body.ok()) return body.error();
    items.push_back({{"activityArn", record.key},
                     {"name", (*body)["name"]},
                     {"creationDate", EpochSeconds(record.created_at)}});
  }
  json out = {{"activities", items}};
  if (!page->next_page_token.empty()) out["nextToken"] = page->next_page_token;
  return out;
}

Result<json> SfnApi::DeleteActivity(Params& p) {
  auto arn = p.String("activityArn", 1, 256, true);
  if (!p.ok()) return p.error();
  if (auto s = CheckActivityArn(*arn); !s.ok()) return s.error();
  Status deleted = store_.DeleteRecord(kRecordActivity, *arn);
  if (!deleted.ok() && deleted.error().code != ErrorCode::kNotFound) return deleted.error();
  return json::object();
}

void SfnApi::GetActivityTask(Params& p, const HttpResponder& respond) {
  auto arn = p.String("activityArn", 1, 256, true);
  auto worker = p.String("workerName", 1, 80, false);
  if (!p.ok()) return respond(ErrorAnswer(p.error()));
  if (auto s = CheckActivityArn(*arn); !s.ok()) return respond(ErrorAnswer(s.error()));
  auto activity = Get(kRecordActivity, *arn, "ActivityDoesNotExist");
  if (!activity.ok()) return respond(ErrorAnswer(activity.error()));
  auto engine = Engine();
  if (!engine.ok()) return respond(ErrorAnswer(engine.error()));
  // No task within the wait: an answer without a taskToken (the model's output has no required
  // member; the SDKs read it as taskToken undefined / None).
  (*engine)->GetActivityTask(
      *arn, worker.value_or(""), options_.activity_poll,
      [respond](std::optional<ActivityTask> task) {
        if (!task) return respond(OkAnswer(json::object()));
        respond(OkAnswer(json{{"taskToken", task->task_token}, {"input", task->input}}));
      });
}

Result<json> SfnApi::SendTaskSuccess(Params& p) {
  auto token = p.String("taskToken", 1, 2048, true);
  auto output = p.String("output", 0, 256 * 1024, true);
  if (!p.ok()) return p.error();
  if (auto s = CheckJsonText(*output, "output", "InvalidOutput"); !s.ok()) return s.error();
  auto engine = Engine();
  if (!engine.ok()) return engine.error();
  Status sent = (*engine)->SendTaskSuccess(*token, *output);
  if (!sent.ok()) return TaskTokenError(sent.error());
  return json::object();
}

Result<json> SfnApi::SendTaskFailure(Params& p) {
  auto token = p.String("taskToken", 1, 2048, true);
  auto error = p.String("error", 0, 256, false);
  auto cause = p.String("cause", 0, 32768, false);
  if (!p.ok()) return p.error();
  auto engine = Engine();
  if (!engine.ok()) return engine.error();
  Status sent = (*engine)->SendTaskFailure(*token, error.value_or(""), cause.value_or(""));
  if (!sent.ok()) return TaskTokenError(sent.error());
  return json::object();
}

Result<json> SfnApi::SendTaskHeartbeat(Params& p) {
  auto token = p.String("taskToken", 1, 2048, true);
  if (!p.ok()) return p.error();
  auto engine = Engine();
  if (!engine.ok()) return engine.error();
  Status sent = (*engine)->SendTaskHeartbeat(*token);
  if (!sent.ok()) return TaskTokenError(sent.error());
  return json::object();
}

Result<json> SfnApi::TagResource(Params& p) {
  auto arn = p.String("resourceArn", 1, 256, true);
  auto tags = p.Array("tags", true);
  if (!p.ok()) return p.error();
  auto kind = TaggedKind(*arn);
  if (!kind.ok()) return kind.error();
  auto updated = Modify(kind.value(), *arn, "ResourceNotFound", [&](json& body) {
    json merged = body.value("tags", json::object());
    if (auto s = MergeTags(*tags, merged); !s.ok()) return s;
    body["tags"] = merged;
    return OkStatus();
  });
  if (!updated.ok()) return updated.error();
  return json::object();
}

Result<json> SfnApi::UntagResource(Params& p) {
  auto arn = p.String("resourceArn", 1, 256, true);
  auto keys = p.Array("tagKeys", true);
  if (!p.ok()) return p.error();
  for (const json& key : *keys) {
    if (!key.is_string()) return TypedError("SerializationException", "a tag key must be a string");
  }
  auto kind = TaggedKind(*arn);
  if (!kind.ok()) return kind.error();
  auto updated = Modify(kind.value(), *arn, "ResourceNotFound", [&](json& body) {
    json& tags = body["tags"];
    if (!tags.is_object()) tags = json::object();
    for (const json& key : *keys) tags.erase(key.get<std::string>());
    return OkStatus();
  });
  if (!updated.ok()) return updated.error();
  return json::object();
}

Result<json> SfnApi::ListTagsForResource(Params& p) {
  auto arn = p.String("resourceArn", 1, 256, true);
  if (!p.ok()) return p.error();
  auto kind = TaggedKind(*arn);
  if (!kind.ok()) return kind.error();
  auto record = Get(kind.value(), *arn, "ResourceNotFound");
  if (!record.ok()) return record.error();
  auto body = BodyOf(record.value());
  if (!body.ok()) return body.error();
  return json{{"tags", TagList(body->value("tags", json::object()))}};
}

}  // namespace wfm::sfn
