// Every endpoint and error of the v1 API, in-process (no sockets): Api over a memory store, the
// engine on its thread and the fake executor.
#include "api/api.h"

#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "engine/execution_engine.h"
#include "executor/fake/fake_executor.h"
#include "store/memory/memory_store.h"
#include "support/recording_stream.h"

namespace wfm {
namespace {

using nlohmann::json;

std::string HelloWorkflow() {
  std::ifstream in(WFM_SOURCE_DIR "/data/hello-workflow.post.json");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override { engine_.Start(); }
  void TearDown() override { engine_.Stop(); }

  HttpResponse Call(const std::string& method, const std::string& target,
                    const std::string& body = "") {
    return api_.Handle(HttpRequest{method, target, body, {}, ""});
  }
  json CallJson(const std::string& method, const std::string& target, const std::string& body,
                int expected_status) {
    HttpResponse response = Call(method, target, body);
    EXPECT_EQ(response.status, expected_status) << method << " " << target << ": " << response.body;
    return json::parse(response.body);
  }
  std::string ErrorOf(const std::string& method, const std::string& target, const std::string& body,
                      int expected_status) {
    json error = CallJson(method, target, body, expected_status);
    EXPECT_EQ(error.size(), 1u);
    return error.value("message", "");
  }
  // Polls the stored job until `done` holds (the engine runs on its own thread).
  json WaitForJob(const std::string& id, const std::function<bool(const json&)>& done) {
    for (int i = 0; i < 5000; ++i) {
      json job = CallJson("GET", "/jobs/" + id, "", 200);
      if (done(job)) return job;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ADD_FAILURE() << "job " << id << " never reached the expected state";
    return {};
  }
  json CreateHello() { return CallJson("POST", "/workflows", HelloWorkflow(), 201); }

  FakeClock clock_;
  MemoryStore store_;
  FakeExecutor executor_{clock_};
  ExecutionEngine engine_{store_, executor_, clock_, ExecutionEngineOptions{1.0, 50, 50}};
  Api api_{store_, engine_, clock_,
           [](const std::string& id) -> Result<std::string> {
             if (id.empty()) return Error{ErrorCode::kNotFound, "none"};
             return "log of " + id;
           },
           "openapi: 3.0.3\n"};
};

TEST_F(ApiTest, Health) {
  EXPECT_EQ(CallJson("GET", "/_health", "", 200)["status"], "ok");
  EXPECT_EQ(Call("POST", "/_health").status, 405);
}

TEST_F(ApiTest, ServesOpenApi) {
  HttpResponse response = Call("GET", "/openapi.yaml");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "application/yaml");
  EXPECT_EQ(response.body, "openapi: 3.0.3\n");
}

TEST_F(ApiTest, CreatesAWorkflow) {
  HttpResponse created = Call("POST", "/workflows", HelloWorkflow());
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.headers["Location"], "/workflows/hello-workflow/0");
  json w = json::parse(created.body);
  EXPECT_EQ(w["name"], "hello-workflow");
  EXPECT_EQ(w["revision"], 0);
  EXPECT_EQ(w["startAt"], "start-state");
  EXPECT_FALSE(w["id"].get<std::string>().empty());
  EXPECT_TRUE(w.contains("createdAt"));
  EXPECT_TRUE(w.contains("description"));
  ASSERT_EQ(w["states"].size(), 3u);
  EXPECT_EQ(w["states"][0]["next"], "second-state");
  EXPECT_EQ(w["states"][0]["resource"], "echo:1");
  EXPECT_EQ(w["states"][2]["end"], true);
  EXPECT_EQ(ErrorOf("POST", "/workflows", HelloWorkflow(), 409),
            "workflow 'hello-workflow' already exists");
}

TEST_F(ApiTest, RejectsBadWorkflowsWithoutStoringThem) {
  EXPECT_EQ(ErrorOf("POST", "/workflows", "{", 400), "the body is not valid JSON");
  EXPECT_EQ(ErrorOf("POST", "/workflows", R"({"name":"x","startAt":"a","states":[]})", 400),
            "'states' must contain at least one state");
  EXPECT_EQ(
      ErrorOf("POST", "/workflows",
              R"({"name":"x","startAt":"a","states":[{"name":"a","type":"Task","resource":"r"}]})",
              400),
      "state 'a': needs either 'next' or 'end': true");
  EXPECT_EQ(ErrorOf("GET", "/workflows/x", "", 404), "workflow 'x' not found");
  EXPECT_EQ(CallJson("GET", "/workflows", "", 200).size(), 0u);
}

TEST_F(ApiTest, UpdatesAndReadsRevisions) {
  CreateHello();
  json body = json::parse(HelloWorkflow());
  body["description"] = "second revision";
  HttpResponse put = Call("PUT", "/workflows/hello-workflow", body.dump());
  ASSERT_EQ(put.status, 201) << put.body;
  EXPECT_EQ(put.headers["Location"], "/workflows/hello-workflow/1");
  json r1 = json::parse(put.body);
  EXPECT_EQ(r1["revision"], 1);
  json revisions = CallJson("GET", "/workflows/hello-workflow/revisions", "", 200);
  ASSERT_EQ(revisions.size(), 2u);
  EXPECT_EQ(revisions[0], r1);
  EXPECT_EQ(revisions[1]["revision"], 0);
  EXPECT_EQ(ErrorOf("GET", "/workflows/nope/revisions", "", 404), "workflow 'nope' not found");
  EXPECT_EQ(Call("POST", "/workflows/hello-workflow/revisions").status, 405);
  EXPECT_EQ(CallJson("GET", "/workflows/hello-workflow", "", 200)["revision"], 1);
  EXPECT_EQ(CallJson("GET", "/workflows/hello-workflow/0", "", 200)["revision"], 0);
  EXPECT_EQ(CallJson("GET", "/workflows/hello-workflow/1", "", 200)["description"],
            "second revision");
  EXPECT_EQ(ErrorOf("GET", "/workflows/hello-workflow/2", "", 404),
            "workflow 'hello-workflow' has no revision 2");
  EXPECT_EQ(ErrorOf("GET", "/workflows/hello-workflow/x", "", 400),
            "revision 'x' must be a non-negative integer");
  json listed = CallJson("GET", "/workflows", "", 200);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["revision"], 1);
  HttpResponse created = Call("POST", "/workflows", json::parse(HelloWorkflow()).dump());
  EXPECT_EQ(created.status, 409);
  EXPECT_EQ(created.headers.count("Location"), 0u);

