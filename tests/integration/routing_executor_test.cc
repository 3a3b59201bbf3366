// Several executors in one service: RoutingExecutor sends each task to the executor its job
// definition names and keeps every later call about it there (prefixed ids); ExecutorNames and
// RouteOf read --executor and the definitions file.
#include "executor/routing_executor.h"

#include <gtest/gtest.h>

#include "executor/fake/fake_executor.h"
#include "server/service_executors.h"

namespace wfm {
namespace {

class RoutingExecutorTest : public ::testing::Test {
 protected:
  RoutingExecutorTest()
      : router_({{"local", &local_}, {"slurm", &slurm_}},
                [](const std::string& resource) -> Result<std::string> {
                  if (resource == "nowhere") return std::string("batch");
                  return resource.rfind("hpc", 0) == 0 ? std::string("slurm")
                                                       : std::string("local");
                }) {}

  TaskSpec Spec(const std::string& name, const std::string& resource) {
    TaskSpec spec;
    spec.name = name;
    spec.resource = resource;
    return spec;
  }

  FakeClock clock_;
  FakeExecutor local_{clock_};
  FakeExecutor slurm_{clock_};
  RoutingExecutor router_;
};

TEST_F(RoutingExecutorTest, EachTaskGoesWhereItsDefinitionSaysAndItsIdSaysWhere) {
  EXPECT_EQ(router_.Submit(Spec("a-0-1", "echo")).value(), "local:a-0-1");
  EXPECT_EQ(router_.Submit(Spec("a-1-1", "hpc-sim")).value(), "slurm:a-1-1");
  EXPECT_EQ(local_.SubmitCount("a-0-1"), 1);
  EXPECT_EQ(slurm_.SubmitCount("a-1-1"), 1);
  EXPECT_EQ(slurm_.SubmitCount("a-0-1"), 0);
}

TEST_F(RoutingExecutorTest, DescribesEachIdAtItsExecutorAndKeepsTheCallersOrder) {
  router_.Submit(Spec("a-0-1", "echo"));
  router_.Submit(Spec("a-1-1", "hpc-sim"));
  slurm_.Start("a-1-1");
  local_.Finish("a-0-1", 3);
  slurm_.Rename("a-1-1", "42");
  auto seen = router_.Describe({"slurm:a-1-1", "local:a-0-1"});
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].id, "slurm:a-1-1");
  EXPECT_EQ(seen[0].status, TaskStatus::kRunning);
  EXPECT_EQ(seen[0].new_id, "slurm:42");  // the lasting id keeps its executor's name
  EXPECT_EQ(seen[1].id, "local:a-0-1");
  EXPECT_EQ(seen[1].exit_code, 3);
  EXPECT_TRUE(seen[1].new_id.empty());
  EXPECT_EQ(router_.Describe({"slurm:42"})[0].status, TaskStatus::kRunning);
}

TEST_F(RoutingExecutorTest, AnIdWithoutAnExecutorsNameBelongsToTheFirst) {
  local_.Submit(Spec("old-0-1", "echo"));  // stored before the service had several executors
  local_.Start("old-0-1");
  auto seen = router_.Describe({"old-0-1"});
  EXPECT_EQ(seen[0].id, "old-0-1");
  EXPECT_EQ(seen[0].status, TaskStatus::kRunning);
}

TEST_F(RoutingExecutorTest, AStoredIdIsAdoptedByItsOwnExecutor) {
  TaskSpec spec = Spec("a-1-1", "hpc-sim");
  spec.known_id = "slurm:a-1-1";
  slurm_.Submit(Spec("a-1-1", "hpc-sim"));
  EXPECT_EQ(router_.Submit(spec).value(), "slurm:a-1-1");
  EXPECT_EQ(slurm_.SubmitCount("a-1-1"), 2);  // asked again with its own id: adopted, not run
  EXPECT_EQ(local_.SubmitCount("a-1-1"), 0);
}

TEST_F(RoutingExecutorTest, TerminatesANamedIdAtItsExecutorAndAnUnnamedOneEverywhere) {
  router_.Submit(Spec("a-1-1", "hpc-sim"));
  // An attempt an earlier process decided and never stored an id of: which executor has it is
  // not known, so each one is asked to stop it.
  local_.Submit(Spec("lost-0-1", "echo"));
  slurm_.Submit(Spec("lost-0-1", "hpc-sim"));
  auto taken = router_.Terminate({"slurm:a-1-1", "lost-0-1"}, "stop");
  EXPECT_EQ(taken, (std::vector<std::string>{"slurm:a-1-1", "lost-0-1"}));
  EXPECT_TRUE(IsTerminal(slurm_.Describe({"a-1-1"})[0].status));
  EXPECT_TRUE(IsTerminal(slurm_.Describe({"lost-0-1"})[0].status));
  EXPECT_TRUE(IsTerminal(local_.Describe({"lost-0-1"})[0].status));
}

