// `concessions serve` against the known request-smuggling variants, over
// raw loopback sockets (RFC 9112 section 6; the reader's own rules are
// unit-tested in request_reader_test.cpp). Each request is followed in
// the same bytes by a second one, the smuggled request: the server answers
// the first with its refusal and "Connection: close", closes the
// connection, and never answers the second.

#include "tests/support/server_process.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <sys/socket.h>
#include <unistd.h>

namespace {

using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

bool send_all(int fd, std::string const& bytes) {
    return ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
}

// The status lines of the responses a server sent, each found after the
// body of the one before (by its Content-Length: a description may well
// say "HTTP/1.1"). 100 Continue, which has no body, counts too.
std::vector<std::string> status_lines(std::string const& received) {
    std::vector<std::string> lines;
    std::size_t at = 0;
    while (received.compare(at, 7, "HTTP/1.") == 0) {
        auto const head_end = received.find("\r\n\r\n", at);
        if (head_end == std::string::npos) break;
        lines.push_back(received.substr(at, received.find("\r\n", at) - at));
        auto const length_at = received.find("\r\nContent-Length: ", at);
        std::size_t const length = length_at < head_end ? std::stoul(received.substr(length_at + 18)) : 0;
        at = head_end + 4 + length;
    }
    if (at < received.size()) lines.push_back("(not a response) " + received.substr(at, 60));
    return lines;
}

class server_e2e_framing : public ::testing::Test {
protected:
    static void SetUpTestSuite() { server_ = std::make_unique<test::server_process>("--quiet --max-body-bytes 1000"); }
    static void TearDownTestSuite() {
        if (server_) {
            EXPECT_EQ(server_->stop(), 0);
        }
        server_.reset();
    }
    void SetUp() override { ASSERT_TRUE(server_ && server_->port() != 0) << "the server did not start"; }
    void TearDown() override {
        EXPECT_EQ(test::http_get(port(), "/healthz").status, 200) << "/healthz after the attempt";
    }
    static unsigned short port() { return server_->port(); }
    static inline std::unique_ptr<test::server_process> server_;
};

struct desync {
    char const* name;
    std::string head_fields;  // after "GET /healthz HTTP/1.1\r\n", before the empty line
    std::string body;
    unsigned status;
};

// The smuggled request, which no variant may get answered.
std::string const smuggled = "GET /collections HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

TEST_F(server_e2e_framing, every_desync_variant_is_refused_and_the_connection_closed) {
    std::string const host = "Host: 127.0.0.1\r\n";
    std::vector<desync> const variants = {
        {"CL.TE", host + "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\nG", 400},
        {"TE.CL", host + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n", "8\r\nSMUGGLED\r\n0\r\n\r\n", 400},
        {"TE.TE xchunked with CL", host + "Transfer-Encoding: xchunked\r\nContent-Length: 4\r\n", "1\r\nZ\r\n", 400},
        {"TE.TE xchunked", host + "Transfer-Encoding: xchunked\r\n", "1\r\nZ\r\n0\r\n\r\n", 400},
        {"TE.TE chunked then x", host + "Transfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n", "0\r\n\r\n", 400},
        {"TE.TE x then chunked", host + "Transfer-Encoding: x\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n", 501},
        {"TE.TE chunked, identity", host + "Transfer-Encoding: chunked, identity\r\n", "0\r\n\r\n", 400},
        {"TE.TE identity", host + "Transfer-Encoding: identity\r\n", "0\r\n\r\n", 400},
        {"TE.TE quoted", host + "Transfer-Encoding: \"chunked\"\r\n", "0\r\n\r\n", 400},
        {"TE.TE space before colon", host + "Transfer-Encoding : chunked\r\n", "0\r\n\r\n", 400},
        {"TE.TE folded value", host + "Transfer-Encoding:\r\n chunked\r\n", "0\r\n\r\n", 400},
        {"TE.TE folded line", host + "X-A: b\r\n Transfer-Encoding: chunked\r\n", "0\r\n\r\n", 400},
        {"space in the chunk size", host + "Transfer-Encoding: chunked\r\n", "1 0\r\n0123456789abcdef\r\n0\r\n\r\n",
         400},
        {"chunk size then space", host + "Transfer-Encoding: chunked\r\n", "5 \r\nhello\r\n0\r\n\r\n", 400},
        {"bad chunk extension", host + "Transfer-Encoding: chunked\r\n", "5;=x\r\nhello\r\n0\r\n\r\n", 400},
        {"CL.CL in one header", host + "Content-Length: 5, 6\r\n", "hello", 400},
        {"CL.CL in two headers", host + "Content-Length: 5\r\nContent-Length: 6\r\n", "hello", 400},
        {"no Host", "Content-Length: 5\r\n", "hello", 400},
        {"two Hosts", host + "Host: other\r\n", "", 400},
        {"unknown expectation", host + "Expect: 200-ok\r\nContent-Length: 5\r\n", "hello", 417},
    };
    for (auto const& v : variants) {
        int const fd = test::connect_loopback(port());
        ASSERT_GE(fd, 0);
        ASSERT_TRUE(send_all(fd, "GET /healthz HTTP/1.1\r\n" + v.head_fields + "\r\n" + v.body + smuggled)) << v.name;
        auto const start = clock_type::now();
        std::string const received = test::read_until_closed(fd, 10s);
        EXPECT_LT(clock_type::now() - start, 5s) << v.name << ": the connection was left open";
        auto const lines = status_lines(received);
        ASSERT_EQ(lines.size(), 1u) << v.name << ": a smuggled request was answered:\n" << received;
        EXPECT_EQ(lines[0].substr(0, 12), "HTTP/1.1 " + std::to_string(v.status)) << v.name << ": " << received;
        EXPECT_NE(received.find("Connection: close\r\n"), std::string::npos) << v.name << ": " << received;
        EXPECT_NE(received.find("\"description\""), std::string::npos) << v.name << ": " << received;
    }
}

// The same bytes, well framed, are two requests, both answered: the
// refusals above are the framing's, not the smuggled request's.
TEST_F(server_e2e_framing, a_well_framed_body_leaves_the_next_request_to_be_answered) {
    for (std::string const framing :
         {"Content-Length: 5\r\n\r\nhello", "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"}) {
        int const fd = test::connect_loopback(port());
        ASSERT_GE(fd, 0);
        ASSERT_TRUE(send_all(fd, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + framing +
                                     "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
        auto const lines = status_lines(test::read_until_closed(fd, 10s));
        ASSERT_EQ(lines.size(), 2u) << framing;
        for (auto const& line : lines) EXPECT_EQ(line, "HTTP/1.1 200 OK") << framing;
    }
}

// RFC 9110 section 10.1.1: the client sends the body only after "100 Continue".
TEST_F(server_e2e_framing, expect_100_continue_is_answered_before_the_body) {
    for (std::string const framing : {"Content-Length: 5\r\n", "Transfer-Encoding: chunked\r\n"}) {
        int const fd = test::connect_loopback(port());
        ASSERT_GE(fd, 0);
        ASSERT_TRUE(
            send_all(fd, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nExpect: 100-continue\r\n" +
                             framing + "\r\n"));
        std::string const interim = test::read_until(fd, "\r\n\r\n", 5s);
        EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n") << framing;
        ASSERT_TRUE(send_all(fd, framing[0] == 'C' ? "hello" : "5\r\nhello\r\n0\r\n\r\n"));
        std::string const final_answer = test::read_until_closed(fd, 10s);
        EXPECT_EQ(final_answer.substr(0, 15), "HTTP/1.1 200 OK") << framing << ": " << final_answer;
    }
}

TEST_F(server_e2e_framing, expect_100_continue_with_too_large_a_body_is_413_without_reading_it) {
    int const fd = test::connect_loopback(port());
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(send_all(
        fd, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: 100000\r\n\r\n"));
    auto const start = clock_type::now();
    std::string const received = test::read_until_closed(fd, 10s);  // the body never comes: closed at once
    EXPECT_LT(clock_type::now() - start, 5s);
    EXPECT_EQ(received.substr(0, 12), "HTTP/1.1 413") << received;
    EXPECT_EQ(received.find("100 Continue"), std::string::npos) << received;
}

}  // namespace
