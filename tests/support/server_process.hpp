#pragma once
// Starts `concessions serve` on 127.0.0.1 with a free port for a test, and
// stops it (SIGTERM) at scope exit. Plus a minimal HTTP/1.1 client over
// loopback for the tests that need raw sockets.

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace test {

class server_process {
public:
    // args: what follows `concessions serve` (sources, options). Waits until
    // the server prints its URL; fails the test if it does not within 120 s.
    explicit server_process(std::string const& args);
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
