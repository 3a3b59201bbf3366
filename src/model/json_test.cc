#include "model/json.h"

#include <gtest/gtest.h>

namespace wfm {
namespace {

Job SampleJob() {
  Job job;
  job.id = "0b6b9a3e-8e63-4c5e-9a43-6f2b8f0c1d2e";
  job.workflow.id = "w1";
  job.workflow.name = "wf";
  job.workflow.revision = 2;
  job.workflow.start_at = "a";
  job.workflow.states = {State{"a", "Task", "first", "", "r:1", true}};
  job.workflow.created_at = 1'700'000'000'123;
  job.data_json = R"(["x","; rm -rf /"])";
  job.status = JobStatus::kRunning;
  job.created_at = 1'700'000'001'000;
  job.started_at = 1'700'000'002'000;
  Task task;
  task.id = "exec-1";
  task.state = "a";
  task.status = TaskStatus::kFailed;
  task.status_reason = "exit code 3";
  task.exit_code = 3;
  task.attempt = 1;
  task.submit_intent = true;
  task.dependency_ids = {"d1"};
  task.created_at = job.created_at;
  job.tasks.push_back(task);
  return job;
}

TEST(JobJson, StorageFormRoundTrips) {
  Job job = SampleJob();
  auto back = JobFromStorageJson(JobToJson(job, JsonForm::kStorage).dump());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(JobToJson(back.value(), JsonForm::kStorage), JobToJson(job, JsonForm::kStorage));
  EXPECT_TRUE(back->tasks[0].submit_intent);
  EXPECT_EQ(back->tasks[0].exit_code, 3);
}

TEST(JobJson, ApiFormHasTheV1FieldsAndHidesBookkeeping) {
  auto json = JobToJson(SampleJob(), JsonForm::kApi);
  for (const char* key : {"id", "workflow", "data", "status", "tasks", "createdAt", "startedAt"}) {
    EXPECT_TRUE(json.contains(key)) << key;
  }
  EXPECT_TRUE(json["stoppedAt"].is_null());  // unset timestamps are null
  const auto& task = json["tasks"][0];
  for (const char* key : {"id", "state", "status", "statusReason", "container", "createdAt"}) {
    EXPECT_TRUE(task.contains(key)) << key;
  }
  EXPECT_FALSE(task.contains("submitIntent"));
  EXPECT_EQ(task["status"], "FAILED");
  EXPECT_EQ(json["workflow"]["revision"], 2);
  EXPECT_EQ(json["data"][1], "; rm -rf /");
}

TEST(JobJson, CorruptStorageIsAnInternalError) {
  EXPECT_EQ(JobFromStorageJson("{}").error().code, ErrorCode::kInternal);
  EXPECT_EQ(JobFromStorageJson("nope").error().code, ErrorCode::kInternal);
}

}  // namespace
}  // namespace wfm
