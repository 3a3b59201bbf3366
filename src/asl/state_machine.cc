#include "asl/definition.h"

namespace wfm::asl {

const char* ToString(StateType type) {
  switch (type) {
    case StateType::kTask:
      return "Task";
    case StateType::kPass:
      return "Pass";
    case StateType::kChoice:
      return "Choice";
    case StateType::kWait:
      return "Wait";
    case StateType::kSucceed:
      return "Succeed";
    case StateType::kFail:
      return "Fail";
    case StateType::kParallel:
      return "Parallel";
    case StateType::kMap:
      return "Map";
  }
  return "?";
}

const State* StateMachine::Find(const std::string& name) const {
  auto it = states.find(name);
  return it == states.end() ? nullptr : &it->second;
}

}  // namespace wfm::asl