  body["name"] = "other";
  EXPECT_EQ(ErrorOf("PUT", "/workflows/hello-workflow", body.dump(), 400),
            "name 'other' in the body differs from 'hello-workflow' in the path");
  EXPECT_EQ(ErrorOf("PUT", "/workflows/other", body.dump(), 404), "workflow 'other' not found");
  EXPECT_EQ(ErrorOf("PUT", "/workflows/hello-workflow", "[]", 400),
            "the body must be a JSON object");
  EXPECT_EQ(CallJson("GET", "/workflows/hello-workflow", "", 200)["revision"], 1);
}

TEST_F(ApiTest, StartsAJobAndRunsIt) {
  CreateHello();
  for (const char* path : {"/jobs", "/jobs/"}) {
    HttpResponse started = Call("POST", path,
                                R"({"workflow": {"name": "hello-workflow", "revision": 0},
                                    "data": ["arg1", "arg2", "arg3"]})");
    ASSERT_EQ(started.status, 200) << started.body;
    json job = json::parse(started.body);
    EXPECT_EQ(started.headers["Location"], "/jobs/" + job["id"].get<std::string>());
    EXPECT_EQ(job["status"], "QUEUED");
    EXPECT_EQ(job["data"], json::parse(R"(["arg1","arg2","arg3"])"));
    EXPECT_EQ(job["workflow"]["name"], "hello-workflow");
    EXPECT_EQ(job["workflow"]["states"].size(), 3u);
    ASSERT_EQ(job["tasks"].size(), 3u);
    EXPECT_EQ(job["tasks"][0]["status"], "QUEUED");
    EXPECT_EQ(job["tasks"][1]["status"], "WAITING_FOR_DEPS");
    for (const char* key : {"id", "state", "status", "statusReason", "container", "createdAt"}) {
      EXPECT_TRUE(job["tasks"][0].contains(key)) << key;
    }
    // No value is null, with its key there.
    EXPECT_TRUE(job["statusReason"].is_null());
    for (const char* key :
         {"id", "statusReason", "container", "jobDefinition", "exitCode", "startedAt"}) {
      ASSERT_TRUE(job["tasks"][1].contains(key)) << key;
      EXPECT_TRUE(job["tasks"][1][key].is_null()) << key;
    }
    std::string id = job["id"];
    json submitted = WaitForJob(
        id, [](const json& j) { return j["tasks"][0]["id"].is_string(); });
    executor_.Finish(submitted["tasks"][0]["id"], 0);
    json second = WaitForJob(
        id, [](const json& j) { return j["tasks"][1]["id"].is_string(); });
    executor_.Finish(second["tasks"][1]["id"], 0);
    json third = WaitForJob(
        id, [](const json& j) { return j["tasks"][2]["id"].is_string(); });
    executor_.Finish(third["tasks"][2]["id"], 0);
    json done = WaitForJob(id, [](const json& j) { return j["status"] == "SUCCEEDED"; });
    EXPECT_TRUE(done.contains("startedAt"));
    EXPECT_TRUE(done.contains("stoppedAt"));
  }
}

