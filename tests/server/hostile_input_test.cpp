// `concessions serve` (on the bundled sample) against hostile clients, over
// raw loopback sockets: bad parameters, path traversal, oversized headers and
// bodies, a client that trickles bytes, thousands of idle connections. Every
// attack gets a clear answer (or a hang-up), and /healthz still answers after
// each one.

#include "tests/support/server_process.hpp"
#include "tests/support/test_support.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

using json = nlohmann::json;
using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point start) { return std::chrono::duration<double>(clock_type::now() - start).count(); }

using test::time_bound;

// {"code": "...", "description": "..."} with a non-empty description.
::testing::AssertionResult is_error_json(test::http_reply const& r) {
    json const doc = json::parse(r.body, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return ::testing::AssertionFailure() << "not JSON: " << r.body.substr(0, 300);
    if (!doc.contains("code") || !doc["code"].is_string()) return ::testing::AssertionFailure() << "no code: " << r.body;
    if (!doc.contains("description") || !doc["description"].is_string() || doc["description"].get<std::string>().empty())
        return ::testing::AssertionFailure() << "no description: " << r.body;
    return ::testing::AssertionSuccess();
}

std::string description_of(test::http_reply const& r) {
    json const doc = json::parse(r.body, nullptr, false);
    return doc.is_object() && doc.contains("description") && doc["description"].is_string() ? doc["description"].get<std::string>()
                                                                                             : std::string();
}

class server_e2e_hostile : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        server_ = std::make_unique<test::server_process>("--quiet");  // no SOURCE: the bundled sample
        if (server_->port() == 0) return;
        auto const r = test::http_get(server_->port(), "/collections");
        json const doc = json::parse(r.body, nullptr, false);
        if (doc.is_object() && !doc["collections"].empty()) collection_ = doc["collections"][0]["id"];
    }

    static void TearDownTestSuite() {
        if (!server_) return;
        // After everything thrown at it, SIGTERM still stops it cleanly.
        EXPECT_EQ(server_->stop(), 0);
        server_.reset();
    }

    void SetUp() override {
        ASSERT_TRUE(server_ && server_->port() != 0) << "the server did not start";
        ASSERT_FALSE(collection_.empty()) << "the sample has no collection";
    }

    void TearDown() override { expect_healthy(port()); }

    static void expect_healthy(unsigned short port) {
        auto const r = test::http_get(port, "/healthz", {}, "GET", {}, std::chrono::seconds(10));
        EXPECT_EQ(r.status, 200) << "/healthz after the attack";
        EXPECT_NE(r.body.find("\"ok\""), std::string::npos) << r.body;
    }

    static unsigned short port() { return server_->port(); }
    static std::string items() { return "/collections/" + collection_ + "/items"; }

    static inline std::unique_ptr<test::server_process> server_;
    static inline std::string collection_;
};

TEST_F(server_e2e_hostile, bad_bbox_limit_and_offset_are_400_json_naming_the_parameter) {
    time_bound bound;
    std::vector<std::pair<std::string, std::string>> const cases = {
        {"bbox=102,10,103", "bbox"},
        {"bbox=102,10,103,11,104", "bbox"},
        {"bbox=NaN,10,103,11", "bbox"},
        {"bbox=102,nan,103,11", "bbox"},
        {"bbox=inf,10,103,11", "bbox"},
        {"bbox=104,10,103,11", "bbox"},  // min > max
        {"bbox=102,12,103,11", "bbox"},
        {"bbox=102,10,103,", "bbox"},
        {"bbox=a,b,c,d", "bbox"},
        {"bbox=", "bbox"},
        {"bbox=-200,10,103,11", "bbox"},
        {"limit=-1", "limit"},
        {"limit=abc", "limit"},
        {"limit=0", "limit"},
        {"limit=1.5", "limit"},
        {"limit=", "limit"},
        {"offset=-1", "offset"},
        {"offset=abc", "offset"},
        {"offset=1e3", "offset"},
        {"datetime=2011-13-01", "datetime"},
        {"datetime=2012-01-01/2011-01-01", "datetime"},
        {"sortby=nosuchfield", "sortby"},
        {"f=exe", "f"},
        {"limit=1&limit=2", "limit"},
    };
    for (auto const& [query, parameter] : cases) {
        auto const r = test::http_get(port(), items() + "?" + query);
        EXPECT_EQ(r.status, 400) << query << ": " << r.body.substr(0, 200);
        EXPECT_TRUE(is_error_json(r)) << query;
        EXPECT_NE(description_of(r).find(parameter), std::string::npos) << query << ": " << r.body;
    }
    // Sanity: the same parameters, well formed, are accepted.
    EXPECT_EQ(test::http_get(port(), items() + "?bbox=102,10,108,15&limit=5&offset=1").status, 200);
}

