#include "tests/support/server_process.hpp"

#include "tests/support/test_support.hpp"

#include <arpa/inet.h>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <netinet/in.h>
#include <poll.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace test {

server_process::server_process(std::string const& args) : server_process(args, {}) {}

server_process::server_process(std::string const& args, std::function<void()> const& in_child) {
    static int counter = 0;
    log_ = (std::filesystem::temp_directory_path() /
            ("concessions-server-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".log"))
               .string();
    std::string const command = "exec " + quote(concessions_binary()) + " serve --port 0 --bind 127.0.0.1 " + args + " >" +
                                quote(log_) + " 2>&1";
    pid_ = ::fork();
    if (pid_ == 0) {
        if (in_child) in_child();
        ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < deadline) {
        std::string const text = slurp(log_);
        auto const at = text.find("serving on http://127.0.0.1:");
        if (at != std::string::npos) {
            port_ = static_cast<unsigned short>(std::stoi(text.substr(at + 28)));
            return;
        }
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            ADD_FAILURE() << "concessions serve exited before serving:\n" << text;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "concessions serve did not start within 120 s; log: " << log_;
}

server_process::~server_process() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    std::error_code ec;
    std::filesystem::remove(log_, ec);
}

std::string server_process::url(std::string const& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
}

bool server_process::running() const {
    if (pid_ <= 0) return false;
    // One that died stays a zombie until reaped, which kill(pid, 0) still
    // finds: ask whether it has exited, leaving it to be reaped.
    siginfo_t info{};
    return ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == 0;
}

bool server_process::signal(int number) { return pid_ > 0 && ::kill(pid_, number) == 0; }

int server_process::stop() {
    if (pid_ <= 0) return exit_status_;
    ::kill(pid_, SIGTERM);
    int status = 0;
    auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    pid_ = -1;
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return exit_status_;
}

int connect_loopback(unsigned short port, int receive_buffer) {
    int const fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    if (receive_buffer > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

std::string read_until(int fd, std::string const& marker, std::chrono::milliseconds limit) {
    std::string received;
    auto const deadline = std::chrono::steady_clock::now() + limit;
    while ((marker.empty() || received.find(marker) == std::string::npos) && std::chrono::steady_clock::now() < deadline) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) continue;
        char buf[4096];
        ssize_t const n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        received.append(buf, static_cast<std::size_t>(n));
    }
    return received;
}

std::string read_until_closed(int fd, std::chrono::milliseconds limit) {
    std::string received = read_until(fd, "", limit);
    ::close(fd);
    return received;
}

namespace {
std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string dechunk(std::string const& raw) {
    std::string out;
    std::size_t pos = 0;
    while (pos < raw.size()) {
        std::size_t const eol = raw.find("\r\n", pos);
        if (eol == std::string::npos) break;
        std::size_t const n = std::stoul(raw.substr(pos, eol - pos), nullptr, 16);
        if (n == 0) break;
        out += raw.substr(eol + 2, n);
        pos = eol + 2 + n + 2;
    }
    return out;
}
}  // namespace

http_connection::http_connection(unsigned short port, int receive_buffer)
    : port_(port), fd_(connect_loopback(port, receive_buffer)) {}

http_connection::~http_connection() {
    if (fd_ >= 0) ::close(fd_);
}

bool http_connection::send_get(std::string const& target) {
    std::string const request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) + "\r\n\r\n";
    for (std::size_t sent = 0; sent < request.size();) {
        ssize_t const n = ::send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return false;
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

bool http_connection::receive_some(std::chrono::milliseconds limit) {
    auto const deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{fd_, POLLIN, 0};
        int const ready = ::poll(&p, 1, 100);
        if (ready < 0) return false;
        if (ready == 0) continue;
        char buf[65536];
        ssize_t const n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) return false;
        pending_.append(buf, static_cast<std::size_t>(n));
        return true;
    }
    return false;
}

http_reply http_connection::read_response(std::chrono::milliseconds limit) {
    auto const deadline = std::chrono::steady_clock::now() + limit;
    auto more = [&] {
        return receive_some(
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
    };
    auto have = [&](std::size_t n) {
        while (pending_.size() < n)
            if (!more()) return false;
        return true;
    };
    http_reply reply;
    std::size_t head_end;
    while ((head_end = pending_.find("\r\n\r\n")) == std::string::npos)
        if (!more()) return reply;
    std::istringstream head(pending_.substr(0, head_end));
    pending_.erase(0, head_end + 4);
    std::string line;
    std::getline(head, line);
    if (!line.starts_with("HTTP/1.1 ")) return reply;
    int const status = std::stoi(line.substr(9, 3));
    while (std::getline(head, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        auto const colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        reply.headers[lower(line.substr(0, colon))] = value;
    }
    if (reply.headers["transfer-encoding"] == "chunked") {
        for (;;) {
            std::size_t eol;
            while ((eol = pending_.find("\r\n")) == std::string::npos)
                if (!more()) return reply;
            std::size_t const size = std::stoul(pending_.substr(0, eol), nullptr, 16);
            if (!have(eol + 2 + size + 2)) return reply;  // no trailers after the last chunk
            reply.body.append(pending_, eol + 2, size);
            pending_.erase(0, eol + 2 + size + 2);
            if (size == 0) break;
        }
    } else if (reply.headers.count("content-length")) {
        std::size_t const size = std::stoul(reply.headers["content-length"]);
        if (!have(size)) return reply;
        reply.body = pending_.substr(0, size);
        pending_.erase(0, size);
    }
    reply.status = status;
    return reply;
}

http_reply http_connection::get(std::string const& target, std::chrono::milliseconds limit) {
    if (fd_ < 0 || !send_get(target)) return {};
    return read_response(limit);
}

http_reply http_get(unsigned short port, std::string const& target, std::string const& extra, std::string const& method,
                    std::string const& body, std::chrono::milliseconds timeout) {
    http_reply reply;
    int const fd = connect_loopback(port);
    if (fd < 0) return reply;
    // A Host line in `extra` replaces the default one (links are made from it).
    bool const own_host = ("\r\n" + lower(extra)).find("\r\nhost:") != std::string::npos;
    std::string request = method + " " + target + " HTTP/1.1\r\n" +
                          (own_host ? std::string() : "Host: 127.0.0.1:" + std::to_string(port) + "\r\n") +
                          "Connection: close\r\n" + extra;
    if (!body.empty()) request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    request += "\r\n" + body;
    std::size_t sent = 0;
    while (sent < request.size()) {
        ssize_t const n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;  // the server may refuse early (413, 431): read what it said
        sent += static_cast<std::size_t>(n);
    }
    std::string raw;
    char buf[65536];
    auto const deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) continue;
        ssize_t const n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        raw.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    auto const head_end = raw.find("\r\n\r\n");
    if (raw.compare(0, 9, "HTTP/1.1 ") != 0 || head_end == std::string::npos) return reply;
    reply.status = std::stoi(raw.substr(9, 3));
    std::istringstream head(raw.substr(0, head_end));
    std::string line;
    std::getline(head, line);
    while (std::getline(head, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        auto const colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        reply.headers[lower(line.substr(0, colon))] = value;
    }
    std::string payload = raw.substr(head_end + 4);
    reply.body = reply.headers["transfer-encoding"] == "chunked" ? dechunk(payload) : payload;
    return reply;
}

}  // namespace test
