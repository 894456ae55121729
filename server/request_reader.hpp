#pragma once
// Reading a request (internal to server/): Beast's HTTP parser, keeping only
// what the session uses, and refusing the heads whose framing two parsers
// could read differently (request smuggling; RFC 9112 sections 3.2, 5 and 6).

#include "server/messages.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace server {

// What a request says that the server uses: its line and five headers,
// copied into strings the session keeps, so that after the first few
// requests parsing allocates nothing.
struct request_head {
    boost::beast::http::verb method = boost::beast::http::verb::unknown;
    std::string method_string, target, accept, accept_encoding, if_none_match, host, accept_language;
    unsigned version = 11;
    void clear() {
        method = boost::beast::http::verb::unknown;
        for (auto* s : {&method_string, &target, &accept, &accept_encoding, &if_none_match, &host, &accept_language}) s->clear();
        version = 11;
    }
};

// Why a head is refused beyond what Beast's parser refuses by itself (it
// already refuses whitespace before a colon, a bad or conflicting
// Content-Length, "chunked" twice and a bad chunk size or extension).
enum class request_fault : std::uint8_t {
    none,
    obs_fold,             // a line that starts with a space or tab (RFC 9112 section 5.2)
    host_missing,         // HTTP/1.1 without Host, or with two (section 3.2)
    host_invalid,         // a Host that is no host[:port] (section 3.2)
    length_invalid,       // Content-Length not one number (section 6.3, rule 5)
    transfer_and_length,  // Transfer-Encoding with Content-Length (section 6.3, rule 3)
    chunked_not_final,    // the last coding is not chunked, or chunked is there twice (section 6.3, rule 4)
    coding_unknown,       // a coding other than chunked: this server decodes none (section 6.1)
    transfer_in_http10,   // Transfer-Encoding in HTTP/1.0 means faulty framing (section 6.1)
    expectation_unknown,  // an Expect other than 100-continue (RFC 9110 section 10.1.1)
};

// The answer to a request that could not be read: its status and words.
// After it the connection is closed, as RFC 9112 asks after every
// framing error: what follows cannot be trusted to be a request.
struct refusal {
    unsigned status = 400;
    message what;
};
refusal refusal_for(boost::beast::error_code ec, request_fault fault, std::string_view detail, std::size_t header_limit,
                    std::uint64_t body_limit);

// Finds obs-fold (a header line that starts with a space or tab) in a head
// that Beast reads a piece at a time, looking at each byte once: Beast
// would join a folded line to the one before, and a proxy might not.
class fold_finder {
public:
    // `bytes` are the unread bytes, the first `consumed` of the message
    // having gone before them. True when a fold is there.
    bool folds(std::string_view bytes, std::uint64_t consumed);

private:
    std::uint64_t looked_ = 0;  // of the message, how far no fold was found
};

// Beast's parser with the request kept as a request_head. Beast's own
// request_parser stores every header in a tree of nodes allocated one by
// one, and looking four of them up again cost more than the rest of
// answering a cached tile. A body, which no GET or HEAD needs, is counted
// against the body limit and dropped. A repeated header keeps its first
// value, as Beast's lookup did; trailer fields are ignored.
class request_reader : public boost::beast::http::basic_parser<true> {
public:
    using error_code = boost::beast::error_code;

    explicit request_reader(request_head& head) : head_(head) { head_.clear(); }

    // Beast's put, with obs-fold refused before Beast joins the lines, and
    // a refused length or coding named in fault().
    std::size_t put(boost::asio::const_buffer bytes, error_code& ec);

    // Why the head was refused (none when Beast refused it for a reason
    // of its own, or when it was not).
    request_fault fault() const { return fault_; }
    // The Transfer-Encoding or Expect value the fault is about.
    std::string const& fault_detail() const { return detail_; }
    // The client waits for "100 Continue" before it sends the body.
    bool expects_continue() const { return expects_continue_; }

private:
    using string_view = boost::beast::string_view;
    using field = boost::beast::http::field;

    void on_request_impl(boost::beast::http::verb method, string_view method_string, string_view target, int version,
                         error_code&) override {
        head_.method = method;
        head_.method_string.assign(method_string.data(), method_string.size());
        head_.target.assign(target.data(), target.size());
        head_.version = static_cast<unsigned>(version);
    }
    void on_response_impl(int, string_view, int, error_code&) override {}
    void on_field_impl(field name, string_view, string_view value, error_code&) override {
        if (is_header_done()) return;  // a trailer
        std::string* out = nullptr;
        unsigned bit = 0;
        switch (name) {
            case field::accept: out = &head_.accept, bit = 1; break;
            case field::accept_encoding: out = &head_.accept_encoding, bit = 2; break;
            case field::if_none_match: out = &head_.if_none_match, bit = 4; break;
            case field::host: out = &head_.host, bit = 8, ++hosts_; break;
            case field::accept_language: out = &head_.accept_language, bit = 16; break;
            case field::content_length: has_length_ = true; return;
            case field::transfer_encoding: has_transfer_ = true, add_to_list(transfer_codings_, value); return;
            case field::expect: add_to_list(expectations_, value); return;
            default: return;
        }
        if (seen_ & bit) return;
        seen_ |= bit;
        out->assign(value.data(), value.size());
    }
    void on_header_impl(error_code& ec) override;
    void on_body_init_impl(boost::optional<std::uint64_t> const&, error_code&) override {}
    std::size_t on_body_impl(string_view body, error_code&) override { return body.size(); }
    void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
    std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override { return body.size(); }
    void on_finish_impl(error_code&) override {}

    // Fields that may repeat are one comma-separated list (RFC 9110 section 5.3).
    static void add_to_list(std::string& list, string_view value) {
        if (!list.empty()) list += ", ";
        list.append(value.data(), value.size());
    }
    request_fault framing_fault();

    request_head& head_;
    unsigned seen_ = 0;
    unsigned hosts_ = 0;
    bool has_length_ = false, has_transfer_ = false;
    bool expects_continue_ = false;
    std::string transfer_codings_, expectations_;  // empty unless the request has them
    std::string detail_;
    request_fault fault_ = request_fault::none;
    fold_finder folds_;
    std::uint64_t consumed_ = 0;  // bytes of this message put so far
};

}  // namespace server
