#include "server/http_session.hpp"

#include "geo/hash.hpp"
#include "server/cache_file.hpp"
#include "server/compression.hpp"
#include "server/language.hpp"
#include "server/response_cache.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <sys/sendfile.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>

namespace server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

namespace {

std::string reason(unsigned status) { return std::string(http::obsolete_reason(static_cast<http::status>(status))); }

// If-None-Match holds the ETag (or "*"), weak or strong.
bool etag_matches(std::string_view if_none_match, std::string_view etag) {
    if (if_none_match.empty() || etag.empty()) return false;
    if (if_none_match == "*") return true;
    std::string_view const bare = etag.substr(etag.rfind('"', etag.size() - 2));
    return if_none_match.find(bare) != std::string_view::npos;
}

std::string fixed_headers_for(server_options const& options) {
    // nosniff: a browser takes every answer for the type it says (a GeoJSON
    // holding "<script>" is never run as HTML).
    std::string headers = "Server: concessions\r\nX-Content-Type-Options: nosniff\r\n";
    std::string origin = options.cors_origin;
    std::erase_if(origin, [](char c) { return c == '\r' || c == '\n'; });  // no header splitting
    if (!origin.empty())
        headers += "Access-Control-Allow-Origin: " + origin +
                   "\r\nAccess-Control-Expose-Headers: ETag, Content-Disposition, Content-Crs\r\n";
    return headers;
}

}  // namespace

response error_response(unsigned status, message description) {
    response r;
    r.status = status;
    r.content_type = "application/json";
    r.error = std::move(description);
    speak(r, language::en);
    return r;
}

response error_response(unsigned status, std::string const& description) {
    return error_response(status, make_message(message_id::detail, description));
}

void speak(response& r, language lang) {
    if (!r.error) return;
    // The description may echo client bytes that are not UTF-8 ("%FF" in a
    // path or a province name), and JSON text must be UTF-8 (RFC 8259
    // section 8.1): those bytes become U+FFFD.
    nlohmann::json const doc = {{"code", reason(r.status)}, {"description", r.error->in(lang)}};
    r.body = doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

session_context::session_context(server_options o, request_handler h, metrics& m)
    : options(std::move(o)), handler(std::move(h)), counters(m), fixed_headers(fixed_headers_for(options)) {}

void session_context::add(std::shared_ptr<session> const& s) {
    std::lock_guard lock(sessions_mutex_);
    sessions_.emplace(s.get(), s);
}

void session_context::remove(session* s) {
    std::lock_guard lock(sessions_mutex_);
    sessions_.erase(s);
}

std::vector<std::shared_ptr<session>> session_context::live() {
    std::vector<std::shared_ptr<session>> live;
    std::lock_guard lock(sessions_mutex_);
    live.reserve(sessions_.size());
    for (auto& [_, weak] : sessions_)
        if (auto s = weak.lock()) live.push_back(std::move(s));
    return live;
}

session::~session() {
    server_.counters.connection_closed();
    server_.remove(this);
}

void session::start() {
    beast::error_code ec;
    socket_.non_blocking(true, ec);  // for on_readable's read_some
    if (ec) return close();
    read();
}

void session::reject() {
    close_after_ = true;
    send(error_response(503, make_message(message_id::too_many_connections)), "GET", "-", clock_type::now());
}

void session::read() {
    if (close_after_ || server_.stopping.load(std::memory_order_relaxed)) return close();
    parser_.emplace(request_);
    continued_ = false;
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.header_limit));
    parser_->body_limit(server_.options.body_limit);
    parser_->eager(true);
    set_deadline(server_.options.read_timeout);
    parse();
}

