#include "server/http_server.hpp"

#include "geo/hash.hpp"
#include "server/compression.hpp"
#include "server/response_cache.hpp"
#include "server/router.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <sys/sendfile.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace {

std::string reason(unsigned status) { return std::string(http::obsolete_reason(static_cast<http::status>(status))); }

// If-None-Match holds the ETag (or "*"), weak or strong.
bool etag_matches(std::string_view if_none_match, std::string_view etag) {
    if (if_none_match.empty() || etag.empty()) return false;
    if (if_none_match == "*") return true;
    std::string_view const bare = etag.substr(etag.rfind('"', etag.size() - 2));
    return if_none_match.find(bare) != std::string_view::npos;
}

std::int64_t ticks(clock_type::time_point t) { return t.time_since_epoch().count(); }
constexpr std::int64_t no_deadline = std::numeric_limits<std::int64_t>::max();

}  // namespace

response error_response(unsigned status, std::string const& description) {
    response r;
    r.status = status;
    r.content_type = "application/json";
    // The description may echo client bytes that are not UTF-8 ("%FF" in a
    // path or a province name), and JSON text must be UTF-8 (RFC 8259
    // section 8.1): those bytes become U+FFFD.
    nlohmann::json const doc = {{"code", reason(status)}, {"description", description}};
    r.body = doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return r;
}

// What a request says that the server uses: its line and four headers,
// copied into strings the session keeps, so that after the first few
// requests parsing allocates nothing.
struct request_head {
    http::verb method = http::verb::unknown;
    std::string method_string, target, accept, accept_encoding, if_none_match, host;
    unsigned version = 11;
    void clear() {
        method = http::verb::unknown;
        for (auto* s : {&method_string, &target, &accept, &accept_encoding, &if_none_match, &host}) s->clear();
        version = 11;
    }
};

// Beast's parser with the request kept as a request_head. Beast's own
// request_parser stores every header in a tree of nodes allocated one by
// one, and looking four of them up again cost more than the rest of
// answering a cached tile. A body, which no GET or HEAD needs, is counted
// against the body limit and dropped. A repeated header keeps its first
// value, as Beast's lookup did.
class request_reader : public http::basic_parser<true> {
public:
    explicit request_reader(request_head& head) : head_(head) { head_.clear(); }

private:
    void on_request_impl(http::verb method, beast::string_view method_string, beast::string_view target, int version,
                         beast::error_code&) override {
        head_.method = method;
        head_.method_string.assign(method_string.data(), method_string.size());
        head_.target.assign(target.data(), target.size());
        head_.version = static_cast<unsigned>(version);
    }
    void on_response_impl(int, beast::string_view, int, beast::error_code&) override {}
    void on_field_impl(http::field name, beast::string_view, beast::string_view value, beast::error_code&) override {
        std::string* out = nullptr;
        unsigned bit = 0;
        switch (name) {
            case http::field::accept: out = &head_.accept, bit = 1; break;
            case http::field::accept_encoding: out = &head_.accept_encoding, bit = 2; break;
            case http::field::if_none_match: out = &head_.if_none_match, bit = 4; break;
            case http::field::host: out = &head_.host, bit = 8; break;
            default: return;
        }
        if (seen_ & bit) return;
        seen_ |= bit;
        out->assign(value.data(), value.size());
    }
    void on_header_impl(beast::error_code&) override {}
    void on_body_init_impl(boost::optional<std::uint64_t> const&, beast::error_code&) override {}
    std::size_t on_body_impl(beast::string_view body, beast::error_code&) override { return body.size(); }
    void on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code&) override {}
    std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, beast::error_code&) override { return body.size(); }
    void on_finish_impl(beast::error_code&) override {}

    request_head& head_;
    unsigned seen_ = 0;
};

class session;

struct http_server::impl {
    server_options options;
    request_handler handler;
    metrics& counters;
    net::io_context ioc;
    // The acceptor, the signals and the reaper share a strand: stopping
    // touches all three.
    net::strand<net::io_context::executor_type> control = net::make_strand(ioc);
    tcp::acceptor acceptor{control};
    net::signal_set signals{control, SIGINT, SIGTERM};
    // One timer for every connection's read and write deadlines (see reap).
    net::steady_timer reaper{control};
    std::atomic<bool> stopping{false};
    std::mutex sessions_mutex;
    std::unordered_map<session*, std::weak_ptr<session>> sessions;
    std::mutex log_mutex;
    std::string fixed_headers;  // those every response carries, written once

