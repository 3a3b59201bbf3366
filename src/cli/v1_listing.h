// The listings of the v1 API that wfm assembles from several requests: jobs across pages (and,
// from a service that lists jobs by workflow only, across workflows), workflow revisions (from a
// service without GET /workflows/{name}/revisions, one revision at a time).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cli/service_client.h"
#include "core/clock.h"

namespace wfm::cli {

// The filters of `wfm job list`; empty ones match everything.
struct JobFilter {
  std::string workflow = "";
  std::string status = "";
  std::optional<TimestampMs> since = std::nullopt;  // createdAt >= since
  std::optional<TimestampMs> until = std::nullopt;  // createdAt < until
  int limit = 100;                                  // at most this many jobs
};

// True when `job` passes the filter's status, since and until (its workflow is not checked).
bool JobMatches(const nlohmann::json& job, const JobFilter& filter);

// The query string (without '?') of GET /jobs for `filter`, with a page size and the page token
// when not empty.
std::string JobQuery(const JobFilter& filter, int page_size, const std::string& page_token);

// The jobs matching `filter`, newest first, at most filter.limit of them: GET /jobs with the
// filters, following X-Next-Page-Token. Filters are applied here too, so a service that ignores
// some of them still gives the right answer; one that lists only by workflowName is asked for
// each workflow in turn. Throws CliError on an error answer.
nlohmann::json ListJobs(const ServiceClient& client, const JobFilter& filter);

// Every revision of workflow `name`, newest first. Throws CliError (the 404 of an unknown
// workflow among them).
nlohmann::json ListRevisions(const ServiceClient& client, const std::string& name);

}  // namespace wfm::cli
