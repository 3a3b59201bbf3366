// An in-process Executor for engine tests and benchmarks: deterministic and scriptable.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

#include "executor/change_notifier.h"
#include "executor/executor.h"

namespace wfm {

// How a scripted task ends (Step Functions tasks: what a local function wrote, the job as
// DescribeJobs describes it).
struct FakeTaskResult {
  int exit_code = 0;
  std::string output_json;
  std::string description_json;
};

class FakeExecutor : public Executor {
 public:
  enum class Mode {
    kManual,         // tasks stay queued until Start/Finish is called
    kSucceedAtOnce,  // every task succeeds as soon as it is submitted
  };
  explicit FakeExecutor(Clock& clock, Mode mode = Mode::kManual) : clock_(clock), mode_(mode) {}

  Result<std::string> Submit(const TaskSpec& spec) override;
  std::vector<TaskObservation> Describe(const std::vector<std::string>& ids) override;
  std::vector<std::string> Terminate(const std::vector<std::string>& ids,
                                     const std::string& reason) override;
  void SetChangeListener(std::function<void(const std::vector<std::string>&)> listener) override;

  // Scripting, thread-safe. Each notifies the listener.
  void Start(const std::string& id);
  // Ends a task with `exit_code`, with the output and description its resource's script gives
  // (ScriptResource), or the ones given here when not empty.
  void Finish(const std::string& id, int exit_code, std::string output_json = "",
              std::string description_json = "");
  // Tasks created from now on with TaskSpec::resource `resource` end with what `script` returns
  // for their spec (called once per task, in Submit, with this executor's lock held: it must not
  // call into this executor): in kSucceedAtOnce mode at once, with its exit code; in kManual mode
  // at Finish, with Finish's exit code.
  void ScriptResource(const std::string& resource,
                      std::function<FakeTaskResult(const TaskSpec&)> script);
  // Gives a task a lasting id (reported once as TaskObservation::new_id); both ids work after.
  void Rename(const std::string& id, const std::string& new_id);
  // Forgets a task, as an executor would that lost it.
  void Forget(const std::string& id);
  // While true, Terminate takes charge of nothing (as an unreachable executor).
  void RefuseTerminates(bool refuse);
  // Notifies the listener of `id` without changing the task (a late or repeated notification).
  void Touch(const std::string& id);
  // Makes the next Submit of resource `resource` fail with `error`.
  void FailSubmitsOf(const std::string& resource, Error error);

  // Drops every terminal task and the inspection history below (for long runs, which would
  // otherwise measure the fake's own memory).
  void ForgetFinished();

  // Inspection, thread-safe.
  int SubmitCount(const std::string& name) const;  // calls to Submit for that name
  int Launches() const;                            // tasks created (not adopted)
  int DescribeCount(const std::string& id) const;  // times `id` was asked for by Describe
  std::set<std::string> Terminated() const;
  std::vector<TaskSpec> Specs() const;  // every created task's spec, in order

 private:
  void Notify(const std::string& id);

  Clock& clock_;
  Mode mode_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, TaskObservation> tasks_;
  std::unordered_map<std::string, int> submit_counts_;
  std::unordered_map<std::string, int> describe_counts_;
  std::map<std::string, Error> failing_resources_;
  std::map<std::string, std::function<FakeTaskResult(const TaskSpec&)>> scripts_;  // by resource
  std::unordered_map<std::string, FakeTaskResult> results_;  // scripted results, by task id
  std::set<std::string> terminated_;
  bool refuse_terminates_ = false;
  std::vector<TaskSpec> specs_;
  ChangeNotifier notifier_;
};

}  // namespace wfm
