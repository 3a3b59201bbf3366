// The Step Functions face in-process: every operation and every error it answers, through the
// Api (the same routing the service uses) over an SQLite store on a temporary file, with a strict
// fake engine that records every call (a request refused for its input must not reach it).
#include "api/sfn/sfn_api.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <future>
#include <mutex>
#include <thread>

#include "api/api.h"
#include "engine/execution_engine.h"
#include "executor/fake/fake_executor.h"
#include "store/sqlite/sqlite_store.h"

namespace wfm::sfn {
namespace {

constexpr const char* kRole = "arn:aws:iam::123456789012:role/run";
constexpr const char* kPassMachine = R"({"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}})";
constexpr const char* kOtherMachine =
    R"({"StartAt":"Q","States":{"Q":{"Type":"Pass","Result":1,"End":true}}})";
constexpr const char* kMachineArn = "arn:aws:states:us-east-1:123456789012:stateMachine:";
constexpr const char* kExecutionArn = "arn:aws:states:us-east-1:123456789012:execution:";
constexpr const char* kActivityArn = "arn:aws:states:us-east-1:123456789012:activity:";

// The engine's side, faked: executions are records written as the engine writes them; every call
// is logged in `calls` so that tests assert exactly what reached the engine.
class FakeExecutions : public ExecutionService {
 public:
  FakeExecutions(Store& store, Clock& clock) : store_(store), clock_(clock) {}

  Result<Record> StartExecution(const StartExecutionRequest& request) override {
    Log("StartExecution " + request.execution_arn);
    starts.push_back(request);
    auto existing = store_.GetRecord(kRecordExecution, request.execution_arn);
    if (existing.ok()) {
      auto info = ExecutionInfoOf(existing.value());
      if (info->input == request.input && info->status == kExecutionRunning) return existing;
      return Error{ErrorCode::kAlreadyExists, "Execution Already Exists: '" + info->arn + "'",
                   "ExecutionAlreadyExists"};
    }
    ExecutionInfo info;
    info.arn = request.execution_arn;
    info.name = request.name;
    info.state_machine_arn = request.state_machine_arn;
    info.state_machine_name = request.state_machine_name;
    info.state_machine_version_arn = request.version_arn;
    info.state_machine_alias_arn = request.alias_arn;
    info.definition = request.definition;
    info.role_arn = request.role_arn;
    info.input = request.input;
    info.start_date = clock_.Now();
    Record record{kRecordExecution,
                  info.arn,
                  info.state_machine_arn,
                  kExecutionRunning,
                  clock_.Now(),
                  nlohmann::json{{"info", ToJson(info)}}.dump(),
                  0};
    if (auto s = store_.CreateRecord(record); !s.ok()) return s.error();
    record.version = 1;
    return record;
  }

  Result<TimestampMs> StopExecution(const std::string& arn, const std::string& error,
                                    const std::string& cause) override {
    Log("StopExecution " + arn + " " + error + " " + cause);
    auto finished = Finish(arn, kExecutionAborted, error, cause);
    if (!finished.ok()) return finished.error();
    return clock_.Now();
  }

  Result<TimestampMs> RedriveExecution(const std::string& arn) override {
    Log("RedriveExecution " + arn);
    auto record = store_.GetRecord(kRecordExecution, arn);
    if (!record.ok()) return record.error();
    auto info = ExecutionInfoOf(record.value());
    info->status = kExecutionRunning;
    info->redrive_count += 1;
    info->redrive_date = clock_.Now();
    info->stop_date = 0;
    record->status = kExecutionRunning;
    record->body = nlohmann::json{{"info", ToJson(info.value())}}.dump();
    if (auto s = store_.UpdateRecord(record.value(), record->version); !s.ok()) return s.error();
    return clock_.Now();
  }

  void GetActivityTask(const std::string& activity_arn, const std::string& worker_name,
                       std::chrono::milliseconds wait,
                       std::function<void(std::optional<ActivityTask>)> done) override {
    Log("GetActivityTask " + activity_arn + " " + worker_name + " " + std::to_string(wait.count()));
    std::lock_guard lock(mu_);
    polls_.push_back(std::move(done));
  }

  Status SendTaskSuccess(const std::string& token, const std::string& output) override {
    Log("SendTaskSuccess " + token + " " + output);
    return TokenAnswer(token);
  }
  Status SendTaskFailure(const std::string& token, const std::string& error,
                         const std::string& cause) override {
    Log("SendTaskFailure " + token + " " + error + " " + cause);
    return TokenAnswer(token);
  }
  Status SendTaskHeartbeat(const std::string& token) override {
    Log("SendTaskHeartbeat " + token);
    return TokenAnswer(token);
  }

  Result<nlohmann::json> TestState(const nlohmann::json& request) override {
    Log("TestState " + request["definition"].get<std::string>());
    if (request["definition"].get<std::string>().find("Bogus") != std::string::npos) {
      return Error{ErrorCode::kInvalidArgument, "Bogus is not a state type"};
    }
    return nlohmann::json{
        {"output", request.value("input", "{}")}, {"status", "SUCCEEDED"}, {"nextState", "N"}};
  }

  // Ends an execution as the engine would.
  Status Finish(const std::string& arn, const std::string& status, const std::string& error = "",
                const std::string& cause = "", std::optional<std::string> output = std::nullopt) {
    auto record = store_.GetRecord(kRecordExecution, arn);
    if (!record.ok()) {
      return Error{ErrorCode::kNotFound, "Execution Does Not Exist: '" + arn + "'",
                   "ExecutionDoesNotExist"};
    }
    auto info = ExecutionInfoOf(record.value());
    info->status = status;
    info->error = error;
    info->cause = cause;
    info->output = output;
    info->stop_date = clock_.Now();
    record->status = status;
    record->body = nlohmann::json{{"info", ToJson(info.value())}}.dump();
    return store_.UpdateRecord(record.value(), record->version);
  }

  std::vector<std::string> Calls() {
    std::lock_guard lock(mu_);
    return calls;
  }

  // Long polls received so far, and their answer (as the engine gives it, on this thread).
  size_t PollCount() {
    std::lock_guard lock(mu_);
    return polls_.size();
  }
  void AnswerPoll(size_t i, std::optional<ActivityTask> task) {
    std::function<void(std::optional<ActivityTask>)> done;
    {
      std::lock_guard lock(mu_);
      done = polls_.at(i);
    }
    done(std::move(task));
  }

  std::vector<StartExecutionRequest> starts;

 private:
  void Log(std::string call) {
    std::lock_guard lock(mu_);
    calls.push_back(std::move(call));
  }
  // Tokens: "live" is a running task, "ended" one that timed out, anything else unknown.
  static Status TokenAnswer(const std::string& token) {
    if (token == "live") return OkStatus();
    if (token == "ended") return Error{ErrorCode::kConflict, "Task Timed Out", "TaskTimedOut"};
    return Error{ErrorCode::kNotFound, "Task Does Not Exist", "TaskDoesNotExist"};
  }

