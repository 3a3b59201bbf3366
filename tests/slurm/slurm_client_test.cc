// Both SlurmClients (the command-line tools and slurmrestd) against a real Slurm 22.05: the
// private cluster of WFM_TEST_SLURM_ENV (cluster.sh, started by the slurm_start fixture), and for
// unavailability a second one of the test's own whose controller is stopped.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <thread>

#include "aws/http_client.h"
#include "executor/slurm/slurm_cli_client.h"
#include "executor/slurm/slurm_job_json.h"
#include "executor/slurm/slurm_rest_client.h"
#include "slurm_cluster_env.h"

namespace wfm {
namespace {

using testing::PrivateSlurmCluster;
using testing::ScratchDir;
using testing::SharedSlurmCluster;
using testing::SlurmClusterEnv;

// A variable of this test process that no job may see.
constexpr char kSecretName[] = "WFM_TEST_SECRET";

constexpr auto kJobWait = std::chrono::seconds(60);

struct SlurmClientFactory {
  std::string name;
  std::function<std::unique_ptr<SlurmClient>(const SlurmClusterEnv&, int timeout_ms)> make;
};

void PrintTo(const SlurmClientFactory& factory, std::ostream* out) { *out << factory.name; }

CurlHttpClient& Http() {
  static CurlHttpClient http;
  return http;
}

std::unique_ptr<SlurmClient> MakeCliClient(const SlurmClusterEnv& cluster, int timeout_ms) {
  SlurmCliOptions options;
  options.slurm_conf = cluster.slurm_conf;
  options.timeout_ms = timeout_ms;
  return std::make_unique<SlurmCliClient>(options);
}

std::unique_ptr<SlurmRestClient> MakeRestClient(const SlurmClusterEnv& cluster, int timeout_ms) {
  SlurmRestOptions options;
  options.url = cluster.rest_url;
  options.user_name = "root";
  options.token = cluster.jwt;
  options.timeout_ms = timeout_ms;
  return std::make_unique<SlurmRestClient>(Http(), options);
}

std::string UniqueName(const std::string& what) {
  static std::atomic<int> counter{0};
  return "wfm-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + "-" + what;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

bool Exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

void Touch(const std::string& path) { std::ofstream(path) << "go\n"; }

class SlurmClientConformance : public ::testing::TestWithParam<SlurmClientFactory> {
 protected:
  void SetUp() override {
    cluster_ = SharedSlurmCluster();
    ASSERT_FALSE(cluster_.slurm_conf.empty())
        << "no Slurm test cluster: WFM_TEST_SLURM_ENV is unset or its file unreadable";
    ASSERT_FALSE(scratch_.path().empty());
    setenv(kSecretName, "service-only", 1);
    client_ = GetParam().make(cluster_, 10000);
  }

  // A request for a bash script in the scratch directory, named uniquely after `what`.
  SlurmJobRequest Request(const std::string& what, const std::string& body) {
    SlurmJobRequest request;
    request.name = UniqueName(what);
    request.script = "#!/bin/bash\n" + body + "\n";
    request.working_directory = scratch_.path();
    request.output_path = scratch_.path() + "/" + request.name + ".out";
    return request;
  }

  std::string Submit(const SlurmJobRequest& request) {
    auto id = client_->Submit(request);
    EXPECT_TRUE(id.ok()) << id.error().message;
    return id.ok() ? *id : "";
  }

  // The job once `done` holds for it, polling Describe; nullopt (and a failure) when it did not
  // within kJobWait.
  std::optional<SlurmJob> WaitFor(const std::string& id,
                                  const std::function<bool(const SlurmJob&)>& done,
                                  std::chrono::seconds wait = kJobWait) {
    auto deadline = std::chrono::steady_clock::now() + wait;
    std::optional<SlurmJob> last;
    while (std::chrono::steady_clock::now() < deadline) {
      auto jobs = client_->Describe({id});
      EXPECT_TRUE(jobs.ok()) << jobs.error().message;
      if (jobs.ok() && jobs->size() == 1) {
        last = jobs->front();
        if (done(*last)) return last;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "job " << id << " did not get there; last state "
                  << (last ? last->state + " " + last->reason : "unknown");
    return std::nullopt;
  }

  std::optional<SlurmJob> WaitForState(const std::string& id, const std::string& state) {
    return WaitFor(id, [&](const SlurmJob& job) { return job.state == state; });
  }

  std::optional<SlurmJob> WaitUntilTerminal(const std::string& id) {
    return WaitFor(id, [](const SlurmJob& job) { return IsTerminalSlurmState(job.state); });
  }

  // Waits for `path` to exist (a job's sign that it runs).
  void WaitForFile(const std::string& path) {
    auto deadline = std::chrono::steady_clock::now() + kJobWait;
    while (!Exists(path) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_TRUE(Exists(path)) << path;
  }

  // A job holding all 16 CPUs of the node until `release` exists (at most 120 s), so that jobs
  // submitted after it stay PENDING.
  SlurmJobRequest Blocker(const std::string& name, const std::string& release) {
    auto request = Request("blocker", "touch " + release + ".started\nfor i in $(seq 1200); do [ -e " +
                                          release + " ] && exit 0; sleep 0.1; done\nexit 1");
    request.name = name;
    request.cpus_per_task = 16;
    return request;
  }

  SlurmClusterEnv cluster_;
  ScratchDir scratch_;
  std::unique_ptr<SlurmClient> client_;
};

TEST_P(SlurmClientConformance, DescribesAJobThroughPendingRunningAndCompleted) {
  // The blocker needs every CPU of the node: a cluster of this test's own.
  PrivateSlurmCluster own;
  ASSERT_TRUE(own.started());
  client_ = GetParam().make(own.env(), 10000);
  std::string release = scratch_.path() + "/release";
  std::string blocker = Submit(Blocker(UniqueName("blocker"), release));
  WaitForFile(release + ".started");
  auto request = Request("waits", "echo done");
  request.time_limit_minutes = 5;
  request.memory_mib = 100;
  request.cpus_per_task = 1;
  request.partition = "debug";
  std::string id = Submit(request);

  // Slurm gives a reason (Resources, Priority) once its scheduler looked at the job.
  auto pending = WaitFor(id, [](const SlurmJob& job) {
    return job.state == "PENDING" && !job.reason.empty();
  });
  ASSERT_TRUE(pending);
  EXPECT_EQ(pending->id, id);
  EXPECT_EQ(pending->name, request.name);
  EXPECT_EQ(pending->started_at, 0);
  EXPECT_EQ(pending->ended_at, 0);
  EXPECT_FALSE(pending->exit_code);
  EXPECT_FALSE(pending->signal);
  EXPECT_EQ(pending->description["job_id"], std::stoll(id));
  EXPECT_EQ(pending->description["time_limit"], 5);

  auto running = WaitForState(blocker, "RUNNING");
  ASSERT_TRUE(running);
  EXPECT_GT(running->started_at, 0);
  EXPECT_EQ(running->ended_at, 0);  // Slurm's end_time is the time limit's end
  EXPECT_EQ(running->nodes, "localhost");
  EXPECT_FALSE(running->exit_code);

  Touch(release);
  auto completed = WaitForState(id, "COMPLETED");
  ASSERT_TRUE(completed);
  EXPECT_EQ(completed->exit_code, 0);
  EXPECT_FALSE(completed->signal);
  EXPECT_EQ(completed->reason, "");
  EXPECT_GT(completed->started_at, 0);
  EXPECT_GE(completed->ended_at, completed->started_at);
  auto blocker_done = WaitForState(blocker, "COMPLETED");
  ASSERT_TRUE(blocker_done);
  EXPECT_EQ(blocker_done->exit_code, 0);
}

TEST_P(SlurmClientConformance, ReportsExitStatusSevenAsFailedWithExitCodeSeven) {
  std::string id = Submit(Request("exit7", "exit 7"));
  auto job = WaitUntilTerminal(id);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->state, "FAILED");
  EXPECT_EQ(job->exit_code, 7);
  EXPECT_FALSE(job->signal);
  EXPECT_EQ(job->reason, "NonZeroExitCode");
  EXPECT_GT(job->ended_at, 0);
}

TEST_P(SlurmClientConformance, CancelsARunningJobWhichEndsCancelledBySignal) {
  auto request = Request("cancel", "touch $SLURM_JOB_ID.started; exec sleep 300");
  std::string id = Submit(request);
  WaitForFile(scratch_.path() + "/" + id + ".started");
  ASSERT_TRUE(WaitForState(id, "RUNNING"));

  auto cancelled = client_->Cancel(id);
  ASSERT_TRUE(cancelled.ok()) << cancelled.error().message;
  auto job = WaitUntilTerminal(id);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->state, "CANCELLED");
  EXPECT_EQ(job->signal, 15);  // SIGTERM
  EXPECT_FALSE(job->exit_code);
  EXPECT_GT(job->started_at, 0);
  EXPECT_GE(job->ended_at, job->started_at);

  auto again = client_->Cancel(id);  // ended: not an error
  EXPECT_TRUE(again.ok()) << again.error().message;
  auto unknown = client_->Cancel("987654321");
  EXPECT_TRUE(unknown.ok()) << unknown.error().message;
}

TEST_P(SlurmClientConformance, CancelsAPendingJobWhichNeverStarted) {
  // The blocker needs every CPU of the node: a cluster of this test's own.
  PrivateSlurmCluster own;
  ASSERT_TRUE(own.started());
  client_ = GetParam().make(own.env(), 10000);
  std::string release = scratch_.path() + "/release";
  std::string blocker = Submit(Blocker(UniqueName("blocker"), release));
  WaitForFile(release + ".started");
  std::string id = Submit(Request("pending-cancel", "echo never"));
  ASSERT_TRUE(WaitForState(id, "PENDING"));

  ASSERT_TRUE(client_->Cancel(id).ok());
  auto job = WaitForState(id, "CANCELLED");
  ASSERT_TRUE(job);
  EXPECT_FALSE(job->exit_code);
  EXPECT_FALSE(job->signal);
  EXPECT_EQ(job->started_at, 0);
  Touch(release);
  EXPECT_TRUE(WaitForState(blocker, "COMPLETED"));
}

TEST_P(SlurmClientConformance, FindsJobsByNameInEveryState) {
  std::string name = UniqueName("same-name");
  auto completed = Request("x", "exit 0");
  auto failed = Request("x", "exit 3");
  completed.name = failed.name = name;
  std::string completed_id = Submit(completed);
  std::string failed_id = Submit(failed);
  ASSERT_TRUE(WaitUntilTerminal(completed_id));
  ASSERT_TRUE(WaitUntilTerminal(failed_id));

  std::string release = scratch_.path() + "/release";
  std::string running_id = Submit(Blocker(name, release));
  WaitForFile(release + ".started");
  auto pending = Request("x", "exit 0");
  auto cancelled = Request("x", "exit 0");
  pending.name = cancelled.name = name;
  std::string pending_id = Submit(pending);
  std::string cancelled_id = Submit(cancelled);
  ASSERT_TRUE(client_->Cancel(cancelled_id).ok());
  ASSERT_TRUE(WaitForState(cancelled_id, "CANCELLED"));
  ASSERT_TRUE(WaitForState(running_id, "RUNNING"));

  auto found = client_->FindByName(name);
  ASSERT_TRUE(found.ok()) << found.error().message;
  std::map<std::string, std::string> states;
  for (const auto& job : *found) {
    EXPECT_EQ(job.name, name);
    states[job.id] = job.state;
  }
  EXPECT_EQ(states, (std::map<std::string, std::string>{{completed_id, "COMPLETED"},
                                                        {failed_id, "FAILED"},
                                                        {running_id, "RUNNING"},
                                                        {pending_id, "PENDING"},
                                                        {cancelled_id, "CANCELLED"}}));
  auto none = client_->FindByName(UniqueName("never-submitted"));
  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_TRUE(none->empty());
  Touch(release);
  EXPECT_TRUE(WaitUntilTerminal(pending_id));
}

TEST_P(SlurmClientConformance, DescribesFiftyIdsInOneCallLeavingOutUnknownOnes) {
  std::set<std::string> submitted;
  for (int i = 0; i < 40; ++i) submitted.insert(Submit(Request("many", "exit 0")));
  ASSERT_EQ(submitted.size(), 40u);
  std::vector<std::string> ids(submitted.begin(), submitted.end());
  for (int i = 0; i < 10; ++i) ids.push_back(std::to_string(900000000 + i));  // never submitted

  auto jobs = client_->Describe(ids);
  ASSERT_TRUE(jobs.ok()) << jobs.error().message;
  std::set<std::string> described;
  for (const auto& job : *jobs) EXPECT_TRUE(described.insert(job.id).second) << job.id;
  EXPECT_EQ(described, submitted);

  auto unknown_only = client_->Describe({"900000001"});
  ASSERT_TRUE(unknown_only.ok()) << unknown_only.error().message;
  EXPECT_TRUE(unknown_only->empty());
  auto nothing = client_->Describe({});
  ASSERT_TRUE(nothing.ok());
  EXPECT_TRUE(nothing->empty());
}

TEST_P(SlurmClientConformance, GivesTheJobExactlyItsEnvironmentWhateverTheValues) {
  std::vector<std::pair<std::string, std::string>> environment = {
      {"COMMAS", "a,b,,c"},
      {"QUOTES", "it's \"quoted\" `here`"},
      {"DOLLARS", "$HOME ${PATH} $(touch /tmp/wfm-injected) %j %%"},
      {"NEWLINES", "line one\nline two\n\n"},
      {"SPACES", "  leading and trailing  "},
      {"EQUALS", "a=b=c="},
      {"UNICODE", "h\u00e9 \u2713 \U0001F600"},
      {"BACKSLASHES", "C:\\dir\\ \\n \\0"},
      {"EMPTY", ""},
      {"SBATCH_PARTITION", "no-such-partition"},  // not read by sbatch as its option
      {"LONG", std::string(20000, 'x')},
      {"_underscore9", "ok"}};
  auto request = Request("environment", "/usr/bin/env -0 > \"$SLURM_JOB_ID.env\"");
  request.environment = environment;
  std::string id = Submit(request);
  auto job = WaitUntilTerminal(id);
  ASSERT_TRUE(job);
  ASSERT_EQ(job->state, "COMPLETED") << ReadFile(request.output_path);

  std::map<std::string, std::string> seen;
  std::string all = ReadFile(scratch_.path() + "/" + id + ".env");
  for (size_t start = 0; start < all.size();) {
    size_t end = all.find('\0', start);
    std::string entry = all.substr(start, end - start);
    seen[entry.substr(0, entry.find('='))] = entry.substr(entry.find('=') + 1);
    start = end == std::string::npos ? all.size() : end + 1;
  }
  for (const auto& [name, value] : environment) EXPECT_EQ(seen[name], value) << name;
  EXPECT_EQ(seen.count(kSecretName), 0u);
  // Besides the request's: Slurm's SLURM_*, and what Slurm and bash always set.
  const std::set<std::string> kSlurmAndBash = {"ENVIRONMENT", "HOSTNAME", "TMPDIR",
                                               "PWD",         "SHLVL",    "_"};
  for (const auto& [name, value] : seen) {
    bool requested = std::any_of(environment.begin(), environment.end(),
                                 [&](const auto& entry) { return entry.first == name; });
    if (requested || name.rfind("SLURM", 0) == 0) continue;
    EXPECT_TRUE(kSlurmAndBash.count(name)) << "unexpected " << name << "=" << value;
  }
  EXPECT_FALSE(Exists("/tmp/wfm-injected"));
}

TEST_P(SlurmClientConformance, WritesOutputAndErrorToTheOutputPathFromTheWorkingDirectory) {
  auto request = Request("output", "echo out-line; echo err-line >&2; pwd");
  // "%j" is the job id; any other '%' is taken as it is.
  request.output_path = scratch_.path() + "/job-%j %x%.log";
  std::string id = Submit(request);
  auto job = WaitUntilTerminal(id);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->state, "COMPLETED");
  EXPECT_EQ(ReadFile(scratch_.path() + "/job-" + id + " %x%.log"),
            "out-line\nerr-line\n" + scratch_.path() + "\n");
}

TEST_P(SlurmClientConformance, ReportsASubmissionSlurmRefusesAsInvalidWithItsMessage) {
  auto request = Request("refused", "exit 0");
  request.partition = "no-such-partition";
  auto id = client_->Submit(request);
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(id.error().message.find("Invalid partition name specified"), std::string::npos)
      << id.error().message;
}

TEST_P(SlurmClientConformance, IsUnavailableWithinItsTimeoutWhenTheControllerIsDown) {
  PrivateSlurmCluster away;
  ASSERT_TRUE(away.started());
  ASSERT_TRUE(away.StopController());
  auto client = GetParam().make(away.env(), 2000);

  auto id = client->Submit(Request("unavailable", "exit 0"));
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().code, ErrorCode::kUnavailable) << id.error().message;
  auto jobs = client->Describe({"1", "2"});
  ASSERT_FALSE(jobs.ok());
  EXPECT_EQ(jobs.error().code, ErrorCode::kUnavailable) << jobs.error().message;
  auto found = client->FindByName("anything");
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().code, ErrorCode::kUnavailable) << found.error().message;
  auto cancelled = client->Cancel("1");
  ASSERT_FALSE(cancelled.ok());
  EXPECT_EQ(cancelled.error().code, ErrorCode::kUnavailable) << cancelled.error().message;
}

INSTANTIATE_TEST_SUITE_P(Clients, SlurmClientConformance,
                         ::testing::Values(SlurmClientFactory{"cli", MakeCliClient},
                                           SlurmClientFactory{"rest", MakeRestClient}),
                         [](const auto& info) { return info.param.name; });

// A token slurmrestd refuses is kUnavailable saying so; a renewed token works from the next call.
TEST(SlurmRestClient, ReportsARefusedTokenAsUnavailableUntilItIsReplaced) {
  SlurmClusterEnv cluster = SharedSlurmCluster();
  ASSERT_FALSE(cluster.rest_url.empty());
  SlurmClusterEnv wrong = cluster;
  wrong.jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdW4iOiJyb290In0.not-signed-by-this-cluster";
  auto client = MakeRestClient(wrong, 5000);

  auto jobs = client->Describe({"1"});
  ASSERT_FALSE(jobs.ok());
  EXPECT_EQ(jobs.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(jobs.error().message.find("refused the token"), std::string::npos)
      << jobs.error().message;
  ScratchDir scratch;
  SlurmJobRequest request;
  request.name = UniqueName("wrong-token");
  request.script = "#!/bin/bash\nexit 0\n";
  request.working_directory = scratch.path();
  request.output_path = scratch.path() + "/out";
  auto id = client->Submit(request);
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(id.error().message.find("refused the token"), std::string::npos)
      << id.error().message;
  auto cancelled = client->Cancel("1");
  ASSERT_FALSE(cancelled.ok());
  EXPECT_EQ(cancelled.error().code, ErrorCode::kUnavailable) << cancelled.error().message;

  client->SetToken(cluster.jwt);
  auto renewed = client->Describe({"1"});
  EXPECT_TRUE(renewed.ok()) << renewed.error().message;
}

// A slurmrestd without the configured API version (a newer Slurm) says which versions it offers.
TEST(SlurmRestClient, NamesTheOfferedVersionsWhenItsVersionIsMissing) {
  SlurmClusterEnv cluster = SharedSlurmCluster();
  ASSERT_FALSE(cluster.rest_url.empty());
  SlurmRestOptions options;
  options.url = cluster.rest_url;
  options.user_name = "root";
  options.token = cluster.jwt;
  options.api_version = "v0.0.40";
  SlurmRestClient client(Http(), options);
  auto jobs = client.Describe({"1"});
  ASSERT_FALSE(jobs.ok());
  EXPECT_EQ(jobs.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(jobs.error().message.find("does not offer the Slurm API v0.0.40 (it offers: v0.0.38)"),
            std::string::npos)
      << jobs.error().message;
}

}  // namespace
}  // namespace wfm
