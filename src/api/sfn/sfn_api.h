// The Step Functions face of the API: `POST /` with `X-Amz-Target: AWSStepFunctions.<Operation>`
// (the JSON 1.0 protocol of the service model stepfunctions-service-2.json), on the same port as
// the v1 API. State machines, their versions and aliases, activities and executions are records
// of the store (store.h); starting, stopping and redriving executions, activity tasks and
// TestState go to the engine's ExecutionService.
//
// Stored record bodies written here (JSON objects; times in epoch milliseconds):
//  - state machine (key: its ARN): name, definition, roleArn, type, creationDate, updateDate,
//    revisionId, loggingConfiguration, tracingConfiguration, tags {key: value}, lastVersion (the
//    highest version number ever published: numbers are never reused), publishedRevision (the
//    revision the last published version holds);
//  - version (key: the state machine ARN + ":<n>", parent: the state machine ARN): name,
//    definition, roleArn, type, creationDate, revisionId, description;
//  - alias (key: the state machine ARN + ":<name>", parent: the state machine ARN): name,
//    description, routingConfiguration [{stateMachineVersionArn, weight}], creationDate,
//    updateDate;
//  - activity (key: its ARN): name, creationDate, tags.
// Type EXPRESS is refused (StateMachineTypeNotSupported): every execution here is durable, so
// an Express machine would behave as a Standard one under another name.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "api/http_message.h"
#include "api/sfn/sfn_wire.h"
#include "core/clock.h"
#include "engine/execution_record.h"
#include "engine/execution_service.h"
#include "store/store.h"

namespace wfm::sfn {

struct SfnOptions {
  std::string region = "us-east-1";
  std::string account_id = "123456789012";
  // The engine; null: the operations that need it answer ServiceUnavailable.
  ExecutionService* executions = nullptr;
  // How long GetActivityTask waits for a task before answering without one.
  std::chrono::milliseconds activity_poll{60'000};
};

class SfnApi {
 public:
  // `store`, `clock` and options.executions must outlive the object.
  SfnApi(Store& store, Clock& clock, SfnOptions options);

  // True for the requests this face answers: POST / with an X-Amz-Target header.
  static bool Accepts(const HttpRequest& request);

  // Answers `request` through `respond`, exactly once: on the calling thread, or later from
  // the engine's thread for GetActivityTask (no thread waits meanwhile). Never throws.
  // Thread-safe.
  void Handle(const HttpRequest& request, const HttpResponder& respond);

 private:
  using Operation = Result<json> (SfnApi::*)(Params&);
  // The synchronous operation named `name`, or null.
  static Operation Find(const std::string& name);

  // State machines (sfn_state_machines.cc)
  Result<json> CreateStateMachine(Params& p);
  Result<json> UpdateStateMachine(Params& p);
  Result<json> DescribeStateMachine(Params& p);
  Result<json> ListStateMachines(Params& p);
  Result<json> DeleteStateMachine(Params& p);
  Result<json> ValidateStateMachineDefinition(Params& p);
  Result<json> PublishStateMachineVersion(Params& p);
  Result<json> ListStateMachineVersions(Params& p);
  Result<json> DeleteStateMachineVersion(Params& p);
  // Aliases (sfn_aliases.cc)
  Result<json> CreateStateMachineAlias(Params& p);
  Result<json> DescribeStateMachineAlias(Params& p);
  Result<json> UpdateStateMachineAlias(Params& p);
  Result<json> DeleteStateMachineAlias(Params& p);
  Result<json> ListStateMachineAliases(Params& p);
  // Executions (sfn_executions.cc)
  Result<json> StartExecution(Params& p);
  Result<json> DescribeExecution(Params& p);
  Result<json> DescribeStateMachineForExecution(Params& p);
  Result<json> StopExecution(Params& p);
  Result<json> ListExecutions(Params& p);
  Result<json> GetExecutionHistory(Params& p);
  Result<json> RedriveExecution(Params& p);
  Result<json> TestState(Params& p);
  // What is not run here (sfn_not_run_here.cc)
  Result<json> StartSyncExecution(Params& p);
  Result<json> DescribeMapRun(Params& p);
  Result<json> UpdateMapRun(Params& p);
  Result<json> ListMapRuns(Params& p);
  // Activities, task results and tags (sfn_activities.cc)
  Result<json> CreateActivity(Params& p);
  Result<json> DescribeActivity(Params& p);
  Result<json> ListActivities(Params& p);
  Result<json> DeleteActivity(Params& p);
  Result<json> SendTaskSuccess(Params& p);
  Result<json> SendTaskFailure(Params& p);
  Result<json> SendTaskHeartbeat(Params& p);
  Result<json> TagResource(Params& p);
  Result<json> UntagResource(Params& p);
  Result<json> ListTagsForResource(Params& p);
  // The long poll: answers through `respond` once the engine hands out a task or the wait ends.
  void GetActivityTask(Params& p, const HttpResponder& respond);

  // Shared by the operations (sfn_api.cc).
  // The record, or `not_found_type` ("StateMachineDoesNotExist", ...) naming `key`.
  Result<Record> Get(const std::string& kind, const std::string& key,
                     const std::string& not_found_type);
  // Reads the record, applies `change` to its body and writes it back, again from the read
  // when another writer got there first. Errors: `not_found_type`, change's, the store's.
  Result<Record> Modify(const std::string& kind, const std::string& key,
                        const std::string& not_found_type,
                        const std::function<Status(json& body)>& change);
  // One page of records; a malformed page token is InvalidToken.
  Result<RecordPage> List(const RecordQuery& query);
  // The engine, or ServiceUnavailable.
  Result<ExecutionService*> Engine();
  // The version (key) an alias routes a new execution to, picked by weight.
  static std::string PickVersion(const json& routing);
  // The state machine's versions and aliases, deleted (used by DeleteStateMachine).
  Status DeleteChildren(const std::string& state_machine_arn);
  // Publishes the state machine's current revision as a new version, or answers the version
  // that already holds it. Errors: ConflictException when `expected_revision` is given and is
  // not the current one; StateMachineDoesNotExist; the store's.
  Result<Record> Publish(const std::string& state_machine_arn,
                         const std::optional<std::string>& expected_revision,
                         const std::string& description);
  // Whether an execution may be redriven now, as DescribeExecution's redriveStatus says it, and
  // why not (the reason is empty when it may).
  std::pair<bool, std::string> Redrivable(const ExecutionInfo& info) const;

  Store& store_;
  Clock& clock_;
  SfnOptions options_;
  Arns arns_;
};

// A record body as JSON. Errors: kInternal for a corrupt body.
Result<json> BodyOf(const Record& record);
// maxResults as the store's page size: 0 or absent is the default (100).
int PageSize(const std::optional<int64_t>& max_results);

}  // namespace wfm::sfn
