#include "server/request_reader.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>

namespace server {

namespace http = boost::beast::http;

namespace {

constexpr std::string_view whitespace = " \t";

std::string_view trimmed(std::string_view s) {
    auto const first = s.find_first_not_of(whitespace);
    if (first == std::string_view::npos) return {};
    return s.substr(first, s.find_last_not_of(whitespace) - first + 1);
}

// Calls `f` with each member of a comma-separated list, trimmed. Empty
// members count, though RFC 9110 section 5.6.1 would skip them: then
// "chunked," is refused rather than read as "chunked", which a proxy in
// front might not do. No client sends one.
template <class F>
void for_each_member(std::string_view list, F f) {
    for (;;) {
        auto const comma = list.find(',');
        f(trimmed(list.substr(0, comma)));
        if (comma == std::string_view::npos) return;
        list.remove_prefix(comma + 1);
    }
}

// uri-host [ ":" port ] (RFC 9112 section 3.2, RFC 3986 section 3.2.2):
// an IP literal, an IPv4 address or a registered name, possibly
// %-escaped, and a port. Empty is allowed: a target with no authority.
bool valid_host(std::string_view host) {
    return std::all_of(host.begin(), host.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               std::string_view("-._~%!$&'()*+,;=:[]").find(c) != std::string_view::npos;
    });
}

}  // namespace

bool fold_finder::folds(std::string_view bytes, std::uint64_t consumed) {
    // A line break is looked at once the byte after it has come.
    std::size_t from = looked_ > consumed ? static_cast<std::size_t>(looked_ - consumed) : 0;
    for (auto eol = bytes.find("\r\n", from); eol != std::string_view::npos; eol = bytes.find("\r\n", from)) {
        if (eol + 2 >= bytes.size()) {
            from = eol;
            break;
        }
        char const next = bytes[eol + 2];
        if (next == ' ' || next == '\t') return true;
        from = eol + 2;
        if (next == '\r') break;  // the empty line: the head has ended
    }
    if (from < bytes.size() && bytes.find("\r\n", from) == std::string_view::npos)
        from = bytes.empty() || bytes.back() != '\r' ? bytes.size() : bytes.size() - 1;
    looked_ = consumed + from;
    return false;
}

std::size_t request_reader::put(boost::asio::const_buffer bytes, error_code& ec) {
    if (!is_header_done() &&
        folds_.folds(std::string_view(static_cast<char const*>(bytes.data()), bytes.size()), consumed_)) {
        fault_ = request_fault::obs_fold;
        ec = http::error::bad_field;
        return 0;
    }
    std::size_t const used = basic_parser::put(bytes, ec);
    consumed_ += used;
    // Beast refuses these two as it reads the fields, before this reader
    // sees the second of the pair: name which rule it was.
    if (ec == http::error::bad_content_length)
        fault_ = has_transfer_ ? request_fault::transfer_and_length : request_fault::length_invalid;
    if (ec == http::error::bad_transfer_encoding) {
        fault_ = has_length_ ? request_fault::transfer_and_length : request_fault::chunked_not_final;
        detail_ = transfer_codings_ + ", ...";  // the value Beast refused is not passed on
    }
    return used;
}

void request_reader::on_header_impl(error_code& ec) {
    fault_ = framing_fault();
    if (fault_ != request_fault::none) ec = http::error::bad_value;
}

// The checks of RFC 9112 that Beast leaves to its user, in the RFC's order
// of precedence: a request whose length is in doubt is refused before its
// expectations are looked at.
request_fault request_reader::framing_fault() {
    bool const http11 = head_.version >= 11;
    if (http11 ? hosts_ != 1 : hosts_ > 1) return request_fault::host_missing;
    if (!valid_host(head_.host)) return request_fault::host_invalid;
    if (has_transfer_) {
        detail_ = transfer_codings_;
        if (!http11) return request_fault::transfer_in_http10;
        if (has_length_) return request_fault::transfer_and_length;
        int chunked = 0, others = 0;
        std::string_view last;
        for_each_member(transfer_codings_, [&](std::string_view coding) {
            (boost::beast::iequals(coding, "chunked") ? chunked : others) += 1;
            last = coding;
        });
        if (chunked != 1 || !boost::beast::iequals(last, "chunked")) return request_fault::chunked_not_final;
        if (others > 0) return request_fault::coding_unknown;
    }
    // An HTTP/1.0 client cannot wait for 100 Continue: its Expect is ignored
    // (RFC 9110 section 10.1.1).
    if (!expectations_.empty() && http11) {
        detail_ = expectations_;
        bool known = true;
        for_each_member(expectations_,
                        [&](std::string_view e) { known = known && boost::beast::iequals(e, "100-continue"); });
        if (!known) return request_fault::expectation_unknown;
        expects_continue_ = true;
    }
    return request_fault::none;
}

refusal refusal_for(boost::beast::error_code ec, request_fault fault, std::string_view detail, std::size_t header_limit,
                    std::uint64_t body_limit) {
    std::string const value(detail);
    switch (fault) {
        case request_fault::none:
            break;
        case request_fault::obs_fold:
            return {400, make_message(message_id::obs_fold)};
        case request_fault::host_missing:
            return {400, make_message(message_id::host_missing)};
        case request_fault::host_invalid:
            return {400, make_message(message_id::host_invalid)};
        case request_fault::length_invalid:
            return {400, make_message(message_id::length_invalid)};
        case request_fault::transfer_and_length:
            return {400, make_message(message_id::transfer_and_length)};
        case request_fault::chunked_not_final:
            return {400, make_message(message_id::chunked_not_final, value)};
        case request_fault::coding_unknown:
            return {501, make_message(message_id::coding_unknown, value)};
        case request_fault::transfer_in_http10:
            return {400, make_message(message_id::transfer_in_http10)};
        case request_fault::expectation_unknown:
            return {417, make_message(message_id::expectation_unknown, value)};
    }
    if (ec == http::error::header_limit)
        return {431, make_message(message_id::headers_too_large, std::to_string(header_limit))};
    if (ec == http::error::body_limit)
        return {413, make_message(message_id::body_too_large, std::to_string(body_limit))};
    if (ec == http::error::bad_chunk || ec == http::error::bad_chunk_extension)
        return {400, make_message(message_id::chunk_invalid)};
    return {400, make_message(message_id::malformed_http, ec.message())};
}

}  // namespace server
