#include "executor/routing_executor.h"

#include <algorithm>
#include <map>

namespace wfm {
namespace {

std::string Prefixed(const std::string& name, const std::string& id) {
  return id.empty() ? id : name + ":" + id;
}

}  // namespace

RoutingExecutor::RoutingExecutor(std::vector<Member> members, Route route)
    : members_(std::move(members)), route_(std::move(route)) {}

const RoutingExecutor::Member* RoutingExecutor::Named(const std::string& name) const {
  for (const auto& member : members_) {
    if (member.name == name) return &member;
  }
  return nullptr;
}

std::pair<const RoutingExecutor::Member*, std::string> RoutingExecutor::Split(
    const std::string& id) const {
  size_t colon = id.find(':');
  if (colon != std::string::npos) {
    if (const Member* member = Named(id.substr(0, colon))) {
      return {member, id.substr(colon + 1)};
    }
  }
  return {&members_.front(), id};
}

Result<std::string> RoutingExecutor::Submit(const TaskSpec& spec) {
  const Member* member = nullptr;
  TaskSpec inner = spec;
  if (!spec.known_id.empty()) {
    auto [known, id] = Split(spec.known_id);
    member = known;
    inner.known_id = id;
  } else {
    auto name = route_(spec.resource);
    if (!name.ok()) return name.error();
    member = Named(name.value());
    if (member == nullptr) {
      return Error{ErrorCode::kInvalidArgument, "job definition '" + spec.resource +
                                                    "' runs on " + name.value() +
                                                    ", which this service does not have"};
    }
  }
  auto id = member->executor->Submit(inner);
  if (!id.ok()) return id.error();
  return Prefixed(member->name, id.value());
}

std::vector<TaskObservation> RoutingExecutor::Describe(const std::vector<std::string>& ids) {
  // One call per member, with its ids in order; answers put back in the caller's order.
  std::map<const Member*, std::vector<size_t>> positions;
  std::map<const Member*, std::vector<std::string>> own_ids;
  for (size_t i = 0; i < ids.size(); ++i) {
    auto [member, id] = Split(ids[i]);
    positions[member].push_back(i);
    own_ids[member].push_back(id);
  }
  std::vector<TaskObservation> out(ids.size());
  for (const auto& [member, wanted] : own_ids) {
    auto seen = member->executor->Describe(wanted);
    const auto& at = positions[member];
    for (size_t k = 0; k < at.size() && k < seen.size(); ++k) {
      TaskObservation& observation = out[at[k]];
      observation = std::move(seen[k]);
      observation.id = ids[at[k]];
      observation.new_id = Prefixed(member->name, observation.new_id);
    }
  }
  return out;
}

std::vector<std::string> RoutingExecutor::Terminate(const std::vector<std::string>& ids,
                                                    const std::string& reason) {
  std::map<const Member*, std::vector<std::string>> own_ids;
  std::vector<std::string> unnamed;
  for (const auto& id : ids) {
    size_t colon = id.find(':');
    if (colon != std::string::npos && Named(id.substr(0, colon))) {
      auto [member, own] = Split(id);
      own_ids[member].push_back(own);
    } else {
      unnamed.push_back(id);
    }
  }
  std::vector<std::string> taken;
  for (const auto& [member, wanted] : own_ids) {
    for (const auto& id : member->executor->Terminate(wanted, reason)) {
      taken.push_back(Prefixed(member->name, id));
    }
  }
  if (!unnamed.empty()) {
    // Which executor has them is not known: every one looks; the first one answers for them.
    for (size_t m = 1; m < members_.size(); ++m) members_[m].executor->Terminate(unnamed, reason);
    for (const auto& id : members_.front().executor->Terminate(unnamed, reason)) {
      taken.push_back(id);
    }
  }
  return taken;
}

size_t RoutingExecutor::MaxDataBytes() const {
  size_t smallest = SIZE_MAX;
  for (const auto& member : members_) smallest = std::min(smallest, member.executor->MaxDataBytes());
  return smallest;
}

void RoutingExecutor::SetChangeListener(
    std::function<void(const std::vector<std::string>&)> listener) {
  notifier_.Set(std::move(listener));
  for (const auto& member : members_) {
    member.executor->SetChangeListener([this, name = member.name, first = &member == &members_.front()](
                                           const std::vector<std::string>& ids) {
      std::vector<std::string> prefixed;
      prefixed.reserve(ids.size() * (first ? 2 : 1));
      for (const auto& id : ids) {
        prefixed.push_back(Prefixed(name, id));
        if (first) prefixed.push_back(id);  // ids without a name are the first one's too
      }
      notifier_.Notify(prefixed);
    });
  }
}

Status RoutingExecutor::Health() const {
  std::string problems;
  for (const auto& member : members_) {
    Status health = member.executor->Health();
    if (health.ok()) continue;
    problems += (problems.empty() ? "" : "; ") + member.name + ": " + health.error().message;
  }
  if (problems.empty()) return OkStatus();
  return Error{ErrorCode::kUnavailable, problems};
}

Result<nlohmann::json> RoutingExecutor::ListJobDefinitions() const {
  Error last{ErrorCode::kUnimplemented, "no executor lists job definitions"};
  for (const auto& member : members_) {
    auto listed = member.executor->ListJobDefinitions();
    if (listed.ok()) return listed;
    last = listed.error();
  }
  return last;
}

Status RoutingExecutor::CheckResource(const std::string& resource) {
  auto name = route_(resource);
  if (!name.ok()) return name.error();
  const Member* member = Named(name.value());
  if (member == nullptr) {
    return Error{ErrorCode::kInvalidArgument, "resource '" + resource + "' runs on " +
                                                  name.value() +
                                                  ", which this service does not have"};
  }
  return member->executor->CheckResource(resource);
}

}  // namespace wfm