  Store& store_;
  Clock& clock_;
  std::mutex mu_;
  std::vector<std::string> calls;
  std::vector<std::function<void(std::optional<ActivityTask>)>> polls_;
};

std::string TempDatabase() {
  static int counter = 0;
  return (std::filesystem::temp_directory_path() /
          ("sfn_api_test_" + std::to_string(getpid()) + "_" + std::to_string(++counter) + ".db"))
      .string();
}

class SfnApiTest : public ::testing::Test {
 protected:
  SfnApiTest()
      : path_(TempDatabase()),
        store_(std::move(SqliteStore::Open(path_).value())),
        engine_(*store_, executor_, clock_),
        executions_(*store_, clock_),
        api_(*store_, engine_, clock_, nullptr, "openapi: 3.0.3\n", Options(&executions_)) {}
  ~SfnApiTest() override {
    std::filesystem::remove(path_);
    std::filesystem::remove(path_ + "-wal");
    std::filesystem::remove(path_ + "-shm");
  }

  static ApiOptions Options(ExecutionService* executions) {
    ApiOptions options;
    options.executions = executions;
    return options;
  }

  HttpResponse Raw(const std::string& target_header, const std::string& body,
                   const std::string& content_type = "application/x-amz-json-1.0") {
    return api_.Handle(HttpRequest{"POST",
                                   "/",
                                   body,
                                   {{"X-Amz-Target", target_header},
                                    {"Content-Type", content_type},
                                    {"Authorization", "AWS4-HMAC-SHA256 Credential=x"}},
                                   ""});
  }
  // The answer to an operation that must succeed.
  json Ok(const std::string& operation, const json& body) {
    HttpResponse response = Raw("AWSStepFunctions." + operation, body.dump());
    EXPECT_EQ(response.status, 200) << operation << ": " << response.body;
    EXPECT_EQ(response.content_type, "application/x-amz-json-1.0");
    return json::parse(response.body);
  }
  // The __type of an operation that must fail with a client error (and its message, non-empty).
  std::string Err(const std::string& operation, const json& body, int status = 400) {
    HttpResponse response = Raw("AWSStepFunctions." + operation, body.dump());
    EXPECT_EQ(response.status, status) << operation << ": " << response.body;
    json error = json::parse(response.body);
    EXPECT_FALSE(error.value("message", "").empty()) << response.body;
    return error.value("__type", "");
  }

  std::string CreateMachine(const std::string& name, const std::string& definition = kPassMachine) {
    return Ok("CreateStateMachine",
              {{"name", name}, {"definition", definition}, {"roleArn", kRole}})["stateMachineArn"];
  }
  std::string Start(const std::string& machine_arn, const std::string& name,
                    const std::string& input = "{}") {
    return Ok("StartExecution",
              {{"stateMachineArn", machine_arn}, {"name", name}, {"input", input}})["executionArn"];
  }

  std::string path_;
  FakeClock clock_;
  std::unique_ptr<SqliteStore> store_;
  FakeExecutor executor_{clock_};
  ExecutionEngine engine_;
  FakeExecutions executions_;
  Api api_;
};

TEST_F(SfnApiTest, RoutesOnlyStepFunctionsRequestsAndKeepsTheV1Api) {
  EXPECT_EQ(Err("NoSuchOperation", json::object()), "UnknownOperationException");
  EXPECT_EQ(json::parse(Raw("Other.ListStateMachines", "{}").body)["__type"],
            "UnknownOperationException");
  HttpResponse malformed = Raw("AWSStepFunctions.ListStateMachines", "{");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(json::parse(malformed.body)["__type"], "SerializationException");
  EXPECT_EQ(json::parse(Raw("AWSStepFunctions.ListStateMachines", "[]").body)["__type"],
            "SerializationException");
  EXPECT_EQ(
      json::parse(Raw("AWSStepFunctions.ListStateMachines", "{}", "text/plain").body)["__type"],
      "SerializationException");
  EXPECT_EQ(Raw("AWSStepFunctions.ListStateMachines", "", "application/json").status, 200);
  // Without X-Amz-Target, or on another path, the v1 API answers as before.
  HttpResponse v1 = api_.Handle(HttpRequest{"POST", "/", "{}", {}, ""});
  EXPECT_EQ(v1.status, 404);
  EXPECT_EQ(json::parse(v1.body).size(), 1u);
  EXPECT_EQ(api_.Handle(HttpRequest{"GET", "/workflows", "", {}, ""}).status, 200);
  EXPECT_TRUE(executions_.Calls().empty());
}

TEST_F(SfnApiTest, CreatesStateMachinesIdempotentlyAndRefusesBadOnes) {
  clock_.Advance(1234);
  json created = Ok("CreateStateMachine", {{"name", "m"},
                                           {"definition", kPassMachine},
                                           {"roleArn", kRole},
                                           {"tags", {{{"key", "team"}, {"value", "a"}}}}});
  EXPECT_EQ(created["stateMachineArn"], std::string(kMachineArn) + "m");
  EXPECT_DOUBLE_EQ(created["creationDate"].get<double>(), 1700000001.234);
  EXPECT_FALSE(created.contains("stateMachineVersionArn"));
  // The same name and definition again (another role is ignored): the same machine.
  json again = Ok("CreateStateMachine", {{"name", "m"},
                                         {"definition", kPassMachine},
                                         {"roleArn", "arn:aws:iam::123456789012:role/other"}});
  EXPECT_EQ(again, created);
  EXPECT_EQ(
      Err("CreateStateMachine", {{"name", "m"}, {"definition", kOtherMachine}, {"roleArn", kRole}}),
      "StateMachineAlreadyExists");
  auto create = [&](const std::string& name, const json& definition, const json& role) {
    return Err("CreateStateMachine",
               {{"name", name}, {"definition", definition}, {"roleArn", role}});
  };
  EXPECT_EQ(create("bad name", kPassMachine, kRole), "InvalidName");
  EXPECT_EQ(create("a/b", kPassMachine, kRole), "InvalidName");
  EXPECT_EQ(create(std::string(81, 'n'), kPassMachine, kRole), "ValidationException");
  EXPECT_EQ(create("x", kPassMachine, "role"), "InvalidArn");
  EXPECT_EQ(
      create("x", R"({"StartAt":"Nowhere","States":{"P":{"Type":"Pass","End":true}}})", kRole),
      "InvalidDefinition");
  EXPECT_EQ(create("x", "{", kRole), "InvalidDefinition");
  EXPECT_EQ(create("x", 5, kRole), "SerializationException");
  EXPECT_EQ(Err("CreateStateMachine", {{"name", "x"}, {"roleArn", kRole}}), "ValidationException");
  EXPECT_EQ(
      Err("CreateStateMachine",
          {{"name", "x"}, {"definition", kPassMachine}, {"roleArn", kRole}, {"type", "EXPRESS"}}),
      "StateMachineTypeNotSupported");
  EXPECT_EQ(
      Err("CreateStateMachine",
          {{"name", "x"}, {"definition", kPassMachine}, {"roleArn", kRole}, {"type", "FAST"}}),
      "ValidationException");
  EXPECT_EQ(Err("CreateStateMachine", {{"name", "x"},
                                       {"definition", kPassMachine},
                                       {"roleArn", kRole},
                                       {"versionDescription", "v"}}),
            "ValidationException");
  json tags = json::array();
  for (int i = 0; i < 51; ++i) tags.push_back({{"key", "k" + std::to_string(i)}, {"value", ""}});
  EXPECT_EQ(Err("CreateStateMachine",
                {{"name", "x"}, {"definition", kPassMachine}, {"roleArn", kRole}, {"tags", tags}}),
            "TooManyTags");
  // Nothing refused was stored.
  json listed = Ok("ListStateMachines", json::object());
  ASSERT_EQ(listed["stateMachines"].size(), 1u);
  EXPECT_EQ(listed["stateMachines"][0]["name"], "m");
  EXPECT_EQ(listed["stateMachines"][0]["type"], "STANDARD");
}

