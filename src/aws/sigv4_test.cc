// SigV4 against the official test suites copied into tests/data/sigv4 (see its NOTICE): the
// classic botocore set (.req/.creq/.sts/.authz) and aws-c-auth's v4 set (context.json,
// header-*.txt).
#include "aws/sigv4.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace wfm {
namespace {

namespace fs = std::filesystem;

const fs::path kVectors = fs::path(WFM_SIGV4_VECTORS_DIR);
constexpr TimestampMs kSuiteTime = 1440938160000;  // 2015-08-30T12:36:00Z

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Parses the suites' raw request format: request line, headers (continuation lines start with
// whitespace), a blank line, the body.
SignableRequest ParseRequest(const std::string& text) {
  SignableRequest request;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  size_t first = line.find(' '), last = line.rfind(' ');
  request.method = line.substr(0, first);
  std::string target = line.substr(first + 1, last - first - 1);
  size_t q = target.find('?');
  request.path = target.substr(0, q);
  if (q != std::string::npos) request.query = target.substr(q + 1);
  while (std::getline(in, line) && !line.empty()) {
    if ((line[0] == ' ' || line[0] == '\t') && !request.headers.empty()) {
      request.headers.back().second += "\n" + line;
      continue;
    }
    size_t colon = line.find(':');
    request.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  std::string body((std::istreambuf_iterator<char>(in)), {});
  request.body = body;
  return request;
}

std::vector<std::string> CasesWith(const fs::path& root, const std::string& marker_suffix) {
  std::vector<std::string> cases;
  if (!fs::exists(root)) return cases;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().string().ends_with(marker_suffix)) {
      cases.push_back(fs::relative(entry.path().parent_path(), root).string());
    }
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (auto& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

// --- botocore's classic suite

class ClassicSuite : public ::testing::TestWithParam<std::string> {};

TEST_P(ClassicSuite, MatchesCanonicalRequestStringToSignAndAuthorization) {
  fs::path dir = kVectors / "botocore" / GetParam();
  std::string name = dir.filename().string();
  SignableRequest request = ParseRequest(ReadFile(dir / (name + ".req")));
  AwsCredentials credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", 0};
  if (name == "get-vanilla-with-session-token") {  // see the suite's SOURCE.md
    credentials.session_token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
  }
  SigningResult result =
      SignRequest(request, credentials, SigningOptions{"us-east-1", "service", kSuiteTime});
  EXPECT_EQ(result.canonical_request, ReadFile(dir / (name + ".creq")));
  EXPECT_EQ(result.string_to_sign, ReadFile(dir / (name + ".sts")));
  EXPECT_EQ(result.authorization, ReadFile(dir / (name + ".authz")));
}

INSTANTIATE_TEST_SUITE_P(Oracle, ClassicSuite,
                         ::testing::ValuesIn(CasesWith(kVectors / "botocore", ".req")), TestName);

// --- aws-c-auth's v4 suite (header signing; the presigned-query half does not apply)

class CrtSuite : public ::testing::TestWithParam<std::string> {};

TEST_P(CrtSuite, MatchesHeaderSigning) {
  fs::path dir = kVectors / "aws-c-auth" / "v4" / GetParam();
  auto context = nlohmann::json::parse(ReadFile(dir / "context.json"));
  const auto& creds = context["credentials"];
  AwsCredentials credentials{creds["access_key_id"], creds["secret_access_key"],
                             creds.value("token", ""), 0};
  SigningOptions options{context["region"], context["service"], kSuiteTime};
  options.normalize_path = context.value("normalize", true);
  options.sign_body_header = context.value("sign_body", false);
  options.sign_session_token = !context.value("omit_session_token", false);
  ASSERT_EQ(context["timestamp"], "2015-08-30T12:36:00Z");
  SignableRequest request = ParseRequest(ReadFile(dir / "request.txt"));
  SigningResult result = SignRequest(request, credentials, options);
  EXPECT_EQ(result.canonical_request, ReadFile(dir / "header-canonical-request.txt"));
  EXPECT_EQ(result.string_to_sign, ReadFile(dir / "header-string-to-sign.txt"));
  EXPECT_EQ(result.signature, ReadFile(dir / "header-signature.txt"));
}

INSTANTIATE_TEST_SUITE_P(Oracle, CrtSuite,
                         ::testing::ValuesIn(CasesWith(kVectors / "aws-c-auth" / "v4",
                                                       "context.json")),
                         TestName);

TEST(SigV4Suites, AreAllThere) {
  EXPECT_EQ(CasesWith(kVectors / "botocore", ".req").size(), 34u)
      << "the SigV4 test suite is missing from " << kVectors;
  EXPECT_EQ(CasesWith(kVectors / "aws-c-auth" / "v4", "context.json").size(), 38u);
}

}  // namespace
}  // namespace wfm
