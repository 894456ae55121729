#pragma once
// Reading a request (internal to server/): Beast's HTTP parser, keeping only
// what the session uses.

#include <boost/beast/core/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

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

// Beast's parser with the request kept as a request_head. Beast's own
// request_parser stores every header in a tree of nodes allocated one by
// one, and looking four of them up again cost more than the rest of
// answering a cached tile. A body, which no GET or HEAD needs, is counted
// against the body limit and dropped. A repeated header keeps its first
// value, as Beast's lookup did.
class request_reader : public boost::beast::http::basic_parser<true> {
public:
    explicit request_reader(request_head& head) : head_(head) { head_.clear(); }

private:
    using error_code = boost::beast::error_code;
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
        std::string* out = nullptr;
        unsigned bit = 0;
        switch (name) {
            case field::accept: out = &head_.accept, bit = 1; break;
            case field::accept_encoding: out = &head_.accept_encoding, bit = 2; break;
            case field::if_none_match: out = &head_.if_none_match, bit = 4; break;
            case field::host: out = &head_.host, bit = 8; break;
            case field::accept_language: out = &head_.accept_language, bit = 16; break;
            default: return;
        }
        if (seen_ & bit) return;
        seen_ |= bit;
        out->assign(value.data(), value.size());
    }
    void on_header_impl(error_code&) override {}
    void on_body_init_impl(boost::optional<std::uint64_t> const&, error_code&) override {}
    std::size_t on_body_impl(string_view body, error_code&) override { return body.size(); }
    void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
    std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override { return body.size(); }
    void on_finish_impl(error_code&) override {}

    request_head& head_;
    unsigned seen_ = 0;
};

}  // namespace server
