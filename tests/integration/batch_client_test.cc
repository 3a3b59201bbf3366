// The AWS Batch client against the fake Batch, over HTTP on loopback: signing, the calls, the
// limits, retries of throttling and server errors, and no retry of client errors.
#include "aws/batch_client.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>

#include "api/http_server.h"
#include "core/service_metrics.h"
#include "fake_batch/fake_batch.h"
#include "fake_batch/submit_job_validation.h"

namespace wfm {
namespace {

class BatchClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = HttpServer::Listen([this](const HttpRequest& r) { return fake_.Handle(r); },
                                 "127.0.0.1", 0, 4)
                  .value();
    options_.region = "eu-west-1";
    options_.endpoint = "http://127.0.0.1:" + std::to_string(server_->port());
    options_.base_backoff_ms = 5;
    options_.max_backoff_ms = 50;
    options_.submit_rate_per_second = 0;  // unlimited in tests
  }

  BatchClient Client(const std::string& secret = "test-secret") {
    credentials_ =
        std::make_unique<StaticCredentialsProvider>(AwsCredentials{"AKIDTEST", secret, "", 0});
    return BatchClient(http_, *credentials_, clock_, options_);
  }

  BatchSubmission Submission(const std::string& name, const std::string& definition = "echo:1") {
    return BatchSubmission{
        name, "queue", definition, {{"_BATCH_START", "[\"a\"]"}}, {{"workflow-manager:job", "j1"}}};
  }

  // Polls until the job has `status` (a bounded wait, not a timing assertion).
  BatchJob WaitFor(BatchClient& client, const std::string& id, const std::string& status) {
    for (int i = 0; i < 1000; ++i) {
      auto jobs = client.DescribeJobs({id});
      if (jobs.ok() && !jobs->empty() && (*jobs)[0].status == status) return (*jobs)[0];
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "job " << id << " never reached " << status;
    return {};
  }

  SystemClock clock_;
  FakeBatch fake_{clock_, "AKIDTEST", "test-secret", "eu-west-1"};
  std::unique_ptr<HttpServer> server_;
  CurlHttpClient http_;
  std::unique_ptr<StaticCredentialsProvider> credentials_;
  BatchClientOptions options_;
};

TEST_F(BatchClientTest, SubmitsAndFollowsTheLifecycle) {
  fake_.SetOutcome("echo", FakeBatchOutcome{0, 300, ""});
  auto client = Client();
  auto id = client.SubmitJob(Submission("job-0-1"));
  ASSERT_TRUE(id.ok()) << id.error().message;
  BatchJob running = WaitFor(client, *id, "RUNNING");
  EXPECT_EQ(running.name, "job-0-1");
  EXPECT_NE(running.started_at, 0);
  EXPECT_FALSE(running.log_stream.empty());
  BatchJob done = WaitFor(client, *id, "SUCCEEDED");
  EXPECT_EQ(done.exit_code, 0);
  EXPECT_GE(done.stopped_at, done.started_at);
  auto detail = fake_.Job(*id);
  EXPECT_EQ(detail["container"]["environment"][0]["name"], "_BATCH_START");
  EXPECT_EQ(detail["tags"]["workflow-manager:job"], "j1");
}

TEST_F(BatchClientTest, ReportsFailuresAndStuckJobs) {
  fake_.SetOutcome("fail", FakeBatchOutcome{3, 0, ""});
  fake_.SetOutcome("stuck", FakeBatchOutcome{0, 0,
                                             "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - "
                                             "the job requires more vCPUs than the queue has"});
  auto client = Client();
  auto failed = WaitFor(client, client.SubmitJob(Submission("f", "fail:1")).value(), "FAILED");
  EXPECT_EQ(failed.exit_code, 3);
  auto stuck = WaitFor(client, client.SubmitJob(Submission("s", "stuck")).value(), "RUNNABLE");
  EXPECT_NE(stuck.status_reason.find("MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT"),
            std::string::npos);
}

TEST_F(BatchClientTest, ABadSignatureIsAConfigurationProblemUntilACallSucceeds) {
  auto client = Client("wrong-secret");
  EXPECT_TRUE(client.Health().ok());
  auto id = client.SubmitJob(Submission("job"));
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().code, ErrorCode::kUnavailable);  // may work once the operator fixes it
  EXPECT_NE(id.error().message.find("InvalidSignatureException"), std::string::npos);
  EXPECT_EQ(id.error().message.find("wrong-secret"), std::string::npos);
  EXPECT_EQ(fake_.SubmitCount("job"), 0);
  EXPECT_EQ(client.CallCounts()["SubmitJob"], 1);  // not retried
  ASSERT_FALSE(client.Health().ok());
  EXPECT_EQ(client.Health().error().message, id.error().message);
}

