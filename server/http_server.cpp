#include "server/http_server.hpp"

#include "geo/free_memory.hpp"
#include "server/http_session.hpp"

#include <boost/asio.hpp>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace server {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

struct http_server::impl {
    session_context context;  // first: sessions left in ioc's queues at destruction reach it
    net::io_context ioc;
    // The acceptor, the signals and the reaper share a strand: stopping
    // touches all three.
    net::strand<net::io_context::executor_type> control = net::make_strand(ioc);
    tcp::acceptor acceptor{control};
    net::signal_set signals{control, SIGINT, SIGTERM, SIGHUP};
    // One timer for every connection's read and write deadlines (see reap).
    net::steady_timer reaper{control};
    static constexpr std::chrono::seconds purge_every{5};
    session::clock_type::time_point last_purge = session::clock_type::now();
    // Out of descriptors (see accept_later): one held in reserve, the pause
    // before accepting again, the whole 503 answer written once, and when
    // stderr last said so (at most once a minute).
    int reserve = -1;
    net::steady_timer accept_pause{control};
    std::string const refusal;
    std::optional<std::chrono::steady_clock::time_point> said_out_of_descriptors;

    impl(server_options o, request_handler h, metrics& m);
    ~impl();
    void accept();
    void accept_later(error_code ec);
    void refuse_waiting();
    void hold_reserve();
    void reap();
    void wait_for_signal();
    void hang_up();
    void begin_stop();
};

namespace {
// What a connection refused for want of descriptors is sent: the 503 that
// the connection limit sends (session::reject), as the session writes it.
std::string refusal_for(session_context const& context) {
    response const r = error_response(503, make_message(message_id::too_many_connections));
    return "HTTP/1.1 503 Service Unavailable\r\n" + context.fixed_headers + "Content-Type: " + r.content_type +
           "\r\nContent-Length: " + std::to_string(r.body.size()) + "\r\nConnection: close\r\n\r\n" + r.body;
}
}  // namespace

http_server::impl::impl(server_options o, request_handler h, metrics& m)
    : context(std::move(o), std::move(h), m), refusal(refusal_for(context)) {}

http_server::impl::~impl() {
    if (reserve >= 0) ::close(reserve);
}

void http_server::impl::accept() {
    acceptor.async_accept(ioc, [this](error_code ec, tcp::socket socket) {
        if (ec) {
            if (!context.stopping && acceptor.is_open()) accept_later(ec);  // keep serving the others
            return;
        }
        context.counters.connection_opened();
        // Without TCP_NODELAY the last piece of a response waits for the
        // client's delayed ACK: 40 ms stalls on any answer of a few segments.
        error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        auto s = std::make_shared<session>(std::move(socket), context);
        context.add(s);
        if (static_cast<std::size_t>(context.counters.open_connections()) > context.options.max_connections) {
            context.counters.connection_rejected();
            s->reject();
        } else {
            s->start();
        }
        accept();
    });
}

// accept(2) fails at once for as long as a connection waits and the
// process (EMFILE) or the system (ENFILE) is out of descriptors: accepting
// again at once would spin on it, and the client would hear nothing until
// a descriptor came free. So, as libev's documentation and libuv do, a
// descriptor is held in reserve: it is let go for as long as it takes to
// accept the waiting connections, answer each 503 and close it, then taken
// back. Open connections are served on. After any failed accept the
// listener pauses briefly (nginx pauses too), so that even without the
// reserve (another thread took its number) nothing spins.
void http_server::impl::accept_later(error_code ec) {
    if (ec == net::error::no_descriptors || ec.value() == ENFILE) {
        auto const now = std::chrono::steady_clock::now();
        if (!said_out_of_descriptors || now - *said_out_of_descriptors > std::chrono::minutes(1)) {
            said_out_of_descriptors = now;
            std::cerr << "concessions: warning: out of file descriptors (" << ec.message()
                      << "): new connections are answered 503 until some close (said at most once a minute)"
                      << std::endl;
        }
        refuse_waiting();
    }
    accept_pause.expires_after(std::chrono::milliseconds(20));
    accept_pause.async_wait([this](error_code e) {
        if (!e && !context.stopping && acceptor.is_open()) accept();
    });
}