TEST_F(SfnApiTest, DescribesUpdatesPublishesAndDeletesStateMachines) {
  json created = Ok("CreateStateMachine", {{"name", "m"},
                                           {"definition", kPassMachine},
                                           {"roleArn", kRole},
                                           {"publish", true},
                                           {"versionDescription", "first"}});
  std::string arn = created["stateMachineArn"];
  EXPECT_EQ(created["stateMachineVersionArn"], arn + ":1");
  json described = Ok("DescribeStateMachine", {{"stateMachineArn", arn}});
  EXPECT_EQ(described["name"], "m");
  EXPECT_EQ(described["definition"], kPassMachine);
  EXPECT_EQ(described["roleArn"], kRole);
  EXPECT_EQ(described["type"], "STANDARD");
  EXPECT_EQ(described["status"], "ACTIVE");
  std::string first_revision = described["revisionId"];
  json version = Ok("DescribeStateMachine", {{"stateMachineArn", arn + ":1"}});
  EXPECT_EQ(version["stateMachineArn"], arn + ":1");
  EXPECT_EQ(version["description"], "first");
  EXPECT_EQ(version["revisionId"], first_revision);
  // Publishing the same revision again answers the same version.
  EXPECT_EQ(Ok("PublishStateMachineVersion", {{"stateMachineArn", arn}})["stateMachineVersionArn"],
            arn + ":1");

  clock_.Advance(1000);
  json updated = Ok("UpdateStateMachine",
                    {{"stateMachineArn", arn}, {"definition", kOtherMachine}, {"publish", true}});
  EXPECT_NE(updated["revisionId"], first_revision);
  EXPECT_EQ(updated["stateMachineVersionArn"], arn + ":2");
  EXPECT_EQ(Ok("DescribeStateMachine", {{"stateMachineArn", arn}})["definition"], kOtherMachine);
  EXPECT_EQ(Ok("DescribeStateMachine", {{"stateMachineArn", arn + ":1"}})["definition"],
            kPassMachine);
  EXPECT_EQ(
      Err("PublishStateMachineVersion", {{"stateMachineArn", arn}, {"revisionId", first_revision}}),
      "ConflictException");
  EXPECT_EQ(Err("UpdateStateMachine", {{"stateMachineArn", arn}}), "MissingRequiredParameter");
  EXPECT_EQ(Err("UpdateStateMachine", {{"stateMachineArn", arn}, {"definition", "{}"}}),
            "InvalidDefinition");
  EXPECT_EQ(Err("UpdateStateMachine", {{"stateMachineArn", arn + "x"}, {"roleArn", kRole}}),
            "StateMachineDoesNotExist");
  EXPECT_EQ(Err("UpdateStateMachine", {{"stateMachineArn", arn + ":1"}, {"roleArn", kRole}}),
            "ValidationException");
  EXPECT_EQ(Err("DescribeStateMachine", {{"stateMachineArn", "arn:aws:sqs:x"}}), "InvalidArn");
  EXPECT_EQ(Err("DescribeStateMachine", {{"stateMachineArn", arn + ":9"}}),
            "StateMachineDoesNotExist");

  json versions = Ok("ListStateMachineVersions", {{"stateMachineArn", arn}, {"maxResults", 1}});
  ASSERT_EQ(versions["stateMachineVersions"].size(), 1u);
  EXPECT_EQ(versions["stateMachineVersions"][0]["stateMachineVersionArn"], arn + ":2");
  json rest = Ok("ListStateMachineVersions",
                 {{"stateMachineArn", arn}, {"nextToken", versions["nextToken"]}});
  ASSERT_EQ(rest["stateMachineVersions"].size(), 1u);
  EXPECT_EQ(rest["stateMachineVersions"][0]["stateMachineVersionArn"], arn + ":1");
  EXPECT_FALSE(rest.contains("nextToken"));
  EXPECT_EQ(Err("ListStateMachineVersions", {{"stateMachineArn", arn}, {"maxResults", 1001}}),
            "ValidationException");
  EXPECT_EQ(Err("ListStateMachineVersions", {{"stateMachineArn", arn}, {"nextToken", "zz"}}),
            "InvalidToken");

  Ok("DeleteStateMachineVersion", {{"stateMachineVersionArn", arn + ":1"}});
  EXPECT_EQ(Err("DescribeStateMachine", {{"stateMachineArn", arn + ":1"}}),
            "StateMachineDoesNotExist");
  // Version numbers are never reused.
  Ok("UpdateStateMachine", {{"stateMachineArn", arn}, {"definition", kPassMachine}});
  EXPECT_EQ(Ok("PublishStateMachineVersion", {{"stateMachineArn", arn}})["stateMachineVersionArn"],
            arn + ":3");

  Ok("DeleteStateMachine", {{"stateMachineArn", arn}});
  EXPECT_EQ(Err("DescribeStateMachine", {{"stateMachineArn", arn}}), "StateMachineDoesNotExist");
  EXPECT_EQ(Err("DescribeStateMachine", {{"stateMachineArn", arn + ":2"}}),
            "StateMachineDoesNotExist");
  Ok("DeleteStateMachine", {{"stateMachineArn", arn}});  // deleting again is fine
  EXPECT_EQ(Err("DeleteStateMachine", {{"stateMachineArn", arn + ":2"}}), "ValidationException");
  EXPECT_TRUE(Ok("ListStateMachines", json::object())["stateMachines"].empty());
}