TEST_F(ApiTest, AFailedJobSaysWhichStateFailedAndWhy) {
  CreateHello();
  std::string id =
      CallJson("POST", "/jobs", R"({"workflow": {"name": "hello-workflow"}})", 200)["id"];
  json submitted = WaitForJob(id, [](const json& j) { return j["tasks"][0]["id"].is_string(); });
  executor_.Finish(submitted["tasks"][0]["id"], 0);
  json second = WaitForJob(id, [](const json& j) { return j["tasks"][1]["id"].is_string(); });
  executor_.Finish(second["tasks"][1]["id"], 3);
  json failed = WaitForJob(id, [](const json& j) { return j["status"] == "FAILED"; });
  std::string reason = failed["statusReason"];
  EXPECT_EQ(reason.rfind("state 'second-state' failed", 0), 0u) << reason;
  EXPECT_NE(reason.find(failed["tasks"][1]["statusReason"].is_string()
                            ? failed["tasks"][1]["statusReason"].get<std::string>()
                            : "exit code 3"),
            std::string::npos)
      << reason;
  EXPECT_EQ(failed["tasks"][1]["exitCode"], 3);
  EXPECT_EQ(failed["tasks"][2]["status"], "ABORTED_DEPS_FAILED");
}

TEST_F(ApiTest, StartJobPicksTheLatestRevisionByDefault) {
  CreateHello();
  json body = json::parse(HelloWorkflow());
  body["description"] = "r1";
  CallJson("PUT", "/workflows/hello-workflow", body.dump(), 201);
  EXPECT_EQ(CallJson("POST", "/jobs", R"({"workflow":{"name":"hello-workflow"}})",
                     200)["workflow"]["revision"],
            1);
  EXPECT_EQ(CallJson("POST", "/jobs", R"({"workflow":{"name":"hello-workflow","revision":-1}})",
                     200)["workflow"]["revision"],
            1);
  EXPECT_EQ(CallJson("POST", "/jobs", R"({"workflow":{"name":"hello-workflow","revision":0}})",
                     200)["workflow"]["revision"],
            0);
}

TEST_F(ApiTest, RejectsBadJobRequests) {
  CreateHello();
  EXPECT_EQ(ErrorOf("POST", "/jobs", R"({"workflow":{"name":"nope"}})", 404),
            "workflow 'nope' not found");
  EXPECT_EQ(ErrorOf("POST", "/jobs", R"({"workflow":{"name":"hello-workflow","revision":5}})", 404),
            "workflow 'hello-workflow' has no revision 5");
  EXPECT_EQ(ErrorOf("POST", "/jobs/", "nope", 400), "the body is not valid JSON");
  EXPECT_EQ(ErrorOf("POST", "/jobs", R"({"workflow":{"name":"hello-workflow"},"data":{}})", 400),
            "'data' must be an array");
  EXPECT_EQ(CallJson("GET", "/jobs?workflowName=hello-workflow", "", 200).size(), 0u);
}

