#include "api/static_files.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace wfm {

StaticFiles::StaticFiles(const std::vector<EmbeddedFile>& files) : embedded_(&files) {}

StaticFiles::StaticFiles(std::string directory) : directory_(std::move(directory)) {}

std::optional<HttpResponse> StaticFiles::Find(const std::vector<std::string>& segments) const {
  std::string path;
  for (const std::string& segment : segments) {
    if (segment.empty() || segment == "." || segment == ".." ||
        segment.find_first_of(std::string("\\\0", 2)) != std::string::npos) {
      return std::nullopt;
    }
    path += (path.empty() ? "" : "/") + segment;
  }
  if (path.empty()) path = "index.html";
  auto bytes = Read(path);
  if (!bytes) return std::nullopt;
  HttpResponse response;
  response.content_type = ContentTypeOf(path);
  response.body = std::move(*bytes);
  // Scripts only from the service itself (no inline script, nothing from elsewhere); revalidated
  // at each load so that a new release's files are used at once.
  response.headers["Content-Security-Policy"] =
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
      "frame-ancestors 'none'";
  response.headers["X-Content-Type-Options"] = "nosniff";
  response.headers["Cache-Control"] = "no-cache";
  return response;
}

std::optional<std::string> StaticFiles::Read(const std::string& path) const {
  if (embedded_ != nullptr) {
    for (const EmbeddedFile& file : *embedded_) {
      if (file.path == path) return std::string(file.bytes);
    }
    return std::nullopt;
  }
  std::string file = directory_ + "/" + path;
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return bytes.str();
}

std::string ContentTypeOf(const std::string& path) {
  static const std::map<std::string, std::string> kTypes = {
      {"html", "text/html; charset=utf-8"},  {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"}, {"css", "text/css; charset=utf-8"},
      {"svg", "image/svg+xml"},              {"png", "image/png"},
      {"json", "application/json"},          {"ico", "image/x-icon"},
      {"txt", "text/plain; charset=utf-8"},
  };
  size_t dot = path.rfind('.');
  if (dot == std::string::npos || path.find('/', dot) != std::string::npos) {
    return "application/octet-stream";
  }
  auto type = kTypes.find(path.substr(dot + 1));
  return type == kTypes.end() ? "application/octet-stream" : type->second;
}

}  // namespace wfm