    impl(server_options o, request_handler h, metrics& m) : options(std::move(o)), handler(std::move(h)), counters(m) {
        fixed_headers = "Server: concessions\r\n";
        std::string origin = options.cors_origin;
        std::erase_if(origin, [](char c) { return c == '\r' || c == '\n'; });  // no header splitting
        if (!origin.empty())
            fixed_headers += "Access-Control-Allow-Origin: " + origin + "\r\nAccess-Control-Expose-Headers: ETag, Content-Disposition\r\n";
    }
    void accept();
    void reap();
    void begin_stop();
    std::vector<std::shared_ptr<session>> live_sessions();
};

// One connection. Its operations form a single chain (read a request, answer
// it, read the next), so exactly one is ever pending and its handlers never
// run at once: the "implicit strand" of Asio's documentation, with none of an
// explicit strand's locking. The only other thread to touch a session is the
// reaper's, and it only calls shutdown(2) on the descriptor, which the kernel
// makes safe; the descriptor stays open until the session is destroyed, so
// the reaper (holding a reference) never reaches a reused one.
class session : public std::enable_shared_from_this<session> {
public:
    session(tcp::socket&& socket, http_server::impl& server)
        : socket_(std::move(socket)), fd_(socket_.native_handle()), server_(server) {}

    ~session() {
        server_.counters.connection_closed();
        std::lock_guard lock(server_.sessions_mutex);
        server_.sessions.erase(this);
    }

    void start() {
        beast::error_code ec;
        socket_.non_blocking(true, ec);  // for on_readable's read_some
        if (ec) return close();
        read();
    }

    // Refuses the connection politely: the server is at its connection limit.
    void reject() {
        close_after_ = true;
        send(error_response(503, "too many open connections; try again shortly"), "GET", "-", clock_type::now());
    }

    // Called by the reaper: cuts the connection when its current read or
    // write is overdue (the pending operation then fails).
    void hang_up_if_overdue(std::int64_t now) {
        if (now >= deadline_.load(std::memory_order_relaxed)) ::shutdown(fd_, SHUT_RDWR);
    }

    // Graceful stop: a waiting read sees end of stream and the session ends;
    // a response being made or sent still goes out whole (see on_written).
    void stop_reading() { ::shutdown(fd_, SHUT_RD); }

private:
    void set_deadline(std::chrono::milliseconds timeout) {
        deadline_.store(ticks(clock_type::now() + timeout), std::memory_order_relaxed);
    }

    void read() {
        if (close_after_ || server_.stopping.load(std::memory_order_relaxed)) return close();
        parser_.emplace(request_);
        parser_->header_limit(static_cast<std::uint32_t>(server_.options.header_limit));
        parser_->body_limit(server_.options.body_limit);
        parser_->eager(true);
        set_deadline(server_.options.read_timeout);
        parse();
    }