TEST_F(ApiTest, ListsJobsNewestFirstWithPages) {
  CreateHello();
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    clock_.Advance(1);
    ids.push_back(
        CallJson("POST", "/jobs", R"({"workflow":{"name":"hello-workflow"}})", 200)["id"]);
  }
  json all = CallJson("GET", "/jobs?workflowName=hello-workflow", "", 200);
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[0]["id"], ids[4]);
  EXPECT_EQ(all[4]["id"], ids[0]);

  HttpResponse first = Call("GET", "/jobs?workflowName=hello-workflow&limit=2");
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(json::parse(first.body).size(), 2u);
  ASSERT_TRUE(first.headers.count("X-Next-Page-Token"));
  json second = CallJson(
      "GET",
      "/jobs?workflowName=hello-workflow&limit=2&pageToken=" + first.headers["X-Next-Page-Token"],
      "", 200);
  EXPECT_EQ(second[0]["id"], ids[2]);

  EXPECT_EQ(ErrorOf("GET", "/jobs?workflowName=nope", "", 404), "workflow 'nope' not found");
  EXPECT_EQ(ErrorOf("GET", "/jobs?workflowName=hello-workflow&limit=0", "", 400),
            "'limit' must be an integer from 1 to 1000");
  EXPECT_EQ(ErrorOf("GET", "/jobs?workflowName=hello-workflow&pageToken=zz", "", 400),
            "malformed page token");
}

TEST_F(ApiTest, ListsJobsOfEveryWorkflowFilteredByStatusAndTime) {
  CreateHello();
  json other = json::parse(HelloWorkflow());
  other["name"] = "other";
  CallJson("POST", "/workflows", other.dump(), 201);
  std::vector<json> started;
  for (const char* name : {"hello-workflow", "other", "hello-workflow"}) {
    clock_.Advance(1000);
    started.push_back(CallJson(
        "POST", "/jobs", json{{"workflow", {{"name", name}}}}.dump(), 200));
  }
  CallJson("DELETE", "/jobs/" + started[1]["id"].get<std::string>(), "{}", 200);
  json all = CallJson("GET", "/jobs", "", 200);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0]["id"], started[2]["id"]);
  EXPECT_EQ(all[2]["id"], started[0]["id"]);
  json cancelled = CallJson("GET", "/jobs?status=CANCELLED", "", 200);
  ASSERT_EQ(cancelled.size(), 1u);
  EXPECT_EQ(cancelled[0]["id"], started[1]["id"]);
  std::string since = started[1]["createdAt"], until = started[2]["createdAt"];
  json window = CallJson("GET", "/jobs?since=" + since + "&until=" + until, "", 200);
  ASSERT_EQ(window.size(), 1u);  // since inclusive, until exclusive
  EXPECT_EQ(window[0]["id"], started[1]["id"]);
  EXPECT_EQ(CallJson("GET", "/jobs?workflowName=hello-workflow&since=" + since, "", 200).size(),
            1u);
  EXPECT_EQ(CallJson("GET", "/jobs?workflowName=other&status=QUEUED", "", 200).size(), 0u);

  EXPECT_EQ(ErrorOf("GET", "/jobs?status=DONE", "", 400),
            "'status' must be one of QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED");
  EXPECT_EQ(ErrorOf("GET", "/jobs?since=yesterday", "", 400),
            "'since' must be a time in RFC 3339 form, e.g. 2026-01-31T09:00:00Z");
  EXPECT_EQ(ErrorOf("GET", "/jobs?until=", "", 400),
            "'until' must be a time in RFC 3339 form, e.g. 2026-01-31T09:00:00Z");
  EXPECT_EQ(ErrorOf("GET", "/jobs?since=" + until + "&until=" + since, "", 400),
            "'until' must be later than 'since'");
}