void http_server::impl::refuse_waiting() {
    if (reserve < 0) return hold_reserve();  // for the next time
    ::close(reserve);
    reserve = -1;
    for (int i = 0; i < 64; ++i) {  // bounded: the pause comes before more
        int const fd = ::accept4(acceptor.native_handle(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) break;  // none waits any more, or the reserve's number was taken meanwhile
        context.counters.connection_opened();
        context.counters.connection_rejected();
        // A new socket's buffer takes the few hundred bytes at once. Then
        // the end of the answer, and the request read if it is there: a
        // close with unread bytes would reset the connection, and a reset
        // may make the client drop the answer before reading it.
        ::send(fd, refusal.data(), refusal.size(), MSG_NOSIGNAL);
        ::shutdown(fd, SHUT_WR);
        char unread[4096];
        for (int reads = 0; reads < 16; ++reads)
            if (::recv(fd, unread, sizeof unread, 0) <= 0) break;
        ::close(fd);
        context.counters.record("other", 503, refusal.size(), 0);
        context.counters.connection_closed();
        if (context.options.log_requests)
            context.log("- - 503 " + std::to_string(refusal.size()) + " 0.0ms (out of file descriptors)");
    }
    hold_reserve();
}

void http_server::impl::hold_reserve() {
    if (reserve < 0) reserve = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
}

// Deadlines are checked by one timer a few times per timeout rather than by a
// timer per connection re-armed on every read and write (Beast's basic_stream
// does that, and it was a fifth of the cost of a cached answer). A timeout is
// therefore enforced to within an eighth of itself, capped at a second.
void http_server::impl::reap() {
    auto const& options = context.options;
    auto const shortest = std::min(options.read_timeout, options.write_timeout);
    auto const tick = std::clamp(shortest / 8, std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
    reaper.expires_after(context.stopping ? std::chrono::milliseconds(10) : tick);  // stopping: see the last one go
    reaper.async_wait([this](error_code ec) {
        if (ec) return;
        auto const live = context.live();
        auto const now = session::clock_type::now();
        for (auto const& s : live) s->hang_up_if_overdue(now);
        // The serving threads keep freed pages for the next answers
        // (geo/free_memory.hpp); what is still free goes back every few
        // seconds, so that a burst of large answers is not kept for ever.
        if (now - last_purge >= purge_every) {
            geo::return_free_memory();
            last_purge = now;
        }
        if (context.stopping && live.empty()) return;  // the last connection has gone: let run() return
        reap();
    });
}

// SIGINT and SIGTERM stop the server; SIGHUP asks for a reload and the
// server serves on.
void http_server::impl::wait_for_signal() {
    signals.async_wait([this](error_code ec, int signal) {
        if (ec) return;  // cancelled: a stop has begun
        if (signal != SIGHUP) return begin_stop();
        hang_up();
        // Not after a stop has begun: its cancel may have run already, and a
        // wait left pending would keep run() from returning.
        if (!context.stopping) wait_for_signal();
    });
}

void http_server::impl::hang_up() {
    auto const& on_hangup = context.options.on_hangup;
    if (!on_hangup) return context.log("SIGHUP: nothing set up to reload; ignored");
    try {
        on_hangup();
    } catch (std::exception const& e) {
        context.log(std::string("SIGHUP: the reload failed to start: ") + e.what());
    }
}

void http_server::impl::begin_stop() {
    if (context.stopping.exchange(true)) return;
    net::post(control, [this] {
        error_code ignored;
        acceptor.close(ignored);
        accept_pause.cancel();
        signals.cancel();
        for (auto const& s : context.live()) s->stop_reading();
        reap();
    });
}

http_server::http_server(server_options options, request_handler handler, metrics& counters)
    : impl_(std::make_unique<impl>(std::move(options), std::move(handler), counters)) {}

http_server::~http_server() = default;

unsigned short http_server::listen() {
    auto& m = *impl_;
    auto const& options = m.context.options;
    error_code ec;
    auto const address = net::ip::make_address(options.bind, ec);
    if (ec) throw std::runtime_error("cannot bind to '" + options.bind + "': not an IP address");
    tcp::endpoint const endpoint{address, options.port};
    m.acceptor.open(endpoint.protocol(), ec);
    if (!ec) m.acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) m.acceptor.bind(endpoint, ec);
    if (!ec) m.acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (!ec) m.acceptor.non_blocking(true, ec);  // for refuse_waiting's accept4
    if (ec)
        throw std::runtime_error("cannot listen on " + options.bind + ":" + std::to_string(options.port) + ": " +
                                 ec.message());
    m.hold_reserve();
    return m.acceptor.local_endpoint().port();
}

void http_server::run() {
    auto& m = *impl_;
    // sendfile(2) has no MSG_NOSIGNAL: without this, a client that hangs up
    // while a cached file is being sent would kill the server with SIGPIPE
    // instead of failing that one write with EPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    // Past a file size limit (ulimit -f), a write to a cache file would
    // kill the server with SIGXFSZ; ignored, the write fails with EFBIG and
    // the answer stays in memory (cache_file::copy_of).
    std::signal(SIGXFSZ, SIG_IGN);
    m.wait_for_signal();
    m.accept();
    m.reap();
    unsigned const threads = m.context.options.threads;
    unsigned const n = threads ? threads : std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::thread> pool;
    // Answers take and free megabytes again and again: their threads keep
    // freed pages for reuse, given back every few seconds (reap).
    for (unsigned i = 1; i < n; ++i)
        pool.emplace_back([&m] {
            geo::keep_freed_pages_on_this_thread();
            m.ioc.run();
        });
    geo::keep_freed_pages_on_this_thread();
    m.ioc.run();
    for (auto& t : pool) t.join();
}

void http_server::stop() { impl_->begin_stop(); }

}  // namespace server
