// StaticFiles: the web UI's files, embedded or from a directory, by path; nothing outside them.
#include "api/static_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace wfm {
namespace {

namespace fs = std::filesystem;

const std::vector<EmbeddedFile> kFiles = {
    {"index.html", "<p>home</p>"},
    {"pages/job.js", "export {};"},
    {"logo.png", std::string_view("\x89PNG\0\x01", 6)},
};

TEST(StaticFiles, ServesEmbeddedFilesByPathWithTheirType) {
  StaticFiles files(kFiles);
  auto home = files.Find({});
  ASSERT_TRUE(home);
  EXPECT_EQ(home->body, "<p>home</p>");
  EXPECT_EQ(home->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(home->headers["X-Content-Type-Options"], "nosniff");
  EXPECT_NE(home->headers["Content-Security-Policy"].find("default-src 'self'"), std::string::npos);
  auto script = files.Find({"pages", "job.js"});
  ASSERT_TRUE(script);
  EXPECT_EQ(script->content_type, "text/javascript; charset=utf-8");
  auto logo = files.Find({"logo.png"});
  ASSERT_TRUE(logo);
  EXPECT_EQ(logo->body.size(), 6u);  // bytes, NUL included
  EXPECT_EQ(logo->content_type, "image/png");
  EXPECT_FALSE(files.Find({"pages"}));
  EXPECT_FALSE(files.Find({"missing.js"}));
}

TEST(StaticFiles, ServesADirectoryAndNothingOutsideIt) {
  fs::path root = fs::temp_directory_path() / ("wfm-static-" + std::to_string(getpid()));
  fs::create_directories(root / "ui" / "pages");
  std::ofstream(root / "ui" / "index.html") << "disk home";
  std::ofstream(root / "ui" / "pages" / "a.css") << "p{}";
  std::ofstream(root / "secret.txt") << "secret";
  StaticFiles files((root / "ui").string());
  ASSERT_TRUE(files.Find({}));
  EXPECT_EQ(files.Find({})->body, "disk home");
  ASSERT_TRUE(files.Find({"pages", "a.css"}));
  EXPECT_EQ(files.Find({"pages", "a.css"})->content_type, "text/css; charset=utf-8");
  std::ofstream(root / "ui" / "index.html", std::ios::app) << " changed";  // read when asked
  EXPECT_EQ(files.Find({})->body, "disk home changed");
  for (const std::vector<std::string>& hostile :
       std::vector<std::vector<std::string>>{{"..", "secret.txt"},
                                             {"pages", "..", "..", "secret.txt"},
                                             {".", "index.html"},
                                             {"", "index.html"},
                                             {"pages"},
                                             {"..\\secret.txt"},
                                             {std::string("index.html\0x", 12)}}) {
    EXPECT_FALSE(files.Find(hostile)) << hostile.back();
  }
  fs::remove_all(root);
}

TEST(StaticFiles, TypesByExtension) {
  EXPECT_EQ(ContentTypeOf("a.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeOf("a.json"), "application/json");
  EXPECT_EQ(ContentTypeOf("README"), "application/octet-stream");
  EXPECT_EQ(ContentTypeOf("dir.d/file"), "application/octet-stream");
  EXPECT_EQ(ContentTypeOf("a.unknown"), "application/octet-stream");
}

}  // namespace
}  // namespace wfm
