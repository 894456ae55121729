// The connection layer's signals: SIGHUP reaches server_options::on_hangup
// and the server serves on, in process and in `concessions serve` (which
// sets no on_hangup: SIGHUP is logged and ignored rather than fatal).

#include "server/http_server.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_support.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;


bool send_all(int fd, std::string const& bytes) {
    return ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
}

// Waits until `text` appears in the file at `path`.
bool wait_for_text(std::string const& path, std::string const& text, std::chrono::milliseconds limit) {
    auto const deadline = clock_type::now() + limit;
    while (clock_type::now() < deadline) {
        if (test::slurp(path).find(text) != std::string::npos) return true;
        std::this_thread::sleep_for(20ms);
    }
    return false;
}

// An http_server on a free port, run on a thread of its own.
class running_server {
public:
    explicit running_server(std::function<void()> on_hangup) : server_(options(std::move(on_hangup)), answer, counters_) {
        port_ = server_.listen();
    }
    void start() {
        thread_ = std::thread([this] { server_.run(); });
    }
    ~running_server() {
        server_.stop();
        if (thread_.joinable()) thread_.join();
    }
    unsigned short port() const { return port_; }

private:
    static server::server_options options(std::function<void()> on_hangup) {
        server::server_options o;
        o.port = 0;
        o.threads = 1;
        o.log_requests = false;
        o.on_hangup = std::move(on_hangup);
        return o;
    }
    static server::response answer(server::request_view const&) {
        server::response r;
        r.body = "{}";
        return r;
    }

    server::metrics counters_;
    server::http_server server_;
    unsigned short port_ = 0;
    std::thread thread_;
};

// Counts on_hangup calls, for the test thread to wait on.
class hangups {
public:
    void called() {
        std::lock_guard lock(mutex_);
        ++count_;
        changed_.notify_all();
    }
    int wait_for(int n) {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, 10s, [&] { return count_ >= n; });
        return count_;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int count_ = 0;
};

TEST(http_server, sighup_calls_on_hangup_and_the_server_serves_on) {
    hangups h;
    running_server server([&h] { h.called(); });
    // Caught from construction on: one that comes before run() waits for it.
    ASSERT_EQ(::kill(::getpid(), SIGHUP), 0);
    server.start();
    EXPECT_EQ(h.wait_for(1), 1);
    EXPECT_EQ(test::http_get(server.port(), "/").status, 200);
    ASSERT_EQ(::kill(::getpid(), SIGHUP), 0);
    EXPECT_EQ(h.wait_for(2), 2);
    EXPECT_EQ(test::http_get(server.port(), "/").status, 200);
}

TEST(http_server, an_on_hangup_that_throws_does_not_stop_the_server) {
    hangups h;
    running_server server([&h] {
        h.called();
        throw std::runtime_error("cannot start a reload");
    });
    server.start();
    ASSERT_EQ(::kill(::getpid(), SIGHUP), 0);
    EXPECT_EQ(h.wait_for(1), 1);
    EXPECT_EQ(test::http_get(server.port(), "/").status, 200);
    ASSERT_EQ(::kill(::getpid(), SIGHUP), 0);
    EXPECT_EQ(h.wait_for(2), 2) << "SIGHUP is still caught after a failed call";
}

// `concessions serve` sets no on_hangup: SIGHUP (also what a closing
// terminal sends) is logged and ignored, and a keep-alive connection open
// across it is still answered.
TEST(http_server_e2e, sighup_does_not_stop_concessions_serve) {
    test::server_process server("--quiet");  // the bundled sample
    ASSERT_NE(server.port(), 0);
    int const fd = test::connect_loopback(server.port());
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(send_all(fd, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    EXPECT_NE(test::read_until(fd, "\"status\":\"ok\"", 10s).find("HTTP/1.1 200"), std::string::npos);

    for (int i = 0; i < 3; ++i) ASSERT_TRUE(server.signal(SIGHUP));
    EXPECT_TRUE(wait_for_text(server.log_path(), "SIGHUP", 10s)) << test::slurp(server.log_path());
    EXPECT_TRUE(server.running()) << test::slurp(server.log_path());
    EXPECT_EQ(test::http_get(server.port(), "/healthz").status, 200);
    ASSERT_TRUE(send_all(fd, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
    std::string const second = test::read_until_closed(fd, 10s);
    EXPECT_NE(second.find("HTTP/1.1 200"), std::string::npos) << "the open connection was dropped: " << second;

    EXPECT_EQ(server.stop(), 0) << "SIGTERM after SIGHUP: " << test::slurp(server.log_path());
    EXPECT_NE(test::slurp(server.log_path()).find("stopped"), std::string::npos);
}

}  // namespace
