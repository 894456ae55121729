// The request reader on the bytes of one or more pipelined requests, fed as
// session::parse feeds it: what has come so far is put, the used bytes
// consumed, a new reader for each request, more bytes only when it needs
// them. The first input byte picks how many bytes come at a time, so heads
// and chunks are split everywhere.
//
// Properties: a refused request gets a status of refusal_for's (400, 413,
// 417, 431, 501) and ends the connection; an accepted one has no framing a
// proxy could read differently (Transfer-Encoding beside Content-Length, a
// folded line, a coding after chunked), checked on its raw head by rules
// written here independently of the reader.

#include "server/request_reader.hpp"
#include "server/router.hpp"
#include "tests/fuzz/fuzz_check.hpp"

#include <boost/beast/http/error.hpp>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::size_t header_limit = 16 * 1024;  // serve's defaults
constexpr std::uint64_t body_limit = 64 * 1024;

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// The head of an accepted request, read line by line: what must not be
// there if nothing downstream can disagree about where the request ends.
void check_accepted_head(std::string_view head, unsigned version) {
    while (head.starts_with("\r\n")) head.remove_prefix(2);  // empty lines before the request line
    std::vector<std::string_view> lines;
    for (std::size_t start = 0; start <= head.size();) {
        std::size_t end = head.find("\r\n", start);
        if (end == std::string_view::npos) end = head.size();
        lines.push_back(head.substr(start, end - start));
        start = end + 2;
    }
    int lengths = 0, transfers = 0, hosts = 0;
    std::string codings;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        std::string_view const line = lines[i];
        fuzz::check(line.empty() || (line[0] != ' ' && line[0] != '\t'), "an obs-folded line was accepted", head);
        auto const colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        std::string const name = lower(line.substr(0, colon));
        if (name == "content-length") ++lengths;
        if (name == "host") ++hosts;
        if (name == "transfer-encoding") {
            ++transfers;
            codings += (codings.empty() ? "" : ",") + lower(trimmed(line.substr(colon + 1)));
        }
    }
    fuzz::check(!(lengths > 0 && transfers > 0), "Transfer-Encoding beside Content-Length was accepted", head);
    if (version >= 11) fuzz::check(hosts == 1, "an HTTP/1.1 request without exactly one Host was accepted", head);
    if (transfers > 0) {
        fuzz::check(version >= 11, "Transfer-Encoding in HTTP/1.0 was accepted", head);
        fuzz::check(codings == "chunked", "a coding other than one chunked was accepted: " + codings, head);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    if (size == 0) return 0;
    std::size_t const piece = 1 + data[0] % 97;
    std::string_view input(reinterpret_cast<char const*>(data) + 1, size - 1);

    std::string buffer;   // what has come and is not yet read
    std::string message;  // the bytes the current request's reader used
    server::request_head head;
    std::size_t sent = 0;
    for (int requests = 0; requests < 64; ++requests) {
        server::request_reader reader(head);
        reader.header_limit(static_cast<std::uint32_t>(header_limit));
        reader.body_limit(body_limit);
        reader.eager(true);
        message.clear();
        boost::beast::error_code ec;
        for (;;) {
            while (!buffer.empty() && !reader.is_done()) {
                std::size_t const used = reader.put(boost::asio::buffer(buffer), ec);
                fuzz::check(used <= buffer.size(), "the reader used more bytes than it was given");
                message.append(buffer, 0, used);
                buffer.erase(0, used);
                if (ec == boost::beast::http::error::need_more) {
                    ec = {};
                    break;
                }
                if (ec) break;
            }
            if (ec || reader.is_done()) break;
            if (sent == input.size()) {
                // The client hung up; a body of unknown length may end here.
                if (reader.got_some()) reader.put_eof(ec);
                break;
            }
            std::size_t const n = std::min(piece, input.size() - sent);
            buffer.append(input.substr(sent, n));
            sent += n;
            if (buffer.size() > header_limit + body_limit + 1024) return 0;  // the session's buffer would be full
        }
        if (ec) {
            server::refusal const why =
                server::refusal_for(ec, reader.fault(), reader.fault_detail(), header_limit, body_limit);
            static constexpr unsigned statuses[] = {400, 413, 417, 431, 501};
            fuzz::check(std::find(std::begin(statuses), std::end(statuses), why.status) != std::end(statuses),
                        "a refusal with an unexpected status");
            return 0;  // the session answers and hangs up
        }
        if (!reader.is_done()) return 0;
        if (auto const end = message.find("\r\n\r\n"); end != std::string::npos)
            check_accepted_head(std::string_view(message).substr(0, end), head.version);
        // What the session does next with the target.
        if (auto const t = server::parse_target(head.target)) server::match_route(t->path);
        if (!reader.keep_alive()) return 0;
    }
    return 0;
}
