// Builds the executor the flags ask for, with what it needs (clients, credentials), and how the
// API reads task logs from it.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "api/api.h"
#include "aws/batch_client.h"
#include "aws/credentials.h"
#include "aws/http_client.h"
#include "core/clock.h"
#include "core/result.h"
#include "executor/executor.h"
#include "server/config.h"

namespace wfm {

// Owns an executor and its helpers; members are destroyed executor first.
struct ExecutorSetup {
  std::unique_ptr<HttpClient> http;
  std::unique_ptr<CredentialsProvider> credentials;
  std::unique_ptr<BatchClient> batch_client;
  std::unique_ptr<Executor> executor;
  LogReader log_reader;     // empty when the executor keeps no logs
  std::string description;  // for the start-up log line
  // Reads the job definitions file again and uses it when it is valid (SIGHUP); empty when the
  // executor has none. Errors: the file's (the old definitions stay).
  std::function<Status()> reload_job_definitions;
};

// --executor local: child processes from the local job definitions file.
// Errors: kInvalidArgument (unreadable definitions, unusable data directory, a --task-env-pass
// that is not a variable name).
Result<ExecutorSetup> MakeLocalExecutor(const Config& config, Clock& clock);

// --executor noop: nothing runs, every task succeeds at once.
Result<ExecutorSetup> MakeNoopExecutor(Clock& clock);

// --executor batch: AWS Batch on --batch-queue in --aws-region, credentials from the standard
// chain. Errors: kInvalidArgument for missing or bad settings.
Result<ExecutorSetup> MakeBatchExecutor(const Config& config, Clock& clock);

// --executor slurm: Slurm through its command-line tools, or through slurmrestd with --slurm-url
// (a JWT from --slurm-token-file or SLURM_JWT), running the job definitions file; SIGHUP reads
// the definitions and the token file again. Errors:
// kInvalidArgument for missing or bad settings (the message says which).
Result<ExecutorSetup> MakeSlurmExecutor(const Config& config, Clock& clock);

}  // namespace wfm