TEST_F(SfnApiTest, ListsStateMachinesInPages) {
  for (int i = 0; i < 5; ++i) {
    CreateMachine("m" + std::to_string(i));
    clock_.Advance(1);
  }
  std::vector<std::string> names;
  json page = Ok("ListStateMachines", {{"maxResults", 2}});
  for (;;) {
    EXPECT_LE(page["stateMachines"].size(), 2u);
    for (const json& item : page["stateMachines"]) names.push_back(item["name"]);
    if (!page.contains("nextToken")) break;
    page = Ok("ListStateMachines", {{"maxResults", 2}, {"nextToken", page["nextToken"]}});
  }
  EXPECT_EQ(names, (std::vector<std::string>{"m4", "m3", "m2", "m1", "m0"}));
  EXPECT_EQ(Err("ListStateMachines", {{"maxResults", -1}}), "ValidationException");
  EXPECT_EQ(Err("ListStateMachines", {{"maxResults", "2"}}), "SerializationException");
  EXPECT_EQ(Err("ListStateMachines", {{"nextToken", "not-a-token"}}), "InvalidToken");
}

TEST_F(SfnApiTest, AliasesRouteToVersions) {
  std::string arn = CreateMachine("m");
  Ok("PublishStateMachineVersion", {{"stateMachineArn", arn}});
  Ok("UpdateStateMachine", {{"stateMachineArn", arn}, {"definition", kOtherMachine}});
  Ok("PublishStateMachineVersion", {{"stateMachineArn", arn}, {"description", "two"}});
  json routing = {{{"stateMachineVersionArn", arn + ":1"}, {"weight", 100}}};
  json created = Ok("CreateStateMachineAlias",
                    {{"name", "prod"}, {"description", "live"}, {"routingConfiguration", routing}});
  std::string alias = created["stateMachineAliasArn"];
  EXPECT_EQ(alias, arn + ":prod");
  // The same alias again is the same alias; another configuration under its name conflicts.
  EXPECT_EQ(Ok("CreateStateMachineAlias",
               {{"name", "prod"}, {"description", "live"}, {"routingConfiguration", routing}}),
            created);
  EXPECT_EQ(Err("CreateStateMachineAlias", {{"name", "prod"}, {"routingConfiguration", routing}}),
            "ConflictException");
  EXPECT_EQ(Err("CreateStateMachineAlias", {{"name", "123"}, {"routingConfiguration", routing}}),
            "ValidationException");
  EXPECT_EQ(
      Err("CreateStateMachineAlias",
          {{"name", "a"},
           {"routingConfiguration", {{{"stateMachineVersionArn", arn + ":1"}, {"weight", 60}}}}}),
      "ValidationException");
  EXPECT_EQ(
      Err("CreateStateMachineAlias",
          {{"name", "a"},
           {"routingConfiguration", {{{"stateMachineVersionArn", arn + ":7"}, {"weight", 100}}}}}),
      "ResourceNotFound");
  EXPECT_EQ(Err("CreateStateMachineAlias",
                {{"name", "a"},
                 {"routingConfiguration", {{{"stateMachineVersionArn", arn}, {"weight", 100}}}}}),
            "ValidationException");
  EXPECT_EQ(
      Err("CreateStateMachineAlias", {{"name", "a"}, {"routingConfiguration", json::array()}}),
      "ValidationException");

  json described = Ok("DescribeStateMachineAlias", {{"stateMachineAliasArn", alias}});
  EXPECT_EQ(described["name"], "prod");
  EXPECT_EQ(described["description"], "live");
  EXPECT_EQ(described["routingConfiguration"], routing);
  EXPECT_EQ(Err("DescribeStateMachineAlias", {{"stateMachineAliasArn", arn + ":beta"}}),
            "ResourceNotFound");
  EXPECT_EQ(Err("DescribeStateMachineAlias", {{"stateMachineAliasArn", arn}}),
            "ValidationException");

  // An alias keeps its version from being deleted.
  EXPECT_EQ(Err("DeleteStateMachineVersion", {{"stateMachineVersionArn", arn + ":1"}}),
            "ConflictException");

  // Executions started through the alias run the version it routes to.
  std::string execution = Start(alias, "through-alias");
  ASSERT_EQ(executions_.starts.size(), 1u);
  EXPECT_EQ(executions_.starts[0].alias_arn, alias);
  EXPECT_EQ(executions_.starts[0].version_arn, arn + ":1");
  EXPECT_EQ(executions_.starts[0].definition, kPassMachine);
  EXPECT_EQ(executions_.starts[0].state_machine_arn, arn);
  EXPECT_EQ(execution, std::string(kExecutionArn) + "m:through-alias");

  json split = {{{"stateMachineVersionArn", arn + ":1"}, {"weight", 0}},
                {{"stateMachineVersionArn", arn + ":2"}, {"weight", 100}}};
  clock_.Advance(1000);
  json update = Ok("UpdateStateMachineAlias",
                   {{"stateMachineAliasArn", alias}, {"routingConfiguration", split}});
  EXPECT_DOUBLE_EQ(update["updateDate"].get<double>(), 1700000001.0);
  Start(alias, "after-update");
  EXPECT_EQ(executions_.starts.back().version_arn, arn + ":2");
  EXPECT_EQ(executions_.starts.back().definition, kOtherMachine);
  EXPECT_EQ(Err("UpdateStateMachineAlias", {{"stateMachineAliasArn", alias}}),
            "ValidationException");
  EXPECT_EQ(Err("UpdateStateMachineAlias",
                {{"stateMachineAliasArn", arn + ":beta"}, {"description", "x"}}),
            "ResourceNotFound");

  Ok("CreateStateMachineAlias",
     {{"name", "beta"},
      {"routingConfiguration", {{{"stateMachineVersionArn", arn + ":1"}, {"weight", 100}}}}});
  json all = Ok("ListStateMachineAliases", {{"stateMachineArn", arn}});
  EXPECT_EQ(all["stateMachineAliases"].size(), 2u);
  json to_two = Ok("ListStateMachineAliases", {{"stateMachineArn", arn + ":2"}});
  ASSERT_EQ(to_two["stateMachineAliases"].size(), 1u);
  EXPECT_EQ(to_two["stateMachineAliases"][0]["stateMachineAliasArn"], alias);
  EXPECT_EQ(Err("ListStateMachineAliases", {{"stateMachineArn", std::string(kMachineArn) + "no"}}),
            "StateMachineDoesNotExist");

  Ok("DeleteStateMachineAlias", {{"stateMachineAliasArn", alias}});
  EXPECT_EQ(Err("DeleteStateMachineAlias", {{"stateMachineAliasArn", alias}}), "ResourceNotFound");
  EXPECT_EQ(Err("StartExecution", {{"stateMachineArn", alias}}), "StateMachineDoesNotExist");
  Ok("DeleteStateMachine", {{"stateMachineArn", arn}});
  EXPECT_EQ(Err("DescribeStateMachineAlias", {{"stateMachineAliasArn", arn + ":beta"}}),
            "ResourceNotFound");
}

