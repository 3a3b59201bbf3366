// EventHub with ExecutionEvents, and GET /events?execution=ARN: a subscriber of a Step Functions
// execution gets its status at once with the history stored so far, then each history event
// once and in order, in events of bounded size; a subscriber that gives Last-Event-ID resumes
// after that event; the stream ends once the execution has ended and its last event was sent.
// Unknown executions are 404, a request naming neither or both of a job and an execution 400,
// and job and execution streams share one limit.
#include "api/execution_events.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/api.h"
#include "engine/job_rules.h"
#include "store/memory/memory_store.h"
#include "support/recording_stream.h"

namespace wfm {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr char kArn[] = "arn:aws:states:us-east-1:123456789012:execution:machine:run-1";

// One `event: execution` as a client reads it.
struct ExecutionMessage {
  int64_t id = -1;  // the `id:` field
  json data;
};

// The events of a stream's text; every one must be an `execution` event with an id.
std::vector<ExecutionMessage> MessagesIn(const std::string& text) {
  std::vector<ExecutionMessage> messages;
  size_t start = 0;
  for (size_t end; (end = text.find("\n\n", start)) != std::string::npos; start = end + 2) {
    std::string block = text.substr(start, end - start);
    if (block.rfind(":", 0) == 0) continue;  // a keep-alive
    EXPECT_EQ(block.rfind("event: execution\nid: ", 0), 0u) << block;
    size_t id_end = block.find('\n', 21);
    size_t data = block.find("\ndata: ");
    EXPECT_NE(data, std::string::npos) << block;
    if (data == std::string::npos) continue;
    messages.push_back(
        {std::stoll(block.substr(21, id_end - 21)), json::parse(block.substr(data + 7))});
  }
  return messages;
}

// The ids of the history events in `messages`, in the order sent.
std::vector<int64_t> HistoryIdsIn(const std::vector<ExecutionMessage>& messages) {
  std::vector<int64_t> ids;
  for (const auto& message : messages) {
    for (const auto& event : message.data["events"]) ids.push_back(event["id"].get<int64_t>());
  }
  return ids;
}

// A job of one state, for streams of jobs beside those of executions.
Job OneStateJob() {
  Workflow workflow;
  workflow.name = "w";
  workflow.start_at = "only";
  State state;
  state.name = "only";
  state.type = "Task";
  state.resource = "echo";
  state.end = true;
  workflow.states.push_back(state);
  return NewJob(workflow, "job-1", "[]", 1000);
}

std::vector<int64_t> OneTo(int64_t last) {
  std::vector<int64_t> ids;
  for (int64_t id = 1; id <= last; ++id) ids.push_back(id);
  return ids;
}

// An execution in a memory store, whose history grows as the engine would write it.
class ExecutionEventsTest : public ::testing::Test {
 protected:
  ExecutionEventsTest() {
    info_.arn = kArn;
    info_.name = "run-1";
    info_.state_machine_arn = "arn:aws:states:us-east-1:123456789012:stateMachine:machine";
    info_.state_machine_name = "machine";
    info_.start_date = 1'700'000'000'000;
    Record record{kRecordExecution,
                  kArn,
                  info_.state_machine_arn,
                  info_.status,
                  info_.start_date,
                  json{{"info", ToJson(info_)}}.dump(),
                  0};
    EXPECT_TRUE(store_.CreateRecord(record).ok());
  }

  // Stores `count` more history events and, when `status` is given, the execution's new status,
  // in one commit (as the engine does).
  void Append(int count, const std::string& status = "") {
    auto stored = store_.GetRecord(kRecordExecution, kArn);
    ASSERT_TRUE(stored.ok());
    CommitBatch batch;
    if (!status.empty()) {
      info_.status = status;
      info_.stop_date = info_.start_date + 1000;
      if (status == kExecutionSucceeded) info_.output = R"({"done":true})";
      Record record = stored.value();
      record.status = status;
      record.body = json{{"info", ToJson(info_)}}.dump();
      batch.records.push_back(RecordMutation{record, stored->version});
    }
    for (int i = 0; i < count; ++i) {
      ++last_id_;
      json event = {{"id", last_id_}, {"type", "PassStateEntered"}, {"timestamp", 1700000000.5}};
      if (last_id_ > 1) event["previousEventId"] = last_id_ - 1;
      batch.events.push_back(HistoryEvent{kArn, last_id_, event.dump()});
    }
    auto left = store_.Commit(batch);
    ASSERT_TRUE(left.ok() && left->empty());
  }

  static bool Ended(const std::string&, bool ended) { return ended; }