TEST_F(BatchClientTest, AnEndpointThatIsNotBatchIsAConfigurationProblem) {
  auto server = HttpServer::Listen(
                    [](const HttpRequest&) {
                      return HttpResponse{404, "text/html", "<html>not here</html>", {}, false, {}};
                    },
                    "127.0.0.1", 0, 2)
                    .value();
  options_.endpoint = "http://127.0.0.1:" + std::to_string(server->port());
  auto client = Client();
  auto jobs = client.DescribeJobs({"x"});
  ASSERT_FALSE(jobs.ok());
  EXPECT_EQ(jobs.error().code, ErrorCode::kUnavailable);
  ASSERT_FALSE(client.Health().ok());
  EXPECT_NE(client.Health().error().message.find(options_.endpoint), std::string::npos);
}

TEST_F(BatchClientTest, ASubmitJobOfThirtyKibibytesIsRefusedAsBatchDoes) {
  auto client = Client();
  BatchSubmission big = Submission("big");
  big.environment = {{"_BATCH_START", "[\"" + std::string(31 * 1024, 'x') + "\"]"}};
  auto id = client.SubmitJob(big);
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(id.error().message.find("Job size must be less than 30 KiB, got 32 KiB"),
            std::string::npos)
      << id.error().message;
  EXPECT_EQ(fake_.SubmitCount("big"), 0);
}

TEST_F(BatchClientTest, OverridesOverWhatEcsTakesFailTheJobWhenItWouldStart) {
  auto client = Client();
  BatchSubmission large = Submission("large");
  large.environment = {{"_BATCH_START", "[\"" + std::string(8000, 'x') + "\"]"}};
  auto id = client.SubmitJob(large);
  ASSERT_TRUE(id.ok()) << id.error().message;  // Batch takes it: under 30 KiB
  BatchJob failed = WaitFor(client, *id, "FAILED");
  EXPECT_EQ(failed.status_reason, "Container Overrides length must be at most 8192");
  EXPECT_EQ(failed.started_at, 0);
  EXPECT_NE(failed.stopped_at, 0);
  BatchSubmission fits = Submission("fits");
  fits.environment = {{"_BATCH_START", "[\"" + std::string(7000, 'x') + "\"]"}};
  WaitFor(client, client.SubmitJob(fits).value(), "SUCCEEDED");
}

TEST_F(BatchClientTest, DescribesJobDefinitionsByNameAcrossPagesAndByRevision) {
  for (int revision = 1; revision <= 250; ++revision) {
    fake_.RegisterJobDefinition("many", revision, revision == 250 ? "ACTIVE" : "INACTIVE");
  }
  fake_.RegisterJobDefinition("other", 1);
  auto client = Client();
  auto all = client.DescribeJobDefinitionsByName("many", "", false);
  ASSERT_TRUE(all.ok()) << all.error().message;
  EXPECT_EQ(all->size(), 250u);
  EXPECT_EQ(client.CallCounts()["DescribeJobDefinitions"], 3);
  auto active = client.DescribeJobDefinitionsByName("many", "ACTIVE", true);
  ASSERT_EQ(active->size(), 1u);
  EXPECT_EQ(active->front().revision, 250);
  EXPECT_EQ(active->front().status, "ACTIVE");
  EXPECT_EQ(active->front().arn, "arn:aws:batch:eu-west-1:123456789012:job-definition/many:250");
  auto listed = client.DescribeJobDefinitions(
      {"many:3", "arn:aws:batch:eu-west-1:123456789012:job-definition/other:1", "nope:1"});
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ(listed->at(0).status, "INACTIVE");
  EXPECT_EQ(listed->at(1).name, "other");
  EXPECT_TRUE(client.DescribeJobDefinitionsByName("nope", "ACTIVE", true)->empty());
}