TEST_F(SfnApiTest, StartsExecutionsAndRefusesBadStarts) {
  std::string arn = CreateMachine("m");
  clock_.Advance(500);
  json started = Ok("StartExecution", {{"stateMachineArn", arn}, {"input", R"({"a":1})"}});
  std::string execution = started["executionArn"];
  EXPECT_EQ(execution.rfind(std::string(kExecutionArn) + "m:", 0), 0u);
  std::string generated = execution.substr(execution.rfind(':') + 1);
  EXPECT_EQ(generated.size(), 36u);  // a UUID
  EXPECT_DOUBLE_EQ(started["startDate"].get<double>(), 1700000000.5);
  ASSERT_EQ(executions_.starts.size(), 1u);
  EXPECT_EQ(executions_.starts[0].input, R"({"a":1})");
  EXPECT_EQ(executions_.starts[0].role_arn, kRole);
  EXPECT_EQ(executions_.starts[0].state_machine_name, "m");
  EXPECT_TRUE(executions_.starts[0].version_arn.empty());
  // Idempotent by name (the engine decides), another input is ExecutionAlreadyExists.
  EXPECT_EQ(Start(arn, "once", "{}"), Start(arn, "once", "{}"));
  EXPECT_EQ(Err("StartExecution", {{"stateMachineArn", arn}, {"name", "once"}, {"input", "[1]"}}),
            "ExecutionAlreadyExists");
  size_t calls = executions_.Calls().size();
  EXPECT_EQ(Err("StartExecution", {{"stateMachineArn", arn}, {"name", "a b"}}), "InvalidName");
  EXPECT_EQ(Err("StartExecution", {{"stateMachineArn", arn}, {"name", "a*"}}), "InvalidName");
  EXPECT_EQ(Err("StartExecution", {{"stateMachineArn", arn}, {"name", std::string(81, 'a')}}),
            "ValidationException");
  EXPECT_EQ(Err("StartExecution", {{"stateMachineArn", arn}, {"input", "{"}}),
            "InvalidExecutionInput");
  EXPECT_EQ(Err("StartExecution",
                {{"stateMachineArn", arn}, {"input", "\"" + std::string(256 * 1024, 'x') + "\""}}),
            "ValidationException");
  EXPECT_EQ(Err("StartExecution", {{"stateMachineArn", arn + "x"}}), "StateMachineDoesNotExist");
  EXPECT_EQ(Err("StartExecution", {{"stateMachineArn", arn + ":3"}}), "StateMachineDoesNotExist");
  EXPECT_EQ(Err("StartExecution", {{"stateMachineArn", "arn:aws:states:us-east-1:1:activity:a"}}),
            "InvalidArn");
  EXPECT_EQ(Err("StartExecution", json::object()), "ValidationException");
  EXPECT_EQ(executions_.Calls().size(), calls);

  // Through a version: that version's definition.
  Ok("PublishStateMachineVersion", {{"stateMachineArn", arn}});
  Ok("UpdateStateMachine", {{"stateMachineArn", arn}, {"definition", kOtherMachine}});
  Start(arn + ":1", "v1");
  EXPECT_EQ(executions_.starts.back().version_arn, arn + ":1");
  EXPECT_EQ(executions_.starts.back().definition, kPassMachine);
  Start(arn, "latest");
  EXPECT_EQ(executions_.starts.back().definition, kOtherMachine);
}

TEST_F(SfnApiTest, DescribesStopsAndRedrivesExecutions) {
  std::string arn = CreateMachine("m");
  std::string execution = Start(arn, "e", R"({"x":1})");
  json described = Ok("DescribeExecution", {{"executionArn", execution}});
  EXPECT_EQ(described["status"], "RUNNING");
  EXPECT_EQ(described["name"], "e");
  EXPECT_EQ(described["stateMachineArn"], arn);
  EXPECT_EQ(described["input"], R"({"x":1})");
  EXPECT_EQ(described["redriveCount"], 0);
  EXPECT_EQ(described["redriveStatus"], "NOT_REDRIVABLE");
  EXPECT_EQ(described["redriveStatusReason"], "Execution is RUNNING and cannot be redriven");
  EXPECT_FALSE(described.contains("stopDate"));
  EXPECT_FALSE(described.contains("output"));
  EXPECT_FALSE(
      Ok("DescribeExecution", {{"executionArn", execution}, {"includedData", "METADATA_ONLY"}})
          .contains("input"));
  EXPECT_EQ(Err("DescribeExecution", {{"executionArn", execution + "x"}}), "ExecutionDoesNotExist");
  EXPECT_EQ(Err("DescribeExecution", {{"executionArn", arn}}), "InvalidArn");

  json machine = Ok("DescribeStateMachineForExecution", {{"executionArn", execution}});
  EXPECT_EQ(machine["stateMachineArn"], arn);
  EXPECT_EQ(machine["name"], "m");
  EXPECT_EQ(machine["definition"], kPassMachine);
  EXPECT_EQ(machine["revisionId"],
            Ok("DescribeStateMachine", {{"stateMachineArn", arn}})["revisionId"]);
  // An update does not change what a running execution runs.
  Ok("UpdateStateMachine", {{"stateMachineArn", arn}, {"definition", kOtherMachine}});
  EXPECT_EQ(Ok("DescribeStateMachineForExecution", {{"executionArn", execution}})["definition"],
            kPassMachine);
  EXPECT_EQ(Err("DescribeStateMachineForExecution", {{"executionArn", execution + "x"}}),
            "ExecutionDoesNotExist");

  EXPECT_EQ(Err("RedriveExecution", {{"executionArn", execution}}), "ExecutionNotRedrivable");
  clock_.Advance(2000);
  json stopped =
      Ok("StopExecution", {{"executionArn", execution}, {"error", "Halt"}, {"cause", "enough"}});
  EXPECT_DOUBLE_EQ(stopped["stopDate"].get<double>(), 1700000002.0);
  EXPECT_EQ(executions_.Calls().back(), "StopExecution " + execution + " Halt enough");
  EXPECT_EQ(Err("StopExecution", {{"executionArn", std::string(kExecutionArn) + "m:none"}}),
            "ExecutionDoesNotExist");
  EXPECT_EQ(Err("StopExecution", {{"executionArn", execution}, {"error", std::string(257, 'e')}}),
            "ValidationException");
  described = Ok("DescribeExecution", {{"executionArn", execution}});
  EXPECT_EQ(described["status"], "ABORTED");
  EXPECT_EQ(described["error"], "Halt");
  EXPECT_EQ(described["cause"], "enough");
  EXPECT_DOUBLE_EQ(described["stopDate"].get<double>(), 1700000002.0);
  EXPECT_EQ(described["redriveStatus"], "REDRIVABLE");
  EXPECT_FALSE(described.contains("redriveStatusReason"));

  clock_.Advance(1000);
  json redriven = Ok("RedriveExecution", {{"executionArn", execution}, {"clientToken", "t1"}});
  EXPECT_DOUBLE_EQ(redriven["redriveDate"].get<double>(), 1700000003.0);
  described = Ok("DescribeExecution", {{"executionArn", execution}});
  EXPECT_EQ(described["redriveCount"], 1);
  EXPECT_DOUBLE_EQ(described["redriveDate"].get<double>(), 1700000003.0);
  EXPECT_EQ(Err("RedriveExecution", {{"executionArn", execution + "x"}}), "ExecutionDoesNotExist");
  EXPECT_EQ(Err("RedriveExecution", {{"executionArn", execution}, {"clientToken", "a b"}}),
            "ValidationException");

  // Succeeded: output shown, not redrivable; failed long ago: past the redrive period.
  std::string done = Start(arn, "done");
  ASSERT_TRUE(executions_.Finish(done, kExecutionSucceeded, "", "", R"({"r":2})").ok());
  described = Ok("DescribeExecution", {{"executionArn", done}});
  EXPECT_EQ(described["output"], R"({"r":2})");
  EXPECT_EQ(described["redriveStatusReason"], "Execution is SUCCEEDED and cannot be redriven");
  std::string old = Start(arn, "old");
  ASSERT_TRUE(executions_.Finish(old, kExecutionFailed, "E", "C").ok());
  clock_.Advance(15LL * 24 * 3600 * 1000);
  EXPECT_EQ(Ok("DescribeExecution", {{"executionArn", old}})["redriveStatusReason"],
            "Execution redrivable period exceeded");
  EXPECT_EQ(Err("RedriveExecution", {{"executionArn", old}}), "ExecutionNotRedrivable");
}

