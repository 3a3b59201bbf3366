// The workflow the engine benchmarks run: a chain of three Task states a -> b -> c, each running
// the job definition "noop".
#pragma once

#include "core/ids.h"
#include "model/workflow.h"

namespace bench {

inline wfm::Workflow ChainWorkflow() {
  wfm::Workflow w;
  w.id = wfm::NewUuid();
  w.name = "bench";
  w.start_at = "a";
  w.states = {wfm::State{"a", "Task", "", "b", "noop", false},
              wfm::State{"b", "Task", "", "c", "noop", false},
              wfm::State{"c", "Task", "", "", "noop", true}};
  return w;
}

}  // namespace bench
