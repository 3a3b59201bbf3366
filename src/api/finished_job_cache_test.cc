#include "api/finished_job_cache.h"

#include <gtest/gtest.h>

namespace wfm {
namespace {

Job JobWith(JobStatus status, TaskStatus task_status, const std::string& task_id,
            TimestampMs stopped_at) {
  Job job;
  job.id = "j";
  job.status = status;
  Task task;
  task.state = "a";
  task.id = task_id;
  task.status = task_status;
  task.stopped_at = stopped_at;
  job.tasks.push_back(task);
  return job;
}

TEST(FinishedJobCache, KeepsOnlyJobsThatCanNoLongerChange) {
  EXPECT_TRUE(FinishedJobCache::IsFinal(
      JobWith(JobStatus::kSucceeded, TaskStatus::kSucceeded, "j-0-1", 5)));
  EXPECT_FALSE(
      FinishedJobCache::IsFinal(JobWith(JobStatus::kRunning, TaskStatus::kRunning, "j-0-1", 0)));
  // Cancelled, but its task was not seen stopped yet: its stop time is still to come.
  EXPECT_FALSE(FinishedJobCache::IsFinal(
      JobWith(JobStatus::kCancelled, TaskStatus::kAbortedByUser, "j-0-1", 0)));
  EXPECT_TRUE(FinishedJobCache::IsFinal(
      JobWith(JobStatus::kCancelled, TaskStatus::kAbortedByUser, "j-0-1", 9)));
}

TEST(FinishedJobCache, ForgetsTheOldestBeyondItsSizeAndKeepsTheFirstAnswer) {
  FinishedJobCache cache(100);
  cache.Add("a", std::string(40, 'a'));
  cache.Add("b", std::string(40, 'b'));
  cache.Add("a", "changed");  // the first answer stays
  EXPECT_EQ(*cache.Find("a"), std::string(40, 'a'));
  cache.Add("c", std::string(40, 'c'));  // 123 bytes: "a" goes
  EXPECT_EQ(cache.Find("a"), nullptr);
  EXPECT_EQ(*cache.Find("b"), std::string(40, 'b'));
  EXPECT_EQ(*cache.Find("c"), std::string(40, 'c'));
  cache.Add("huge", std::string(200, 'h'));  // larger than the whole cache: not kept
  EXPECT_EQ(cache.Find("huge"), nullptr);
  EXPECT_NE(cache.Find("b"), nullptr);
}

}  // namespace
}  // namespace wfm