TEST_F(ApiTest, StreamsAJobsEventsUntilItEnds) {
  CreateHello();
  json job = CallJson("POST", "/jobs", R"({"workflow": {"name": "hello-workflow"}})", 200);
  std::string id = job["id"];
  HttpResponse response = Call("GET", "/events?job=" + id);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.content_type, "text/event-stream");
  EXPECT_EQ(response.headers["Cache-Control"], "no-cache");
  ASSERT_TRUE(response.stream);
  auto stream = std::make_shared<RecordingStream>();
  response.stream(stream);
  ASSERT_TRUE(stream->WaitFor([](const std::string& text, bool) { return !text.empty(); }));
  CallJson("DELETE", "/jobs/" + id, R"({"reason": "seen enough"})", 200);
  ASSERT_TRUE(stream->WaitFor([](const std::string&, bool ended) { return ended; }));
  auto events = EventsIn(stream->text());
  ASSERT_GE(events.size(), 2u);
  for (const auto& [name, data] : events) {
    EXPECT_EQ(name, "job");
    EXPECT_EQ(json::parse(data)["id"], id);
  }
  json last = json::parse(events.back().second);
  EXPECT_EQ(last["status"], "CANCELLED");
  EXPECT_EQ(last, CallJson("GET", "/jobs/" + id, "", 200));
}

TEST_F(ApiTest, RefusesEventsOfNoJob) {
  EXPECT_EQ(ErrorOf("GET", "/events", "", 400),
            "give one of the query parameters 'job' and 'execution'");
  EXPECT_EQ(ErrorOf("GET", "/events?job=", "", 400), "query parameter 'job' is empty");
  EXPECT_EQ(ErrorOf("GET", "/events?job=nope", "", 404), "job 'nope' not found");
  EXPECT_EQ(Call("POST", "/events?job=nope").status, 405);
}

TEST_F(ApiTest, GetsJobsAnd404s) {
  CreateHello();
  std::string id =
      CallJson("POST", "/jobs", R"({"workflow":{"name":"hello-workflow"}})", 200)["id"];
  EXPECT_EQ(CallJson("GET", "/jobs/" + id, "", 200)["id"], id);
  EXPECT_EQ(ErrorOf("GET", "/jobs/nope", "", 404), "job 'nope' not found");
}

TEST_F(ApiTest, CancelsAJobWithAReason) {
  CreateHello();
  std::string id =
      CallJson("POST", "/jobs", R"({"workflow":{"name":"hello-workflow"}})", 200)["id"];
  json running =
      WaitForJob(id, [](const json& j) { return j["tasks"][0]["id"].is_string(); });
  executor_.Start(running["tasks"][0]["id"]);
  json cancelled = CallJson("DELETE", "/jobs/" + id, R"({"reason": "why cancel a job"})", 200);
  EXPECT_EQ(cancelled["status"], "CANCELLED");
  for (const auto& task : cancelled["tasks"]) {
    EXPECT_EQ(task["status"], "ABORTED_BY_USER");
    EXPECT_EQ(task["statusReason"], "why cancel a job");
  }
  WaitForJob(id, [&](const json&) { return executor_.Terminated().size() == 1; });
  EXPECT_EQ(executor_.Terminated().count(running["tasks"][0]["id"]), 1u);
  executor_.Finish(running["tasks"][0]["id"], 0);  // a late outcome changes nothing
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(CallJson("GET", "/jobs/" + id, "", 200)["status"], "CANCELLED");

  EXPECT_EQ(ErrorOf("DELETE", "/jobs/" + id, R"({"reason":"again"})", 409),
            "job '" + id + "' already finished with status CANCELLED");
  EXPECT_EQ(ErrorOf("DELETE", "/jobs/nope", R"({"reason":"x"})", 404), "job 'nope' not found");
  EXPECT_EQ(ErrorOf("DELETE", "/jobs/" + id, R"({"reason":7})", 400), "'reason' must be a string");
}

TEST_F(ApiTest, CancelWithoutABodyIsAccepted) {
  CreateHello();
  std::string id =
      CallJson("POST", "/jobs", R"({"workflow":{"name":"hello-workflow"}})", 200)["id"];
  json cancelled = CallJson("DELETE", "/jobs/" + id, "", 200);
  EXPECT_EQ(cancelled["status"], "CANCELLED");
  EXPECT_EQ(cancelled["tasks"][1]["statusReason"], "cancelled by user");
}

