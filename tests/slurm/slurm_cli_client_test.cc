// The command-line client and its child processes with stand-in programs (small scripts), for
// what a real Slurm 22.05 can't show: a newer squeue refusing one unknown id, a command that
// hangs, sbatch's federated output. And the child process runner itself.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "executor/slurm/command_runner.h"
#include "executor/slurm/slurm_cli_client.h"
#include "slurm_cluster_env.h"

namespace wfm {
namespace {

class SlurmCliStandIns : public ::testing::Test {
 protected:
  // Writes an executable bash script `name` in the scratch directory; returns its path.
  std::string Program(const std::string& name, const std::string& body) {
    std::string path = scratch_.path() + "/" + name;
    std::ofstream(path) << "#!/bin/bash\n" << body << "\n";
    chmod(path.c_str(), 0755);
    return path;
  }

  testing::ScratchDir scratch_;
};

TEST_F(SlurmCliStandIns, TakesASingleUnknownIdRefusedByANewerSqueueAsLeftOut) {
  SlurmCliOptions options;
  options.squeue_path = Program(
      "squeue", "echo 'slurm_load_jobs error: Invalid job id specified' >&2; exit 1");
  SlurmCliClient client(options);
  auto jobs = client.Describe({"12345"});
  ASSERT_TRUE(jobs.ok()) << jobs.error().message;
  EXPECT_TRUE(jobs->empty());
}

TEST_F(SlurmCliStandIns, ReportsAFailingSqueueAsUnavailableWithItsMessage) {
  SlurmCliOptions options;
  options.squeue_path = Program("squeue", "echo 'squeue: error: something broke' >&2; exit 1");
  SlurmCliClient client(options);
  auto jobs = client.FindByName("x");
  ASSERT_FALSE(jobs.ok());
  EXPECT_EQ(jobs.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(jobs.error().message.find("something broke"), std::string::npos);
}

TEST_F(SlurmCliStandIns, KillsACommandThatHangsAndReportsUnavailable) {
  SlurmCliOptions options;
  options.scancel_path = Program("scancel", "exec sleep 60");
  options.timeout_ms = 300;
  SlurmCliClient client(options);
  auto cancelled = client.Cancel("7");
  ASSERT_FALSE(cancelled.ok());
  EXPECT_EQ(cancelled.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(cancelled.error().message.find("did not answer within 300 ms"), std::string::npos)
      << cancelled.error().message;
}

TEST_F(SlurmCliStandIns, RunsSbatchWithOnlySlurmConfAndTheJobOnDescriptors) {
  std::string seen = scratch_.path() + "/seen";
  SlurmCliOptions options;
  options.slurm_conf = "/etc/some/slurm.conf";
  options.sbatch_path =
      Program("sbatch", "/usr/bin/env > " + seen + ".env; printf '%s\\n' \"$@\" > " + seen +
                            ".args; cat <&3 > " + seen + ".exported; cat \"${@: -1}\" > " + seen +
                            ".script; echo '4242;cluster-a'");
  SlurmCliClient client(options);
  SlurmJobRequest request{.name = "n",
                          .script = "#!/bin/sh\necho hi\n",
                          .environment = {{"A", "1,2"}, {"B", "x\ny"}},
                          .working_directory = "/w",
                          .output_path = "/w/out%.log-%j",
                          .partition = "p",
                          .cpus_per_task = 2,
                          .memory_mib = 512,
                          .time_limit_minutes = 3,
                          .account = "acct",
                          .qos = "q"};
  auto id = client.Submit(request);
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(*id, "4242");
  std::ifstream env(seen + ".env"), args(seen + ".args"), exported(seen + ".exported"),
      script(seen + ".script");
  std::stringstream e, a, x, s;
  e << env.rdbuf();
  a << args.rdbuf();
  x << exported.rdbuf();
  s << script.rdbuf();
  // bash adds PWD, SHLVL and _ of its own.
  EXPECT_NE(e.str().find("SLURM_CONF=/etc/some/slurm.conf\n"), std::string::npos) << e.str();
  EXPECT_EQ(e.str().find("PATH="), std::string::npos) << e.str();
  EXPECT_EQ(a.str(),
            "--parsable\n--export=ALL\n--export-file=3\n--job-name=n\n--output=/w/out%%.log-%j\n"
            "--chdir=/w\n--partition=p\n--cpus-per-task=2\n--mem=512M\n--time=3\n"
            "--account=acct\n--qos=q\n/dev/fd/4\n");
  EXPECT_EQ(x.str(), std::string("A=1,2\0B=x\ny\0", 12));
  EXPECT_EQ(s.str(), request.script);
}

TEST_F(SlurmCliStandIns, RefusesVariableNamesTheShellCannotHold) {
  SlurmCliOptions options;
  options.sbatch_path = Program("sbatch", "echo 1");
  SlurmCliClient client(options);
  for (const std::string& name :
       std::vector<std::string>{"", "1A", "A-B", "A=B", "A B", std::string("A\0B", 3)}) {
    SlurmJobRequest request;
    request.environment = {{name, "v"}};
    auto id = client.Submit(request);
    ASSERT_FALSE(id.ok()) << name;
    EXPECT_EQ(id.error().code, ErrorCode::kInvalidArgument);
  }
  SlurmJobRequest nul_value;
  nul_value.environment = {{"A", std::string("x\0y", 3)}};
  EXPECT_EQ(client.Submit(nul_value).error().code, ErrorCode::kInvalidArgument);
}

TEST(CommandRunner, GivesTheChildOnlyItsEnvironmentAndCapturesBothStreams) {
  auto output = RunCommand(Command{{"/bin/sh", "-c", "echo \"$ONLY\"; /usr/bin/env | wc -l >&2; exit 3"},
                                   {"ONLY=this"},
                                   {},
                                   5000});
  ASSERT_TRUE(output.ok()) << output.error().message;
  EXPECT_EQ(output->exit_code, 3);
  EXPECT_EQ(output->standard_output, "this\n");
  EXPECT_EQ(output->standard_error, "2\n");  // ONLY and the shell's PWD
}

TEST(CommandRunner, ReportsAProgramThatCannotStart) {
  auto output = RunCommand(Command{{"/nonexistent/sbatch"}, {}, {}, 5000});
  ASSERT_FALSE(output.ok());
  EXPECT_EQ(output.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(output.error().message.find("/nonexistent/sbatch"), std::string::npos);
}

TEST(CommandRunner, FindsProgramsOnAPath) {
  EXPECT_EQ(FindOnPath("sh", "/nonexistent:/bin"), "/bin/sh");
  EXPECT_EQ(FindOnPath("no-such-program-here", "/bin"), "no-such-program-here");
  EXPECT_EQ(FindOnPath("/x/y", "/bin"), "/x/y");
}

}  // namespace
}  // namespace wfm
