// Events of Step Functions executions (GET /events?execution=ARN) for the EventHub
// (job_events.h): `event: execution` whose data is {"execution": its status and timing,
// "events": the history events stored since the last event sent}, with `id:` the id of the last
// history event it holds (a client that reconnects with Last-Event-ID resumes after it). One
// event at once, then one whenever history events are stored; the stream ends with the event
// where the execution has ended and its last history event is sent, or with an `error` event
// when the execution is gone.
#pragma once

#include <nlohmann/json.hpp>

#include "api/job_events.h"
#include "engine/execution_record.h"
#include "store/store.h"

namespace wfm {

class ExecutionEvents : public EventSource {
 public:
  // History events in one event at most; a subscriber further behind gets several events, one a
  // round, the rounds following each other at once.
  static constexpr int kHistoryEventsPerEvent = 100;

  // `history_events_per_event`: 1 to 999.
  explicit ExecutionEvents(Store& store, int history_events_per_event = kHistoryEventsPerEvent)
      : store_(store), history_events_per_event_(history_events_per_event) {}

  // One read of the execution, and one read of its history per position (the events after
  // position.last, at most history_events_per_event of them).
  std::map<StreamPosition, StreamUpdate> Read(const std::string& arn,
                                              const std::set<StreamPosition>& positions) override;

 private:
  Store& store_;
  const int history_events_per_event_;
};

// The `execution` member of an event: the status and timing fields of GET /executions/{arn}
// (executionArn, status, startDate, stopDate, error, cause, output, redriveCount).
nlohmann::json ExecutionStatusJson(const ExecutionInfo& info);

// Whether nothing more happens to an execution in `status` (until it is redriven).
bool IsExecutionFinished(const std::string& status);

}  // namespace wfm