TEST_F(ApiTest, ServesTaskLogs) {
  CreateHello();
  std::string id =
      CallJson("POST", "/jobs", R"({"workflow":{"name":"hello-workflow"}})", 200)["id"];
  json job =
      WaitForJob(id, [](const json& j) { return j["tasks"][0]["id"].is_string(); });
  HttpResponse log = Call("GET", "/jobs/" + id + "/tasks/start-state/log");
  EXPECT_EQ(log.status, 200);
  EXPECT_EQ(log.body, "log of " + job["tasks"][0]["id"].get<std::string>());
  EXPECT_EQ(log.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(ErrorOf("GET", "/jobs/" + id + "/tasks/end-state/log", "", 404),
            "task 'end-state' has not been submitted yet");
  EXPECT_EQ(ErrorOf("GET", "/jobs/" + id + "/tasks/nope/log", "", 404),
            "job '" + id + "' has no state 'nope'");
  EXPECT_EQ(ErrorOf("GET", "/jobs/nope/tasks/start-state/log", "", 404), "job 'nope' not found");
}

TEST_F(ApiTest, UnknownPathsAndWrongMethods) {
  EXPECT_EQ(ErrorOf("GET", "/nope", "", 404), "no such path: /nope");
  EXPECT_EQ(ErrorOf("GET", "/jobs/a/b", "", 404), "no such path: /jobs/a/b");
  HttpResponse wrong = Call("PATCH", "/workflows");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.headers["Allow"], "GET, POST");
  EXPECT_EQ(Call("DELETE", "/workflows/x").status, 405);
  EXPECT_EQ(Call("PUT", "/jobs/x").status, 405);
  EXPECT_EQ(ErrorOf("GET", "/jobs?workflowName=%zz", "", 400), "malformed query string");
}

TEST_F(ApiTest, DecodesPathSegments) {
  CreateHello();
  EXPECT_EQ(CallJson("GET", "/workflows/hello%2Dworkflow", "", 200)["name"], "hello-workflow");
}

HttpRequest Request(const std::string& method, const std::string& target,
                    const std::string& body = "") {
  return HttpRequest{method, target, body, {}, ""};
}

TEST_F(ApiTest, RefusesDeepNestingWithoutRecursing) {
  CreateHello();
  std::string deep(60000, '[');
  deep += std::string(60000, ']');
  EXPECT_EQ(ErrorOf("POST", "/jobs",
                    R"({"workflow":{"name":"hello-workflow"},"data":)" + deep + "}", 400),
            "the body is JSON nested deeper than 64 levels");
  EXPECT_EQ(ErrorOf("POST", "/workflows", deep, 400),
            "the body is JSON nested deeper than 64 levels");
  std::string nested_ok = std::string(60, '[') + std::string(60, ']');
  EXPECT_EQ(CallJson("POST", "/jobs",
                     R"({"workflow":{"name":"hello-workflow"},"data":)" + nested_ok + "}", 200)
                .value("status", ""),
            "QUEUED");
}

TEST_F(ApiTest, RefusesUnknownFieldsButTakesAWorkflowReadBack) {
  json hello = CreateHello();
  std::string typo = HelloWorkflow();
  typo.replace(typo.find("\"resource\""), 10, "\"resourse\"");
  EXPECT_EQ(ErrorOf("PUT", "/workflows/hello-workflow", typo, 400),
            "unknown field 'states[0].resourse'");
  EXPECT_EQ(ErrorOf("POST", "/jobs", R"({"workflow":{"name":"hello-workflow"},"dta":[]})", 400),
            "unknown field 'dta'");
  EXPECT_EQ(ErrorOf("POST", "/jobs", R"({"workflow":{"name":"hello-workflow","rev":1}})", 400),
            "unknown field 'workflow.rev'");
  EXPECT_EQ(ErrorOf("DELETE", "/jobs/x", R"({"reasn":"x"})", 400), "unknown field 'reasn'");
  json again = CallJson("PUT", "/workflows/hello-workflow", hello.dump(), 201);
  EXPECT_EQ(again["revision"], 1);
  EXPECT_EQ(CallJson("GET", "/workflows/hello-workflow/1", "", 200)["states"], hello["states"]);
}