TEST_F(BatchClientTest, ADeadlineBoundsACall) {
  fake_.SetFaults(FakeBatchFaults{1.0, 0, 0, 0});
  options_.max_attempts = 1000;
  auto client = Client();
  auto answer = client.DescribeJobDefinitionsByName(
      "x", "ACTIVE", true, std::chrono::steady_clock::now() + std::chrono::milliseconds(200));
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, ErrorCode::kUnavailable);
  EXPECT_LT(client.CallCounts()["DescribeJobDefinitions"], 1000);
}

TEST_F(BatchClientTest, AClientErrorIsNotRetried) {
  auto client = Client();
  auto id = client.SubmitJob(Submission("-starts-with-a-hyphen"));
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(id.error().message.find("ClientException"), std::string::npos);
  EXPECT_NE(id.error().message.find("Job name should be"), std::string::npos);
  EXPECT_EQ(client.CallCounts()["SubmitJob"], 1);
}

TEST_F(BatchClientTest, RetriesThrottlingServerErrorsAndDroppedConnections) {
  fake_.SetFaults(FakeBatchFaults{0.3, 0.1, 0.1, 0});
  options_.max_attempts = 30;
  auto client = Client();
  for (int i = 0; i < 40; ++i) {
    auto id = client.SubmitJob(Submission("job-" + std::to_string(i)));
    ASSERT_TRUE(id.ok()) << id.error().message;
  }
  EXPECT_GT(client.CallCounts()["SubmitJob"], 40);  // some attempts were refused and retried
  fake_.SetFaults(FakeBatchFaults{});
  for (int i = 0; i < 40; ++i) EXPECT_GE(fake_.SubmitCount("job-" + std::to_string(i)), 1);
}

TEST_F(BatchClientTest, GivesUpAfterBoundedAttempts) {
  fake_.SetFaults(FakeBatchFaults{1.0, 0, 0, 0});
  options_.max_attempts = 3;
  auto client = Client();
  auto id = client.SubmitJob(Submission("job"));
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(id.error().message.find("TooManyRequestsException"), std::string::npos);
  EXPECT_EQ(client.CallCounts()["SubmitJob"], 3);
}