TEST_F(SfnApiTest, ListsExecutionsNewestFirstWithFilters) {
  std::string arn = CreateMachine("m");
  Ok("PublishStateMachineVersion", {{"stateMachineArn", arn}});
  std::vector<std::string> started;
  for (int i = 0; i < 5; ++i) {
    clock_.Advance(10);
    started.push_back(Start(i % 2 == 0 ? arn : arn + ":1", "e" + std::to_string(i)));
  }
  ASSERT_TRUE(executions_.Finish(started[1], kExecutionFailed).ok());
  std::vector<std::string> seen;
  json page = Ok("ListExecutions", {{"stateMachineArn", arn}, {"maxResults", 2}});
  for (;;) {
    for (const json& item : page["executions"]) seen.push_back(item["name"]);
    if (!page.contains("nextToken")) break;
    page = Ok("ListExecutions",
              {{"stateMachineArn", arn}, {"maxResults", 2}, {"nextToken", page["nextToken"]}});
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"e4", "e3", "e2", "e1", "e0"}));
  json failed = Ok("ListExecutions", {{"stateMachineArn", arn}, {"statusFilter", "FAILED"}});
  ASSERT_EQ(failed["executions"].size(), 1u);
  EXPECT_EQ(failed["executions"][0]["name"], "e1");
  EXPECT_EQ(failed["executions"][0]["stateMachineVersionArn"], arn + ":1");
  EXPECT_TRUE(failed["executions"][0].contains("stopDate"));
  json versioned = Ok("ListExecutions", {{"stateMachineArn", arn + ":1"}, {"maxResults", 1}});
  ASSERT_EQ(versioned["executions"].size(), 1u);
  EXPECT_EQ(versioned["executions"][0]["name"], "e3");
  versioned = Ok(
      "ListExecutions",
      {{"stateMachineArn", arn + ":1"}, {"maxResults", 1}, {"nextToken", versioned["nextToken"]}});
  ASSERT_EQ(versioned["executions"].size(), 1u);
  EXPECT_EQ(versioned["executions"][0]["name"], "e1");
  EXPECT_TRUE(
      Ok("ListExecutions", {{"stateMachineArn", arn}, {"redriveFilter", "REDRIVEN"}})["executions"]
          .empty());
  EXPECT_EQ(Err("ListExecutions", {{"stateMachineArn", arn}, {"statusFilter", "DONE"}}),
            "ValidationException");
  EXPECT_EQ(Err("ListExecutions", {{"stateMachineArn", arn + "x"}}), "StateMachineDoesNotExist");
  EXPECT_EQ(Err("ListExecutions", {{"stateMachineArn", arn}, {"nextToken", "x"}}), "InvalidToken");
  EXPECT_EQ(Err("ListExecutions", json::object()), "ValidationException");
  EXPECT_EQ(Err("ListExecutions", {{"stateMachineArn", "bad"}}), "InvalidArn");
}

TEST_F(SfnApiTest, ReadsHistoryInPagesBothWays) {
  std::string arn = CreateMachine("m");
  std::string execution = Start(arn, "e", R"({"secret":1})");
  CommitBatch batch;
  const char* types[] = {"ExecutionStarted", "PassStateEntered", "PassStateExited",
                         "ExecutionSucceeded"};
  for (int id = 1; id <= 4; ++id) {
    json event = {{"id", id}, {"type", types[id - 1]}, {"timestamp", 1700000000.5}};
    if (id > 1) event["previousEventId"] = id - 1;
    if (id == 1) {
      event["executionStartedEventDetails"] = {{"input", R"({"secret":1})"},
                                               {"inputDetails", {{"truncated", false}}},
                                               {"roleArn", kRole}};
    }
    if (id == 2) event["stateEnteredEventDetails"] = {{"name", "P"}, {"input", "{}"}};
    batch.events.push_back(HistoryEvent{execution, id, event.dump()});
  }
  ASSERT_TRUE(store_->Commit(batch).ok());

  json all = Ok("GetExecutionHistory", {{"executionArn", execution}});
  ASSERT_EQ(all["events"].size(), 4u);
  EXPECT_EQ(all["events"][0]["type"], "ExecutionStarted");
  EXPECT_EQ(all["events"][0]["executionStartedEventDetails"]["input"], R"({"secret":1})");
  EXPECT_EQ(all["events"][3]["previousEventId"], 3);
  EXPECT_FALSE(all.contains("nextToken"));

  std::vector<int> ids;
  json page = Ok("GetExecutionHistory",
                 {{"executionArn", execution}, {"maxResults", 3}, {"reverseOrder", true}});
  for (;;) {
    for (const json& event : page["events"]) ids.push_back(event["id"]);
    if (!page.contains("nextToken")) break;
    page = Ok("GetExecutionHistory", {{"executionArn", execution},
                                      {"maxResults", 3},
                                      {"reverseOrder", true},
                                      {"nextToken", page["nextToken"]}});
  }
  EXPECT_EQ(ids, (std::vector<int>{4, 3, 2, 1}));
  page = Ok("GetExecutionHistory", {{"executionArn", execution}, {"maxResults", 2}});
  ASSERT_EQ(page["events"].size(), 2u);
  page = Ok("GetExecutionHistory",
            {{"executionArn", execution}, {"maxResults", 2}, {"nextToken", page["nextToken"]}});
  ASSERT_EQ(page["events"].size(), 2u);
  EXPECT_EQ(page["events"][0]["id"], 3);
  EXPECT_FALSE(page.contains("nextToken"));

  json bare =
      Ok("GetExecutionHistory", {{"executionArn", execution}, {"includeExecutionData", false}});
  json started = bare["events"][0]["executionStartedEventDetails"];
  EXPECT_FALSE(started.contains("input"));
  EXPECT_FALSE(started.contains("inputDetails"));
  EXPECT_EQ(started["roleArn"], kRole);
  EXPECT_FALSE(bare["events"][1]["stateEnteredEventDetails"].contains("input"));
  EXPECT_EQ(bare["events"][1]["stateEnteredEventDetails"]["name"], "P");

  EXPECT_EQ(Err("GetExecutionHistory", {{"executionArn", execution}, {"nextToken", "abc"}}),
            "InvalidToken");
  EXPECT_EQ(Err("GetExecutionHistory", {{"executionArn", execution + "x"}}),
            "ExecutionDoesNotExist");
  EXPECT_EQ(Err("GetExecutionHistory", {{"executionArn", execution}, {"maxResults", 1001}}),
            "ValidationException");
}

