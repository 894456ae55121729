// `concessions serve` end to end on the real ODC layers: HTTP behaviour
// (ETag, gzip, CORS, HEAD, methods, /healthz and /metrics, 404s, cached
// headers, stopping on SIGTERM).

#include "tests/server/api_e2e_support.hpp"

#include <chrono>
#include <set>
#include <string>

#include <unistd.h>

namespace {

using namespace api_e2e;  // the suite's server, oracles and helpers

TEST_F(server_e2e_api, etag_and_if_none_match_give_304) {
    time_bound bound;
    for (std::string const target : {"/collections/elc/items?limit=3", "/collections", "/collections/elc/items/5", "/provinces", "/api"}) {
        auto const first = get(target);
        ASSERT_EQ(first.status, 200) << target;
        std::string const etag = header(first, "etag");
        ASSERT_FALSE(etag.empty()) << target << " has no ETag";
        EXPECT_EQ(etag.front(), '"');
        auto const again = get(target, "If-None-Match: " + etag + "\r\n");
        EXPECT_EQ(again.status, 304) << target;
        EXPECT_TRUE(again.body.empty()) << target;
        EXPECT_EQ(header(again, "etag"), etag);
        EXPECT_EQ(get(target, "If-None-Match: \"something-else\"\r\n").status, 200) << target;
    }
}

TEST_F(server_e2e_api, gzip_when_the_client_accepts_it) {
    time_bound bound;
    test::scratch_dir dir;
    std::string const target = "/collections/elc/items?limit=20";
    auto const plain = get(target);
    ASSERT_EQ(plain.status, 200);
    EXPECT_EQ(plain.headers.count("content-encoding"), 0u);
    auto const zipped = get(target, "Accept-Encoding: gzip, deflate\r\n");
    ASSERT_EQ(zipped.status, 200);
    ASSERT_EQ(header(zipped, "content-encoding"), "gzip");
    EXPECT_LT(zipped.body.size(), plain.body.size() / 2);
    write_file(dir / "body.gz", zipped.body);
    auto const gunzip = test::run("gzip -dc " + test::quote((dir / "body.gz").string()));
    ASSERT_EQ(gunzip.exit_code, 0) << gunzip.err;
    json a = json::parse(gunzip.out, nullptr, false), b = json::parse(plain.body, nullptr, false);
    ASSERT_FALSE(a.is_discarded());
    a.erase("timeStamp");
    b.erase("timeStamp");
    EXPECT_EQ(a, b);
}

TEST_F(server_e2e_api, cors_head_and_method_handling) {
    time_bound bound;
    auto const data = get("/collections/elc/items?limit=1");
    EXPECT_EQ(header(data, "access-control-allow-origin"), "*");
    auto const error = get("/collections/nope");
    EXPECT_EQ(header(error, "access-control-allow-origin"), "*");
    auto const preflight = get("/collections/elc/items", "Origin: https://example.org\r\nAccess-Control-Request-Method: GET\r\n", "OPTIONS");
    EXPECT_EQ(preflight.status, 204);
    EXPECT_NE(header(preflight, "access-control-allow-methods").find("GET"), std::string::npos);

    for (std::string const target : {"/collections", "/collections/elc/items?limit=5", "/healthz"}) {
        auto const full = get(target);
        auto const head = get(target, {}, "HEAD");
        EXPECT_EQ(head.status, 200) << target;
        EXPECT_TRUE(head.body.empty()) << target << " HEAD sent " << head.body.size() << " bytes of body";
        EXPECT_EQ(header(head, "content-type"), header(full, "content-type")) << target;
        EXPECT_EQ(header(head, "content-length"), std::to_string(full.body.size())) << target;
    }

    for (std::string const method : {"POST", "PUT", "DELETE", "PATCH"}) {
        auto const r = get("/collections/elc/items", {}, method);
        EXPECT_EQ(r.status, 405) << method;
        EXPECT_NE(header(r, "allow").find("GET"), std::string::npos) << method;
        json const doc = json::parse(r.body, nullptr, false);
        EXPECT_TRUE(doc.is_object() && doc.contains("code") && doc.contains("description")) << r.body;
    }
}

TEST_F(server_e2e_api, healthz_and_metrics_count_requests) {
    time_bound bound;
    json const health = get_json("/healthz");
    ASSERT_TRUE(health.is_object());
    EXPECT_EQ(health["status"], "ok");

    auto count_of = [&](std::string const& series) -> long {
        auto const r = get("/metrics");
        EXPECT_EQ(r.status, 200);
        EXPECT_NE(header(r, "content-type").find("text/plain"), std::string::npos);
        EXPECT_NE(r.body.find("# TYPE concessions_http_requests_total counter"), std::string::npos) << r.body;
        auto const at = r.body.find("\n" + series + " ");
        return at == std::string::npos ? 0 : std::stol(r.body.substr(at + series.size() + 2));
    };
    std::string const ok = R"(concessions_http_requests_total{route="collections",status="2xx"})";
    std::string const missing = R"(concessions_http_requests_total{route="collections",status="4xx"})";
    long const ok_before = count_of(ok), missing_before = count_of(missing);
    for (int i = 0; i < 3; ++i) ASSERT_EQ(get("/collections").status, 200);
    ASSERT_EQ(get("/collections/nope").status, 404);
    EXPECT_EQ(count_of(ok), ok_before + 3);
    EXPECT_EQ(count_of(missing), missing_before + 1);
}

TEST_F(server_e2e_api, unknown_collection_or_feature_is_404_json) {
    time_bound bound;
    for (std::string const target : {"/collections/nope", "/collections/nope/items", "/collections/nope/queryables",
                                     "/collections/elc/items/999999", "/collections/elc/items/abc", "/collections/elc/items/-1",
                                     "/no/such/thing", "/provinces/Atlantis"}) {
        auto const r = get(target);
        EXPECT_EQ(r.status, 404) << target;
        EXPECT_EQ(header(r, "content-type"), "application/json") << target;
        json const doc = json::parse(r.body, nullptr, false);
        ASSERT_TRUE(doc.is_object()) << target << ": " << r.body;
        EXPECT_TRUE(doc["code"].is_string()) << r.body;
        EXPECT_TRUE(doc["description"].is_string() && !doc["description"].get<std::string>().empty()) << r.body;
    }
}

// A response's own headers come with it from the cache too: a versioned
// asset stays immutable however many times it is asked for (it is cached
// from the second request on; the server's own default is max-age=60).
TEST(server_e2e_api_sample, cached_answers_keep_their_own_cache_control) {
    test::server_process server("--quiet");
    ASSERT_NE(server.port(), 0);
    auto const page = test::http_get(server.port(), "/", "Accept: text/html\r\n");
    ASSERT_EQ(page.status, 200);
    auto const at = page.body.find("assets/style.css?v=");
    ASSERT_NE(at, std::string::npos) << "the page names no versioned stylesheet";
    std::string const asset = "/" + page.body.substr(at, page.body.find('"', at) - at);
    for (int i = 0; i < 4; ++i) {
        auto const a = test::http_get(server.port(), asset);
        ASSERT_EQ(a.status, 200) << asset;
        EXPECT_EQ(a.headers.count("cache-control") ? a.headers.at("cache-control") : "", "public, max-age=31536000, immutable")
            << asset << ", request " << i + 1;
    }
    EXPECT_EQ(server.stop(), 0);
}

// A server of its own, so that stopping it leaves the suite's alone: SIGTERM
// with a keep-alive connection open still exits promptly with status 0.
TEST(server_e2e_api_stop, sigterm_with_an_idle_keep_alive_connection_exits_0_promptly) {
    REQUIRE_SHARED_DATA();
    time_bound bound;
    test::server_process server("--quiet " + test::quote(catalog().string()));
    ASSERT_NE(server.port(), 0);
    ASSERT_EQ(test::http_get(server.port(), "/collections/elc/items?limit=1").status, 200);
    int const idle = test::connect_loopback(server.port());
    ASSERT_GE(idle, 0);
    auto const started = clock_type::now();
    int const status = server.stop();
    double const took = std::chrono::duration<double>(clock_type::now() - started).count();
    ::close(idle);
    EXPECT_EQ(status, 0) << slurp(server.log_path());
    EXPECT_LT(took, 5.0) << "an idle connection held up the stop";
    EXPECT_NE(slurp(server.log_path()).find("stopped"), std::string::npos);
}

}  // namespace