TEST_F(BatchClientTest, CountsEachRequestByOutcomeWhenGivenMetrics) {
  Metrics metrics;
  metric::DeclareServiceMetrics(metrics);
  options_.metrics = &metrics;
  options_.max_attempts = 3;
  fake_.SetFaults(FakeBatchFaults{1.0, 0, 0, 0});
  auto client = Client();
  ASSERT_FALSE(client.SubmitJob(Submission("throttled-job")).ok());
  fake_.SetFaults(FakeBatchFaults{0, 1.0, 0, 0});
  ASSERT_FALSE(client.SubmitJob(Submission("erring-job")).ok());
  fake_.SetFaults(FakeBatchFaults{});
  ASSERT_TRUE(client.SubmitJob(Submission("good-job")).ok());
  ASSERT_FALSE(client.SubmitJob(Submission("bad name!")).ok());

  std::string text = metrics.Render();
  for (const char* line :
       {"wfm_aws_batch_requests_total{operation=\"SubmitJob\",outcome=\"throttled\"} 3\n",
        "wfm_aws_batch_requests_total{operation=\"SubmitJob\",outcome=\"server_error\"} 3\n",
        "wfm_aws_batch_requests_total{operation=\"SubmitJob\",outcome=\"ok\"} 1\n",
        "wfm_aws_batch_requests_total{operation=\"SubmitJob\",outcome=\"client_error\"} 1\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << text;
  }
}

TEST_F(BatchClientTest, CountsARequestWithoutAnAnswerAsUnreachable) {
  Metrics metrics;
  metric::DeclareServiceMetrics(metrics);
  options_.metrics = &metrics;
  options_.max_attempts = 2;
  options_.endpoint = "http://127.0.0.1:1";  // nothing listens there
  auto client = Client();
  ASSERT_FALSE(client.SubmitJob(Submission("job")).ok());
  EXPECT_NE(metrics.Render().find(
                "wfm_aws_batch_requests_total{operation=\"SubmitJob\",outcome=\"unreachable\"} 2\n"),
            std::string::npos)
      << metrics.Render();
}

TEST_F(BatchClientTest, DescribesAtMostOneHundredIdsPerCall) {
  auto client = Client();
  std::vector<std::string> ids;
  for (int i = 0; i < 250; ++i)
    ids.push_back(client.SubmitJob(Submission("j" + std::to_string(i))).value());
  auto jobs = client.DescribeJobs(ids);
  ASSERT_TRUE(jobs.ok()) << jobs.error().message;
  EXPECT_EQ(jobs->size(), 250u);
  EXPECT_EQ(fake_.MaxDescribeIds(), 100u);
  EXPECT_EQ(client.CallCounts()["DescribeJobs"], 3);
}

TEST_F(BatchClientTest, ListsJobsByNameAcrossPages) {
  auto client = Client();
  std::set<std::string> submitted;
  for (int i = 0; i < 150; ++i) submitted.insert(client.SubmitJob(Submission("same-name")).value());
  client.SubmitJob(Submission("same-name-not"));
  auto found = client.ListJobsByName("queue", "same-name");
  ASSERT_TRUE(found.ok()) << found.error().message;
  std::set<std::string> ids;
  for (const auto& job : *found) ids.insert(job.id);
  EXPECT_EQ(ids, submitted);
  EXPECT_GE(client.CallCounts()["ListJobs"], 2);
  EXPECT_TRUE(client.ListJobsByName("queue", "nobody")->empty());
}

TEST_F(BatchClientTest, TerminatesRunningJobsAndCancelsWaitingOnes) {
  fake_.SetOutcome("long", FakeBatchOutcome{0, 60000, ""});
  fake_.SetOutcome("stuck", FakeBatchOutcome{0, 0, "waiting for capacity"});
  auto client = Client();
  std::string running = client.SubmitJob(Submission("r", "long")).value();
  WaitFor(client, running, "RUNNING");
  std::string waiting = client.SubmitJob(Submission("w", "stuck")).value();
  WaitFor(client, waiting, "RUNNABLE");

  ASSERT_TRUE(client.CancelJob(running, "too late to cancel").ok());
  EXPECT_EQ(client.DescribeJobs({running}).value()[0].status, "RUNNING");  // cancel: no effect
  ASSERT_TRUE(client.TerminateJob(running, "user asked").ok());
  BatchJob terminated = client.DescribeJobs({running}).value()[0];
  EXPECT_EQ(terminated.status, "FAILED");
  EXPECT_EQ(terminated.status_reason, "user asked");
  ASSERT_TRUE(client.CancelJob(waiting, "user asked").ok());
  EXPECT_EQ(client.DescribeJobs({waiting}).value()[0].status, "FAILED");
  EXPECT_FALSE(client.TerminateJob("no-such-job", "x").ok());
}

// Plays one HTTP answer to every call, as a broken endpoint or proxy in front of Batch would.
class OneAnswerHttpClient : public HttpClient {
 public:
  explicit OneAnswerHttpClient(HttpReply reply) : reply_(std::move(reply)) {}
  Result<HttpReply> Send(const HttpCall&) override { return reply_; }

 private:
  HttpReply reply_;
};

// Every BatchClient call against one answer: "ok", "unavailable", "invalid" or "failed" (some
// other error) per call, in the order SubmitJob, DescribeJobs, ListJobsByName,
// DescribeJobDefinitionsByName, DescribeJobDefinitions, TerminateJob.
std::vector<std::string> OutcomesOf(HttpReply reply, std::string* health = nullptr) {
  OneAnswerHttpClient http(std::move(reply));
  StaticCredentialsProvider credentials(AwsCredentials{"AKIDTEST", "secret", "", 0});
  FakeClock clock;
  BatchClientOptions options;
  options.endpoint = "http://127.0.0.1:9";
  options.max_attempts = 2;
  options.base_backoff_ms = 0;
  options.max_backoff_ms = 0;
  options.submit_rate_per_second = 0;
  BatchClient client(http, credentials, clock, options);
  auto outcome = [](const Status& status) -> std::string {
    if (status.ok()) return "ok";
    if (status.error().message.empty()) return "failed without a message";
    if (status.error().code == ErrorCode::kUnavailable) return "unavailable";
    if (status.error().code == ErrorCode::kInvalidArgument) return "invalid";
    return "failed";
  };
  auto status_of = [](const auto& result) -> Status {
    if (result.ok()) return OkStatus();
    return result.error();
  };
  std::vector<std::string> outcomes = {
      outcome(status_of(client.SubmitJob({"job", "queue", "definition:1", {}, {}}))),
      outcome(status_of(client.DescribeJobs({"a"}))),
      outcome(status_of(client.ListJobsByName("queue", "job"))),
      outcome(status_of(client.DescribeJobDefinitionsByName("definition", "", false))),
      outcome(status_of(client.DescribeJobDefinitions({"definition:1"}))),
      outcome(client.TerminateJob("a", "reason"))};
  if (health != nullptr) *health = client.Health().ok() ? "" : client.Health().error().message;
  return outcomes;
}

const std::vector<std::string> kAllUnavailable(6, "unavailable");

TEST(BatchClientMalformedAnswerTest, AnAnswerThatIsNotAnObjectIsUnavailableForEveryCall) {
  std::string health;
  EXPECT_EQ(OutcomesOf(HttpReply{200, "[]", {}}, &health), kAllUnavailable);
  EXPECT_NE(health.find("malformed answer"), std::string::npos) << health;
  EXPECT_EQ(OutcomesOf(HttpReply{200, "\"text\"", {}}), kAllUnavailable);
  EXPECT_EQ(OutcomesOf(HttpReply{200, "7", {}}), kAllUnavailable);
}

TEST(BatchClientMalformedAnswerTest, AListOfTheWrongTypeIsUnavailable) {
  std::string body = R"({"jobId":"id","jobs":{},"jobSummaryList":"x","jobDefinitions":5})";
  auto outcomes = OutcomesOf(HttpReply{200, body, {}});
  EXPECT_EQ(outcomes, (std::vector<std::string>{"ok", "unavailable", "unavailable", "unavailable",
                                                "unavailable", "ok"}));
}

TEST(BatchClientMalformedAnswerTest, AnItemThatIsNotAnObjectIsUnavailable) {
  std::string body = R"({"jobId":"id","jobs":[1],"jobSummaryList":["x"],"jobDefinitions":[null]})";
  auto outcomes = OutcomesOf(HttpReply{200, body, {}});
  EXPECT_EQ(outcomes, (std::vector<std::string>{"ok", "unavailable", "unavailable", "unavailable",
                                                "unavailable", "ok"}));
}

TEST(BatchClientMalformedAnswerTest, AFieldOfTheWrongTypeIsUnavailable) {
  for (const char* body : {
           R"({"jobId":7})",
           R"({"jobs":[{"jobId":7}],"jobSummaryList":[{"jobId":7,"jobName":"job"}]})",
           R"({"jobs":[{"jobId":"a","status":[]}],"jobSummaryList":[{"jobId":"a","jobName":1}]})",
           R"({"jobs":[{"jobId":"a","container":{"reason":5}}],"nextToken":3})",
           R"({"jobs":[{"jobId":"a","container":[]}],"jobDefinitions":[{"revision":"1"}]})",
           R"({"jobs":[{"jobId":"a","createdAt":"now"}],"jobDefinitions":[{"status":{}}]})",
       }) {
    auto outcomes = OutcomesOf(HttpReply{200, body, {}});
    outcomes.pop_back();  // TerminateJob reads nothing of the answer
    EXPECT_TRUE(std::find(outcomes.begin(), outcomes.end(), "unavailable") != outcomes.end())
        << body;
    for (const auto& outcome : outcomes) EXPECT_TRUE(outcome == "ok" || outcome == "unavailable");
  }
}

TEST(BatchClientMalformedAnswerTest, NumbersOutOfRangeAreUnavailable) {
  for (const char* body : {
           R"({"jobs":[{"jobId":"a","createdAt":1e300}],"jobDefinitions":[{"revision":1e10}]})",
           R"({"jobs":[{"jobId":"a","stoppedAt":-1}],"jobDefinitions":[{"revision":-1}]})",
           R"({"jobs":[{"jobId":"a","container":{"exitCode":1e20}}],)"
           R"("jobDefinitions":[{"revision":4294967296}]})",
           R"({"jobs":[{"jobId":"a","startedAt":1.5}],"jobDefinitions":[{"revision":2.5}]})",
       }) {
    auto outcomes = OutcomesOf(HttpReply{200, body, {}});
    EXPECT_EQ(outcomes[1], "unavailable") << body;  // DescribeJobs
    EXPECT_EQ(outcomes[4], "unavailable") << body;  // DescribeJobDefinitions
  }
}

TEST(BatchClientMalformedAnswerTest, WholeNumbersInRangeAreRead) {
  OneAnswerHttpClient http(HttpReply{
      200,
      R"({"jobs":[{"jobId":"a","createdAt":1.7e12,"container":{"exitCode":-1,"reason":null}}]})",
      {}});
  StaticCredentialsProvider credentials(AwsCredentials{"AKIDTEST", "secret", "", 0});
  FakeClock clock;
  BatchClient client(http, credentials, clock, BatchClientOptions{});
  auto jobs = client.DescribeJobs({"a"});
  ASSERT_TRUE(jobs.ok()) << jobs.error().message;
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ((*jobs)[0].created_at, 1700000000000);
  EXPECT_EQ((*jobs)[0].exit_code, -1);
  EXPECT_EQ((*jobs)[0].container_reason, "");
}

TEST(BatchClientMalformedAnswerTest, ASubmitJobAnswerWithoutAJobIdIsUnavailable) {
  auto outcomes = OutcomesOf(HttpReply{200, R"({"jobName":"job"})", {}});
  EXPECT_EQ(outcomes[0], "unavailable");
  outcomes = OutcomesOf(HttpReply{200, R"({"jobId":""})", {}});
  EXPECT_EQ(outcomes[0], "unavailable");
}

TEST(BatchClientMalformedAnswerTest, AnErrorWhoseMessageOrTypeIsNotAStringIsStillAnError) {
  auto outcomes = OutcomesOf(
      HttpReply{400, R"({"message":5,"__type":[]})", {{"x-amzn-errortype", "ClientException"}}});
  EXPECT_EQ(outcomes, std::vector<std::string>(6, "invalid"));
  outcomes = OutcomesOf(HttpReply{400, R"({"Message":{},"__type":7,"code":null})", {}});
  EXPECT_EQ(outcomes, std::vector<std::string>(6, "invalid"));
}

}  // namespace
}  // namespace wfm