// Feeds the parser what is buffered (a pipelined request may already be
// there), and reads more only when it needs more.
void session::parse() {
    beast::error_code ec;
    while (buffer_.size() > 0 && !parser_->is_done()) {
        std::size_t const used = parser_->put(buffer_.data(), ec);
        buffer_.consume(used);
        if (ec == http::error::need_more) {
            ec = {};
            break;
        }
        if (ec) return on_request(ec);
    }
    if (parser_->is_done()) return on_request({});
    if (parser_->is_header_done() && parser_->expects_continue() && !continued_) return send_continue();
    if (buffer_.size() >= buffer_.max_size()) return on_request(http::error::buffer_overflow);
    // Wait until the socket is readable, then read what is there. Asio's
    // async_read_some would first try a read at once, which right after
    // an answer (the client has not yet sent its next request) is a
    // system call that always fails: one of four per request.
    socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](beast::error_code e) { self->on_readable(e); });
}

// The client waits for this before it sends the body (RFC 9110 section
// 10.1.1). Sent only when the head was accepted and the body has not all
// come: a body over the limit by its Content-Length was refused already
// (413), unread.
void session::send_continue() {
    continued_ = true;
    static constexpr std::string_view interim = "HTTP/1.1 100 Continue\r\n\r\n";
    set_deadline(server_.options.write_timeout);
    net::async_write(socket_, net::buffer(interim.data(), interim.size()),
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                         if (ec) return self->close();
                         self->set_deadline(self->server_.options.read_timeout);
                         self->parse();
                     });
}

void session::on_readable(beast::error_code ec) {
    if (ec) return close();  // cut by the reaper or a stop
    std::size_t const room = std::min<std::size_t>(buffer_.max_size() - buffer_.size(), 64 * 1024);
    std::size_t const n = socket_.read_some(buffer_.prepare(room), ec);  // does not block (see start)
    if (ec == net::error::would_block || ec == net::error::try_again) return parse();  // woken for nothing: wait again
    on_read_some(ec, n);
}

void session::on_read_some(beast::error_code ec, std::size_t n) {
    if (ec == net::error::eof) {
        // The client hung up: between requests that ends the session; in
        // the middle of one it may still complete a body of unknown length.
        if (!parser_->got_some()) return close();
        ec = {};
        parser_->put_eof(ec);
        return on_request(ec ? ec : beast::error_code(parser_->is_done() ? beast::error_code{} : http::error::partial_message));
    }
    if (ec) return close();  // reset, or cut by the reaper or a stop
    buffer_.commit(n);
    parse();
}

