#include "cli/exec_watch.h"

#include <chrono>
#include <iostream>
#include <thread>

#include "cli/exec_view.h"
#include "cli/json_fields.h"
#include "cli/sfn_calls.h"
#include "cli/terminal.h"

namespace wfm::cli {

int WatchExecution(const ServiceClient& client, const std::string& execution_arn) {
  const bool tty = StdoutIsTerminal();
  const size_t width = TerminalWidth();
  SystemClock clock;
  size_t drawn_lines = 0;
  size_t events_shown = 0;
  if (!tty) std::cout << "execution " << execution_arn << "\n";
  while (true) {
    // The description first: once it says the execution ended, the history read after it holds
    // the end too.
    Json execution =
        client.CallStepFunctions("DescribeExecution", {{"executionArn", execution_arn}});
    Json events = ExecutionHistory(client, execution_arn);
    std::string status = TextField(execution, "status");
    bool finished = IsExecutionFinished(status);
    if (tty) {
      std::string screen = RenderExecutionScreen(execution, events, clock.Now(), true, width);
      std::cout << RedrawSequence(drawn_lines, screen);
      drawn_lines = LineCount(screen);
    } else {
      for (const auto& line : ExecutionEventLines(events, events_shown)) std::cout << line << "\n";
      events_shown = events.size();
      if (finished) {
        std::cout << "\n" << RenderExecutionScreen(execution, events, clock.Now(), false);
      }
    }
    std::cout << std::flush;
    if (finished) return ExecutionWatchExitCode(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
}

}  // namespace wfm::cli