    // Feeds the parser what is buffered (a pipelined request may already be
    // there), and reads more only when it needs more.
    void parse() {
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
        if (buffer_.size() >= buffer_.max_size()) return on_request(http::error::buffer_overflow);
        // Wait until the socket is readable, then read what is there. Asio's
        // async_read_some would first try a read at once, which right after
        // an answer (the client has not yet sent its next request) is a
        // system call that always fails: one of four per request.
        socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](beast::error_code e) { self->on_readable(e); });
    }

    void on_readable(beast::error_code ec) {
        if (ec) return close();  // cut by the reaper or a stop
        std::size_t const room = std::min<std::size_t>(buffer_.max_size() - buffer_.size(), 64 * 1024);
        std::size_t const n = socket_.read_some(buffer_.prepare(room), ec);  // does not block (see start)
        if (ec == net::error::would_block || ec == net::error::try_again) return parse();  // woken for nothing: wait again
        on_read_some(ec, n);
    }

    void on_read_some(beast::error_code ec, std::size_t n) {
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

    void on_request(beast::error_code ec) {
        auto const started = clock_type::now();
        accept_gzip_ = false;  // until this request's headers say otherwise (not on the error paths)
        deadline_.store(no_deadline, std::memory_order_relaxed);  // making the answer has no time limit
        if (ec) {
            // The request was malformed or over a limit: say so, then hang up.
            close_after_ = true;
            unsigned status = 400;
            std::string what = "malformed HTTP request: " + ec.message();
            if (ec == http::error::header_limit) {
                status = 431;
                what = "request headers exceed " + std::to_string(server_.options.header_limit) + " bytes";
            } else if (ec == http::error::body_limit) {
                status = 413;
                what = "request body exceeds " + std::to_string(server_.options.body_limit) + " bytes";
            }
            return send(error_response(status, what), "-", "-", started);
        }
        if (!parser_->keep_alive()) close_after_ = true;
        version_ = request_.version;
        std::string_view const method = request_.method_string, target = request_.target;
        if (target.size() > server_.options.url_limit)
            return send(error_response(414, "request target exceeds " + std::to_string(server_.options.url_limit) + " bytes"), method,
                        std::string(target.substr(0, 200)) + "...", started);
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
            response r = error_response(405, "method " + std::string(method) + " is not allowed; use GET or HEAD");
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
        response r;
        try {
            r = server_.handler(view);
        } catch (std::exception const& e) {
            r = error_response(500, std::string("internal error: ") + e.what());
        }
        send(std::move(r), method, target, started);
    }

    // What send() adds to the application's headers.
    struct added_headers {
        std::string_view etag;       // with Cache-Control (unless the response has one) and Vary
        bool cache_control = false;
        bool gzip = false;           // Content-Encoding
    };
    using header_list = std::vector<std::pair<std::string, std::string>>;

    // The status line and headers, written by hand into a buffer the session
    // keeps: Beast's fields and serializer cost more than the rest of a cached
    // answer put together. The buffer is sized once for the longest head
    // these parts can make, then filled with memcpy. Either a length or
    // chunked transfer (streams, which always answer as HTTP/1.1, as before).
    void write_head(unsigned status, std::string_view content_type, header_list const& headers, added_headers const& added,
                    std::size_t content_length, bool chunked) {
        using namespace std::string_view_literals;
        std::string_view const reason = http::obsolete_reason(static_cast<http::status>(status));
        // 512: the status line's number, the fixed lines below and a length
        // take at most ~220 bytes.
        std::size_t bound = 512 + reason.size() + server_.fixed_headers.size() + content_type.size() + added.etag.size();
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
            if (added.cache_control) put("Cache-Control: public, max-age=60\r\n"sv);
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

    std::string_view body() const { return body_ ? std::string_view(*body_) : std::string_view(); }

    void send(response r, std::string_view method, std::string_view target, clock_type::time_point started) {
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
            added.cache_control = std::none_of(headers.begin(), headers.end(), [](auto const& h) { return h.first == "Cache-Control"; });
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
        net::async_write(socket_, buffers, [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_written(ec); });
    }

    // sendfile(2) from the cache file as far as the socket takes it, then
    // again when it is writable. Called from send() (`nested`), a file that
    // goes out at once finishes through the executor: finishing in place
    // would read and answer the next pipelined request inside this call,
    // and a client that pipelines thousands of requests and reads as fast
    // as they come would make that a recursion thousands deep.
    void send_file(bool nested = false) {
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
    void send_stream(std::function<bool(std::string&)> producer, std::string_view content_type, header_list const& headers,
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

    void next_chunk() {
        chunk_.clear();
        bool more = false;
        try {
            more = producer_(chunk_);
        } catch (std::exception const& e) {
            // Headers are gone: the only honest signal left is to cut the stream.
            log_line("stream failed: " + std::string(e.what()));
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

    void last_chunk() {
        producer_ = nullptr;
        net::async_write(socket_, http::make_chunk_last(),
                         [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_written(ec); });
    }

    void on_written(beast::error_code ec) {
        double const seconds = std::chrono::duration<double>(clock_type::now() - started_).count();
        server_.counters.record(label_, status_, bytes_, seconds);
        if (server_.options.log_requests) {
            char line[160];
            std::snprintf(line, sizeof line, " %u %llu %.1fms", status_, static_cast<unsigned long long>(bytes_), seconds * 1000);
            log_line(method_ + " " + target_ + line + (ec ? " (" + ec.message() + ")" : std::string()));
        }
        bytes_ = 0;
        body_.reset();
        file_.reset();
        if (ec) return close();
        read();
    }

    void log_line(std::string const& text) {
        std::lock_guard lock(server_.log_mutex);
        std::fprintf(stdout, "%s\n", text.c_str());
        std::fflush(stdout);
    }

    // Ends the session: no operation is pending, so the last reference goes
    // with this handler. The descriptor is closed by the socket's destructor.
    void close() {
        deadline_.store(no_deadline, std::memory_order_relaxed);
        beast::error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_both, ignored);
    }

    tcp::socket socket_;
    int const fd_;  // for the reaper's shutdown(2)
    http_server::impl& server_;
    std::atomic<std::int64_t> deadline_{no_deadline};  // steady_clock ticks; read by the reaper
    beast::flat_buffer buffer_{256 * 1024};  // bounds what one read may buffer past a request
    request_head request_;  // what parser_ read of the current request
    std::optional<request_reader> parser_;
    std::shared_ptr<std::string const> body_;
    std::shared_ptr<cache_file const> file_;  // the body, when it is in a cache file
    std::size_t file_offset_ = 0;              // how much of it has gone
    std::function<bool(std::string&)> producer_;
    std::string chunk_;
    std::string method_, target_;
    clock_type::time_point started_;
    unsigned status_ = 0;
    char const* label_ = "other";
    unsigned version_ = 11;  // of the request: HTTP/1.0 clients need "Connection: keep-alive"
    std::string head_;       // the status line and headers of a response
    std::uint64_t bytes_ = 0;
    bool accept_gzip_ = false;
    bool close_after_ = false;
};

std::vector<std::shared_ptr<session>> http_server::impl::live_sessions() {
    std::vector<std::shared_ptr<session>> live;
    std::lock_guard lock(sessions_mutex);
    live.reserve(sessions.size());
    for (auto& [_, weak] : sessions)
        if (auto s = weak.lock()) live.push_back(std::move(s));
    return live;
}

void http_server::impl::accept() {
    acceptor.async_accept(ioc, [this](beast::error_code ec, tcp::socket socket) {
        if (ec) {
            if (!stopping && acceptor.is_open()) accept();  // e.g. EMFILE: keep serving the others
            return;
        }
        counters.connection_opened();
        // Without TCP_NODELAY the last piece of a response waits for the
        // client's delayed ACK: 40 ms stalls on any answer of a few segments.
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        auto s = std::make_shared<session>(std::move(socket), *this);
        {
            std::lock_guard lock(sessions_mutex);
            sessions.emplace(s.get(), s);
        }
        if (static_cast<std::size_t>(counters.open_connections()) > options.max_connections) {
            counters.connection_rejected();
            s->reject();
        } else {
            s->start();
        }
        accept();
    });
}

// Deadlines are checked by one timer a few times per timeout rather than by a
// timer per connection re-armed on every read and write (Beast's basic_stream
// does that, and it was a fifth of the cost of a cached answer). A timeout is
// therefore enforced to within an eighth of itself, capped at a second.
void http_server::impl::reap() {
    auto const shortest = std::min(options.read_timeout, options.write_timeout);
    auto const tick = std::clamp(shortest / 8, std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
    reaper.expires_after(stopping ? std::chrono::milliseconds(10) : tick);  // stopping: see the last one go
    reaper.async_wait([this](beast::error_code ec) {
        if (ec) return;
        auto const live = live_sessions();
        auto const now = ticks(clock_type::now());
        for (auto const& s : live) s->hang_up_if_overdue(now);
        if (stopping && live.empty()) return;  // the last connection has gone: let run() return
        reap();
    });
}

void http_server::impl::begin_stop() {
    if (stopping.exchange(true)) return;
    net::post(control, [this] {
        beast::error_code ignored;
        acceptor.close(ignored);
        signals.cancel();
        for (auto const& s : live_sessions()) s->stop_reading();
        reap();
    });
}

http_server::http_server(server_options options, request_handler handler, metrics& counters)
    : impl_(std::make_unique<impl>(std::move(options), std::move(handler), counters)) {}

http_server::~http_server() = default;

unsigned short http_server::listen() {
    auto& m = *impl_;
    beast::error_code ec;
    auto const address = net::ip::make_address(m.options.bind, ec);
    if (ec) throw std::runtime_error("cannot bind to '" + m.options.bind + "': not an IP address");
    tcp::endpoint const endpoint{address, m.options.port};
    m.acceptor.open(endpoint.protocol(), ec);
    if (!ec) m.acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) m.acceptor.bind(endpoint, ec);
    if (!ec) m.acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec)
        throw std::runtime_error("cannot listen on " + m.options.bind + ":" + std::to_string(m.options.port) + ": " +
                                 ec.message());
    return m.acceptor.local_endpoint().port();
}

void http_server::run() {
    auto& m = *impl_;
    // sendfile(2) has no MSG_NOSIGNAL: without this, a client that hangs up
    // while a cached file is being sent would kill the server with SIGPIPE
    // instead of failing that one write with EPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    m.signals.async_wait([&m](beast::error_code ec, int) {
        if (!ec) m.begin_stop();
    });
    m.accept();
    m.reap();
    unsigned const n = m.options.threads ? m.options.threads : std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::thread> pool;
    for (unsigned i = 1; i < n; ++i) pool.emplace_back([&m] { m.ioc.run(); });
    m.ioc.run();
    for (auto& t : pool) t.join();
}

void http_server::stop() { impl_->begin_stop(); }

}  // namespace server
