#include "cli/job_watch.h"

#include <chrono>
#include <iostream>
#include <optional>
#include <thread>

#include "cli/json_fields.h"
#include "cli/sse_reader.h"
#include "cli/terminal.h"
#include "cli/watch_view.h"

namespace wfm::cli {
namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(500);
constexpr TimestampMs kClockRedrawMs = 1000;

class JobWatcher {
 public:
  JobWatcher(const ServiceClient& client, std::string id)
      : client_(client), id_(std::move(id)), tty_(StdoutIsTerminal()), width_(TerminalWidth()) {}

  int Run() {
    FollowEvents();
    if (!Finished()) Poll();
    if (!tty_) std::cout << "\n" << RenderJobScreen(*last_, clock_.Now(), false) << std::flush;
    return JobWatchExitCode(TextField(*last_, "status"));
  }

 private:
  bool Finished() const { return last_ && IsJobFinished(TextField(*last_, "status")); }

  // Shows each job event of GET /events?job=ID until the job has ended or the stream does
  // (early when the connection is cut). Throws ServiceError() when the service refuses it.
  void FollowEvents() {
    SseReader reader;
    auto on_data = [&](std::string_view bytes) {
      for (const auto& event : reader.Feed(bytes)) {
        if (event.type != "job") continue;
        Json job = Json::parse(event.data, nullptr, /*allow_exceptions=*/false);
        if (job.is_object()) Show(std::move(job));
      }
      return !Finished();
    };
    auto on_idle = [&] {
      if (tty_ && last_ && clock_.Now() - last_draw_ >= kClockRedrawMs) Draw();
    };
    ServiceReply reply = client_.Stream("/events?job=" + UrlEncode(id_), on_data, on_idle);
    if (reply.status < 200 || reply.status > 299) throw ServiceError(reply);
  }

  // After a stream that ended before the job: GET /jobs/ID every 500 ms until the job has ended.
  void Poll() {
    while (true) {
      Show(client_.Call("GET", "/jobs/" + UrlEncode(id_)));
      if (Finished()) return;
      std::this_thread::sleep_for(kPollInterval);
    }
  }

  // A new sight of the job: redrawn on a terminal, else the lines of what changed.
  void Show(Json job) {
    if (tty_) {
      last_ = std::move(job);
      Draw();
      return;
    }
    for (const auto& line : JobChangeLines(last_ ? &*last_ : nullptr, job)) {
      std::cout << line << "\n";
    }
    std::cout << std::flush;
    last_ = std::move(job);
  }

  void Draw() {
    last_draw_ = clock_.Now();
    std::string screen = RenderJobScreen(*last_, last_draw_, true, width_);
    std::cout << RedrawSequence(drawn_lines_, screen) << std::flush;
    drawn_lines_ = LineCount(screen);
  }

  const ServiceClient& client_;
  const std::string id_;
  const bool tty_;
  const size_t width_;
  SystemClock clock_;
  std::optional<Json> last_;
  size_t drawn_lines_ = 0;
  TimestampMs last_draw_ = 0;
};

}  // namespace

int WatchJob(const ServiceClient& client, const std::string& id) {
  return JobWatcher(client, id).Run();
}

}  // namespace wfm::cli