TEST_F(server_e2e_hostile, unknown_parameter_is_400_listing_the_accepted_ones) {
    time_bound bound;
    auto const r = test::http_get(port(), items() + "?colour=red");
    ASSERT_EQ(r.status, 400) << r.body;
    ASSERT_TRUE(is_error_json(r));
    std::string const description = description_of(r);
    EXPECT_NE(description.find("colour"), std::string::npos) << description;
    for (std::string const accepted : {"bbox", "limit", "offset", "province", "q", "datetime", "sortby", "f"})
        EXPECT_NE(description.find(accepted), std::string::npos) << accepted << " not listed in: " << description;
}

TEST_F(server_e2e_hostile, path_traversal_is_refused_and_never_reads_files) {
    time_bound bound;
    // Sent as is: test::http_get does no path normalisation (curl would).
    for (std::string const target :
         {"/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E/%2E%2E/etc/passwd", "/..%2f..%2fetc%2fpasswd",
          "/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/assets/../../../etc/passwd", "/assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
          "/assets/..%2f..%2f..%2fetc%2fpasswd", "/assets/%2fetc%2fpasswd", "/assets/....//....//etc/passwd",
          "/assets/..\\..\\etc\\passwd", "/assets/%5c..%5c..%5cetc%5cpasswd", "/collections/../../../etc/passwd",
          "/collections/%2e%2e/%2e%2e/etc/passwd/items", "//etc/passwd", "/etc/passwd", "/assets/%00../etc/passwd",
          "/./healthz", "/collections/./"}) {
        auto const r = test::http_get(port(), target);
        EXPECT_TRUE(r.status == 400 || r.status == 404) << target << " -> " << r.status;
        EXPECT_EQ(r.body.find("root:"), std::string::npos) << target << " leaked /etc/passwd";
        EXPECT_TRUE(is_error_json(r)) << target;
    }
}

TEST_F(server_e2e_hostile, a_100_kb_header_is_431) {
    time_bound bound;
    auto const r = test::http_get(port(), "/healthz", "X-Padding: " + std::string(100 * 1024, 'a') + "\r\n");
    EXPECT_EQ(r.status, 431) << r.body;
    EXPECT_TRUE(is_error_json(r));
    // Many small headers that add up to the same.
    std::string many;
    for (int i = 0; i < 2000; ++i) many += "X-H" + std::to_string(i) + ": " + std::string(40, 'b') + "\r\n";
    auto const r2 = test::http_get(port(), "/healthz", many);
    EXPECT_EQ(r2.status, 431) << r2.body;
}

TEST_F(server_e2e_hostile, a_10_mb_body_is_413) {
    time_bound bound;
    std::string const body(10 * 1024 * 1024, 'x');
    for (std::string const method : {"POST", "PUT", "GET"}) {
        auto const r = test::http_get(port(), "/healthz", {}, method, body);
        EXPECT_EQ(r.status, 413) << method << ": " << r.body;
        EXPECT_TRUE(is_error_json(r)) << method;
    }
    // A declared 10 MB body that never comes: refused on the header alone.
    auto const declared = test::http_get(port(), "/healthz", "Content-Length: 10485760\r\n", "POST", {}, std::chrono::seconds(10));
    EXPECT_EQ(declared.status, 413) << declared.body;
}

TEST_F(server_e2e_hostile, malformed_requests_get_400_and_the_server_keeps_serving) {
    time_bound bound;
    for (std::string const& raw : {std::string("NOT HTTP AT ALL\r\n\r\n"), std::string("GET /healthz HTTP/9.9\r\n\r\n"),
                                  std::string("GET /healthz HTTP/1.1\r\nContent-Length: -5\r\n\r\n"),
                                  std::string("GET /healthz HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
                                  std::string("GET\x01/ HTTP/1.1\r\n\r\n")}) {
        int const fd = test::connect_loopback(port());
        ASSERT_GE(fd, 0);
        ASSERT_EQ(::send(fd, raw.data(), raw.size(), MSG_NOSIGNAL), static_cast<ssize_t>(raw.size()));
        std::string const reply = test::read_until_closed(fd, std::chrono::seconds(10));  // and closes it
        EXPECT_EQ(reply.substr(0, 12), "HTTP/1.1 400") << "for " << raw.substr(0, 40) << ": " << reply.substr(0, 200);
        expect_healthy(port());
    }
    // Bytes that are not UTF-8 come back (if at all) as valid JSON.
    for (std::string const& target : std::vector<std::string>{items() + "?province=%FF%FE", "/collections/%FF", items() + "/%C0%AF", "/provinces/%ED%A0%80",
                                     items() + "?q=%FF", items() + "?sortby=%FF", items() + "?%FF=1"}) {
        auto const r = test::http_get(port(), target);
        EXPECT_NE(r.status, 0) << target;
        EXPECT_LT(r.status, 500) << target;
        EXPECT_FALSE(json::parse(r.body, nullptr, false).is_discarded()) << target << " gave invalid JSON: " << r.body.substr(0, 200);
    }
}

// A client that sends one byte a second never completes a request: with
// --read-timeout 2 the server hangs up on it after about two seconds.
TEST(server_e2e_slow_client, one_byte_a_second_is_disconnected_after_the_read_timeout) {
    time_bound bound;
    test::server_process server("--quiet --read-timeout 2");
    ASSERT_NE(server.port(), 0);
    int const fd = test::connect_loopback(server.port());
    ASSERT_GE(fd, 0);
    std::string const request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1\r\n\r\n";
    auto const start = clock_type::now();
    double closed_after = -1;
    std::string received;
    for (std::size_t i = 0; i < request.size() && closed_after < 0 && seconds_since(start) < 10; ++i) {
        if (::send(fd, &request[i], 1, MSG_NOSIGNAL) != 1) {
            closed_after = seconds_since(start);
            break;
        }
        // Wait a second for the next byte, watching for the hang-up.
        auto const byte_sent = clock_type::now();
        while (closed_after < 0 && seconds_since(byte_sent) < 1.0) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            char buf[1024];
            ssize_t const n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0)
                closed_after = seconds_since(start);
            else
                received.append(buf, static_cast<std::size_t>(n));
        }
    }
    ::close(fd);
    ASSERT_GE(closed_after, 0) << "still connected after " << seconds_since(start) << " s";
    EXPECT_LE(closed_after, 5.0);
    EXPECT_GE(closed_after, 1.5) << "closed before the read timeout";
    EXPECT_EQ(received.find("200 OK"), std::string::npos) << "an incomplete request was answered: " << received;
    auto const r = test::http_get(server.port(), "/healthz");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(server.stop(), 0);
}

