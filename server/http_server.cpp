#include "server/http_server.hpp"

#include "server/http_session.hpp"

#include <boost/asio.hpp>

#include <algorithm>
#include <csignal>
#include <exception>
#include <memory>
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

    impl(server_options o, request_handler h, metrics& m) : context(std::move(o), std::move(h), m) {}
    void accept();
    void reap();
    void wait_for_signal();
    void hang_up();
    void begin_stop();
};

void http_server::impl::accept() {
    acceptor.async_accept(ioc, [this](error_code ec, tcp::socket socket) {
        if (ec) {
            if (!context.stopping && acceptor.is_open()) accept();  // e.g. EMFILE: keep serving the others
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
    if (ec)
        throw std::runtime_error("cannot listen on " + options.bind + ":" + std::to_string(options.port) + ": " +
                                 ec.message());
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
    for (unsigned i = 1; i < n; ++i) pool.emplace_back([&m] { m.ioc.run(); });
    m.ioc.run();
    for (auto& t : pool) t.join();
}

void http_server::stop() { impl_->begin_stop(); }

}  // namespace server