TEST_F(SfnApiTest, ActivitiesAndTheirTasks) {
  json created = Ok("CreateActivity", {{"name", "work"}});
  std::string arn = created["activityArn"];
  EXPECT_EQ(arn, std::string(kActivityArn) + "work");
  clock_.Advance(5);
  EXPECT_EQ(Ok("CreateActivity", {{"name", "work"}}), created);  // idempotent by name
  EXPECT_EQ(Err("CreateActivity", {{"name", "a:b"}}), "InvalidName");
  json described = Ok("DescribeActivity", {{"activityArn", arn}});
  EXPECT_EQ(described["name"], "work");
  EXPECT_EQ(described["creationDate"], created["creationDate"]);
  EXPECT_EQ(Err("DescribeActivity", {{"activityArn", arn + "x"}}), "ActivityDoesNotExist");
  EXPECT_EQ(Err("DescribeActivity", {{"activityArn", "arn:aws:states:us-east-1:1:stateMachine:m"}}),
            "InvalidArn");
  Ok("CreateActivity", {{"name", "other"}});
  json page = Ok("ListActivities", {{"maxResults", 1}});
  ASSERT_EQ(page["activities"].size(), 1u);
  EXPECT_EQ(page["activities"][0]["name"], "other");
  page = Ok("ListActivities", {{"maxResults", 1}, {"nextToken", page["nextToken"]}});
  EXPECT_EQ(page["activities"][0]["name"], "work");

  // The long poll answers later, from the engine's side, without a thread waiting for it.
  std::promise<HttpResponse> answered;
  api_.HandleAsync(HttpRequest{"POST",
                               "/",
                               json{{"activityArn", arn}, {"workerName", "w1"}}.dump(),
                               {{"X-Amz-Target", "AWSStepFunctions.GetActivityTask"},
                                {"Content-Type", "application/x-amz-json-1.0"}},
                               ""},
                   [&](HttpResponse response) { answered.set_value(std::move(response)); });
  auto answer = answered.get_future();
  for (int i = 0; i < 5000 && executions_.PollCount() < 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(executions_.PollCount(), 1u);
  EXPECT_EQ(executions_.Calls().back(), "GetActivityTask " + arn + " w1 60000");
  EXPECT_EQ(answer.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  executions_.AnswerPoll(0, ActivityTask{"live", R"({"job":1})"});
  HttpResponse task = answer.get();
  EXPECT_EQ(task.status, 200);
  EXPECT_EQ(json::parse(task.body), (json{{"taskToken", "live"}, {"input", R"({"job":1})"}}));
  // No task within the wait: an answer without a token.
  std::promise<HttpResponse> empty;
  api_.HandleAsync(HttpRequest{"POST",
                               "/",
                               json{{"activityArn", arn}}.dump(),
                               {{"X-Amz-Target", "AWSStepFunctions.GetActivityTask"},
                                {"Content-Type", "application/x-amz-json-1.0"}},
                               ""},
                   [&](HttpResponse response) { empty.set_value(std::move(response)); });
  for (int i = 0; i < 5000 && executions_.PollCount() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(executions_.PollCount(), 2u);
  executions_.AnswerPoll(1, std::nullopt);
  EXPECT_EQ(json::parse(empty.get_future().get().body), json::object());
  EXPECT_EQ(Err("GetActivityTask", {{"activityArn", arn + "x"}}), "ActivityDoesNotExist");
  EXPECT_EQ(Err("GetActivityTask", {{"activityArn", "nope"}}), "InvalidArn");

  EXPECT_EQ(Ok("SendTaskSuccess", {{"taskToken", "live"}, {"output", "[1]"}}), json::object());
  EXPECT_EQ(executions_.Calls().back(), "SendTaskSuccess live [1]");
  EXPECT_EQ(Err("SendTaskSuccess", {{"taskToken", "live"}, {"output", "{"}}), "InvalidOutput");
  EXPECT_EQ(Err("SendTaskSuccess", {{"taskToken", "live"}}), "ValidationException");
  EXPECT_EQ(Err("SendTaskSuccess", {{"taskToken", "ended"}, {"output", "1"}}), "TaskTimedOut");
  EXPECT_EQ(Err("SendTaskSuccess", {{"taskToken", "who"}, {"output", "1"}}), "TaskDoesNotExist");
  EXPECT_EQ(Ok("SendTaskFailure", {{"taskToken", "live"}, {"error", "E"}, {"cause", "C"}}),
            json::object());
  EXPECT_EQ(executions_.Calls().back(), "SendTaskFailure live E C");
  EXPECT_EQ(Err("SendTaskFailure", {{"taskToken", "live"}, {"error", std::string(257, 'e')}}),
            "ValidationException");
  EXPECT_EQ(Err("SendTaskFailure", {{"taskToken", "ended"}}), "TaskTimedOut");
  EXPECT_EQ(Ok("SendTaskHeartbeat", {{"taskToken", "live"}}), json::object());
  EXPECT_EQ(Err("SendTaskHeartbeat", {{"taskToken", "who"}}), "TaskDoesNotExist");
  EXPECT_EQ(Err("SendTaskHeartbeat", {{"taskToken", ""}}), "ValidationException");

  Ok("DeleteActivity", {{"activityArn", arn}});
  Ok("DeleteActivity", {{"activityArn", arn}});
  EXPECT_EQ(Err("DescribeActivity", {{"activityArn", arn}}), "ActivityDoesNotExist");
  EXPECT_EQ(Err("DeleteActivity", {{"activityArn", "arn:aws:states:x"}}), "InvalidArn");
}

TEST_F(SfnApiTest, TagsStateMachinesAndActivities) {
  std::string machine = CreateMachine("m");
  std::string activity = Ok(
      "CreateActivity", {{"name", "a"}, {"tags", {{{"key", "k"}, {"value", "v"}}}}})["activityArn"];
  EXPECT_EQ(Ok("ListTagsForResource", {{"resourceArn", activity}})["tags"],
            (json{{{"key", "k"}, {"value", "v"}}}));
  Ok("TagResource",
     {{"resourceArn", machine}, {"tags", {{{"key", "a"}, {"value", "1"}}, {{"key", "b"}}}}});
  Ok("TagResource", {{"resourceArn", machine}, {"tags", {{{"key", "a"}, {"value", "2"}}}}});
  EXPECT_EQ(Ok("ListTagsForResource", {{"resourceArn", machine}})["tags"],
            (json{{{"key", "a"}, {"value", "2"}}, {{"key", "b"}, {"value", ""}}}));
  Ok("UntagResource", {{"resourceArn", machine}, {"tagKeys", {"a", "zz"}}});
  EXPECT_EQ(Ok("ListTagsForResource", {{"resourceArn", machine}})["tags"],
            (json{{{"key", "b"}, {"value", ""}}}));
  json many = json::array();
  for (int i = 0; i < 50; ++i) many.push_back({{"key", "t" + std::to_string(i)}, {"value", "x"}});
  EXPECT_EQ(Err("TagResource", {{"resourceArn", machine}, {"tags", many}}), "TooManyTags");
  EXPECT_EQ(Ok("ListTagsForResource", {{"resourceArn", machine}})["tags"].size(), 1u);
  EXPECT_EQ(Err("TagResource", {{"resourceArn", machine + "x"}, {"tags", json::array()}}),
            "ResourceNotFound");
  EXPECT_EQ(Err("ListTagsForResource", {{"resourceArn", "arn:aws:s3:::bucket"}}), "InvalidArn");
  EXPECT_EQ(Err("TagResource", {{"resourceArn", machine}, {"tags", {{{"key", ""}}}}}),
            "ValidationException");
  EXPECT_EQ(Err("UntagResource", {{"resourceArn", machine}}), "ValidationException");
}

TEST_F(SfnApiTest, ValidatesDefinitionsAndTestsStates) {
  json ok = Ok("ValidateStateMachineDefinition", {{"definition", kPassMachine}});
  EXPECT_EQ(ok["result"], "OK");
  EXPECT_TRUE(ok["diagnostics"].empty());
  EXPECT_EQ(ok["truncated"], false);
  const char* broken =
      R"({"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"C":{"Type":"Wait","End":true}}})";
  json failed = Ok("ValidateStateMachineDefinition", {{"definition", broken}});
  EXPECT_EQ(failed["result"], "FAIL");
  ASSERT_GE(failed["diagnostics"].size(), 1u);
  EXPECT_EQ(failed["diagnostics"][0]["severity"], "ERROR");
  EXPECT_FALSE(failed["diagnostics"][0]["code"].get<std::string>().empty());
  EXPECT_FALSE(failed["diagnostics"][0]["message"].get<std::string>().empty());
  json one = Ok("ValidateStateMachineDefinition", {{"definition", broken}, {"maxResults", 1}});
  EXPECT_EQ(one["diagnostics"].size(), 1u);
  EXPECT_EQ(one["truncated"], failed["diagnostics"].size() > 1);
  EXPECT_EQ(Err("ValidateStateMachineDefinition", {{"definition", broken}, {"maxResults", 101}}),
            "ValidationException");
  EXPECT_EQ(Err("ValidateStateMachineDefinition", {{"definition", broken}, {"severity", "INFO"}}),
            "ValidationException");
  EXPECT_EQ(Err("ValidateStateMachineDefinition", json::object()), "ValidationException");

  json tested = Ok("TestState", {{"definition", R"({"Type":"Pass","Next":"N"})"},
                                 {"input", R"({"a":1})"},
                                 {"inspectionLevel", "DEBUG"}});
  EXPECT_EQ(tested["output"], R"({"a":1})");
  EXPECT_EQ(tested["status"], "SUCCEEDED");
  EXPECT_EQ(Err("TestState", {{"definition", R"({"Type":"Bogus"})"}}), "InvalidDefinition");
  size_t calls = executions_.Calls().size();
  EXPECT_EQ(Err("TestState", {{"definition", "[1]"}}), "InvalidDefinition");
  EXPECT_EQ(Err("TestState", {{"definition", R"({"Type":"Pass","End":true})"}, {"input", "{"}}),
            "InvalidExecutionInput");
  EXPECT_EQ(Err("TestState", {{"definition", R"({"Type":"Pass","End":true})"}, {"roleArn", "r"}}),
            "InvalidArn");
  EXPECT_EQ(Err("TestState",
                {{"definition", R"({"Type":"Pass","End":true})"}, {"inspectionLevel", "ALL"}}),
            "ValidationException");
  EXPECT_EQ(executions_.Calls().size(), calls);
}