  MemoryStore store_;
  ExecutionInfo info_;
  int64_t last_id_ = 0;
};

TEST_F(ExecutionEventsTest, SendsTheStatusAtOnceThenEachNewHistoryEventOnceAndEndsWithIt) {
  Append(1);
  ExecutionEvents executions(store_);
  EventHub hub(EventStreamOptions{5ms, 60s, 10});
  auto stream = std::make_shared<RecordingStream>();
  hub.Subscribe(executions, kArn, {}, stream);
  ASSERT_TRUE(stream->WaitFor([](const std::string& text, bool) { return !text.empty(); }));
  Append(2);
  ASSERT_TRUE(stream->WaitFor(
      [](const std::string& text, bool) { return HistoryIdsIn(MessagesIn(text)).size() >= 3; }));
  Append(1, kExecutionSucceeded);
  ASSERT_TRUE(stream->WaitFor(Ended));
  auto messages = MessagesIn(stream->text());
  EXPECT_EQ(HistoryIdsIn(messages), OneTo(4)) << stream->text();  // in order, none twice
  ASSERT_GE(messages.size(), 3u);
  json first = messages.front().data;
  EXPECT_EQ(first["execution"]["status"], "RUNNING");
  EXPECT_EQ(first["execution"]["executionArn"], kArn);
  EXPECT_EQ(first["execution"]["startDate"], "2023-11-14T22:13:20.000Z");
  EXPECT_TRUE(first["execution"]["stopDate"].is_null());
  EXPECT_EQ(messages.front().id, 1);
  json last = messages.back().data;
  EXPECT_EQ(last["execution"]["status"], "SUCCEEDED");
  EXPECT_EQ(last["execution"]["output"], json({{"done", true}}));
  EXPECT_EQ(last["execution"]["stopDate"], "2023-11-14T22:13:21.000Z");
  EXPECT_EQ(messages.back().id, 4);
  for (const auto& message : messages) {  // an event only when the history grew (or at first)
    EXPECT_FALSE(message.data["events"].empty()) << message.data;
  }
  EXPECT_EQ(hub.subscribers(), 0u);
}

TEST_F(ExecutionEventsTest, ALongHistoryComesInBoundedEventsToEachSubscriberFromWhereItIs) {
  Append(6);
  Append(1, kExecutionFailed);
  ExecutionEvents executions(store_, 2);
  EventHub hub(EventStreamOptions{60s, 60s, 10});  // no waiting between rounds while more is ready
  auto fresh = std::make_shared<RecordingStream>();
  auto resumed = std::make_shared<RecordingStream>();
  hub.Subscribe(executions, kArn, {}, fresh);
  hub.Subscribe(executions, kArn, StreamPosition{4, false}, resumed);
  ASSERT_TRUE(fresh->WaitFor(Ended));
  ASSERT_TRUE(resumed->WaitFor(Ended));
  auto all = MessagesIn(fresh->text());
  EXPECT_EQ(HistoryIdsIn(all), OneTo(7));
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].id, 2);
  EXPECT_EQ(all[1].id, 4);
  EXPECT_EQ(all[2].id, 6);
  EXPECT_EQ(all[3].id, 7);
  auto rest = MessagesIn(resumed->text());
  EXPECT_EQ(HistoryIdsIn(rest), (std::vector<int64_t>{5, 6, 7}));
  for (const auto& message : all) EXPECT_EQ(message.data["execution"]["status"], "FAILED");
}

TEST_F(ExecutionEventsTest, ASubscriberThatHasEverythingOfAnEndedExecutionGetsItsStatusAndTheEnd) {
  Append(2);
  Append(1, kExecutionAborted);
  ExecutionEvents executions(store_);
  EventHub hub(EventStreamOptions{5ms, 60s, 10});
  auto stream = std::make_shared<RecordingStream>();
  hub.Subscribe(executions, kArn, StreamPosition{3, false}, stream);
  ASSERT_TRUE(stream->WaitFor(Ended));
  auto messages = MessagesIn(stream->text());
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].id, 3);
  EXPECT_TRUE(messages[0].data["events"].empty());
  EXPECT_EQ(messages[0].data["execution"]["status"], "ABORTED");
}

TEST_F(ExecutionEventsTest, ReadsNothingNewForASubscriberUpToDateWhileItRuns) {
  Append(3);
  ExecutionEvents executions(store_, 2);
  auto updates = executions.Read(
      kArn, {StreamPosition{0, false}, StreamPosition{3, true}, StreamPosition{1, true}});
  EXPECT_FALSE(updates.contains(StreamPosition{3, true}));  // the hub sends it keep-alives
  const StreamUpdate& fresh = updates.at(StreamPosition{0, false});
  EXPECT_EQ(fresh.next, (StreamPosition{2, true}));
  EXPECT_TRUE(fresh.more);
  EXPECT_FALSE(fresh.ends);
  const StreamUpdate& behind = updates.at(StreamPosition{1, true});
  EXPECT_EQ(behind.next, (StreamPosition{3, true}));
  EXPECT_FALSE(behind.more);
  EXPECT_FALSE(behind.ends);  // still running
}

TEST_F(ExecutionEventsTest, AnExecutionThatIsGoneEndsItsStreamsWithAnError) {
  ExecutionEvents executions(store_);
  EventHub hub(EventStreamOptions{5ms, 60s, 10});
  auto stream = std::make_shared<RecordingStream>();
  hub.Subscribe(executions, kArn + std::string("-gone"), {}, stream);
  ASSERT_TRUE(stream->WaitFor(Ended));
  auto events = EventsIn(stream->text());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].first, "error");
  EXPECT_NE(events[0].second.find("not found"), std::string::npos);
}

