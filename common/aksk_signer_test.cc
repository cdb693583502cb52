#include "common/aksk_signer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "common/uri_encoding.h"

namespace hss {
namespace {

using ::testing::ElementsAre;
using ::testing::Optional;

using Headers = std::vector<std::pair<std::string, std::string>>;

// A request signed by the official Node.js SDK core (AKSKSigner.sign), with what it built.
struct SdkVector {
  const char* name;
  const char* method;
  // The decoded path our SigningRequest gets.
  const char* path;
  std::vector<QueryParam> query;
  // Every header the SDK signed (it always adds `host`).
  Headers headers;
  const char* body;
  const char* ak;
  const char* sk;
  const char* canonical_request;
  const char* string_to_sign;
  const char* authorization;
};

// A request sent by the SDK's HTTP client (ClientBuilder.sendRequest), as a server received it.
struct WireVector {
  const char* name;
  const char* method;
  // The request target: raw path and query, as on the request line.
  const char* target;
  // Every header received (names lower-cased by Node's HTTP server), Authorization included.
  Headers headers;
  const char* body;
  const char* ak;
  const char* sk;
};

// Regenerate with tests/vectors/gen_aksk_vectors.js (see the comment at its top).
// BEGIN GENERATED AKSK VECTORS (tests/vectors/gen_aksk_vectors.js)
// clang-format off
const std::vector<SdkVector>& SdkVectors() {
  static const auto* const kVectors = new std::vector<SdkVector>{
    // the second published vector of docs/hss-api.md, recomputed by the SDK
    {"published_host_sdkdate", "GET", "/resources",
     {{"size", "1"}},
     {{"X-Sdk-Date", "20200608T023900Z"}, {"host", "service.endpoint.myhuaweicloud.com"}},
     "", "AccessKey", "SecretKey",
     "GET\n"
     "/resources/\n"
     "size=1\n"
     "host:service.endpoint.myhuaweicloud.com\n"
     "x-sdk-date:20200608T023900Z\n"
     "\n"
     "host;x-sdk-date\n"
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
     "SDK-HMAC-SHA256\n"
     "20200608T023900Z\n"
     "de94dd1e1ccdb730b403ce35d7e14f7c7b04337f6def1c3a3a2ba936852b133f",
     "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-sdk-date, Signature=cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842"},
    // the gateway's usual call: host;x-project-id;x-sdk-date
    {"ports_basic", "GET", "/v5/0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b/asset/ports",
     {{"host_id", "c1a2b3d4-0000-4000-8000-123456789abc"}, {"limit", "200"}, {"offset", "0"}},
     {{"X-Project-Id", "0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b"}, {"X-Sdk-Date", "20240315T080910Z"}, {"host", "hss.cn-north-4.myhuaweicloud.com"}},
     "", "HSSTESTAK0123456789AB", "hssTestSecretKey/0123456789+abcdefghijKLMN",
     "GET\n"
     "/v5/0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b/asset/ports/\n"
     "host_id=c1a2b3d4-0000-4000-8000-123456789abc&limit=200&offset=0\n"
     "host:hss.cn-north-4.myhuaweicloud.com\n"
     "x-project-id:0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b\n"
     "x-sdk-date:20240315T080910Z\n"
     "\n"
     "host;x-project-id;x-sdk-date\n"
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
     "SDK-HMAC-SHA256\n"
     "20240315T080910Z\n"
     "57c3a97abe61b9bd3f38d831011928ae2a60422a24eafedb8c006eecac58c658",
     "SDK-HMAC-SHA256 Access=HSSTESTAK0123456789AB, SignedHeaders=host;x-project-id;x-sdk-date, Signature=0bc21133974772c638f7c1552ea9cb0e68217f16113e91d433e7248b6e09c08f"},
    // temporary credentials: x-security-token is signed too
    {"security_token", "GET", "/v5/0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b/asset/ports",
     {{"host_id", "h-1"}, {"limit", "10"}},
     {{"X-Project-Id", "0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b"}, {"X-Sdk-Date", "20240315T080910Z"}, {"X-Security-Token", "gQpjbi1ub3J0aC00jMyQ+Wx/0b5f=="}, {"host", "hss.cn-north-4.myhuaweicloud.com"}},
     "", "HSSTESTAK0123456789AB", "hssTestSecretKey/0123456789+abcdefghijKLMN",
     "GET\n"
     "/v5/0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b/asset/ports/\n"
     "host_id=h-1&limit=10\n"
     "host:hss.cn-north-4.myhuaweicloud.com\n"
     "x-project-id:0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b\n"
     "x-sdk-date:20240315T080910Z\n"
     "x-security-token:gQpjbi1ub3J0aC00jMyQ+Wx/0b5f==\n"
     "\n"
     "host;x-project-id;x-sdk-date;x-security-token\n"
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
     "SDK-HMAC-SHA256\n"
     "20240315T080910Z\n"
     "09ac3c221b086560afd95979a07f57d1cf09b4a3769d6eccac6a38aa7a4e837c",
     "SDK-HMAC-SHA256 Access=HSSTESTAK0123456789AB, SignedHeaders=host;x-project-id;x-sdk-date;x-security-token, Signature=84c6c06631bc86145cb702698a22c5d04897c2939a2cdc746f1ee1a5c0e97018"},
    // spaces and UTF-8 in query keys and values
    {"query_spaces_utf8", "GET", "/v5/0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b/asset/ports",
     {{"host_id", "h 1"}, {"host_name", "web server 中文"}, {"名 字", "ü é"}},
     {{"X-Project-Id", "0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b"}, {"X-Sdk-Date", "20240315T080910Z"}, {"host", "hss.cn-north-4.myhuaweicloud.com"}},
     "", "HSSTESTAK0123456789AB", "hssTestSecretKey/0123456789+abcdefghijKLMN",
     "GET\n"
     "/v5/0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b/asset/ports/\n"
     "host_id=h%201&host_name=web%20server%20%E4%B8%AD%E6%96%87&%E5%90%8D%20%E5%AD%97=%C3%BC%20%C3%A9\n"
     "host:hss.cn-north-4.myhuaweicloud.com\n"
     "x-project-id:0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b\n"
     "x-sdk-date:20240315T080910Z\n"
     "\n"
     "host;x-project-id;x-sdk-date\n"
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
     "SDK-HMAC-SHA256\n"
     "20240315T080910Z\n"
     "94a5920d0a33f4196f74391bf8c83c1429272bbe759cd275c5ac8bf98cd682ce",
     "SDK-HMAC-SHA256 Access=HSSTESTAK0123456789AB, SignedHeaders=host;x-project-id;x-sdk-date, Signature=8fc696fcc379eed44aafed0a2d2325bb6d2f9ae29910186c3d07c55a85595f80"},
    // * ~ % + / and other reserved characters in values
    {"query_reserved_chars", "GET", "/v5/0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b/asset/ports",
     {{"star", "a*b"}, {"tilde", "~user"}, {"pct", "100%25"}, {"plus", "1+1=2"}, {"path", "/tmp/a b/c"}, {"misc", "&=?#!$'(),;:@[]"}, {"empty", ""}},
     {{"X-Project-Id", "0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b"}, {"X-Sdk-Date", "20240315T080910Z"}, {"host", "hss.cn-north-4.myhuaweicloud.com"}},
     "", "HSSTESTAK0123456789AB", "hssTestSecretKey/0123456789+abcdefghijKLMN",
     "GET\n"
     "/v5/0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b/asset/ports/\n"
     "empty=&misc=%26%3D%3F%23%21%24%27%28%29%2C%3B%3A%40%5B%5D&path=%2Ftmp%2Fa%20b%2Fc&pct=100%2525&plus=1%2B1%3D2&star=a%2Ab&tilde=~user\n"
     "host:hss.cn-north-4.myhuaweicloud.com\n"
     "x-project-id:0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b\n"
     "x-sdk-date:20240315T080910Z\n"
     "\n"
     "host;x-project-id;x-sdk-date\n"
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
     "SDK-HMAC-SHA256\n"
     "20240315T080910Z\n"
     "4ec8ccc40125e9474fb414520ac74d69b06f7de0c8d369a2b619b6a0f48a402a",
     "SDK-HMAC-SHA256 Access=HSSTESTAK0123456789AB, SignedHeaders=host;x-project-id;x-sdk-date, Signature=5b473aaccad62020b9bfab414c85f1c835a04e72eb7c41377dac77f196222d63"},
    // array values become repeated keys, each sorted as strings ("10" < "2")
    {"query_repeated_keys", "GET", "/v5/0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b/asset/ports",
     {{"type", "TCP"}, {"type", "UDP"}, {"port", "10"}, {"port", "22"}, {"port", "443"}, {"port", "8080"}, {"host_id", "h"}},
     {{"X-Project-Id", "0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b"}, {"X-Sdk-Date", "20240315T080910Z"}, {"host", "hss.cn-north-4.myhuaweicloud.com"}},
     "", "HSSTESTAK0123456789AB", "hssTestSecretKey/0123456789+abcdefghijKLMN",
     "GET\n"
     "/v5/0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b/asset/ports/\n"
     "host_id=h&port=10&port=22&port=443&port=8080&type=TCP&type=UDP\n"
     "host:hss.cn-north-4.myhuaweicloud.com\n"
     "x-project-id:0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b\n"
     "x-sdk-date:20240315T080910Z\n"
     "\n"
     "host;x-project-id;x-sdk-date\n"
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
     "SDK-HMAC-SHA256\n"
     "20240315T080910Z\n"
     "dfbe63fcf0b9099db5c68bf8de50496b0a17b3fa75a7d213dec6d96c964ed39b",
     "SDK-HMAC-SHA256 Access=HSSTESTAK0123456789AB, SignedHeaders=host;x-project-id;x-sdk-date, Signature=e117d7a9f5cc38a0e4220ae1b97873f63a20d9ff8eef92ce55d10e8229949570"},
    // keys sort by their decoded form, not their encoded form ("a0" < "a[" < "a~" < "a中")
    {"query_key_order", "GET", "/v5/p/x",
     {{"a~", "1"}, {"a中", "2"}, {"a[", "3"}, {"a0", "4"}, {"a b", "5"}, {"A", "6"}, {"a", "7"}, {"", "8"}},
     {{"X-Sdk-Date", "20240315T080910Z"}, {"host", "hss.cn-north-4.myhuaweicloud.com"}},
     "", "HSSTESTAK0123456789AB", "hssTestSecretKey/0123456789+abcdefghijKLMN",
     "GET\n"
     "/v5/p/x/\n"
     "=8&A=6&a=7&a%20b=5&a0=4&a%5B=3&a~=1&a%E4%B8%AD=2\n"
     "host:hss.cn-north-4.myhuaweicloud.com\n"
     "x-sdk-date:20240315T080910Z\n"
     "\n"
     "host;x-sdk-date\n"
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
     "SDK-HMAC-SHA256\n"
     "20240315T080910Z\n"
     "35d00dde4a8a6fc59bbf94cc18331ba53ed7f608d913c68fe1d44f619d8ebfe7",
     "SDK-HMAC-SHA256 Access=HSSTESTAK0123456789AB, SignedHeaders=host;x-sdk-date, Signature=17a37281ac403166e99ffb5eefaa4cd93f6a0b98b2fa6b8d4299f092544fa071"},
    // path segments with * ~ + ; , = @ ! $ ( ) and UTF-8
    {"path_reserved_utf8", "GET", "/v5/0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b/a*b~c+d/中文;x,y=z@!$()/end",
     {},
     {{"X-Project-Id", "0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b"}, {"X-Sdk-Date", "20240315T080910Z"}, {"host", "hss.cn-north-4.myhuaweicloud.com"}},
     "", "HSSTESTAK0123456789AB", "hssTestSecretKey/0123456789+abcdefghijKLMN",
     "GET\n"
     "/v5/0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b/a%2Ab~c%2Bd/%E4%B8%AD%E6%96%87%3Bx%2Cy%3Dz%40%21%24%28%29/end/\n"
     "\n"
     "host:hss.cn-north-4.myhuaweicloud.com\n"
     "x-project-id:0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b\n"
     "x-sdk-date:20240315T080910Z\n"
     "\n"
     "host;x-project-id;x-sdk-date\n"
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
     "SDK-HMAC-SHA256\n"
     "20240315T080910Z\n"
     "7f90293dd08f5bc5eb02bd9f0b26d48f6462a2c18a06563205386eaf142c74bf",
     "SDK-HMAC-SHA256 Access=HSSTESTAK0123456789AB, SignedHeaders=host;x-project-id;x-sdk-date, Signature=ac605b5540dc8c34f65ba7335b608243e27d6de0aae01788af21866245f0b4f7"},
    // an existing trailing slash is kept, not doubled
    {"path_trailing_slash", "GET", "/v5/0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b/asset/ports/",
     {{"limit", "10"}},
     {{"X-Project-Id", "0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b"}, {"X-Sdk-Date", "20240315T080910Z"}, {"host", "hss.cn-north-4.myhuaweicloud.com"}},
     "", "HSSTESTAK0123456789AB", "hssTestSecretKey/0123456789+abcdefghijKLMN",
     "GET\n"
     "/v5/0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b/asset/ports/\n"
     "limit=10\n"
     "host:hss.cn-north-4.myhuaweicloud.com\n"
     "x-project-id:0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b\n"
     "x-sdk-date:20240315T080910Z\n"
     "\n"
     "host;x-project-id;x-sdk-date\n"
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
     "SDK-HMAC-SHA256\n"
     "20240315T080910Z\n"
     "d834c67595075f5b3520ae26ccd94717aa0ba026c0f3ece288a5f5bf9e7acb09",
     "SDK-HMAC-SHA256 Access=HSSTESTAK0123456789AB, SignedHeaders=host;x-project-id;x-sdk-date, Signature=468fde3c8895c5d0235d13986c48d41eb585bae92488bbae28d0f507ffcced4a"},
    // root path; the host header keeps the port
    {"path_root_host_port", "GET", "/",
     {},
     {{"X-Sdk-Date", "20240315T080910Z"}, {"host", "127.0.0.1:8443"}},
     "", "HSSTESTAK0123456789AB", "hssTestSecretKey/0123456789+abcdefghijKLMN",
     "GET\n"
     "/\n"
     "\n"
     "host:127.0.0.1:8443\n"
     "x-sdk-date:20240315T080910Z\n"
     "\n"
     "host;x-sdk-date\n"
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
     "SDK-HMAC-SHA256\n"
     "20240315T080910Z\n"
     "dde43e4de2ac09d541a61948cfeb4288fb5d194361f8b9b2167ad985489b2c0a",
     "SDK-HMAC-SHA256 Access=HSSTESTAK0123456789AB, SignedHeaders=host;x-sdk-date, Signature=07e5b00363b63c9ce8567be1f1f9fdffd2e7610311a6e5b3206e02c02127282c"},
    // Node signs the already-escaped URL path: "/my project" is signed as "my%2520project", which equals our canonical form of the *decoded* path "/my%20project"
    {"path_space_node_quirk", "GET", "/v5/0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b/my%20project",
     {},
     {{"X-Project-Id", "0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b"}, {"X-Sdk-Date", "20240315T080910Z"}, {"host", "hss.cn-north-4.myhuaweicloud.com"}},
     "", "HSSTESTAK0123456789AB", "hssTestSecretKey/0123456789+abcdefghijKLMN",
     "GET\n"
     "/v5/0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b/my%2520project/\n"
     "\n"
     "host:hss.cn-north-4.myhuaweicloud.com\n"
     "x-project-id:0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b\n"
     "x-sdk-date:20240315T080910Z\n"
     "\n"
     "host;x-project-id;x-sdk-date\n"
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
     "SDK-HMAC-SHA256\n"
     "20240315T080910Z\n"
     "d329b42f6e7b4edb01be205802c30f48ec8b37af3596b5778e5993324ba55c0d",
     "SDK-HMAC-SHA256 Access=HSSTESTAK0123456789AB, SignedHeaders=host;x-project-id;x-sdk-date, Signature=9ef7ae1c14c9f4f1777c1f573e6f46b82ef93eb5bdec3c1e215ab5949348d8c6"},
    // a JSON body is hashed; content-type and mixed-case custom headers are signed
    {"post_json_body", "POST", "/v5/0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b/host-management/hosts",
     {{"enterprise_project_id", "all_granted_eps"}},
     {{"content-type", "application/json"}, {"X-Project-Id", "0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b"}, {"X-Sdk-Date", "20240315T080910Z"}, {"X-Custom-Trace", "Trace-ID 42"}, {"host", "hss.cn-north-4.myhuaweicloud.com"}},
     "{\"host_ids\":[\"h1\",\"h2\"],\"note\":\"中文 *~%\"}", "HSSTESTAK0123456789AB", "hssTestSecretKey/0123456789+abcdefghijKLMN",
     "POST\n"
     "/v5/0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b/host-management/hosts/\n"
     "enterprise_project_id=all_granted_eps\n"
     "content-type:application/json\n"
     "host:hss.cn-north-4.myhuaweicloud.com\n"
     "x-custom-trace:Trace-ID 42\n"
     "x-project-id:0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b\n"
     "x-sdk-date:20240315T080910Z\n"
     "\n"
     "content-type;host;x-custom-trace;x-project-id;x-sdk-date\n"
     "f307e9f11cfcc3198ec59dd7043fa8bd7f54b946e077a9cc79b0abfb417426d9",
     "SDK-HMAC-SHA256\n"
     "20240315T080910Z\n"
     "0a4997d1bdeda4724746c8454d5e8a99a32d59256ed3a26137f21e42cd00c120",
     "SDK-HMAC-SHA256 Access=HSSTESTAK0123456789AB, SignedHeaders=content-type;host;x-custom-trace;x-project-id;x-sdk-date, Signature=b87024d20f38133b5488e21ff0290116f0b7796dac1bf91cc6904fb6a0be679e"},
    // X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD replaces the body hash
    {"unsigned_payload", "PUT", "/v5/0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b/upload",
     {},
     {{"content-type", "application/octet-stream"}, {"X-Project-Id", "0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b"}, {"X-Sdk-Date", "20240315T080910Z"}, {"X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD"}, {"host", "hss.cn-north-4.myhuaweicloud.com"}},
     "raw bytes, not hashed", "HSSTESTAK0123456789AB", "hssTestSecretKey/0123456789+abcdefghijKLMN",
     "PUT\n"
     "/v5/0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b/upload/\n"
     "\n"
     "content-type:application/octet-stream\n"
     "host:hss.cn-north-4.myhuaweicloud.com\n"
     "x-project-id:0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b\n"
     "x-sdk-content-sha256:UNSIGNED-PAYLOAD\n"
     "x-sdk-date:20240315T080910Z\n"
     "\n"
     "content-type;host;x-project-id;x-sdk-content-sha256;x-sdk-date\n"
     "UNSIGNED-PAYLOAD",
     "SDK-HMAC-SHA256\n"
     "20240315T080910Z\n"
     "93b4e54bbefe78e39449ff3210cfcd34fa26cf42f49389b162832781cfffed79",
     "SDK-HMAC-SHA256 Access=HSSTESTAK0123456789AB, SignedHeaders=content-type;host;x-project-id;x-sdk-content-sha256;x-sdk-date, Signature=f9ce74452d2f0b5400387e4aa0f36c21f19d306a49bc74ec0554873431d66c98"},
  };
  return *kVectors;
}

const std::vector<WireVector>& WireVectors() {
  static const auto* const kVectors = new std::vector<WireVector>{
    // ClientBuilder.sendRequest as an HSS client would call ListPortStatistics-like APIs
    {"wire_ports", "GET", "/v5/0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b/asset/ports?host_id=h%201&host_name=%E4%B8%AD%E6%96%87%20*~&status=normal&path=%2Fusr%2Fbin%2Fa%2Bb&type=TCP&type=UDP&limit=10&offset=0",
     {{"accept", "application/json"}, {"content-type", "application/json"}, {"x-project-id", "0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b"}, {"x-sdk-date", "20240315T080910Z"}, {"host", "127.0.0.1:39517"}, {"authorization", "SDK-HMAC-SHA256 Access=HSSTESTAK0123456789AB, SignedHeaders=host;x-project-id;x-sdk-date, Signature=976bedd0e7baef75ae0a8df097e35c49c7e32f8a7cab1015d00bd47ddf176402"}, {"accept-encoding", "gzip, compress, deflate, br"}},
     "", "HSSTESTAK0123456789AB", "hssTestSecretKey/0123456789+abcdefghijKLMN"},
    // a JSON POST through the SDK client
    {"wire_post_json", "POST", "/v5/0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b/host-management/hosts?enterprise_project_id=0",
     {{"accept", "application/json"}, {"content-type", "application/json"}, {"x-project-id", "0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b"}, {"x-sdk-date", "20240315T080910Z"}, {"host", "127.0.0.1:39517"}, {"authorization", "SDK-HMAC-SHA256 Access=HSSTESTAK0123456789AB, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=7e007d02dd3aa60c85e3c8e46969d5d0da998b8f51633d695c0a1d64c39e9450"}, {"content-length", "32"}, {"accept-encoding", "gzip, compress, deflate, br"}},
     "{\"host_ids\":[\"h1\"],\"note\":\"x y\"}", "HSSTESTAK0123456789AB", "hssTestSecretKey/0123456789+abcdefghijKLMN"},
  };
  return *kVectors;
}
// clang-format on
// END GENERATED AKSK VECTORS

// Test names print instead of raw bytes.
void PrintTo(const SdkVector& v, std::ostream* os) { *os << v.name; }
void PrintTo(const WireVector& v, std::ostream* os) { *os << v.name; }

SigningRequest ToRequest(const SdkVector& v) {
  return SigningRequest{v.method, v.path, v.query, v.headers, v.body};
}

SigningRequest ProjectRequest() {
  return SigningRequest{"GET",
                        "/v5/my project/asset/ports",
                        {{"limit", "10"}, {"host_id", "h 1"}},
                        {{"Host", "hss.cn-north-4.myhuaweicloud.com"},
                         {"X-Project-Id", "p1"},
                         {"X-Sdk-Date", "20240315T080910Z"}},
                        ""};
}

std::string NameOf(const testing::TestParamInfo<SdkVector>& info) { return info.param.name; }

class SdkVectorTest : public testing::TestWithParam<SdkVector> {};

TEST_P(SdkVectorTest, CanonicalRequestMatchesSdk) {
  EXPECT_EQ(CanonicalRequest(ToRequest(GetParam())), GetParam().canonical_request);
}

TEST_P(SdkVectorTest, StringToSignMatchesSdk) {
  const SigningRequest request = ToRequest(GetParam());
  const auto date = FindHeader(request, kSdkDateHeader);
  ASSERT_TRUE(date.has_value());
  EXPECT_EQ(StringToSign(CanonicalRequest(request), *date), GetParam().string_to_sign);
}

TEST_P(SdkVectorTest, AuthorizationMatchesSdk) {
  EXPECT_EQ(AuthorizationHeader(ToRequest(GetParam()), GetParam().ak, GetParam().sk),
            GetParam().authorization);
}

TEST_P(SdkVectorTest, VerifiesAndDetectsTampering) {
  const SdkVector& v = GetParam();
  const auto auth = ParseAuthorizationHeader(v.authorization);
  ASSERT_TRUE(auth.has_value());
  EXPECT_EQ(auth->access_key, v.ak);

  SigningRequest received = ToRequest(v);
  received.headers.emplace_back("User-Agent", "not signed");
  received.headers.emplace_back("Authorization", v.authorization);
  EXPECT_TRUE(VerifyAuthorization(received, *auth, v.sk));
  EXPECT_FALSE(VerifyAuthorization(received, *auth, "wrong secret"));

  SigningRequest other_query = received;
  other_query.query.emplace_back("extra", "1");
  EXPECT_FALSE(VerifyAuthorization(other_query, *auth, v.sk));

  SigningRequest other_path = received;
  other_path.path += "x";
  EXPECT_FALSE(VerifyAuthorization(other_path, *auth, v.sk));

  SigningRequest other_method = received;
  other_method.method = "DELETE";
  EXPECT_FALSE(VerifyAuthorization(other_method, *auth, v.sk));

  SigningRequest other_date = received;
  for (auto& [name, value] : other_date.headers) {
    if (name == "X-Sdk-Date") value = "20240315T080911Z";
  }
  EXPECT_FALSE(VerifyAuthorization(other_date, *auth, v.sk));

  SigningRequest other_body = received;
  other_body.body += " ";
  const bool unsigned_payload = FindHeader(received, kSdkContentSha256Header).has_value();
  EXPECT_EQ(VerifyAuthorization(other_body, *auth, v.sk), unsigned_payload);
}

INSTANTIATE_TEST_SUITE_P(NodeSdk, SdkVectorTest, testing::ValuesIn(SdkVectors()), NameOf);

TEST(SdkVectorTableTest, CoversTheRequiredCases) { EXPECT_GE(SdkVectors().size(), 8u); }

class WireVectorTest : public testing::TestWithParam<WireVector> {};

// Rebuilds the SigningRequest a server sees from the request line, headers and body.
SigningRequest ReceivedRequest(const WireVector& v) {
  std::string_view target = v.target;
  const auto question = target.find('?');
  const auto path = PercentDecode(target.substr(0, question));
  const auto query = ParseQuery(question == std::string_view::npos ? std::string_view()
                                                                   : target.substr(question + 1));
  EXPECT_TRUE(path.has_value());
  EXPECT_TRUE(query.has_value());
  return SigningRequest{v.method, path.value_or(""), query.value_or(std::vector<QueryParam>{}),
                        v.headers, v.body};
}

TEST_P(WireVectorTest, VerifiesAsReceived) {
  const WireVector& v = GetParam();
  const SigningRequest received = ReceivedRequest(v);
  const auto header = FindHeader(received, "Authorization");
  ASSERT_TRUE(header.has_value());
  const auto auth = ParseAuthorizationHeader(*header);
  ASSERT_TRUE(auth.has_value());
  EXPECT_EQ(auth->access_key, v.ak);
  EXPECT_TRUE(VerifyAuthorization(received, *auth, v.sk));
  EXPECT_FALSE(VerifyAuthorization(received, *auth, "wrong secret"));

  SigningRequest tampered = received;
  tampered.query.emplace_back("offset", "1000");
  EXPECT_FALSE(VerifyAuthorization(tampered, *auth, v.sk));
}

TEST_P(WireVectorTest, ResigningReproducesTheSdkAuthorization) {
  const WireVector& v = GetParam();
  SigningRequest received = ReceivedRequest(v);
  // A copy: FindHeader's view points into received.headers, replaced below.
  const std::string header(FindHeader(received, "Authorization").value_or(""));
  const auto auth = ParseAuthorizationHeader(header);
  ASSERT_TRUE(auth.has_value());
  Headers signed_only;
  for (const auto& [name, value] : received.headers) {
    for (const auto& signed_name : auth->signed_headers) {
      if (name == signed_name) signed_only.emplace_back(name, value);
    }
  }
  received.headers = signed_only;
  EXPECT_EQ(AuthorizationHeader(received, v.ak, v.sk), header);
}

std::string WireNameOf(const testing::TestParamInfo<WireVector>& info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(NodeSdkClient, WireVectorTest, testing::ValuesIn(WireVectors()),
                         WireNameOf);

// docs/hss-api.md, published vector 1: only x-sdk-date is signed.
TEST(PublishedVectorTest, SdkDateOnly) {
  const SigningRequest request{
      "GET", "/path", {{"limit", "1"}}, {{"X-Sdk-Date", "20060102T150405Z"}}, ""};
  EXPECT_EQ(CanonicalRequest(request),
            "GET\n/path/\nlimit=1\nx-sdk-date:20060102T150405Z\n\nx-sdk-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(AuthorizationHeader(request, "AccessKey", "SecretKey"),
            "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, "
            "Signature=5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624");
}

// docs/hss-api.md, published vector 2: host and x-sdk-date are signed.
TEST(PublishedVectorTest, HostAndSdkDate) {
  const SigningRequest request{
      "GET",
      "/resources",
      {{"size", "1"}},
      {{"Host", "service.endpoint.myhuaweicloud.com"}, {"X-Sdk-Date", "20200608T023900Z"}},
      ""};
  EXPECT_EQ(AuthorizationHeader(request, "AccessKey", "SecretKey"),
            "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-sdk-date, "
            "Signature=cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842");
}

// docs/hss-api.md, published canonical query string.
TEST(PublishedVectorTest, CanonicalQuery) {
  const std::vector<QueryParam> query = {
      {"limit", "1"},       {"enable", "true"}, {"test", "一 (&=?!#%.*)"},
      {"path", "/tmp/123"}, {"multi", "1"},     {"multi", "2"},
      {"multi", "3"}};
  EXPECT_EQ(CanonicalQueryString(query),
            "enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&"
            "test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29");
}

TEST(CanonicalUriTest, EncodesEachDecodedSegmentAndAppendsSlash) {
  EXPECT_EQ(CanonicalUri(""), "/");
  EXPECT_EQ(CanonicalUri("/"), "/");
  EXPECT_EQ(CanonicalUri("/a"), "/a/");
  EXPECT_EQ(CanonicalUri("/a/"), "/a/");
  EXPECT_EQ(CanonicalUri("//a//"), "//a//");
  EXPECT_EQ(CanonicalUri("/v5/my project/x"), "/v5/my%20project/x/");
  EXPECT_EQ(CanonicalUri("/a%b/c+d/e*f~g"), "/a%25b/c%2Bd/e%2Af~g/");
  EXPECT_EQ(CanonicalUri("/中文"), "/%E4%B8%AD%E6%96%87/");
  EXPECT_EQ(CanonicalUri("a/b"), "a/b/");
}

TEST(CanonicalQueryStringTest, SortsByDecodedKeyThenValue) {
  EXPECT_EQ(CanonicalQueryString({}), "");
  EXPECT_EQ(CanonicalQueryString({{"b", "2"}, {"a", "z"}, {"b", "10"}, {"a", ""}}),
            "a=&a=z&b=10&b=2");
  // Byte order of the decoded keys: '0' (0x30) < '[' (0x5B) < '~' (0x7E) < UTF-8 lead bytes.
  EXPECT_EQ(CanonicalQueryString({{"a~", "1"}, {"a中", "2"}, {"a[", "3"}, {"a0", "4"}}),
            "a0=4&a%5B=3&a~=1&a%E4%B8%AD=2");
}

TEST(CanonicalHeadersTest, LowerCasesTrimsSortsAndSkipsUnderscores) {
  const SigningRequest request{"GET",
                               "/",
                               {},
                               {{"X-Sdk-Date", " 20240315T080910Z\t"},
                                {"Host", "h"},
                                {"X_Custom", "skipped"},
                                {"X-A", "  inner  spaces kept  "},
                                {"Content-Type", "application/json"}},
                               ""};
  EXPECT_EQ(CanonicalHeaders(request),
            "content-type:application/json\nhost:h\nx-a:inner  spaces kept\n"
            "x-sdk-date:20240315T080910Z\n");
  EXPECT_EQ(SignedHeaders(request), "content-type;host;x-a;x-sdk-date");
  EXPECT_FALSE(IsSignableHeaderName("x_y"));
  EXPECT_FALSE(IsSignableHeaderName(""));
  EXPECT_TRUE(IsSignableHeaderName("X-Sdk-Date"));
}

TEST(CanonicalRequestTest, DecodedPathIsEncodedOnce) {
  EXPECT_EQ(CanonicalRequest(ProjectRequest()),
            "GET\n/v5/my%20project/asset/ports/\nhost_id=h%201&limit=10\n"
            "host:hss.cn-north-4.myhuaweicloud.com\nx-project-id:p1\nx-sdk-date:20240315T080910Z\n"
            "\nhost;x-project-id;x-sdk-date\n" +
                std::string(kEmptyBodySha256));
}

TEST(CanonicalRequestTest, ContentSha256HeaderReplacesBodyHash) {
  SigningRequest request = ProjectRequest();
  request.body = "{}";
  EXPECT_THAT(CanonicalRequest(request), testing::EndsWith("\n" + HexSha256("{}")));
  request.headers.emplace_back("x-sdk-content-sha256", "UNSIGNED-PAYLOAD");
  EXPECT_THAT(CanonicalRequest(request), testing::EndsWith("\nUNSIGNED-PAYLOAD"));
  // An empty value does not count (as in the Node SDK).
  request.headers.back().second = "";
  EXPECT_THAT(CanonicalRequest(request), testing::EndsWith("\n" + HexSha256("{}")));
}

TEST(CanonicalRequestTest, MissingDateSignsAnEmptyDateLine) {
  SigningRequest request = ProjectRequest();
  request.headers.pop_back();
  const std::string expected = ComputeSignature("sk", StringToSign(CanonicalRequest(request), ""));
  EXPECT_THAT(AuthorizationHeader(request, "ak", "sk"), testing::EndsWith(expected));
}

TEST(HashTest, Sha256AndHmacKnownAnswers) {
  EXPECT_EQ(HexSha256(""), kEmptyBodySha256);
  EXPECT_EQ(HexSha256("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231, test case 2.
  EXPECT_EQ(ComputeSignature("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(ComputeSignature("", ""),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(StringToSignTest, Format) {
  EXPECT_EQ(StringToSign("", "20060102T150405Z"),
            "SDK-HMAC-SHA256\n20060102T150405Z\n" + std::string(kEmptyBodySha256));
}

TEST(FindHeaderTest, CaseInsensitiveFirstMatchTrimmed) {
  SigningRequest request = ProjectRequest();
  request.headers.emplace_back("x-project-id", "second");
  EXPECT_THAT(FindHeader(request, "x-PROJECT-id"), Optional(std::string_view("p1")));
  request.headers.emplace_back("X-Pad", "  v \t");
  EXPECT_THAT(FindHeader(request, "x-pad"), Optional(std::string_view("v")));
  EXPECT_EQ(FindHeader(request, "x-missing"), std::nullopt);
}

TEST(SdkDateTest, FormatsUtc) {
  EXPECT_EQ(FormatSdkDate(0), "19700101T000000Z");
  EXPECT_EQ(FormatSdkDate(1136214245), "20060102T150405Z");
  EXPECT_EQ(FormatSdkDate(1591583940), "20200608T023900Z");
  EXPECT_EQ(FormatSdkDate(1709164800), "20240229T000000Z");
  EXPECT_EQ(FormatSdkDate(-1), "19691231T235959Z");
  EXPECT_EQ(FormatSdkDate(253402300799), "99991231T235959Z");
}

TEST(SdkDateTest, ParsesStrictly) {
  EXPECT_THAT(ParseSdkDate("19700101T000000Z"), Optional(0LL));
  EXPECT_THAT(ParseSdkDate("20060102T150405Z"), Optional(1136214245LL));
  EXPECT_THAT(ParseSdkDate("20240229T000000Z"), Optional(1709164800LL));
  EXPECT_THAT(ParseSdkDate("20000229T235959Z"), Optional(951868799LL));
  EXPECT_THAT(ParseSdkDate("19691231T235959Z"), Optional(-1LL));
  for (const char* bad : {"",
                          "20060102T150405",
                          "20060102T150405z",
                          "20060102t150405Z",
                          "20060102 150405Z",
                          "2006-01-02T15:04:05Z",
                          " 20060102T150405Z",
                          "20060102T150405Z ",
                          "20060102T150405+0000",
                          "2006010AT150405Z",
                          "20060102T15040-Z",
                          "+2006010T150405Z",
                          "20060002T150405Z",
                          "20061302T150405Z",
                          "20060100T150405Z",
                          "20060132T150405Z",
                          "20060431T150405Z",
                          "20230229T000000Z",
                          "19000229T000000Z",
                          "20060102T240000Z",
                          "20060102T156000Z",
                          "20060102T150460Z",
                          "20060102T150405ZZ",
                          "0x060102T150405Z"}) {
    EXPECT_EQ(ParseSdkDate(bad), std::nullopt) << bad;
  }
}

TEST(SdkDateTest, RoundTrips) {
  for (long long t = -86400LL * 366 * 3; t < 86400LL * 366 * 80; t += 86400LL * 7 + 3607) {
    EXPECT_THAT(ParseSdkDate(FormatSdkDate(t)), Optional(t)) << t;
  }
}

TEST(ConstantTimeEqualsTest, ComparesContentsAndLengths) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
  EXPECT_FALSE(ConstantTimeEquals(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

constexpr char kSig[] = "cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842";

TEST(ParseAuthorizationHeaderTest, ParsesSdkForm) {
  const auto auth = ParseAuthorizationHeader(
      std::string("SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-sdk-date, Signature=") +
      kSig);
  ASSERT_TRUE(auth.has_value());
  EXPECT_EQ(auth->access_key, "AccessKey");
  EXPECT_THAT(auth->signed_headers, ElementsAre("host", "x-sdk-date"));
  EXPECT_EQ(auth->signature, kSig);
}

TEST(ParseAuthorizationHeaderTest, ToleratesSpacingAndOrder) {
  for (const std::string& value : std::vector<std::string>{
           std::string("SDK-HMAC-SHA256 Access=ak,SignedHeaders=x-sdk-date,Signature=") + kSig,
           std::string("  SDK-HMAC-SHA256   Access=ak ,  SignedHeaders=x-sdk-date, Signature=") +
               kSig + " ",
           std::string("SDK-HMAC-SHA256 Signature=") + kSig +
               ", SignedHeaders=x-sdk-date, Access=ak",
       }) {
    const auto auth = ParseAuthorizationHeader(value);
    ASSERT_TRUE(auth.has_value()) << value;
    EXPECT_EQ(auth->access_key, "ak");
    EXPECT_THAT(auth->signed_headers, ElementsAre("x-sdk-date"));
    EXPECT_EQ(auth->signature, kSig);
  }
}

TEST(ParseAuthorizationHeaderTest, RejectsMalformed) {
  const std::string sig = kSig;
  const std::string upper_sig = "CFB4171ACEC81DE07D50E53D57EB77EDD537414D66DDB1D7D780F128E12CD842";
  for (const std::string& value : std::vector<std::string>{
           std::string(""),
           std::string("SDK-HMAC-SHA256"),
           std::string("SDK-HMAC-SHA256 "),
           "SDK-HMAC-SHA256Access=ak, SignedHeaders=x-sdk-date, Signature=" + sig,
           "sdk-hmac-sha256 Access=ak, SignedHeaders=x-sdk-date, Signature=" + sig,
           "SDK-HMAC-SHA1 Access=ak, SignedHeaders=x-sdk-date, Signature=" + sig,
           "Bearer Access=ak, SignedHeaders=x-sdk-date, Signature=" + sig,
           "SDK-HMAC-SHA256 SignedHeaders=x-sdk-date, Signature=" + sig,
           std::string("SDK-HMAC-SHA256 Access=ak, Signature=") + sig,
           std::string("SDK-HMAC-SHA256 Access=ak, SignedHeaders=x-sdk-date"),
           "SDK-HMAC-SHA256 Access=, SignedHeaders=x-sdk-date, Signature=" + sig,
           "SDK-HMAC-SHA256 Access=a k, SignedHeaders=x-sdk-date, Signature=" + sig,
           "SDK-HMAC-SHA256 Access=ak, Access=ak, SignedHeaders=x-sdk-date, Signature=" + sig,
           "SDK-HMAC-SHA256 access=ak, SignedHeaders=x-sdk-date, Signature=" + sig,
           "SDK-HMAC-SHA256 Access=ak, SignedHeaders=x-sdk-date, Signature=" + sig + ", Extra=1",
           "SDK-HMAC-SHA256 Access=ak, SignedHeaders=x-sdk-date, Signature=" + sig + ",",
           "SDK-HMAC-SHA256 Access=ak,, SignedHeaders=x-sdk-date, Signature=" + sig,
           "SDK-HMAC-SHA256 Access ak, SignedHeaders=x-sdk-date, Signature=" + sig,
           "SDK-HMAC-SHA256 Access=ak, SignedHeaders=, Signature=" + sig,
           "SDK-HMAC-SHA256 Access=ak, SignedHeaders=host;;x-sdk-date, Signature=" + sig,
           "SDK-HMAC-SHA256 Access=ak, SignedHeaders=host;x-sdk-date;, Signature=" + sig,
           "SDK-HMAC-SHA256 Access=ak, SignedHeaders=Host;x-sdk-date, Signature=" + sig,
           "SDK-HMAC-SHA256 Access=ak, SignedHeaders=x-sdk-date;host, Signature=" + sig,
           "SDK-HMAC-SHA256 Access=ak, SignedHeaders=host;host;x-sdk-date, Signature=" + sig,
           "SDK-HMAC-SHA256 Access=ak, SignedHeaders=x sdk date, Signature=" + sig,
           "SDK-HMAC-SHA256 Access=ak, SignedHeaders=x-sdk-date, Signature=" + upper_sig,
           "SDK-HMAC-SHA256 Access=ak, SignedHeaders=x-sdk-date, Signature=" + sig.substr(1),
           "SDK-HMAC-SHA256 Access=ak, SignedHeaders=x-sdk-date, Signature=" + sig + "0",
           "SDK-HMAC-SHA256 Access=ak, SignedHeaders=x-sdk-date, Signature=" + sig.substr(1) + "g",
           "SDK-HMAC-SHA256 Access=ak, SignedHeaders=x-sdk-date, Signature=",
       }) {
    EXPECT_EQ(ParseAuthorizationHeader(value), std::nullopt) << value;
  }
}

TEST(VerifyAuthorizationTest, AcceptsReceivedHeadersInAnyCaseAndOrder) {
  const SigningRequest signed_request = ProjectRequest();
  const auto auth = ParseAuthorizationHeader(AuthorizationHeader(signed_request, "ak", "sk"));
  ASSERT_TRUE(auth.has_value());
  SigningRequest received = signed_request;
  received.headers = {{"x-sdk-date", "20240315T080910Z"},
                      {"Accept", "*/*"},
                      {"HOST", "hss.cn-north-4.myhuaweicloud.com"},
                      {"x-project-id", " p1 "},
                      {"X_Not_Signed", "1"}};
  EXPECT_TRUE(VerifyAuthorization(received, *auth, "sk"));
}

TEST(VerifyAuthorizationTest, RejectsMissingDuplicateOrUnsignableHeaders) {
  const SigningRequest request = ProjectRequest();
  const auto auth = ParseAuthorizationHeader(AuthorizationHeader(request, "ak", "sk"));
  ASSERT_TRUE(auth.has_value());
  ASSERT_TRUE(VerifyAuthorization(request, *auth, "sk"));

  SigningRequest missing = request;
  missing.headers.erase(missing.headers.begin());  // Host
  EXPECT_FALSE(VerifyAuthorization(missing, *auth, "sk"));

  SigningRequest duplicate = request;
  duplicate.headers.emplace_back("x-project-id", "p1");
  EXPECT_FALSE(VerifyAuthorization(duplicate, *auth, "sk"));

  ParsedAuthorization no_date = *auth;
  no_date.signed_headers = {"host", "x-project-id"};
  SigningRequest dateless = request;
  dateless.headers.pop_back();
  no_date.signature = ComputeSignature("sk", StringToSign(CanonicalRequest(dateless), ""));
  EXPECT_FALSE(VerifyAuthorization(request, no_date, "sk"));

  ParsedAuthorization underscore = *auth;
  underscore.signed_headers.push_back("x_y");
  SigningRequest with_underscore = request;
  with_underscore.headers.emplace_back("x_y", "1");
  EXPECT_FALSE(VerifyAuthorization(with_underscore, underscore, "sk"));

  ParsedAuthorization unsorted = *auth;
  std::swap(unsorted.signed_headers[0], unsorted.signed_headers[1]);
  EXPECT_FALSE(VerifyAuthorization(request, unsorted, "sk"));
}

}  // namespace
}  // namespace hss
