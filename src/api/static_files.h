// The web UI's files as the API serves them under /ui/: the ones embedded in the binary, or, for
// development (--ui-dir), those of a directory on disk, read at each request.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/embedded_file.h"
#include "api/http_message.h"

namespace wfm {

class StaticFiles {
 public:
  // Serves `files` (kept by reference: they live as long as the program).
  explicit StaticFiles(const std::vector<EmbeddedFile>& files);
  // Serves the files under `directory` (read when asked; nothing is cached).
  explicit StaticFiles(std::string directory);

  // The response for `path` (relative, '/'-separated segments, already URL-decoded; "" means
  // index.html): 200 with the bytes and a content type by extension, or nothing when there is no
  // such file. A segment that is empty, "." or "..", or holds a NUL or '\', finds nothing.
  std::optional<HttpResponse> Find(const std::vector<std::string>& segments) const;

 private:
  std::optional<std::string> Read(const std::string& path) const;

  const std::vector<EmbeddedFile>* embedded_ = nullptr;
  std::string directory_;
};

// The content type served for a file name, by its extension (application/octet-stream when
// unknown).
std::string ContentTypeOf(const std::string& path);

}  // namespace wfm
