// The service's settings, from flags and WFM_* environment variables (parsed in main.cc).
#pragma once

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

namespace wfm {

struct Config {
  std::string listen = "127.0.0.1:8080";
  std::string data_dir = "./var";
  std::string store;
  bool durable = true;  // --durability strict (default) or relaxed
  std::string executor = "local";
  std::string job_definitions = "data/job-definitions.json";
  int max_parallel = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // Variables of the service's environment that local tasks get besides PATH, HOME, LANG, TZ.
  std::vector<std::string> task_env_pass;
  // Request limits (see RequestLimits in model/requests.h).
  int max_json_depth = 64;
  size_t max_states = 1000;
  size_t max_data_bytes = 256 * 1024;
  std::string log_level = "info";
  std::string log_format = "text";
  int http_threads = 4;
  // HTTP limits and TLS (see HttpServerOptions in api/http_server.h).
  int max_connections = 1000;
  size_t max_url_bytes = 8 << 10;
  size_t max_header_bytes = 16 << 10;
  size_t max_header_fields = 100;
  size_t max_body_bytes = 1 << 20;
  double request_timeout_s = 30;
  double idle_timeout_s = 60;
  double rate_limit = 0;  // requests per second per client address; 0: none
  double rate_burst = 0;  // 0: twice the rate
  std::string tls_cert;
  std::string tls_key;
  int leader_check_ms = 1000;
  // Authentication: "required", "optional", or "" (required unless --listen is on loopback).
  std::string auth_mode;
  std::vector<std::string> allowed_origins;  // writes from these Origins are accepted too
  std::vector<std::string> allowed_hosts;    // Host names answered on loopback besides loopback's
  // --executor batch
  std::string batch_queue;
  std::string aws_region;  // default: AWS_REGION, then AWS_DEFAULT_REGION
  std::string batch_endpoint;
  double batch_poll_interval_s = 10;
  double batch_runnable_warning_s = 600;
  double batch_submit_rate = 40;
  // --executor slurm: the command-line tools (SLURM_CONF) unless slurm_url names a slurmrestd.
  std::string slurm_url;
  std::string slurm_token_file;  // a JWT for slurmrestd; default: SLURM_JWT
  std::string slurm_user;        // X-SLURM-USER-NAME; default: the service's user
  std::string slurm_api_version = "v0.0.38";
  std::string slurm_work_dir;      // default: <data_dir>/slurm
  std::string slurm_jobcomp_file;  // jobcomp/filetxt's file, when readable here
  double slurm_poll_interval_s = 5;
  double slurm_timeout_s = 10;  // per call to Slurm
  // The Step Functions face: the region and account its ARNs name.
  std::string sfn_region = "us-east-1";
  std::string sfn_account_id = "123456789012";
  // Multiplies the durations of Wait states and Retry intervals (0 skips them): a testing aid.
  double wait_time_scale = 1.0;
  size_t max_resident_executions = 10000;
  // Serve the web UI from this directory instead of the files embedded in the binary (for work
  // on the UI: edit and reload).
  std::string ui_dir;
};

// True for a postgresql:// (or postgres://) connection URL.
inline bool IsPostgresUrl(const std::string& spec) {
  return spec.rfind("postgresql://", 0) == 0 || spec.rfind("postgres://", 0) == 0;
}

}  // namespace wfm
