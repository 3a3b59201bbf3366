// QueueExecutor with a scripted scheduler: what it does when the scheduler loses its answers.
#include "executor/queue/queue_executor.h"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>

namespace wfm {
namespace {

// A scheduler whose first submissions take the job but answer kUnavailable (a timed-out sbatch,
// a lost HTTP answer).
class AnswerLosingScheduler : public JobScheduler {
 public:
  explicit AnswerLosingScheduler(int answers_to_lose) : answers_to_lose_(answers_to_lose) {}
  std::string Name() const override { return "Scripted"; }
  bool IsJobId(const std::string& id) const override { return id.rfind("job-", 0) == 0; }
  std::string Where(const TaskSpec&) const override { return ""; }
  Status Validate(const TaskSpec&) const override { return OkStatus(); }
  Result<std::string> Submit(const TaskSpec& spec) override {
    std::lock_guard lock(mu_);
    std::string id = "job-" + std::to_string(++submissions_);
    jobs_.emplace_back(id, spec.name);
    if (answers_to_lose_-- > 0) return Error{ErrorCode::kUnavailable, "no answer in time"};
    return id;
  }
  Result<std::optional<ScheduledJob>> FindByName(const TaskSpec& spec) override {
    std::lock_guard lock(mu_);
    ++lookups_;
    for (const auto& [id, name] : jobs_) {
      if (name == spec.name) return std::optional<ScheduledJob>{Done(id)};
    }
    return std::optional<ScheduledJob>{};
  }
  Result<std::vector<ScheduledJob>> Describe(const std::vector<std::string>& ids) override {
    std::vector<ScheduledJob> out;
    for (const auto& id : ids) out.push_back(Done(id));
    return out;
  }
  Status Stop(const std::string&, const std::string&, const std::string&) override {
    return OkStatus();
  }
  Status Health() const override { return OkStatus(); }

  int submissions() const {
    std::lock_guard lock(mu_);
    return submissions_;
  }
  int lookups() const {
    std::lock_guard lock(mu_);
    return lookups_;
  }

 private:
  static ScheduledJob Done(const std::string& id) {
    ScheduledJob job;
    job.id = id;
    job.state = "DONE";
    job.seen.status = TaskStatus::kSucceeded;
    job.seen.exit_code = 0;
    return job;
  }

  mutable std::mutex mu_;
  int answers_to_lose_;
  int submissions_ = 0;
  int lookups_ = 0;
  std::vector<std::pair<std::string, std::string>> jobs_;  // id, name
};

TEST(QueueExecutor, ASubmissionWhoseAnswerWasLostIsLookedUpByNameNotSubmittedAgain) {
  SystemClock clock;
  auto owned = std::make_unique<AnswerLosingScheduler>(1);
  AnswerLosingScheduler& scheduler = *owned;
  QueueExecutorOptions options;
  options.poll_interval_ms = 10;
  options.resubmit_delay_ms = 10;
  QueueExecutor executor(std::move(owned), clock, options);
  TaskSpec spec;
  spec.name = "a-0-1";
  spec.fresh = true;  // decided by this process: no lookup before the first submission
  std::string id = executor.Submit(spec).value();
  TaskObservation seen;
  for (int i = 0; i < 1000; ++i) {
    seen = executor.Describe({id})[0];
    if (!seen.new_id.empty()) id = seen.new_id;
    if (IsTerminal(seen.status)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(seen.status, TaskStatus::kSucceeded);
  EXPECT_EQ(id, "job-1");               // the job the lost answer was about
  EXPECT_EQ(scheduler.submissions(), 1);  // never a second one
  EXPECT_EQ(scheduler.lookups(), 1);
}

}  // namespace
}  // namespace wfm