TEST_F(RoutingExecutorTest, ADefinitionRunByAnExecutorNotConfiguredIsRefused) {
  auto refused = router_.Submit(Spec("a-0-1", "nowhere"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.error().message.find("batch"), std::string::npos);
  EXPECT_EQ(router_.CheckResource("nowhere").error().code, ErrorCode::kInvalidArgument);
}

TEST_F(RoutingExecutorTest, ChangesComeBackWithTheExecutorsName) {
  std::vector<std::string> heard;
  router_.SetChangeListener([&heard](const std::vector<std::string>& ids) {
    heard.insert(heard.end(), ids.begin(), ids.end());
  });
  router_.Submit(Spec("a-1-1", "hpc-sim"));
  slurm_.Start("a-1-1");
  EXPECT_NE(std::find(heard.begin(), heard.end(), "slurm:a-1-1"), heard.end());
}

TEST(ExecutorNames, ReadsTheListAndRefusesWhatCanNotBe) {
  EXPECT_EQ(ExecutorNames("local,slurm,batch").value(),
            (std::vector<std::string>{"local", "slurm", "batch"}));
  EXPECT_EQ(ExecutorNames("noop").value(), std::vector<std::string>{"noop"});
  for (const char* bad : {"", "local,local", "local,,slurm", "kubernetes", "noop,local", "Local"}) {
    auto names = ExecutorNames(bad);
    ASSERT_FALSE(names.ok()) << bad;
    EXPECT_EQ(names.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(RouteOf, TheDefinitionsExecutorThenTheFirstThatRunsTheFileThenBatch) {
  auto definitions = JobDefinitions::Parse(R"([
    {"jobDefinitionName": "sim", "executor": "slurm", "containerProperties": {"command": ["true"]}},
    {"jobDefinitionName": "echo", "containerProperties": {"command": ["true"]}}])",
                                           "test");
  ASSERT_TRUE(definitions.ok()) << definitions.error().message;
  std::vector<std::string> names{"batch", "slurm", "local"};
  EXPECT_EQ(RouteOf(&definitions.value(), names, "sim").value(), "slurm");
  EXPECT_EQ(RouteOf(&definitions.value(), names, "echo:1").value(), "slurm");
  EXPECT_EQ(RouteOf(&definitions.value(), names, "in-aws").value(), "batch");
  EXPECT_EQ(RouteOf(nullptr, {"local"}, "in-aws").value(), "local");
}

TEST(JobDefinitionsSlurmFields, AreReadAndCheckedWhole) {
  auto parsed = JobDefinitions::Parse(R"([{"jobDefinitionName": "sim", "executor": "slurm",
    "timeout": {"attemptDurationSeconds": 61},
    "slurmProperties": {"partition": "debug", "qos": "high", "memoryMiB": 256},
    "containerProperties": {"command": ["true"], "resourceRequirements": [
      {"type": "VCPU", "value": "0.25"}, {"type": "MEMORY", "value": "512"}]}}])",
                                      "test");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  auto sim = parsed->Resolve("sim").value();
  EXPECT_EQ(sim.executor, "slurm");
  EXPECT_EQ(sim.vcpus, 1);
  EXPECT_EQ(sim.memory_mib, 512);
  EXPECT_EQ(sim.slurm.partition, "debug");
  EXPECT_EQ(sim.slurm.qos, "high");
  EXPECT_EQ(sim.slurm.memory_mib, 256);
  for (const char* bad :
       {R"("executor": "kubernetes")", R"("slurmProperties": {"partition": "a b"})",
        R"("slurmProperties": {"cpusPerTask": 0})", R"("slurmProperties": {"nodes": 2})",
        R"("slurmProperties": {"memoryMiB": 1.5})", R"("slurmProperties": []))"}) {
    auto refused = JobDefinitions::Parse(std::string(R"([{"jobDefinitionName": "x", )") + bad +
                                             R"(, "containerProperties": {"command": ["true"]}}])",
                                         "test");
    EXPECT_FALSE(refused.ok()) << bad;
  }
  auto bad_vcpu = JobDefinitions::Parse(R"([{"jobDefinitionName": "x", "containerProperties":
    {"command": ["true"], "resourceRequirements": [{"type": "VCPU", "value": "-1"}]}}])",
                                        "test");
  EXPECT_FALSE(bad_vcpu.ok());
}

}  // namespace
}  // namespace wfm