namespace wfm {
namespace {

// SubmitJob's fields (Step Functions' batch:submitJob) through the client, and the fake checking
// them as AWS Batch does.

BatchSubmission WithFields(const std::string& name, nlohmann::json fields) {
  BatchSubmission submission{name, "queue", "echo:1", {{"_BATCH_START", "[]"}}, {}};
  submission.fields = std::move(fields);
  return submission;
}

TEST(SubmitJobBodyTest, OurFieldsWinAndMergeWithTheGivenOnes) {
  BatchSubmission submission{"name-1",
                             "our-queue",
                             "def:2",
                             {{"A", "ours"}, {"B", "b"}},
                             {{"workflow-manager:job-id", "j"}}};
  submission.fields = nlohmann::json::parse(R"({
    "jobName": "theirs", "jobQueue": "their-queue", "jobDefinition": "their-def",
    "containerOverrides": {"command": ["x"], "environment": [{"name": "A", "value": "theirs"},
                                                              {"name": "C", "value": "c"}]},
    "tags": {"team": "t", "workflow-manager:job-id": "theirs"}, "propagateTags": false})");
  auto body = SubmitJobBody(submission);
  EXPECT_EQ(body["jobName"], "name-1");
  EXPECT_EQ(body["jobQueue"], "our-queue");
  EXPECT_EQ(body["jobDefinition"], "def:2");
  EXPECT_EQ(body["containerOverrides"]["command"], nlohmann::json({"x"}));
  EXPECT_EQ(body["containerOverrides"]["environment"], nlohmann::json::parse(R"([
    {"name": "C", "value": "c"}, {"name": "A", "value": "ours"}, {"name": "B", "value": "b"}])"));
  EXPECT_EQ(body["tags"],
            nlohmann::json::parse(R"({"team": "t", "workflow-manager:job-id": "j"})"));
  EXPECT_EQ(body["propagateTags"], false);

