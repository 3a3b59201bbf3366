// JSON forms of workflows and jobs. The API form is the v1 contract; the storage form adds the
// engine's bookkeeping so a stored job can be read back whole.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/result.h"
#include "model/job.h"
#include "model/workflow.h"

namespace wfm {

enum class JsonForm { kApi, kStorage };

nlohmann::json WorkflowToJson(const Workflow& workflow);
nlohmann::json TaskToJson(const Task& task, JsonForm form);
nlohmann::json JobToJson(const Job& job, JsonForm form);

// Reads a workflow definition from JSON, checking field types only (see ValidateWorkflow for the
// rules). `id`, `revision` and `createdAt` are read when present (the storage form).
// Errors: kInvalidArgument naming the offending field.
Result<Workflow> WorkflowFromJson(const nlohmann::json& json);

// Reads back what JobToJson(job, kStorage) wrote. Errors: kInternal (stored data is corrupt).
Result<Job> JobFromStorageJson(const std::string& text);

}  // namespace wfm