void session::on_request(beast::error_code ec) {
    auto const started = clock_type::now();
    accept_gzip_ = false;  // until this request's headers say otherwise (not on the error paths)
    deadline_.store(no_deadline, std::memory_order_relaxed);  // making the answer has no time limit
    if (ec) {
        // The request was malformed, over a limit or framed ambiguously:
        // say so, then hang up, reading nothing more from the connection.
        close_after_ = true;
        refusal why = refusal_for(ec, parser_->fault(), parser_->fault_detail(), server_.options.header_limit,
                                  server_.options.body_limit);
        response r = error_response(why.status, std::move(why.what));
        speak(r, accepted_language(request_.accept_language));
        return send(std::move(r), "-", "-", started);
    }
    if (!parser_->keep_alive()) close_after_ = true;
    version_ = request_.version;
    std::string_view const method = request_.method_string, target = request_.target;
    if (target.size() > server_.options.url_limit) {
        response r = error_response(414, make_message(message_id::target_too_long, std::to_string(server_.options.url_limit)));
        speak(r, accepted_language(request_.accept_language));
        return send(std::move(r), method, std::string(target.substr(0, 200)) + "...", started);
    }
    if (request_.method == http::verb::options) {
        response r;
        r.status = 204;
        r.content_type.clear();
        r.headers.emplace_back("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
        r.headers.emplace_back("Access-Control-Allow-Headers", "Accept, Accept-Encoding, If-None-Match, Content-Type");
        r.headers.emplace_back("Access-Control-Max-Age", "86400");
        return send(std::move(r), method, target, started);
    }
    if (request_.method != http::verb::get && request_.method != http::verb::head) {
        response r = error_response(405, make_message(message_id::method_not_allowed, method));
        speak(r, accepted_language(request_.accept_language));
        r.headers.emplace_back("Allow", "GET, HEAD, OPTIONS");
        return send(std::move(r), method, target, started);
    }
    // Views into the request, which stays until the next one is read.
    request_view view;
    view.method = method;
    view.target = target;
    view.accept = request_.accept;
    view.accepts_gzip = accept_gzip_ = accepts_gzip(request_.accept_encoding);
    view.if_none_match = request_.if_none_match;
    view.host = request_.host;
    view.accept_language = request_.accept_language;
    response r;
    try {
        r = server_.handler(view);
    } catch (std::exception const& e) {
        r = error_response(500, make_message(message_id::internal_error, e.what()));
        speak(r, accepted_language(request_.accept_language));
    }
    send(std::move(r), method, target, started);
}

// The status line and headers, written by hand into a buffer the session
// keeps: Beast's fields and serializer cost more than the rest of a cached
// answer put together. The buffer is sized once for the longest head
// these parts can make, then filled with memcpy. Either a length or
// chunked transfer (streams, which always answer as HTTP/1.1, as before).
void session::write_head(unsigned status, std::string_view content_type, header_list const& headers, added_headers const& added,
                std::size_t content_length, bool chunked) {
    using namespace std::string_view_literals;
    std::string_view const reason = http::obsolete_reason(static_cast<http::status>(status));
    // 512: the status line's number, the fixed lines below and a length
    // take at most ~220 bytes.
    std::size_t bound = 512 + reason.size() + server_.fixed_headers.size() + content_type.size() + added.etag.size() +
                        added.cache_control.size();
    for (auto const& [k, v] : headers) bound += k.size() + v.size() + 4;
    head_.resize(bound);
    char* p = head_.data();
    auto put = [&p](std::string_view s) {
        std::memcpy(p, s.data(), s.size());
        p += s.size();
    };
    auto field = [&put](std::string_view name, std::string_view value) {
        put(name);
        put(": "sv);
        // No header splitting, whatever a value holds: CR and LF are left out.
        auto const line_break = [](char c) { return c == '\r' || c == '\n'; };
        for (auto it = std::find_if(value.begin(), value.end(), line_break); it != value.end();
             it = std::find_if(value.begin(), value.end(), line_break)) {
            put(value.substr(0, static_cast<std::size_t>(it - value.begin())));
            value.remove_prefix(static_cast<std::size_t>(it - value.begin()) + 1);
        }
        put(value);
        put("\r\n"sv);
    };
    auto number = [&p](std::uint64_t v) { p = std::to_chars(p, p + 24, v).ptr; };
    put(version_ == 10 && !chunked ? "HTTP/1.0 "sv : "HTTP/1.1 "sv);
    number(status);
    put(" "sv);
    put(reason);
    put("\r\n"sv);
    put(server_.fixed_headers);
    if (!content_type.empty()) field("Content-Type"sv, content_type);
    for (auto const& [k, v] : headers) field(k, v);
    if (!added.etag.empty()) {
        field("ETag"sv, added.etag);
        if (!added.cache_control.empty()) field("Cache-Control"sv, added.cache_control);
        // An answer that also varies by language names its own Vary.
        if (std::none_of(headers.begin(), headers.end(), [](auto const& h) { return h.first == "Vary"; }))
            put("Vary: Accept, Accept-Encoding\r\n"sv);
    }
    if (added.gzip) put("Content-Encoding: gzip\r\n"sv);
    if (chunked) {
        put("Transfer-Encoding: chunked\r\n"sv);
    } else if (status != 304 && status != 204) {
        put("Content-Length: "sv);
        number(content_length);
        put("\r\n"sv);
    }
    if (close_after_)
        put("Connection: close\r\n"sv);
    else if (version_ == 10)
        put("Connection: keep-alive\r\n"sv);
    put("\r\n"sv);
    if (p > head_.data() + bound) std::abort();  // cannot happen (see bound); never go on past an overrun
    head_.resize(static_cast<std::size_t>(p - head_.data()));
}

void session::send(response r, std::string_view method, std::string_view target, clock_type::time_point started) {
    bool const head = method == "HEAD";
    if (server_.options.log_requests) {  // for the access log line, once the answer is out
        method_.assign(method);
        target_.assign(target);
    }
    started_ = started;
    status_ = r.status;
    label_ = r.label;
    // A cached answer is sent from its entry in place: body, file, gzip
    // form, ETag, type and headers are read there, not copied.
    cached_response const* const c = r.cached.get();
    std::string_view content_type = c ? std::string_view(c->content_type) : std::string_view(r.content_type);
    header_list const& headers = c ? c->headers : r.headers;
    std::shared_ptr<std::string const> const& gzipped = c ? c->gzipped : r.gzipped;
    std::string_view etag = c ? std::string_view(c->etag) : std::string_view(r.etag);
    if (c)
        body_ = c->body;
    else if (r.shared_body)
        body_ = std::move(r.shared_body);
    else if (!r.body.empty())
        body_ = std::make_shared<std::string const>(std::move(r.body));
    else
        body_.reset();
    file_ = c && body().empty() ? c->file : nullptr;  // a body in memory comes first
    added_headers added;
    char etag_buf[32];
    if (r.cacheable) {
        if (etag.empty() && !r.stream && !file_) {  // (cache-file bodies come from the cache, with their ETag)
            int const n = std::snprintf(etag_buf, sizeof etag_buf, "\"%016llx\"", static_cast<unsigned long long>(geo::hash_bytes(body())));
            etag = std::string_view(etag_buf, static_cast<std::size_t>(n));
        }
        added.etag = etag;
        if (std::none_of(headers.begin(), headers.end(), [](auto const& h) { return h.first == "Cache-Control"; }))
            added.cache_control =
                r.cache_control ? std::string_view(r.cache_control) : std::string_view("public, max-age=60");
        if (etag_matches(request_.if_none_match, etag)) {
            status_ = 304;
            content_type = {};
            r.stream = nullptr;
            body_.reset();  // a 304 carries no body
            file_.reset();
        }
    }
    if (r.stream) return send_stream(std::move(r.stream), content_type, headers, added, head);

    // Whole bodies: gzip what is worth it when the client takes it.
    std::size_t const size = file_ ? file_->size() : body().size();
    if (accept_gzip_ && worth_gzip(content_type, size) && status_ != 304) {
        if (gzipped && !gzipped->empty())
            body_ = gzipped;
        else
            body_ = std::make_shared<std::string const>(gzip(file_ ? file_->read() : std::string(body())));
        file_.reset();
        added.gzip = true;
    }
    if (file_ && !head) {  // the head, then the file's pages straight to the socket
        write_head(status_, content_type, headers, added, file_->size(), false);
        bytes_ = file_->size();
        file_offset_ = 0;
        set_deadline(server_.options.write_timeout);
        // MSG_MORE holds the head back to leave in the same segments as
        // the file's first bytes (nginx's tcp_nopush), rather than as a
        // packet of its own; what the socket does not take at once goes
        // the asynchronous way.
        ssize_t const sent = ::send(fd_, head_.data(), head_.size(), MSG_MORE | MSG_NOSIGNAL);
        std::size_t const done = sent > 0 ? static_cast<std::size_t>(sent) : 0;
        if (done == head_.size()) return send_file(true);
        net::async_write(socket_, net::buffer(head_.data() + done, head_.size() - done),
                         [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             if (ec) return self->on_written(ec);
                             self->send_file();
                         });
        return;
    }
    std::size_t const length = file_ ? file_->size() : body().size();  // HEAD: the length, no body
    file_.reset();
    write_head(status_, content_type, headers, added, length, false);
    if (head) body_.reset();
    bytes_ = body().size();
    std::array<net::const_buffer, 2> const buffers{net::buffer(head_), net::buffer(body().data(), body().size())};
    set_deadline(server_.options.write_timeout);
    // As much as the socket takes in each system call: Asio's own
    // completion conditions write at most 64 KiB at a time, which made a
    // box answer of 100 KB three sendmsg calls.
    std::size_t const total = head_.size() + body().size();
    auto const rest = [total](beast::error_code ec, std::size_t written) -> std::size_t { return ec ? 0 : total - written; };
    net::async_write(socket_, buffers, rest, [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_written(ec); });
}

// sendfile(2) from the cache file as far as the socket takes it, then
// again when it is writable. Called from send() (`nested`), a file that
// goes out at once finishes through the executor: finishing in place
// would read and answer the next pipelined request inside this call,
// and a client that pipelines thousands of requests and reads as fast
// as they come would make that a recursion thousands deep.
void session::send_file(bool nested) {
    while (file_offset_ < file_->size()) {
        off_t offset = static_cast<off_t>(file_offset_);
        ssize_t const n = ::sendfile(fd_, file_->fd(), &offset, file_->size() - file_offset_);
        if (n > 0) {
            file_offset_ += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            set_deadline(server_.options.write_timeout);
            socket_.async_wait(tcp::socket::wait_write, [self = shared_from_this()](beast::error_code ec) {
                if (ec) return self->on_written(ec);
                self->send_file();
            });
            return;
        }
        return on_written(n < 0 ? beast::error_code(errno, beast::system_category()) : beast::error_code(net::error::eof));
    }
    if (nested) return net::post(socket_.get_executor(), [self = shared_from_this()] { self->on_written({}); });
    on_written({});
}

// Chunked transfer: header, then pieces as the handler produces them.
void session::send_stream(std::function<bool(std::string&)> producer, std::string_view content_type, header_list const& headers,
                 added_headers const& added, bool head) {
    write_head(status_, content_type, headers, added, 0, true);
    producer_ = std::move(producer);
    set_deadline(server_.options.write_timeout);
    net::async_write(socket_, net::buffer(head_), [self = shared_from_this(), head](beast::error_code ec, std::size_t) {
        if (ec) return self->on_written(ec);
        if (head) {
            self->producer_ = nullptr;
            return self->on_written({});
        }
        self->next_chunk();
    });
}

void session::next_chunk() {
    chunk_.clear();
    bool more = false;
    try {
        more = producer_(chunk_);
    } catch (std::exception const& e) {
        // Headers are gone: the only honest signal left is to cut the stream.
        server_.log("stream failed: " + std::string(e.what()));
        close_after_ = true;
        return close();
    }
    bytes_ += chunk_.size();
    set_deadline(server_.options.write_timeout);
    if (!chunk_.empty()) {
        net::async_write(socket_, http::make_chunk(net::buffer(chunk_)),
                         [self = shared_from_this(), more](beast::error_code ec, std::size_t) {
                             if (ec) return self->on_written(ec);
                             if (more) return self->next_chunk();
                             self->last_chunk();
                         });
    } else if (more) {
        net::post(socket_.get_executor(), [self = shared_from_this()] { self->next_chunk(); });
    } else {
        last_chunk();
    }
}

void session::last_chunk() {
    producer_ = nullptr;
    net::async_write(socket_, http::make_chunk_last(),
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_written(ec); });
}

void session::on_written(beast::error_code ec) {
    double const seconds = std::chrono::duration<double>(clock_type::now() - started_).count();
    server_.counters.record(label_, status_, bytes_, seconds);
    if (server_.options.log_requests) {
        char line[160];
        std::snprintf(line, sizeof line, " %u %llu %.1fms", status_, static_cast<unsigned long long>(bytes_), seconds * 1000);
        server_.log(method_ + " " + target_ + line + (ec ? " (" + ec.message() + ")" : std::string()));
    }
    bytes_ = 0;
    body_.reset();
    file_.reset();
    if (ec) return close();
    read();
}

// Ends the session: no operation is pending, so the last reference goes
// with this handler. The descriptor is closed by the socket's destructor.
void session::close() {
    deadline_.store(no_deadline, std::memory_order_relaxed);
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
}

}  // namespace server
