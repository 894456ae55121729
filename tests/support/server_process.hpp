#pragma once
// Starts `concessions serve` on 127.0.0.1 with a free port for a test, and
// stops it (SIGTERM) at scope exit. Plus a minimal HTTP/1.1 client over
// loopback for the tests that need raw sockets.

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace test {

class server_process {
public:
    // args: what follows `concessions serve` (sources, options). Waits until
    // the server prints its URL; fails the test if it does not within 120 s.
    explicit server_process(std::string const& args);
    // As above; `in_child` runs in the forked child just before the exec,
    // to set what the server inherits: resource limits, a private mount
    // namespace. Only async-signal-safe calls there; on failure it should
    // _exit (the test then fails, saying the server exited before serving).
    server_process(std::string const& args, std::function<void()> const& in_child);
    ~server_process();
    server_process(server_process const&) = delete;
    server_process& operator=(server_process const&) = delete;

    unsigned short port() const { return port_; }
    std::string url(std::string const& path = "/") const;
    // Sends SIGTERM, waits, and returns the exit status (-1 if killed by a signal).
    int stop();
    // Sends a signal (SIGHUP, ...) and returns at once; false if the server is not running.
    bool signal(int number);
    bool running() const;
    int pid() const { return pid_; }  // for /proc/PID and prlimit(2); -1 once stopped
    std::string const& log_path() const { return log_; }

private:
    int pid_ = -1;
    unsigned short port_ = 0;
    std::string log_;
    int exit_status_ = -1;
};

struct http_reply {
    int status = 0;  // 0: no reply (connection closed or timed out)
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;                            // de-chunked, not decompressed
};

// One request on a fresh connection; `extra` is raw header lines ending in
// \r\n. Host is 127.0.0.1:port unless `extra` has a Host line of its own.
http_reply http_get(unsigned short port, std::string const& target, std::string const& extra = {},
                    std::string const& method = "GET", std::string const& body = {},
                    std::chrono::milliseconds timeout = std::chrono::seconds(30));

// One connection kept open for requests one after another (keep-alive),
// each answer read whole (Content-Length or chunked, as sent).
class http_connection {
public:
    // A receive_buffer above 0: see connect_loopback.
    explicit http_connection(unsigned short port, int receive_buffer = 0);
    ~http_connection();
    http_connection(http_connection const&) = delete;
    http_connection& operator=(http_connection const&) = delete;

    bool is_open() const { return fd_ >= 0; }
    int fd() const { return fd_; }
    // Sends GET target; false when the connection would not take it.
    bool send_get(std::string const& target);
    // Receives what has come (one recv) into received(); false when the
    // peer closed, or nothing came within `limit`.
    bool receive_some(std::chrono::milliseconds limit);
    std::string const& received() const { return pending_; }
    // The next whole response; status 0 when the connection broke, or
    // `limit` passed, before its last byte.
    http_reply read_response(std::chrono::milliseconds limit);
    // send_get, then read_response.
    http_reply get(std::string const& target, std::chrono::milliseconds limit = std::chrono::seconds(30));

private:
    unsigned short port_;
    int fd_;
    std::string pending_;  // received, not yet read as a response
};

// Connects to 127.0.0.1:port; -1 on failure. A receive_buffer above 0 sets
// SO_RCVBUF before connecting (a client that takes data slowly).
int connect_loopback(unsigned short port, int receive_buffer = 0);

// What the peer sends on fd until it closes the connection or `limit`
// passes; closes fd.
std::string read_until_closed(int fd, std::chrono::milliseconds limit);
// What the peer sends on fd until `marker` has come (empty: until it
// closes) or `limit` passes; fd stays open.
std::string read_until(int fd, std::string const& marker, std::chrono::milliseconds limit);

}  // namespace test
