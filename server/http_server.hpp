#pragma once
// The connection layer (Boost.Beast): listener and sessions, limits and
// timeouts, keep-alive, HEAD, CORS, ETag/304, gzip, chunked streaming,
// request log and metrics, a graceful stop on SIGINT/SIGTERM, and SIGHUP
// passed on as a reload request. It knows nothing of concessions: requests
// go to a handler function.

#include "server/http_types.hpp"
#include "server/metrics.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace server {

struct server_options {
    std::string bind = "127.0.0.1";
    unsigned short port = 8080;  // 0: any free port (see http_server::port)
    unsigned threads = 0;        // 0: one per core
    std::size_t header_limit = 16 * 1024;   // bytes of request line and headers (431 beyond)
    std::size_t body_limit = 64 * 1024;     // bytes of request body (413 beyond)
    std::size_t url_limit = 8 * 1024;       // bytes of request target (414 beyond)
    std::size_t max_connections = 10'000;   // open at once; more get 503 and are closed
                                            // (as do any while out of descriptors)
    std::chrono::milliseconds read_timeout{15'000};   // a whole request, or keep-alive idle time
    std::chrono::milliseconds write_timeout{60'000};  // each write; slow readers are dropped
    std::string cors_origin = "*";  // Access-Control-Allow-Origin; empty: no CORS headers
    bool log_requests = true;       // one line per request on stdout
    // Called on SIGHUP, on the server's control strand: on one of run()'s
    // threads, and while it runs no connection is accepted (nor, with one
    // thread, served). So it must return at once, e.g. after starting a
    // reload in the background; the server serves on. An exception from it
    // is logged. Unset: SIGHUP is logged and ignored, where by default it
    // would end the process.
    std::function<void()> on_hangup;
};

using request_handler = std::function<response(request_view const&)>;

class http_server {
public:
    http_server(server_options options, request_handler handler, metrics& counters);
    ~http_server();
    http_server(http_server const&) = delete;
    http_server& operator=(http_server const&) = delete;

    // Binds and listens; throws std::runtime_error naming the address when
    // it cannot. Returns the port actually bound.
    unsigned short listen();
    // Serves on `threads` threads until SIGINT/SIGTERM (or stop()), then
    // stops accepting, lets in-flight responses finish and returns. SIGINT,
    // SIGTERM and SIGHUP are caught from construction on (one that comes
    // before run() is handled when it starts).
    void run();
    void stop();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace server