// Two requests in one packet (HTTP/1.1 pipelining): both are answered, in
// order, on the same connection.
TEST_F(server_e2e_hostile, pipelined_requests_are_all_answered_in_order) {
    time_bound bound;
    int const fd = test::connect_loopback(port());
    ASSERT_GE(fd, 0);
    std::string const requests =
        "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        "GET /conformance HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n"
        "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    ASSERT_EQ(::send(fd, requests.data(), requests.size(), MSG_NOSIGNAL), static_cast<ssize_t>(requests.size()));
    std::string const received = test::read_until_closed(fd, std::chrono::seconds(10));  // closed after the third, as asked
    std::vector<std::size_t> at;
    for (auto pos = received.find("HTTP/1.1 "); pos != std::string::npos; pos = received.find("HTTP/1.1 ", pos + 1)) at.push_back(pos);
    ASSERT_EQ(at.size(), 3u) << received;
    for (auto pos : at) EXPECT_EQ(received.substr(pos, 12), "HTTP/1.1 200") << received;
    EXPECT_NE(received.find("\"status\":\"ok\"", at[0]), std::string::npos);
    EXPECT_LT(received.find("conformsTo", at[1]), at[2]) << "the second answer is not the conformance document";
}

TEST_F(server_e2e_hostile, two_thousand_idle_connections_do_not_stop_service) {
    time_bound bound;
    constexpr std::size_t idle_count = 2000;
    rlimit lim{};
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &lim), 0);
    rlim_t const needed = idle_count + 256;
    if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur < needed) {
        if (lim.rlim_max != RLIM_INFINITY && lim.rlim_max < needed)
            GTEST_SKIP() << "SKIPPED: the hard limit on open files (" << lim.rlim_max << ") is below " << needed;
        lim.rlim_cur = needed;
        ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &lim), 0);
    }
    std::vector<int> idle;
    idle.reserve(idle_count);
    for (std::size_t i = 0; i < idle_count; ++i) {
        int const fd = test::connect_loopback(port());
        if (fd < 0) break;
        idle.push_back(fd);
    }
    EXPECT_EQ(idle.size(), idle_count) << "could not open every connection";

    auto const start = clock_type::now();
    auto const r = test::http_get(port(), "/healthz", {}, "GET", {}, std::chrono::seconds(10));
    EXPECT_EQ(r.status, 200) << "with " << idle.size() << " idle connections";
    EXPECT_LT(seconds_since(start), 5.0);
    // The server holds them all open (accepted, not left in the backlog).
    auto const m = test::http_get(port(), "/metrics");
    auto const at = m.body.find("\nconcessions_open_connections ");
    ASSERT_NE(at, std::string::npos) << m.body;
    EXPECT_GE(std::stol(m.body.substr(at + 30)), static_cast<long>(idle.size()));
    // An old idle connection still works too.
    if (!idle.empty()) {
        std::string const request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        ASSERT_EQ(::send(idle.front(), request.data(), request.size(), MSG_NOSIGNAL), static_cast<ssize_t>(request.size()));
        pollfd p{idle.front(), POLLIN, 0};
        ASSERT_EQ(::poll(&p, 1, 10'000), 1);
        char buf[256];
        ssize_t const n = ::recv(idle.front(), buf, sizeof buf, 0);
        ASSERT_GT(n, 12);
        EXPECT_EQ(std::string(buf, 12), "HTTP/1.1 200");
    }
    for (int fd : idle) ::close(fd);
}

}  // namespace
