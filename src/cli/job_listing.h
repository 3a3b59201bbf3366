// `wfm job list`: the jobs the service lists for a filter, across the pages of GET /jobs.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cli/service_client.h"
#include "core/clock.h"

namespace wfm::cli {

// The filters of `wfm job list`; empty ones match everything. The service applies them all.
struct JobFilter {
  std::string workflow = "";
  std::string status = "";
  std::optional<TimestampMs> since = std::nullopt;  // createdAt >= since
  std::optional<TimestampMs> until = std::nullopt;  // createdAt < until
  int limit = 100;                                  // at most this many jobs
};

// The query string (without '?') of GET /jobs for `filter`: the page size, each filter that is
// set, and the page token when not empty.
std::string JobQuery(const JobFilter& filter, int page_size, const std::string& page_token);

// The jobs matching `filter`, newest first, at most filter.limit of them, as the service lists
// them: GET /jobs with the filters, then the pages its X-Next-Page-Token points to, each asked for
// no more jobs than are still wanted (1000 at most). Throws ServiceError() on an error answer
// (an unknown workflow among them) and CliError(kExitServiceError) when a page is not a list.
nlohmann::json ListJobs(const ServiceClient& client, const JobFilter& filter);

}  // namespace wfm::cli
