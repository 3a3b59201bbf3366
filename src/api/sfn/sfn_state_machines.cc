// State machines and their versions.
#include "api/sfn/sfn_api.h"

#include <set>

#include "asl/definition.h"
#include "core/ids.h"

namespace wfm::sfn {
namespace {

const json kDefaultLogging = {{"level", "OFF"}, {"includeExecutionData", false}};
const json kDefaultTracing = {{"enabled", false}};

// `given` over the defaults (a configuration compares equal whether its defaults were spelled
// out or not), its log level checked. Errors: ValidationException for an unknown level.
Result<json> LoggingConfiguration(const std::optional<json>& given) {
  json out = kDefaultLogging;
  if (given) out.update(*given);
  static const std::set<std::string> kLevels = {"ALL", "ERROR", "FATAL", "OFF"};
  if (!out["level"].is_string() || !kLevels.count(out["level"].get<std::string>())) {
    return TypedError("ValidationException",
                      "loggingConfiguration.level must be one of ALL, ERROR, FATAL, OFF");
  }
  return out;
}

json TracingConfiguration(const std::optional<json>& given) {
  json out = kDefaultTracing;
  if (given) out.update(*given);
  return out;
}

// InvalidDefinition with the first ERROR finding, or ok.
Status CheckDefinition(const std::string& definition) {
  for (const asl::Diagnostic& d : asl::ValidateDefinition(definition)) {
    if (d.severity != "ERROR") continue;
    return TypedError("InvalidDefinition",
                      "Invalid State Machine Definition: '" + d.code + ": " + d.message +
                          (d.location.empty() ? "" : " at " + d.location) + "'");
  }
  return OkStatus();
}

// An unqualified state machine ARN (a version or alias ARN is a ValidationException).
Result<StateMachineArn> Unqualified(const std::string& arn) {
  auto parsed = ParseStateMachineArn(arn);
  if (!parsed.ok()) return parsed;
  if (!parsed->qualifier.empty()) {
    return TypedError("ValidationException",
                      "'" + arn + "' is a version or alias ARN; a state machine ARN is needed");
  }
  return parsed;
}

json Diagnostics(const std::vector<asl::Diagnostic>& found) {
  json out = json::array();
  for (const auto& d : found) {
    json item = {{"severity", d.severity}, {"code", d.code}, {"message", d.message}};
    if (!d.location.empty()) item["location"] = d.location;
    out.push_back(item);
  }
  return out;
}

}  // namespace

Result<json> SfnApi::CreateStateMachine(Params& p) {
  auto name = p.String("name", 1, 80, true);
  auto definition = p.String("definition", 1, 1 << 20, true);
  auto role = p.String("roleArn", 1, 256, true);
  auto type = p.Enum("type", {"STANDARD", "EXPRESS"}, false);
  auto logging = p.Object("loggingConfiguration");
  auto tracing = p.Object("tracingConfiguration");
  auto tags = p.Array("tags", false);
  auto publish = p.Boolean("publish");
  auto description = p.String("versionDescription", 0, 256, false);
  if (!p.ok()) return p.error();
  if (auto s = CheckResourceName(*name, "state machine"); !s.ok()) return s.error();
  if (auto s = CheckAnyArn(*role, "roleArn"); !s.ok()) return s.error();
  if (type == "EXPRESS") {
    return TypedError("StateMachineTypeNotSupported",
                      "EXPRESS state machines are not supported: every execution here is durable; "
                      "use STANDARD");
  }
  if (description && !publish.value_or(false)) {
    return TypedError("ValidationException", "versionDescription requires publish to be true");
  }
  if (auto s = CheckDefinition(*definition); !s.ok()) return s.error();
  auto logging_configuration = LoggingConfiguration(logging);
  if (!logging_configuration.ok()) return logging_configuration.error();
  json tag_map = json::object();
  if (tags) {
    if (auto s = MergeTags(*tags, tag_map); !s.ok()) return s.error();
  }
  // What a repeated CreateStateMachine must repeat to be answered with this machine.
  json created_with = {{"publish", publish.value_or(false)},
                       {"versionDescription", description.value_or("")}};
  TimestampMs now = clock_.Now();
  std::string arn = arns_.StateMachine(*name);
  json body = {{"name", *name},
               {"definition", *definition},
               {"roleArn", *role},
               {"type", "STANDARD"},
               {"creationDate", now},
               {"updateDate", now},
               {"revisionId", NewUuid()},
               {"loggingConfiguration", logging_configuration.value()},
               {"tracingConfiguration", TracingConfiguration(tracing)},
               {"createdWith", created_with},
               {"tags", tag_map},
               {"lastVersion", 0},
               {"publishedRevision", ""}};
  Record record{kRecordStateMachine, arn, "", "", now, body.dump(), 0};
  Status created = store_.CreateRecord(record);
  json out;
  if (!created.ok()) {
    if (created.error().code != ErrorCode::kAlreadyExists) return created.error();
    // Idempotent: the same name, definition, configuration, publish and versionDescription
    // answer the existing machine (a different roleArn or tags are ignored, as Step Functions
    // does).
    auto existing = Get(kRecordStateMachine, arn, "StateMachineAlreadyExists");
    if (!existing.ok()) return existing.error();
    auto stored = BodyOf(existing.value());
    if (!stored.ok()) return stored.error();
    if ((*stored)["definition"] != *definition ||
        (*stored)["loggingConfiguration"] != body["loggingConfiguration"] ||
        (*stored)["tracingConfiguration"] != body["tracingConfiguration"] ||
        stored->value("createdWith", created_with) != created_with) {
      return TypedError("StateMachineAlreadyExists", "State Machine Already Exists: '" + arn + "'");
    }
    out = {{"stateMachineArn", arn}, {"creationDate", EpochSeconds((*stored)["creationDate"])}};
  } else {
    out = {{"stateMachineArn", arn}, {"creationDate", EpochSeconds(now)}};
  }
  if (publish.value_or(false)) {  // publishing an unchanged revision answers its version
    auto version = Publish(arn, std::nullopt, description.value_or(""));
    if (!version.ok()) return version.error();
    out["stateMachineVersionArn"] = version->key;
  }
  return out;
}

Result<Record> SfnApi::Publish(const std::string& state_machine_arn,
                               const std::optional<std::string>& expected_revision,
                               const std::string& description) {
  std::optional<Record> existing;
  json version;
  auto updated =
      Modify(kRecordStateMachine, state_machine_arn, "StateMachineDoesNotExist", [&](json& body) {
        existing.reset();
        std::string revision = body["revisionId"];
        if (expected_revision && *expected_revision != revision) {
          return Status(TypedError("ConflictException", "revisionId '" + *expected_revision +
                                                            "' is not the current revision '" +
                                                            revision + "'"));
        }
        if (body["publishedRevision"] == revision) {
          auto last = store_.GetRecord(
              kRecordStateMachineVersion,
              state_machine_arn + ":" + std::to_string(body["lastVersion"].get<int64_t>()));
          if (last.ok()) {
            existing = last.value();
            return OkStatus();
          }
          if (last.error().code != ErrorCode::kNotFound) return Status(last.error());
        }
        body["lastVersion"] = body["lastVersion"].get<int64_t>() + 1;
        body["publishedRevision"] = revision;
        version = {{"name", body["name"]},
                   {"definition", body["definition"]},
                   {"roleArn", body["roleArn"]},
                   {"type", body["type"]},
                   {"revisionId", revision},
                   {"description", description},
                   {"loggingConfiguration", body["loggingConfiguration"]},
                   {"tracingConfiguration", body["tracingConfiguration"]}};
        return OkStatus();
      });
  if (!updated.ok()) return updated.error();
  if (existing) return *existing;
  auto body = BodyOf(updated.value());
  if (!body.ok()) return body.error();
  TimestampMs now = clock_.Now();
  version["creationDate"] = now;
  Record record{kRecordStateMachineVersion,
                state_machine_arn + ":" + std::to_string((*body)["lastVersion"].get<int64_t>()),
                state_machine_arn,
                "",
                now,
                version.dump(),
                1};
  if (auto s = store_.CreateRecord(record); !s.ok()) return s.error();
  return record;
}

Result<json> SfnApi::UpdateStateMachine(Params& p) {
  auto arn = p.String("stateMachineArn", 1, 256, true);
  auto definition = p.String("definition", 1, 1 << 20, false);
  auto role = p.String("roleArn", 1, 256, false);
  auto logging = p.Object("loggingConfiguration");
  auto tracing = p.Object("tracingConfiguration");
  auto publish = p.Boolean("publish");
  auto description = p.String("versionDescription", 0, 256, false);
  if (!p.ok()) return p.error();
  auto parsed = Unqualified(*arn);
  if (!parsed.ok()) return parsed.error();
  if (!definition && !role && !logging && !tracing) {
    return TypedError("MissingRequiredParameter",
                      "give at least one of definition, roleArn, loggingConfiguration and "
                      "tracingConfiguration");
  }
  if (description && !publish.value_or(false)) {
    return TypedError("ValidationException", "versionDescription requires publish to be true");
  }
  if (role) {
    if (auto s = CheckAnyArn(*role, "roleArn"); !s.ok()) return s.error();
  }
  if (definition) {
    if (auto s = CheckDefinition(*definition); !s.ok()) return s.error();
  }
  auto logging_configuration = LoggingConfiguration(logging);
  if (!logging_configuration.ok()) return logging_configuration.error();
  TimestampMs now = clock_.Now();
  auto updated = Modify(kRecordStateMachine, *arn, "StateMachineDoesNotExist", [&](json& body) {
    json before = body;
    if (definition) body["definition"] = *definition;
    if (role) body["roleArn"] = *role;
    if (logging) body["loggingConfiguration"] = logging_configuration.value();
    if (tracing) body["tracingConfiguration"] = TracingConfiguration(tracing);
    if (body != before) body["revisionId"] = NewUuid();
    body["updateDate"] = now;
    return OkStatus();
  });
  if (!updated.ok()) return updated.error();
  auto body = BodyOf(updated.value());
  if (!body.ok()) return body.error();
  json out = {{"updateDate", EpochSeconds(now)}, {"revisionId", (*body)["revisionId"]}};
  if (publish.value_or(false)) {
    auto version = Publish(*arn, std::nullopt, description.value_or(""));
    if (!version.ok()) return version.error();
    out["stateMachineVersionArn"] = version->key;
  }
  return out;
}

Result<json> SfnApi::DescribeStateMachine(Params& p) {
  auto arn = p.String("stateMachineArn", 1, 256, true);
  auto included = p.Enum("includedData", {"ALL_DATA", "METADATA_ONLY"}, false);
  if (!p.ok()) return p.error();
  auto parsed = ParseStateMachineArn(*arn);
  if (!parsed.ok()) return parsed.error();
  if (parsed->IsAlias()) {
    return TypedError("InvalidArn", "'" + *arn +
                                        "' is an alias ARN: DescribeStateMachineAlias describes "
                                        "aliases");
  }
  const char* kind = parsed->IsVersion() ? kRecordStateMachineVersion : kRecordStateMachine;
  auto record = Get(kind, *arn, "StateMachineDoesNotExist");
  if (!record.ok()) return record.error();
  auto body = BodyOf(record.value());
  if (!body.ok()) return body.error();
  json out = {{"stateMachineArn", *arn},
              {"name", (*body)["name"]},
              {"status", "ACTIVE"},
              {"definition", (*body)["definition"]},
              {"roleArn", (*body)["roleArn"]},
              {"type", (*body)["type"]},
              {"creationDate", EpochSeconds((*body)["creationDate"])},
              {"loggingConfiguration", (*body)["loggingConfiguration"]},
              {"tracingConfiguration", (*body)["tracingConfiguration"]},
              {"revisionId", (*body)["revisionId"]}};
  if (parsed->IsVersion() && !(*body).value("description", std::string()).empty()) {
    out["description"] = (*body)["description"];
  }
  if (included == "METADATA_ONLY") out["definition"] = "{}";  // as the API reference says
  return out;
}

Result<json> SfnApi::ListStateMachines(Params& p) {
  auto max_results = p.Integer("maxResults", 0, 1000);
  auto token = p.String("nextToken", 1, 1024, false);
  if (!p.ok()) return p.error();
  auto page = List({kRecordStateMachine, "", "", token.value_or(""), PageSize(max_results)});
  if (!page.ok()) return page.error();
  json items = json::array();
  for (const Record& record : page->records) {
    auto body = BodyOf(record);
    if (!body.ok()) return body.error();
    items.push_back({{"stateMachineArn", record.key},
                     {"name", (*body)["name"]},
                     {"type", (*body)["type"]},
                     {"creationDate", EpochSeconds(record.created_at)}});
  }
  json out = {{"stateMachines", items}};
  if (!page->next_page_token.empty()) out["nextToken"] = page->next_page_token;
  return out;
}

Status SfnApi::DeleteChildren(const std::string& state_machine_arn) {
  for (const char* kind : {kRecordStateMachineAlias, kRecordStateMachineVersion}) {
    for (;;) {
      auto page = store_.ListRecords({kind, state_machine_arn, "", "", 1000});
      if (!page.ok()) return page.error();
      if (page->records.empty()) break;
      for (const Record& record : page->records) {
        Status deleted = store_.DeleteRecord(kind, record.key);
        if (!deleted.ok() && deleted.error().code != ErrorCode::kNotFound) return deleted;
      }
    }
  }
  return OkStatus();
}

Result<json> SfnApi::DeleteStateMachine(Params& p) {
  auto arn = p.String("stateMachineArn", 1, 256, true);
  if (!p.ok()) return p.error();
  auto parsed = Unqualified(*arn);
  if (!parsed.ok()) return parsed.error();
  // The machine goes first so that no version can be published meanwhile; its executions keep
  // running on the definition they started with.
  Status deleted = store_.DeleteRecord(kRecordStateMachine, *arn);
  if (!deleted.ok() && deleted.error().code != ErrorCode::kNotFound) return deleted.error();
  if (auto s = DeleteChildren(*arn); !s.ok()) return s.error();
  return json::object();
}

Result<json> SfnApi::ValidateStateMachineDefinition(Params& p) {
  auto definition = p.String("definition", 1, 1 << 20, true);
  auto type = p.Enum("type", {"STANDARD", "EXPRESS"}, false);
  auto severity = p.Enum("severity", {"ERROR", "WARNING"}, false);
  auto max_results = p.Integer("maxResults", 0, 100);
  if (!p.ok()) return p.error();
  size_t limit = max_results && *max_results > 0 ? static_cast<size_t>(*max_results) : 100;
  std::vector<asl::Diagnostic> found;
  bool failed = false;
  for (asl::Diagnostic& d : asl::ValidateDefinition(*definition)) {
    failed = failed || d.severity == "ERROR";
    if (d.severity == "ERROR" || severity == "WARNING") found.push_back(std::move(d));
  }
  bool truncated = found.size() > limit;
  if (truncated) found.resize(limit);
  return json{{"result", failed ? "FAIL" : "OK"},
              {"diagnostics", Diagnostics(found)},
              {"truncated", truncated}};
}

Result<json> SfnApi::PublishStateMachineVersion(Params& p) {
  auto arn = p.String("stateMachineArn", 1, 256, true);
  auto revision = p.String("revisionId", 0, SIZE_MAX, false);
  auto description = p.String("description", 0, 256, false);
  if (!p.ok()) return p.error();
  auto parsed = Unqualified(*arn);
  if (!parsed.ok()) return parsed.error();
  auto version = Publish(*arn, revision, description.value_or(""));
  if (!version.ok()) return version.error();
  return json{{"creationDate", EpochSeconds(version->created_at)},
              {"stateMachineVersionArn", version->key}};
}

Result<json> SfnApi::ListStateMachineVersions(Params& p) {
  auto arn = p.String("stateMachineArn", 1, 256, true);
  auto token = p.String("nextToken", 1, 1024, false);
  auto max_results = p.Integer("maxResults", 0, 1000);
  if (!p.ok()) return p.error();
  auto parsed = Unqualified(*arn);
  if (!parsed.ok()) return parsed.error();
  auto page =
      List({kRecordStateMachineVersion, *arn, "", token.value_or(""), PageSize(max_results)});
  if (!page.ok()) return page.error();
  json items = json::array();
  for (const Record& record : page->records) {
    items.push_back({{"stateMachineVersionArn", record.key},
                     {"creationDate", EpochSeconds(record.created_at)}});
  }
  json out = {{"stateMachineVersions", items}};
  if (!page->next_page_token.empty()) out["nextToken"] = page->next_page_token;
  return out;
}

Result<json> SfnApi::DeleteStateMachineVersion(Params& p) {
  auto arn = p.String("stateMachineVersionArn", 1, 2000, true);
  if (!p.ok()) return p.error();
  auto parsed = ParseStateMachineArn(*arn);
  if (!parsed.ok()) return parsed.error();
  if (!parsed->IsVersion()) {
    return TypedError("ValidationException", "'" + *arn + "' is not a state machine version ARN");
  }
  std::string token;
  do {
    auto page = store_.ListRecords({kRecordStateMachineAlias, parsed->base, "", token, 1000});
    if (!page.ok()) return page.error();
    for (const Record& alias : page->records) {
      auto body = BodyOf(alias);
      if (!body.ok()) return body.error();
      for (const json& route : (*body)["routingConfiguration"]) {
        if (route["stateMachineVersionArn"] == *arn) {
          return TypedError("ConflictException",
                            "Version to be deleted must not be referenced by an alias: '" +
                                alias.key + "' routes to it");
        }
      }
    }
    token = page->next_page_token;
  } while (!token.empty());
  Status deleted = store_.DeleteRecord(kRecordStateMachineVersion, *arn);
  if (!deleted.ok() && deleted.error().code != ErrorCode::kNotFound) return deleted.error();
  return json::object();
}

}  // namespace wfm::sfn
