#include "model/workflow.h"

namespace wfm {

const State* Workflow::FindState(const std::string& name) const {
  for (const auto& s : states) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::vector<std::string> Workflow::DependenciesOf(const std::string& state) const {
  std::vector<std::string> deps;
  for (const auto& s : states) {
    if (!s.end && s.next == state) deps.push_back(s.name);
  }
  return deps;
}

}  // namespace wfm
