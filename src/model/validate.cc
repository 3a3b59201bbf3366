#include "model/validate.h"

#include <map>
#include <set>

namespace wfm {
namespace {

Error Invalid(std::string message) {
  return Error{ErrorCode::kInvalidArgument, std::move(message)};
}

bool IsNameChar(char c, bool allow_dot) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || (allow_dot && c == '.');
}

}  // namespace

bool IsValidWorkflowName(const std::string& name) {
  if (name.empty() || name.size() > 128 || name[0] == '.') return false;
  for (char c : name) {
    if (!IsNameChar(c, true)) return false;
  }
  return true;
}

bool IsValidResource(const std::string& resource) {
  size_t colon = resource.find(':');
  std::string name = resource.substr(0, colon);
  if (name.empty() || name.size() > 128) return false;
  for (char c : name) {
    if (!IsNameChar(c, false)) return false;
  }
  if (colon == std::string::npos) return true;
  std::string revision = resource.substr(colon + 1);
  if (revision.empty() || revision.size() > 9 || revision[0] == '0') return false;
  for (char c : revision) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

Status ValidateWorkflow(const Workflow& workflow) {
  if (workflow.name.empty()) return Invalid("'name' is required");
  if (!IsValidWorkflowName(workflow.name)) {
    return Invalid("name '" + workflow.name +
                   "' must be 1-128 characters of letters, digits, '_', '-' or '.', not starting "
                   "with '.'");
  }
  if (workflow.states.empty()) return Invalid("'states' must contain at least one state");

  std::map<std::string, const State*> by_name;
  for (size_t i = 0; i < workflow.states.size(); ++i) {
    const State& s = workflow.states[i];
    if (s.name.empty()) return Invalid("states[" + std::to_string(i) + "]: 'name' is required");
    if (!by_name.emplace(s.name, &s).second)
      return Invalid("duplicate state name '" + s.name + "'");
  }
  for (const State& s : workflow.states) {
    std::string where = "state '" + s.name + "': ";
    if (s.type != "Task") {
      return Invalid(where + "type '" + s.type + "' is not supported (only 'Task')");
    }
    if (s.resource.empty()) return Invalid(where + "'resource' is required");
    if (!IsValidResource(s.resource)) {
      return Invalid(where + "resource '" + s.resource +
                     "' must be 'name' or 'name:revision' (name: letters, digits, '_', '-')");
    }
    if (s.end && !s.next.empty()) return Invalid(where + "has both 'end' and 'next'");
    if (!s.end && s.next.empty()) return Invalid(where + "needs either 'next' or 'end': true");
    if (!s.next.empty() && !by_name.count(s.next)) {
      return Invalid(where + "next '" + s.next + "' is not a state");
    }
  }
  if (workflow.start_at.empty()) return Invalid("'startAt' is required");
  if (!by_name.count(workflow.start_at)) {
    return Invalid("startAt '" + workflow.start_at + "' is not a state");
  }

  // Each state has at most one successor, so following `next` from any state either ends or
  // loops. One walk per unvisited state, never re-entering a visited one: linear in the states.
  std::map<std::string, int> walk_of;  // the walk that first visited each state
  for (size_t walk = 0; walk < workflow.states.size(); ++walk) {
    std::vector<const State*> path;
    for (const State* s = &workflow.states[walk];; s = by_name.at(s->next)) {
      auto [it, first_visit] = walk_of.emplace(s->name, static_cast<int>(walk));
      if (!first_visit) {
        if (it->second != static_cast<int>(walk)) break;  // joins an earlier walk, known loop-free
        std::string cycle;
        size_t start = 0;
        while (path[start] != s) ++start;
        for (size_t i = start; i < path.size(); ++i) {
          cycle += (i > start ? " -> " : "") + path[i]->name;
        }
        return Invalid("cycle: " + cycle + " -> " + s->name);
      }
      path.push_back(s);
      if (s->end) break;
    }
  }

  std::set<std::string> reachable;
  for (const State* s = by_name.at(workflow.start_at);; s = by_name.at(s->next)) {
    reachable.insert(s->name);
    if (s->end) break;
  }
  for (const State& s : workflow.states) {
    if (!reachable.count(s.name)) {
      return Invalid("state '" + s.name + "' is not reachable from startAt '" + workflow.start_at +
                     "'");
    }
  }
  return OkStatus();
}

}  // namespace wfm
