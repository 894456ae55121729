#pragma once
// One connection (internal to server/): reads its requests, hands them to
// the application and writes the answers. http_server.cpp accepts the
// connections, checks their deadlines and stops them.

#include "server/http_server.hpp"
#include "server/request_reader.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace server {

class cache_file;
class session;

// What the sessions of one server share with it: its settings, the
// application, the counters, the log, and the list of open sessions that
// the reaper and a stop go through.
struct session_context {
    session_context(server_options o, request_handler h, metrics& m);

    server_options const options;
    request_handler const handler;
    metrics& counters;
    std::string const fixed_headers;  // those every response carries, written once
    std::atomic<bool> stopping{false};

    // One line on stdout; lines from many threads never interleave.
    void log(std::string const& text) {
        std::lock_guard lock(log_mutex_);
        std::fprintf(stdout, "%s\n", text.c_str());
        std::fflush(stdout);
    }

    void add(std::shared_ptr<session> const& s);
    void remove(session* s);  // by the session's destructor
    std::vector<std::shared_ptr<session>> live();

private:
    std::mutex log_mutex_;
    std::mutex sessions_mutex_;
    std::unordered_map<session*, std::weak_ptr<session>> sessions_;
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
    using tcp = boost::asio::ip::tcp;
    using clock_type = std::chrono::steady_clock;

    session(tcp::socket&& socket, session_context& server)
        : socket_(std::move(socket)), fd_(socket_.native_handle()), server_(server) {}
    ~session();

    void start();

    // Refuses the connection politely: the server is at its connection limit.
    void reject();

    // Called by the reaper: cuts the connection when its current read or
    // write is overdue (the pending operation then fails).
    void hang_up_if_overdue(clock_type::time_point now) {
        if (ticks(now) >= deadline_.load(std::memory_order_relaxed)) ::shutdown(fd_, SHUT_RDWR);
    }

    // Graceful stop: a waiting read sees end of stream and the session ends;
    // a response being made or sent still goes out whole (see on_written).
    void stop_reading() { ::shutdown(fd_, SHUT_RD); }

private:
    using error_code = boost::beast::error_code;

    // What send() adds to the application's headers.
    struct added_headers {
        std::string_view etag;  // with Cache-Control (unless the response has one) and Vary
        std::string_view cache_control;  // its value; empty: the response names its own
        bool gzip = false;  // Content-Encoding
    };
    using header_list = std::vector<std::pair<std::string, std::string>>;

    static std::int64_t ticks(clock_type::time_point t) { return t.time_since_epoch().count(); }
    static constexpr std::int64_t no_deadline = std::numeric_limits<std::int64_t>::max();

    void set_deadline(std::chrono::milliseconds timeout) {
        deadline_.store(ticks(clock_type::now() + timeout), std::memory_order_relaxed);
    }

    // The steps of the request chain, defined in http_session.cpp and used
    // only there. Declared inline, as they were when defined in the class,
    // so that the compiler still folds the small ones into their callers:
    // this path was tuned, and a split into files should not change it.
    inline void read();
    inline void parse();
    inline void send_continue();
    inline void on_readable(error_code ec);
    inline void on_read_some(error_code ec, std::size_t n);
    inline void on_request(error_code ec);
    inline void write_head(unsigned status, std::string_view content_type, header_list const& headers,
                           added_headers const& added, std::size_t content_length, bool chunked);
    std::string_view body() const { return body_ ? std::string_view(*body_) : std::string_view(); }
    inline void send(response r, std::string_view method, std::string_view target, clock_type::time_point started);
    inline void send_file(bool nested = false);
    inline void send_stream(std::function<bool(std::string&)> producer, std::string_view content_type,
                            header_list const& headers, added_headers const& added, bool head);
    inline void next_chunk();
    inline void last_chunk();
    inline void on_written(error_code ec);
    inline void close();

    tcp::socket socket_;
    int const fd_;  // for the reaper's shutdown(2)
    session_context& server_;
    std::atomic<std::int64_t> deadline_{no_deadline};  // steady_clock ticks; read by the reaper
    boost::beast::flat_buffer buffer_{256 * 1024};     // bounds what one read may buffer past a request
    request_head request_;                             // what parser_ read of the current request
    std::optional<request_reader> parser_;
    std::shared_ptr<std::string const> body_;
    std::shared_ptr<cache_file const> file_;  // the body, when it is in a cache file
    std::size_t file_offset_ = 0;             // how much of it has gone
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
    bool continued_ = false;  // "100 Continue" went for the current request
};

}  // namespace server