  auto plain = SubmitJobBody(BatchSubmission{"n", "q", "d", {}, {}});
  EXPECT_FALSE(plain.contains("tags"));  // Batch refuses an empty tag map
  EXPECT_EQ(plain["propagateTags"], true);
}

TEST_F(BatchClientTest, TheFakeTakesAndEchoesEverySubmitJobFieldStepFunctionsPasses) {
  auto client = Client();
  auto fields = nlohmann::json::parse(R"({
    "parameters": {"input": "s3://bucket/key", "unused": "u"},
    "containerOverrides": {"command": ["process", "Ref::input"],
                           "environment": [{"name": "MODE", "value": "fast"}],
                           "resourceRequirements": [{"type": "VCPU", "value": "0.5"},
                                                    {"type": "MEMORY", "value": "2048"},
                                                    {"type": "GPU", "value": "1"}]},
    "retryStrategy": {"attempts": 3, "evaluateOnExit": [{"onExitCode": "1*", "action": "retry"},
                                                         {"onReason": "*", "action": "EXIT"}]},
    "timeout": {"attemptDurationSeconds": 60},
    "tags": {"team": "data"},
    "arrayProperties": {"size": 10000},
    "schedulingPriorityOverride": 9999})");
  auto id = client.SubmitJob(WithFields("with-fields", fields));
  ASSERT_TRUE(id.ok()) << id.error().message;
  auto job = fake_.Job(*id);
  EXPECT_EQ(job["parameters"], fields["parameters"]);
  EXPECT_EQ(job["container"]["command"], nlohmann::json({"process", "s3://bucket/key"}));
  EXPECT_EQ(job["container"]["environment"],
            nlohmann::json::parse(R"([{"name": "MODE", "value": "fast"},
                                      {"name": "_BATCH_START", "value": "[]"}])"));
  EXPECT_EQ(job["container"]["resourceRequirements"],
            fields["containerOverrides"]["resourceRequirements"]);
  EXPECT_EQ(job["retryStrategy"], fields["retryStrategy"]);
  EXPECT_EQ(job["timeout"], fields["timeout"]);
  EXPECT_EQ(job["tags"], fields["tags"]);
  EXPECT_EQ(job["arrayProperties"]["size"], 10000);
  EXPECT_EQ(job["schedulingPriority"], 9999);
  auto described = client.DescribeJobs({*id});
  ASSERT_TRUE(described.ok());
  EXPECT_EQ((*described)[0].description["parameters"], fields["parameters"]);
}