TEST(SfnApiWithoutEngineTest, EngineOperationsAreUnavailableAndArnsFollowTheOptions) {
  std::string path = TempDatabase();
  {
    FakeClock clock;
    auto store = std::move(SqliteStore::Open(path).value());
    FakeExecutor executor{clock};
    ExecutionEngine engine(*store, executor, clock);
    ApiOptions options;
    options.region = "eu-west-3";
    options.account_id = "000000000042";
    Api api(*store, engine, clock, nullptr, "", options);
    auto call = [&](const std::string& op, const json& body) {
      return api.Handle(HttpRequest{"POST",
                                    "/",
                                    body.dump(),
                                    {{"X-Amz-Target", "AWSStepFunctions." + op},
                                     {"Content-Type", "application/x-amz-json-1.0"}},
                                    ""});
    };
    HttpResponse created = call("CreateStateMachine",
                                {{"name", "m"}, {"definition", kPassMachine}, {"roleArn", kRole}});
    ASSERT_EQ(created.status, 200) << created.body;
    std::string arn = json::parse(created.body)["stateMachineArn"];
    EXPECT_EQ(arn, "arn:aws:states:eu-west-3:000000000042:stateMachine:m");
    HttpResponse start = call("StartExecution", {{"stateMachineArn", arn}});
    EXPECT_EQ(start.status, 503);
    EXPECT_EQ(json::parse(start.body)["__type"], "ServiceUnavailable");
  }
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
}

}  // namespace
}  // namespace wfm::sfn
