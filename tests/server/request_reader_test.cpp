// The request reader (server/request_reader.hpp) on bytes in memory, no
// socket: each framing that two parsers could read differently (RFC 9112
// section 6) is refused with the status the session will send, and a
// well-framed request stops exactly at its end, leaving the next one.

#include "server/request_reader.hpp"

#include <gtest/gtest.h>
#include <boost/beast/http/error.hpp>

#include <algorithm>
#include <string>

namespace {

using server::request_fault;
namespace http = boost::beast::http;

struct outcome {
    boost::beast::error_code ec;
    request_fault fault = request_fault::none;
    unsigned status = 0;  // of the refusal; 0 when the request was read
    bool done = false;
    bool expects_continue = false;
    std::size_t used = 0;  // bytes that belong to the request
    server::request_head head;
};

// Reads one request from `bytes` as the session does, the bytes arriving
// `piece` at a time (what the reader has not used stays in front of them).
outcome read_one(std::string const& bytes, std::size_t piece = std::string::npos,
                 std::uint64_t body_limit = 64 * 1024) {
    outcome out;
    server::request_reader reader(out.head);
    reader.header_limit(16 * 1024);
    reader.body_limit(body_limit);
    reader.eager(true);
    std::size_t arrived = 0;
    while (!reader.is_done() && arrived < bytes.size()) {
        arrived = std::min(bytes.size(), piece == std::string::npos ? bytes.size() : arrived + piece);
        while (out.used < arrived && !reader.is_done()) {
            std::size_t const n = reader.put(boost::asio::buffer(bytes.data() + out.used, arrived - out.used), out.ec);
            out.used += n;
            if (out.ec == http::error::need_more) {
                out.ec = {};
                break;
            }
            if (out.ec) {
                out.fault = reader.fault();
                out.status =
                    server::refusal_for(out.ec, out.fault, reader.fault_detail(), 16 * 1024, body_limit).status;
                return out;
            }
        }
    }
    out.done = reader.is_done();
    out.expects_continue = reader.is_header_done() && reader.expects_continue();
    return out;
}

std::string const next_request = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";

// A request with `headers` and `body`, and a second one behind it.
std::string post(std::string const& headers, std::string const& body = {}) {
    return "POST /x HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n" + body + next_request;
}

TEST(request_reader, a_well_framed_request_ends_where_the_next_begins) {
    for (std::size_t piece : {std::string::npos, std::size_t{1}, std::size_t{7}}) {
        for (auto const& [headers, body] : std::vector<std::pair<std::string, std::string>>{
                 {"", ""},
                 {"Content-Length: 5\r\n", "hello"},
                 {"Content-Length: 5, 5\r\n", "hello"},  // the same value twice is one value (RFC 9110 section 8.6)
                 {"Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"},
                 {"Transfer-Encoding: Chunked\r\n", "5;name=value\r\nhello\r\n0\r\n\r\n"},
                 {"Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\nHost: trailer\r\nX: y\r\n\r\n"}}) {
            std::string const bytes = post(headers, body);
            auto const r = read_one(bytes, piece);
            EXPECT_FALSE(r.ec) << headers << ": " << r.ec.message();
            EXPECT_TRUE(r.done) << headers;
            EXPECT_EQ(r.used, bytes.size() - next_request.size()) << headers << " (pieces of " << piece << ")";
            EXPECT_EQ(r.head.host, "x") << "a trailer is no header";
        }
    }
}

// RFC 9112 section 6.3, rule 3: both is an attempt at smuggling.
TEST(request_reader, transfer_encoding_with_content_length_is_400) {
    for (std::string const headers :
         {"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
          "Transfer-Encoding: xchunked\r\nContent-Length: 5\r\n",
          "Content-Length: 5\r\nTransfer-Encoding: xchunked\r\n",
          "Transfer-Encoding: identity\r\nContent-Length: 5\r\n"}) {
        auto const r = read_one(post(headers, "0\r\n\r\n"));
        EXPECT_EQ(r.status, 400u) << headers;
        EXPECT_EQ(r.fault, request_fault::transfer_and_length) << headers;
    }
}

// Rule 4: chunked last, once; section 6.1: any other coding is unknown (501).
TEST(request_reader, a_final_coding_other_than_chunked_is_400_and_an_unknown_one_501) {
    for (std::string const coding :
         {"xchunked", "chunked, identity", "identity", "chunked, chunked", "chunked,", "gzip",
          "chunked\r\nTransfer-Encoding: x", " ", "x\r\nTransfer-Encoding: chunked, x"}) {
        auto const r = read_one(post("Transfer-Encoding: " + coding + "\r\n", "5\r\nhello\r\n0\r\n\r\n"));
        EXPECT_EQ(r.status, 400u) << coding;
        EXPECT_EQ(r.fault, request_fault::chunked_not_final) << coding;
    }
    for (std::string const coding : {"gzip, chunked", "x\r\nTransfer-Encoding: chunked"}) {
        auto const r = read_one(post("Transfer-Encoding: " + coding + "\r\n", "5\r\nhello\r\n0\r\n\r\n"));
        EXPECT_EQ(r.status, 501u) << coding;
        EXPECT_EQ(r.fault, request_fault::coding_unknown) << coding;
    }
    auto const old = read_one("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    EXPECT_EQ(old.status, 400u);
    EXPECT_EQ(old.fault, request_fault::transfer_in_http10);
}

TEST(request_reader, differing_or_malformed_content_lengths_are_400) {
    for (std::string const headers : {"Content-Length: 5, 6\r\n", "Content-Length: 5\r\nContent-Length: 6\r\n",
                                      "Content-Length: -5\r\n", "Content-Length: 5 5\r\n", "Content-Length: 0x5\r\n",
                                      "Content-Length: \r\n", "Content-Length: 99999999999999999999999\r\n"}) {
        auto const r = read_one(post(headers, "hello"));
        EXPECT_EQ(r.status, 400u) << headers;
        EXPECT_EQ(r.fault, request_fault::length_invalid) << headers;
    }
}

// Section 5.2: Beast would join the folded line to the one before.
TEST(request_reader, an_obs_folded_header_is_400_however_the_bytes_arrive) {
    for (std::size_t piece : {std::string::npos, std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{5}}) {
        for (std::string const headers :
             {"X-A: a\r\n b\r\n", "X-A: a\r\n\tb\r\n", "X-A:\r\n b\r\n", "Transfer-Encoding: identity\r\n chunked\r\n",
              "Content-Length: 5\r\n 6\r\n"}) {
            auto const r = read_one(post(headers, "hello"), piece);
            EXPECT_EQ(r.status, 400u) << headers << " in pieces of " << piece;
            EXPECT_EQ(r.fault, request_fault::obs_fold) << headers << " in pieces of " << piece;
        }
        auto const first = read_one("GET / HTTP/1.1\r\n Host: x\r\n\r\n", piece);  // whitespace before the first field
        EXPECT_EQ(first.status, 400u) << piece;
    }
    // Spaces inside a value, and a space or CRLF in the body, are no fold.
    EXPECT_TRUE(read_one(post("X-A: a b\r\nContent-Length: 4\r\n", "\r\n x")).done);
}

// Section 5.1: whitespace between a field name and its colon.
TEST(request_reader, whitespace_before_the_colon_is_400) {
    for (std::string const headers : {"Transfer-Encoding : chunked\r\n", "Content-Length : 5\r\n", "Host\t: x\r\n"}) {
        auto const r = read_one(post(headers, "0\r\n\r\n"));
        EXPECT_EQ(r.status, 400u) << headers;
    }
}

// Section 3.2.
TEST(request_reader, http11_needs_exactly_one_valid_host) {
    EXPECT_EQ(read_one("GET / HTTP/1.1\r\n\r\n").fault, request_fault::host_missing);
    EXPECT_EQ(read_one("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n").fault, request_fault::host_missing);
    EXPECT_EQ(read_one("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n").status, 400u);
    EXPECT_EQ(read_one("GET / HTTP/1.1\r\nHost: a b\r\n\r\n").fault, request_fault::host_invalid);
    EXPECT_EQ(read_one("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n").fault, request_fault::host_invalid);
    EXPECT_EQ(read_one("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n").fault, request_fault::host_missing);
    for (std::string const fine : {"GET / HTTP/1.0\r\n\r\n", "GET / HTTP/1.1\r\nHost: example.org:8080\r\n\r\n",
                                   "GET / HTTP/1.1\r\nHost: [::1]:80\r\n\r\n",
                                   "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "GET / HTTP/1.1\r\nHost:\r\n\r\n"}) {
        auto const r = read_one(fine);
        EXPECT_TRUE(r.done) << fine << ": " << r.ec.message();
    }
}

// Section 7.1: chunk-size is hex digits, then only extensions.
TEST(request_reader, a_bad_chunk_size_or_extension_is_400) {
    for (std::string const chunk :
         {"zz\r\nhello\r\n0\r\n\r\n", "1 0\r\nhello\r\n0\r\n\r\n", "5 \r\nhello\r\n0\r\n\r\n",
          "-5\r\nhello\r\n0\r\n\r\n", "0x5\r\nhello\r\n0\r\n\r\n", "10000000000000000\r\nhello\r\n0\r\n\r\n",
          "5;\r\nhello\r\n0\r\n\r\n", "5;=x\r\nhello\r\n0\r\n\r\n", "5;a=\"b\"c\r\nhello\r\n0\r\n\r\n",
          "5;a=\"b\r\nhel\"lo\r\n0\r\n\r\n",  // a quoted value across the line end
          "5\r\nhelloXX0\r\n\r\n", "5\nhello\r\n0\r\n\r\n"}) {
        auto const r = read_one(post("Transfer-Encoding: chunked\r\n", chunk));
        EXPECT_EQ(r.status, 400u) << chunk;
        EXPECT_FALSE(r.done) << chunk;
    }
}

// RFC 9110 section 10.1.1.
TEST(request_reader, expect_100_continue_waits_for_the_body_and_others_are_417) {
    auto const ok = read_one("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
    EXPECT_FALSE(ok.ec) << ok.ec.message();
    EXPECT_FALSE(ok.done);
    EXPECT_TRUE(ok.expects_continue);
    auto const chunked =
        read_one("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-Continue\r\nTransfer-Encoding: chunked\r\n\r\n");
    EXPECT_TRUE(chunked.expects_continue);
    auto const unknown = read_one("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue, x\r\nContent-Length: 5\r\n\r\n");
    EXPECT_EQ(unknown.status, 417u);
    EXPECT_EQ(unknown.fault, request_fault::expectation_unknown);
    // Too large by its Content-Length: 413 from the head, the body unread.
    std::string const head = "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 100\r\n\r\n";
    auto const large = read_one(head, std::string::npos, 10);
    EXPECT_EQ(large.status, 413u);
    EXPECT_FALSE(large.expects_continue);
    // HTTP/1.0 cannot expect 100 Continue: ignored.
    auto const old = read_one("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello");
    EXPECT_TRUE(old.done);
    EXPECT_FALSE(old.expects_continue);
}

}  // namespace
