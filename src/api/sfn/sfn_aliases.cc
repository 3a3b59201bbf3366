// State machine aliases: names that route new executions to one or two versions by weight.
#include <random>

#include "api/sfn/sfn_api.h"

namespace wfm::sfn {
namespace {

// The alias ARN of a request. Errors: InvalidArn; ValidationException for another kind of ARN.
Result<StateMachineArn> AliasArn(const std::string& arn) {
  auto parsed = ParseStateMachineArn(arn);
  if (!parsed.ok()) return parsed;
  if (!parsed->IsAlias()) {
    return TypedError("ValidationException", "'" + arn + "' is not a state machine alias ARN");
  }
  return parsed;
}

}  // namespace

std::string SfnApi::PickVersion(const json& routing) {
  thread_local std::mt19937 random{std::random_device{}()};
  int roll = std::uniform_int_distribution<int>(1, 100)(random);
  for (const json& route : routing) {
    roll -= route["weight"].get<int>();
    if (roll <= 0) return route["stateMachineVersionArn"];
  }
  return routing.back()["stateMachineVersionArn"];
}

// Checks a routing configuration (1 or 2 distinct versions of one state machine, weights adding
// up to 100, every version existing) and returns it with the state machine's ARN in `base`.
// Errors: ValidationException, SerializationException, InvalidArn, ResourceNotFound.
static Result<json> CheckRouting(Store& store, const json& routing, std::string* base) {
  if (routing.empty() || routing.size() > 2) {
    return ConstraintError("routingConfiguration", routing.dump(), "have length between 1 and 2");
  }
  json out = json::array();
  int64_t total = 0;
  for (const json& route : routing) {
    if (!route.is_object()) {
      return TypedError("SerializationException", "a route must be an object");
    }
    Params fields(route);
    auto version = fields.String("stateMachineVersionArn", 1, 256, true);
    auto weight = fields.Integer("weight", 0, 100);
    if (fields.ok() && !weight) {
      fields.Fail(ConstraintError("routingConfiguration.member.weight", "null", "not be null"));
    }
    if (!fields.ok()) return fields.error();
    auto parsed = ParseStateMachineArn(*version);
    if (!parsed.ok()) return parsed.error();
    if (!parsed->IsVersion()) {
      return TypedError("ValidationException", "'" + *version + "' is not a version ARN");
    }
    if (!base->empty() && *base != parsed->base) {
      return TypedError("ValidationException",
                        "the versions of an alias must belong to one state machine");
    }
    *base = parsed->base;
    for (const json& seen : out) {
      if (seen["stateMachineVersionArn"] == *version) {
        return TypedError("ValidationException", "version '" + *version + "' is routed twice");
      }
    }
    auto exists = store.GetRecord(kRecordStateMachineVersion, *version);
    if (!exists.ok()) {
      if (exists.error().code != ErrorCode::kNotFound) return exists.error();
      return TypedError("ResourceNotFound", "Resource not found: '" + *version + "'");
    }
    total += *weight;
    out.push_back({{"stateMachineVersionArn", *version}, {"weight", *weight}});
  }
  if (total != 100) {
    return TypedError("ValidationException", "the weights of an alias's routes must add up to 100");
  }
  return out;
}

Result<json> SfnApi::CreateStateMachineAlias(Params& p) {
  auto description = p.String("description", 0, 256, false);
  auto name = p.String("name", 1, 80, true);
  auto routing = p.Array("routingConfiguration", true);
  if (!p.ok()) return p.error();
  if (auto s = CheckAliasName(*name); !s.ok()) return s.error();
  std::string base;
  auto routes = CheckRouting(store_, *routing, &base);
  if (!routes.ok()) return routes.error();
  std::string arn = base + ":" + *name;
  TimestampMs now = clock_.Now();
  json body = {{"name", *name},
               {"description", description.value_or("")},
               {"routingConfiguration", routes.value()},
               {"creationDate", now},
               {"updateDate", now}};
  Status created =
      store_.CreateRecord(Record{kRecordStateMachineAlias, arn, base, "", now, body.dump(), 0});
  if (created.ok()) return json{{"stateMachineAliasArn", arn}, {"creationDate", EpochSeconds(now)}};
  if (created.error().code != ErrorCode::kAlreadyExists) return created.error();
  // The same alias again is answered as created; another one under its name is a conflict.
  auto existing = Get(kRecordStateMachineAlias, arn, "ResourceNotFound");
  if (!existing.ok()) return existing.error();
  auto stored = BodyOf(existing.value());
  if (!stored.ok()) return stored.error();
  if ((*stored)["routingConfiguration"] != routes.value() ||
      (*stored)["description"] != body["description"]) {
    return TypedError("ConflictException", "Alias '" + arn + "' exists with another configuration");
  }
  return json{{"stateMachineAliasArn", arn}, {"creationDate", EpochSeconds(existing->created_at)}};
}

Result<json> SfnApi::DescribeStateMachineAlias(Params& p) {
  auto arn = p.String("stateMachineAliasArn", 1, 256, true);
  if (!p.ok()) return p.error();
  auto parsed = AliasArn(*arn);
  if (!parsed.ok()) return parsed.error();
  auto record = Get(kRecordStateMachineAlias, *arn, "ResourceNotFound");
  if (!record.ok()) return record.error();
  auto body = BodyOf(record.value());
  if (!body.ok()) return body.error();
  return json{{"stateMachineAliasArn", *arn},
              {"name", (*body)["name"]},
              {"description", (*body)["description"]},
              {"routingConfiguration", (*body)["routingConfiguration"]},
              {"creationDate", EpochSeconds((*body)["creationDate"])},
              {"updateDate", EpochSeconds((*body)["updateDate"])}};
}

Result<json> SfnApi::UpdateStateMachineAlias(Params& p) {
  auto arn = p.String("stateMachineAliasArn", 1, 256, true);
  auto description = p.String("description", 0, 256, false);
  auto routing = p.Array("routingConfiguration", false);
  if (!p.ok()) return p.error();
  auto parsed = AliasArn(*arn);
  if (!parsed.ok()) return parsed.error();
  if (!description && !routing) {
    return TypedError("ValidationException",
                      "give a description or a routingConfiguration to update");
  }
  json routes;
  if (routing) {
    std::string base = parsed->base;
    auto checked = CheckRouting(store_, *routing, &base);
    if (!checked.ok()) return checked.error();
    routes = checked.value();
  }
  TimestampMs now = clock_.Now();
  auto updated = Modify(kRecordStateMachineAlias, *arn, "ResourceNotFound", [&](json& body) {
    if (description) body["description"] = *description;
    if (routing) body["routingConfiguration"] = routes;
    body["updateDate"] = now;
    return OkStatus();
  });
  if (!updated.ok()) return updated.error();
  return json{{"updateDate", EpochSeconds(now)}};
}

Result<json> SfnApi::DeleteStateMachineAlias(Params& p) {
  auto arn = p.String("stateMachineAliasArn", 1, 256, true);
  if (!p.ok()) return p.error();
  auto parsed = AliasArn(*arn);
  if (!parsed.ok()) return parsed.error();
  Status deleted = store_.DeleteRecord(kRecordStateMachineAlias, *arn);
  if (!deleted.ok()) return WithType(deleted.error(), "ResourceNotFound");
  return json::object();
}

Result<json> SfnApi::ListStateMachineAliases(Params& p) {
  auto arn = p.String("stateMachineArn", 1, 256, true);
  auto token = p.String("nextToken", 1, 1024, false);
  auto max_results = p.Integer("maxResults", 0, 1000);
  if (!p.ok()) return p.error();
  auto parsed = ParseStateMachineArn(*arn);
  if (!parsed.ok()) return parsed.error();
  if (parsed->IsAlias()) {
    return TypedError("InvalidArn", "'" + *arn + "' is an alias ARN, not a state machine's");
  }
  auto machine = Get(kRecordStateMachine, parsed->base, "StateMachineDoesNotExist");
  if (!machine.ok()) return machine.error();
  if (parsed->IsVersion()) {
    auto version = Get(kRecordStateMachineVersion, *arn, "ResourceNotFound");
    if (!version.ok()) return version.error();
  }
  // For a version ARN, only the aliases that route to it: pages are read until enough match.
  int wanted = PageSize(max_results);
  json items = json::array();
  std::string next = token.value_or("");
  do {
    auto page = List({kRecordStateMachineAlias, parsed->base, "", next,
                      wanted - static_cast<int>(items.size())});
    if (!page.ok()) return page.error();
    for (const Record& record : page->records) {
      if (parsed->IsVersion()) {
        auto body = BodyOf(record);
        if (!body.ok()) return body.error();
        bool routes_to_it = false;
        for (const json& route : (*body)["routingConfiguration"]) {
          routes_to_it = routes_to_it || route["stateMachineVersionArn"] == *arn;
        }
        if (!routes_to_it) continue;
      }
      items.push_back({{"stateMachineAliasArn", record.key},
                       {"creationDate", EpochSeconds(record.created_at)}});
    }
    next = page->next_page_token;
  } while (!next.empty() && static_cast<int>(items.size()) < wanted);
  json out = {{"stateMachineAliases", items}};
  if (!next.empty()) out["nextToken"] = next;
  return out;
}

}  // namespace wfm::sfn
