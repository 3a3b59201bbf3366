// Workflow definitions: plain values, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"

namespace wfm {

// One step of a workflow. v1 knows a single type, "Task": run `resource` (a job definition
// "name" or "name:revision"), then go to `next`, or finish the workflow when `end` is true.
struct State {
  std::string name;
  std::string type;
  std::string comment;
  std::string next;  // empty when end is true
  std::string resource;
  bool end = false;
};

// A named workflow at one revision (0 first; each update adds 1).
struct Workflow {
  std::string id;
  std::string name;
  int64_t revision = 0;
  std::string start_at;
  std::string description;
  std::vector<State> states;
  TimestampMs created_at = 0;

  // The state named `name`, or nullptr.
  const State* FindState(const std::string& name) const;
  // Names of the states whose task must succeed before `state`'s task may run, in state order.
  std::vector<std::string> DependenciesOf(const std::string& state) const;
};

}  // namespace wfm
