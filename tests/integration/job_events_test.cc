// EventHub with JobEvents: subscribers of a job get its JSON at once and after each change,
// keep-alives while nothing changes, the end of their stream once the job has ended; streams that
// refuse writes are dropped; no more than max_subscribers are kept.
#include "api/job_events.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "engine/job_rules.h"
#include "store/memory/memory_store.h"
#include "support/recording_stream.h"

namespace wfm {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

class JobEventsTest : public ::testing::Test {
 protected:
  JobEventsTest() {
    Workflow workflow;
    workflow.name = "w";
    workflow.start_at = "only";
    State state;
    state.name = "only";
    state.type = "Task";
    state.resource = "echo";
    state.end = true;
    workflow.states.push_back(state);
    job_ = NewJob(workflow, "job-1", "[]", 1000);
    EXPECT_TRUE(store_.CreateJob(job_).ok());
  }

  // Stores a change of the job (its status), as the engine would.
  void Change(JobStatus status) {
    auto stored = store_.GetJob("job-1");
    ASSERT_TRUE(stored.ok());
    CommitBatch batch;
    batch.jobs.push_back(JobMutation{stored.value(), stored->version});
    batch.jobs[0].job.status = status;
    auto left = store_.Commit(batch);
    ASSERT_TRUE(left.ok() && left->empty());
  }

  static std::vector<json> JobsIn(const std::string& text) {
    std::vector<json> jobs;
    for (const auto& [name, data] : EventsIn(text)) {
      EXPECT_EQ(name, "job");
      jobs.push_back(json::parse(data));
    }
    return jobs;
  }

  MemoryStore store_;
  JobEvents jobs_{store_};
  Job job_;
};

TEST_F(JobEventsTest, SendsTheJobAtOnceThenEachChangeAndEndsWithIt) {
  EventHub hub(EventStreamOptions{5ms, 60s, 10});
  auto stream = std::make_shared<RecordingStream>();
  hub.Subscribe(jobs_, "job-1", {}, stream);
  ASSERT_TRUE(stream->WaitFor([](const std::string& text, bool) { return !text.empty(); }));
  Change(JobStatus::kRunning);
  ASSERT_TRUE(stream->WaitFor(
      [](const std::string& text, bool) { return EventsIn(text).size() >= 2; }));
  Change(JobStatus::kSucceeded);
  ASSERT_TRUE(stream->WaitFor([](const std::string&, bool ended) { return ended; }));
  std::vector<json> jobs = JobsIn(stream->text());
  ASSERT_EQ(jobs.size(), 3u) << stream->text();  // no event without a change
  EXPECT_EQ(jobs[0]["status"], "QUEUED");
  EXPECT_EQ(jobs[1]["status"], "RUNNING");
  EXPECT_EQ(jobs[2]["status"], "SUCCEEDED");
  EXPECT_EQ(jobs[2]["id"], "job-1");
  EXPECT_EQ(hub.subscribers(), 0u);
}

TEST_F(JobEventsTest, SubscribersOfAnEndedJobGetItOnceAndTheEnd) {
  Change(JobStatus::kFailed);
  EventHub hub(EventStreamOptions{5ms, 60s, 10});
  auto first = std::make_shared<RecordingStream>();
  auto second = std::make_shared<RecordingStream>();
  hub.Subscribe(jobs_, "job-1", {}, first);
  hub.Subscribe(jobs_, "job-1", {}, second);
  for (auto* stream : {first.get(), second.get()}) {
    ASSERT_TRUE(stream->WaitFor([](const std::string&, bool ended) { return ended; }));
    std::vector<json> jobs = JobsIn(stream->text());
    ASSERT_EQ(jobs.size(), 1u);
    EXPECT_EQ(jobs[0]["status"], "FAILED");
  }
}

TEST_F(JobEventsTest, KeepsQuietStreamsAliveWithComments) {
  EventHub hub(EventStreamOptions{5ms, 20ms, 10});
  auto stream = std::make_shared<RecordingStream>();
  hub.Subscribe(jobs_, "job-1", {}, stream);
  ASSERT_TRUE(stream->WaitFor([](const std::string& text, bool) {
    return text.find(": keep-alive\n\n") != std::string::npos;
  }));
  EXPECT_EQ(JobsIn(stream->text()).size(), 1u);
  EXPECT_FALSE(stream->ended());
}

TEST_F(JobEventsTest, DropsAStreamWhoseClientWentAway) {
  EventHub hub(EventStreamOptions{5ms, 60s, 10});
  auto stream = std::make_shared<RecordingStream>();
  hub.Subscribe(jobs_, "job-1", {}, stream);
  ASSERT_TRUE(stream->WaitFor([](const std::string& text, bool) { return !text.empty(); }));
  EXPECT_EQ(hub.subscribers(), 1u);
  stream->Refuse();
  Change(JobStatus::kRunning);
  for (int i = 0; i < 2000 && hub.subscribers() > 0; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(hub.subscribers(), 0u);
}

TEST_F(JobEventsTest, AStreamBeyondTheLimitGetsAnErrorAndEnds) {
  EventHub hub(EventStreamOptions{5ms, 60s, 1});
  EXPECT_TRUE(hub.CheckRoom().ok());
  auto kept = std::make_shared<RecordingStream>();
  hub.Subscribe(jobs_, "job-1", {}, kept);
  EXPECT_EQ(hub.CheckRoom().error().code, ErrorCode::kUnavailable);
  auto refused = std::make_shared<RecordingStream>();
  hub.Subscribe(jobs_, "job-1", {}, refused);
  ASSERT_TRUE(refused->ended());
  auto events = EventsIn(refused->text());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].first, "error");
  EXPECT_NE(json::parse(events[0].second)["message"].get<std::string>().find("too many"),
            std::string::npos);
  EXPECT_EQ(hub.subscribers(), 1u);
}

TEST_F(JobEventsTest, AJobThatIsGoneEndsItsStreamsWithAnError) {
  EventHub hub(EventStreamOptions{5ms, 60s, 10});
  auto stream = std::make_shared<RecordingStream>();
  hub.Subscribe(jobs_, "no-such-job", {}, stream);
  ASSERT_TRUE(stream->WaitFor([](const std::string&, bool ended) { return ended; }));
  auto events = EventsIn(stream->text());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].first, "error");
}

TEST(EventText, IsOneEventWithItsNameDataAndId) {
  EXPECT_EQ(EventHub::EventText("job", "{\"a\":1}"), "event: job\ndata: {\"a\":1}\n\n");
  EXPECT_EQ(EventHub::EventText("execution", "{}", "7"), "event: execution\nid: 7\ndata: {}\n\n");
  EXPECT_EQ(EventHub::ErrorEventText("gone"), "event: error\ndata: {\"message\":\"gone\"}\n\n");
}

}  // namespace
}  // namespace wfm