TEST_F(ExecutionEventsTest, JobAndExecutionStreamsShareOneLimit) {
  ASSERT_TRUE(store_.CreateJob(OneStateJob()).ok());
  JobEvents jobs(store_);
  ExecutionEvents executions(store_);
  EventHub hub(EventStreamOptions{5ms, 60s, 2});
  hub.Subscribe(jobs, "job-1", {}, std::make_shared<RecordingStream>());
  EXPECT_TRUE(hub.CheckRoom().ok());
  hub.Subscribe(executions, kArn, {}, std::make_shared<RecordingStream>());
  EXPECT_EQ(hub.CheckRoom().error().code, ErrorCode::kUnavailable);
  auto refused = std::make_shared<RecordingStream>();
  hub.Subscribe(executions, kArn, {}, refused);
  ASSERT_TRUE(refused->ended());
  auto events = EventsIn(refused->text());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].first, "error");
  EXPECT_EQ(hub.subscribers(), 2u);
}

// The v1 API needs no engine for these requests.
class NoJobs : public JobService {
 public:
  Result<Job> StartJob(const Workflow&, const std::string&) override { return Unused(); }
  Result<Job> CancelJob(const std::string&, const std::string&) override { return Unused(); }
  bool IsLeader() const override { return true; }

 private:
  static Error Unused() { return Error{ErrorCode::kUnimplemented, "not in this test"}; }
};

class ExecutionEventsApiTest : public ExecutionEventsTest {
 protected:
  static ApiOptions OneStream() {
    ApiOptions options;
    options.events = EventStreamOptions{5ms, 60s, 1};
    return options;
  }

  HttpResponse Get(const std::string& target, const std::string& last_event_id = "") {
    HttpRequest request{"GET", target, "", {}, ""};
    if (!last_event_id.empty()) request.headers.emplace_back("Last-Event-ID", last_event_id);
    return api_.Handle(request);
  }
  std::string ErrorOf(const HttpResponse& response, int expected_status) {
    EXPECT_EQ(response.status, expected_status) << response.body;
    return json::parse(response.body).value("message", "");
  }

  FakeClock clock_;
  NoJobs jobs_;
  Api api_{store_, jobs_, clock_, nullptr, "", OneStream()};
};

TEST_F(ExecutionEventsApiTest, StreamsAnExecutionFromAfterLastEventId) {
  Append(4);
  Append(1, kExecutionSucceeded);
  HttpResponse response = Get("/events?execution=" + std::string(kArn), "2");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.content_type, "text/event-stream");
  EXPECT_EQ(response.headers["Cache-Control"], "no-cache");
  ASSERT_TRUE(response.stream);
  auto stream = std::make_shared<RecordingStream>();
  response.stream(stream);
  ASSERT_TRUE(stream->WaitFor(Ended));
  auto messages = MessagesIn(stream->text());
  EXPECT_EQ(HistoryIdsIn(messages), (std::vector<int64_t>{3, 4, 5}));
  EXPECT_EQ(messages.back().data["execution"]["status"], "SUCCEEDED");
}

TEST_F(ExecutionEventsApiTest, RefusesUnknownExecutionsAndUnclearRequests) {
  EXPECT_EQ(ErrorOf(Get("/events?execution=" + std::string(kArn) + "-gone"), 404),
            "execution '" + std::string(kArn) + "-gone' not found");
  EXPECT_EQ(ErrorOf(Get("/events?job=job-1&execution=" + std::string(kArn)), 400),
            "give one of the query parameters 'job' and 'execution', not both");
  EXPECT_EQ(ErrorOf(Get("/events"), 400), "give one of the query parameters 'job' and 'execution'");
  EXPECT_EQ(ErrorOf(Get("/events?execution="), 400), "query parameter 'execution' is empty");
  EXPECT_EQ(ErrorOf(Get("/events?execution=" + std::string(kArn), "x"), 400),
            "header Last-Event-ID must be the id of a history event (an integer, 0 or more)");
  EXPECT_EQ(api_.Handle(HttpRequest{"POST", "/events?execution=x", "", {}, ""}).status, 405);
}

TEST_F(ExecutionEventsApiTest, AnExecutionStreamCountsInTheLimitOfJobStreams) {
  Append(1);
  HttpResponse open = Get("/events?execution=" + std::string(kArn));
  ASSERT_EQ(open.status, 200) << open.body;
  auto stream = std::make_shared<RecordingStream>();
  open.stream(stream);
  ASSERT_TRUE(stream->WaitFor([](const std::string& text, bool) { return !text.empty(); }));
  EXPECT_NE(ErrorOf(Get("/events?execution=" + std::string(kArn)), 503).find("too many"),
            std::string::npos);
  ASSERT_TRUE(store_.CreateJob(OneStateJob()).ok());
  EXPECT_NE(ErrorOf(Get("/events?job=job-1"), 503).find("too many"), std::string::npos);
}

}  // namespace
}  // namespace wfm
