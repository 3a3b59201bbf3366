// SlurmClient through slurmrestd with JWT authentication (headers X-SLURM-USER-NAME and
// X-SLURM-USER-TOKEN). Speaks the OpenAPI plugins openapi/v0.0.38 (Slurm 22.05's default),
// v0.0.37 and v0.0.36, which take the same requests and give the same job objects:
//   - Submit: POST /slurm/<version>/job/submit {"job": {...}, "script": ...}; the job's
//     environment is exactly the request's (plus Slurm's SLURM_*). slurmrestd refuses an empty
//     environment, so a job without variables gets SLURM_JOB_NAME, which Slurm sets to the same
//     value anyway.
//   - Describe and FindByName: GET /slurm/<version>/jobs, every job the controller holds, the
//     wanted ones picked here: one call, however many ids.
//   - Cancel: DELETE /slurm/<version>/job/<id>.
// A slurmrestd without the configured version (newer Slurm releases drop old ones) makes every
// call fail, naming the versions it offers (from its /openapi/v3 document).
// slurmrestd answers most failures with HTTP 500 and an "errors" array; they are told apart by
// Slurm's error numbers: a refused token (Slurm says little more than "Unspecified error" or "Zero
// Bytes were transmitted or received") and an unreachable controller are kUnavailable, anything
// else about a submission is kInvalidArgument.
#pragma once

#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "aws/http_client.h"
#include "executor/slurm/slurm_client.h"

namespace wfm {

struct SlurmRestOptions {
  std::string url;        // slurmrestd's base URL, e.g. "http://127.0.0.1:6820"
  std::string user_name;  // X-SLURM-USER-NAME
  std::string token;      // X-SLURM-USER-TOKEN: a JWT (a file's content or SLURM_JWT's value)
  std::string api_version = "v0.0.38";  // v0.0.38, v0.0.37 or v0.0.36
  int timeout_ms = 10000;               // for each HTTP call
};

class SlurmRestClient : public SlurmClient {
 public:
  // `http` must outlive the client. Errors of every call also: kUnavailable when slurmrestd does
  // not answer, refuses the token ("... refused the token ...": renew it with SetToken), or does
  // not offer the API version.
  SlurmRestClient(HttpClient& http, SlurmRestOptions options);

  // Uses `token` from the next call on (after a token expired, say). Thread-safe.
  void SetToken(std::string token);

  // Errors also: kInvalidArgument when Slurm refuses the job (its message).
  Result<std::string> Submit(const SlurmJobRequest& request) override;
  Result<std::vector<SlurmJob>> Describe(const std::vector<std::string>& ids) override;
  Result<std::vector<SlurmJob>> FindByName(const std::string& name) override;
  Status Cancel(const std::string& id) override;
  std::string Description() const override;

 private:
  // Sends `method` to <url>/slurm/<version>/<path> and returns the answer's JSON when it has no
  // errors or only errors whose message has one of `accepted_errors` in it; otherwise the error
  // (see the class comment), Slurm's refusals as `refusal_code`.
  Result<nlohmann::json> Call(const std::string& method, const std::string& path,
                              const std::string& body, ErrorCode refusal_code,
                              const std::vector<std::string>& accepted_errors = {});
  // X-SLURM-USER-NAME and X-SLURM-USER-TOKEN with the current token.
  std::vector<std::pair<std::string, std::string>> AuthenticationHeaders() const;
  // The error for a 404: the versions slurmrestd offers, as its OpenAPI document lists them.
  Error VersionNotOffered();
  Result<std::vector<SlurmJob>> ListJobs();

  HttpClient& http_;
  const SlurmRestOptions options_;
  mutable std::mutex token_mu_;
  std::string token_;  // guarded by token_mu_
};

}  // namespace wfm