TEST_F(ApiTest, RefusesDataThatNoTaskCouldReceive) {
  CreateHello();
  std::string big = "[\"" + std::string(300 * 1024, 'x') + "\"]";
  std::string message =
      ErrorOf("POST", "/jobs", R"({"workflow":{"name":"hello-workflow"},"data":)" + big + "}", 413);
  EXPECT_NE(message.find("at most 262144"), std::string::npos) << message;
  EXPECT_EQ(CallJson("GET", "/jobs?workflowName=hello-workflow", "", 200).size(), 0u);
}

TEST_F(ApiTest, ChecksResourcesAndStoresNothingOnATypo) {
  ApiOptions options;
  options.check_resource = [](const std::string& resource) -> Status {
    if (resource.rfind("echo", 0) == 0) return OkStatus();
    return Error{ErrorCode::kInvalidArgument, "no job definition '" + resource + "'"};
  };
  Api api(store_, engine_, clock_, nullptr, "", options);
  std::string typo = HelloWorkflow();
  typo.replace(typo.find("echo:1"), 6, "ecko:1");
  HttpResponse refused = api.Handle(Request("POST", "/workflows", typo));
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(json::parse(refused.body)["message"],
            "state 'start-state': no job definition 'ecko:1'");
  EXPECT_EQ(api.Handle(Request("GET", "/workflows/hello-workflow")).status, 404);
  EXPECT_EQ(api.Handle(Request("POST", "/workflows", HelloWorkflow())).status, 201);
}

TEST_F(ApiTest, ListingsEndEarlyPastTheirByteLimit) {
  CreateHello();
  std::set<std::string> ids;
  for (int i = 0; i < 7; ++i) {
    clock_.Advance(1);
    ids.insert(CallJson("POST", "/jobs", R"({"workflow":{"name":"hello-workflow"}})", 200)["id"]
                   .get<std::string>());
  }
  ApiOptions options;
  options.max_list_bytes = 4000;  // about two jobs
  Api api(store_, engine_, clock_, nullptr, "", options);
  std::set<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    HttpResponse page =
        api.Handle(Request("GET", "/jobs?workflowName=hello-workflow" +
                                      (token.empty() ? std::string() : "&pageToken=" + token)));
    ASSERT_EQ(page.status, 200);
    EXPECT_LE(page.body.size(), 4000u);
    json jobs = json::parse(page.body);
    ASSERT_FALSE(jobs.empty());
    for (const auto& job : jobs) EXPECT_TRUE(seen.insert(job["id"]).second) << "listed twice";
    token = page.headers.count("X-Next-Page-Token") ? page.headers["X-Next-Page-Token"] : "";
    ++pages;
  } while (!token.empty() && pages < 20);
  EXPECT_EQ(seen, ids);
  EXPECT_GE(pages, 3);
}

TEST_F(ApiTest, ACancelIsStoredAndAnsweredAtOnceWhateverTheEngineDoes) {
  CreateHello();
  std::string id =
      CallJson("POST", "/jobs", R"({"workflow":{"name":"hello-workflow"}})", 200)["id"];
  engine_.Stop();  // the engine is busy or away: the cancel does not wait for it
  json cancelled = CallJson("DELETE", "/jobs/" + id, R"({"reason":"not now"})", 200);
  EXPECT_EQ(cancelled["status"], "CANCELLED");
  EXPECT_EQ(cancelled["statusReason"], "not now");
  EXPECT_EQ(CallJson("GET", "/jobs/" + id, "", 200)["status"], "CANCELLED");
  EXPECT_NE(ErrorOf("DELETE", "/jobs/" + id, R"({"reason":"again"})", 409).find("already finished"),
            std::string::npos);
  engine_.Start();
}

TEST_F(ApiTest, HealthSaysWhenTheExecutorCantWork) {
  ApiOptions options;
  options.executor_health = []() -> Status {
    return Error{ErrorCode::kUnavailable, "AWS Batch: no credentials found"};
  };
  Api api(store_, engine_, clock_, nullptr, "", options);
  HttpResponse health = api.Handle(Request("GET", "/_health"));
  EXPECT_EQ(health.status, 503);
  json body = json::parse(health.body);
  EXPECT_EQ(body["status"], "unavailable");
  EXPECT_EQ(body["executor"]["message"], "AWS Batch: no credentials found");
  EXPECT_EQ(CallJson("GET", "/_health", "", 200)["executor"]["status"], "ok");
}

}  // namespace
}  // namespace wfm