TEST_F(BatchClientTest, TheFakeRefusesWhatBatchRefuses) {
  auto client = Client();
  const std::vector<std::pair<const char*, const char*>> refused = {
      {R"({"parameters": {"a": 1}})", "parameters.a"},
      {R"({"parameters": []})", "parameters"},
      {R"({"containerOverrides": {"command": "echo"}})", "containerOverrides.command"},
      {R"({"containerOverrides": {"command": ["echo", ""]}})", "empty string"},
      {R"({"containerOverrides": {"environment": [{"name": 1}]}})", "environment.1.name"},
      {R"({"containerOverrides": {"environment": [{"name": "AWS_BATCH_X", "value": "1"}]}})",
       "AWS_BATCH"},
      {R"({"containerOverrides": {"resourceRequirements": [{"type": "VCPU"}]}})",
       "Member must not be null"},
      {R"({"containerOverrides": {"resourceRequirements": [{"type": "CPU", "value": "1"}]}})",
       "enum"},
      {R"({"containerOverrides": {"resourceRequirements": [{"type": "MEMORY", "value": "2"}]}})",
       "MEMORY"},
      {R"({"containerOverrides": {"resourceRequirements": [{"type": "VCPU", "value": "x"}]}})",
       "VCPU"},
      {R"({"containerOverrides": {"vcpus": 1.5}})", "vcpus"},
      {R"({"containerOverrides": {"instanceType": "m5.large"}})", "instanceType"},
      {R"({"retryStrategy": {"attempts": 11}})", "between 1 and 10"},
      {R"({"retryStrategy": {"attempts": 0}})", "between 1 and 10"},
      {R"({"retryStrategy": {"attempts": 4294967297}})", "retryStrategy.attempts"},
      {R"({"retryStrategy": {"evaluateOnExit": [{"action": "RETRY", "onExitCode": "1"}]}})",
       "requires attempts"},
      {R"({"retryStrategy": {"attempts": 2, "evaluateOnExit": [{"onExitCode": "1"}]}})", "action"},
      {R"({"retryStrategy": {"attempts": 2, "evaluateOnExit": [{"action": "SKIP"}]}})", "enum"},
      {R"({"retryStrategy": {"attempts": 2, "evaluateOnExit": [{"action": "EXIT",
                                                               "onExitCode": "1a"}]}})",
       "onExitCode"},
      {R"({"timeout": {"attemptDurationSeconds": 59}})", "60 seconds"},
      {R"({"timeout": 60})", "timeout"},
      {R"({"tags": {"aws:owner": "x"}})", "aws:"},
      {R"({"tags": {"k": 1}})", "tags.k"},
      {R"({"arrayProperties": {"size": 1}})", "between 2 and 10000"},
      {R"({"arrayProperties": {"size": 10001}})", "between 2 and 10000"},
      {R"({"propagateTags": "yes"})", "propagateTags"},
      {R"({"schedulingPriorityOverride": 10000})", "between 0 and 9999"},
      {R"({"shareIdentifier": "share"})", "scheduling policy"},
      {R"({"nodeOverrides": {"numNodes": 2}})", "nodeOverrides"},
      {R"({"dependsOn": [{"jobId": "no-such-job"}]})", "not found"},
      {R"({"dependsOn": [{"type": "ALL"}]})", "enum"},
  };
  for (const auto& [fields, message] : refused) {
    auto id = client.SubmitJob(WithFields("refused", nlohmann::json::parse(fields)));
    ASSERT_FALSE(id.ok()) << fields;
    EXPECT_EQ(id.error().code, ErrorCode::kInvalidArgument) << fields;
    EXPECT_NE(id.error().message.find("ClientException"), std::string::npos) << id.error().message;
    EXPECT_NE(id.error().message.find(message), std::string::npos)
        << fields << ": " << id.error().message;
  }
  EXPECT_EQ(fake_.SubmitCount("refused"), 0);
  // An empty tag map (which the client never sends) breaks the model's minimum of one tag.
  auto empty_tags = nlohmann::json::parse(
      R"({"jobName": "n", "jobQueue": "q", "jobDefinition": "d", "tags": {}})");
  EXPECT_NE(SubmitJobRefusal(empty_tags).find("length greater than or equal to 1"),
            std::string::npos)
      << SubmitJobRefusal(empty_tags);
  // Members AWS does not know are ignored, and null is absent.
  auto id =
      client.SubmitJob(WithFields("accepted", nlohmann::json::parse(R"({"someFutureField": {"x": 1},
                                                       "timeout": null, "tags": null})")));
  EXPECT_TRUE(id.ok()) << id.error().message;
}

}  // namespace
}  // namespace wfm
