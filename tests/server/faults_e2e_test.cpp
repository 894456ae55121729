// Faults injected into a running `concessions serve` (issue 12, part 5),
// over loopback, each with bounded counts and times:
//   - the cache folder full (a tiny tmpfs: needs CAP_SYS_ADMIN, else
//     SKIPPED) or gone: large answers go to memory files instead, whole;
//   - a file size limit (RLIMIT_FSIZE, `ulimit -f`): it bounds memory
//     files too, so large answers stay in the process, and SIGXFSZ does
//     not kill it;
//   - the descriptors exhausted (RLIMIT_NOFILE lowered under the running
//     server): new connections get 503, open ones are served, nothing spins;
//   - clients that stop reading mid-download: cut off after the write
//     timeout, the server's memory bounded meanwhile;
//   - a source file deleted outright or truncated in place while serving:
//     the old data is served until the files are whole again;
//   - a PostGIS database that goes down and comes back with changed rows:
//     the old data meanwhile, the new data once it is back.
// Limits are set on the server's process with prlimit(2) once it serves
// (so that loading is not what hits them; the test runs as the server's
// user, which is all prlimit asks to lower them); figures come from
// /proc/PID.

#include "tests/support/pg_cluster.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_support.hpp"

#include <nlohmann/json.hpp>

#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using clock_type = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::string const collection = "synthetic-concessions";  // from synthetic_concessions.shp

std::string items(std::string const& query = {}) {
    return "/collections/" + collection + "/items" + query;
}

using test::time_bound;

double since(clock_type::time_point t) {
    return std::chrono::duration<double>(clock_type::now() - t).count();
}

// --- the server's process, as the kernel sees it --------------------------------

// A "Name: value kB" line of /proc/PID/status, in kB; -1 if none.
long status_kb(int pid, std::string const& name) {
    std::istringstream lines(test::slurp("/proc/" + std::to_string(pid) + "/status"));
    for (std::string line; std::getline(lines, line);)
        if (line.starts_with(name + ":")) return std::stol(line.substr(name.size() + 1));
    return -1;
}

// User and system CPU time the process has had, in seconds.
double cpu_seconds(int pid) {
    std::string const stat = test::slurp("/proc/" + std::to_string(pid) + "/stat");
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));  // the name may hold spaces
    std::vector<std::string> f{std::istream_iterator<std::string>(fields), {}};
    if (f.size() < 13) return -1;
    return static_cast<double>(std::stoull(f[11]) + std::stoull(f[12])) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::size_t open_descriptors(int pid) {
    std::error_code ec;
    auto const entries = fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
    return ec ? 0 : static_cast<std::size_t>(std::distance(entries, fs::directory_iterator()));
}

// Sets a resource limit (soft and hard) on the running server.
void limit(test::server_process const& server, decltype(RLIMIT_NOFILE) resource, rlim_t value) {
    rlimit const lim{value, value};
    ASSERT_EQ(::prlimit(server.pid(), resource, &lim, nullptr), 0) << std::strerror(errno);
}

// --- asking it ---------------------------------------------------------------------

test::http_reply get(unsigned short port, std::string const& target) {
    return test::http_get(port, target, {}, "GET", {}, seconds(30));
}

json get_json(unsigned short port, std::string const& target) {
    auto const r = get(port, target);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body.substr(0, 300);
    return r.status == 200 ? json::parse(r.body, nullptr, false) : json();
}

json health(unsigned short port) {
    auto const r = test::http_get(port, "/healthz", {}, "GET", {}, seconds(5));
    return r.status == 200 ? json::parse(r.body, nullptr, false) : json();
}

// Polls /healthz every 100 ms until `done` holds of it and no reload runs,
// or `limit` passes; the last answer either way.
json wait_for_health(unsigned short port, std::function<bool(json const&)> const& done, milliseconds limit) {
    auto const deadline = clock_type::now() + limit;
    json h;
    for (;;) {
        h = health(port);
        if (h.is_object() && !h["reload"]["running"].get<bool>() && done(h)) return h;
        if (clock_type::now() > deadline) return h;
        std::this_thread::sleep_for(milliseconds(100));
    }
}

std::uint64_t reloads_of(json const& health) {
    return health.is_object() ? health["reload"]["reloads"].get<std::uint64_t>() : 0;
}

// Until more than `reloads` reloads have finished.
json wait_for_reload(unsigned short port, std::uint64_t reloads, milliseconds limit = seconds(20)) {
    auto h = wait_for_health(
        port, [reloads](json const& h) { return reloads_of(h) > reloads; }, limit);
    EXPECT_GT(reloads_of(h), reloads) << "no reload within " << limit.count() << " ms: " << h.dump();
    return h;
}

// The value of a /metrics line "name value"; -1 if none.
long metric(unsigned short port, std::string const& name) {
    std::istringstream lines(get(port, "/metrics").body);
    for (std::string line; std::getline(lines, line);)
        if (line.starts_with(name + " ")) return std::stol(line.substr(name.size() + 1));
    return -1;
}

long number_matched(unsigned short port, std::string const& collection_id) {
    auto const page = get_json(port, "/collections/" + collection_id + "/items?limit=1");
    return page.contains("numberMatched") ? page["numberMatched"].get<long>() : -1;
}

// Every feature of a collection (up to 10000), as served.
json features(unsigned short port, std::string const& collection_id) {
    return get_json(port, "/collections/" + collection_id + "/items?limit=10000")["features"];
}

// Two answers to one request: the same but for an items page's timeStamp
// (when it was made; a cached page keeps its own).
bool same_answer(std::string const& a, std::string const& b) {
    if (a == b) return true;
    json x = json::parse(a, nullptr, false), y = json::parse(b, nullptr, false);
    if (!x.is_object() || !y.is_object()) return false;
    x.erase("timeStamp");
    y.erase("timeStamp");
    return x == y;
}

std::size_t occurrences(std::string const& text, std::string const& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

// --- the data ------------------------------------------------------------------------

fs::path sample() {
    return test::source_dir() / "data/sample";
}

// The sample's concessions matching `where` (all when empty) as a
// shapefile `name`.shp in `folder`, written by ogr2ogr; `extra`: more of
// its options.
fs::path make_shapefile(fs::path const& folder, std::string const& name, std::string const& where,
                        std::string const& extra = {}) {
    fs::create_directories(folder);
    fs::path const shp = folder / (name + ".shp");
    auto const r =
        test::run("ogr2ogr -f 'ESRI Shapefile' " + extra + " " +
                  (where.empty() ? "" : "-where " + test::quote(where) + " ") + "-nln " + test::quote(name) + " " +
                  test::quote(shp.string()) + " " + test::quote((sample() / "synthetic_concessions.shp").string()));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return shp;
}

// GDAL's count of a shapefile's features.
long ogr_count(fs::path const& shp) {
    auto const r = test::run("ogrinfo -ro -so -al " + test::quote(shp.string()));
    std::smatch m;
    EXPECT_TRUE(std::regex_search(r.out, m, std::regex(R"(Feature Count: (\d+))"))) << r.out << r.err;
    return m.empty() ? -1 : std::stol(m[1]);
}

// The files of shapefile `shp` (.shp, .shx, .dbf, ...).
std::vector<fs::path> parts_of(fs::path const& shp) {
    std::vector<fs::path> parts;
    for (auto const& f : fs::directory_iterator(shp.parent_path()))
        if (f.path().stem() == shp.stem()) parts.push_back(f.path());
    return parts;
}

std::string sample_args(std::string const& extra) {
    return test::quote((sample() / "synthetic_concessions.shp").string()) + " --provinces " +
           test::quote((sample() / "synthetic_provinces.shp").string()) + " --store-dir none " + extra;
}

// --- a private tmpfs for the server ---------------------------------------------------

// Mounts a tmpfs of `size` on `folder` in a mount namespace of the calling
// process's own (gone with it, never seen by the rest of the machine).
// Called in a forked child: system calls only.
bool mount_private_tmpfs(char const* folder, char const* size) {
    return ::unshare(CLONE_NEWNS) == 0 && ::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0 &&
           ::mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, size) == 0;
}

// Why a private tmpfs cannot be mounted here ("" when it can): a child
// tries.
std::string no_private_tmpfs(fs::path const& folder) {
    pid_t const pid = ::fork();
    if (pid == 0) ::_exit(mount_private_tmpfs(folder.c_str(), "size=64k") ? 0 : errno);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
    return std::string("unshare(CLONE_NEWNS) and mount -t tmpfs fail (") +
           (WIFEXITED(status) ? std::strerror(WEXITSTATUS(status)) : "killed") + "): they need CAP_SYS_ADMIN";
}

// --- a database that can go away ---------------------------------------------------------

// A TCP relay on loopback in front of the database: what the server knows
// as the database's address. down() closes the relay's listener and every
// connection through it, as a database host that stops does (connections
// cut, new ones refused); up() listens on the same port again. It stands
// in for the database's going and coming back because the private cluster
// (tests/support/pg_cluster) can be stopped but not started again; the
// test changes rows through the cluster's own port meanwhile.
class tcp_relay {
public:
    explicit tcp_relay(unsigned short target) : target_(target) { up(); }
    ~tcp_relay() { down(); }
    tcp_relay(tcp_relay const&) = delete;
    tcp_relay& operator=(tcp_relay const&) = delete;

    unsigned short port() const { return port_; }

    void up() {
        if (thread_.joinable()) return;
        int const listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int const one = 1;
        ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port_);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listener, 64) != 0) {
            ADD_FAILURE() << "the relay cannot listen on port " << port_ << ": " << std::strerror(errno);
            ::close(listener);
            return;
        }
        socklen_t len = sizeof addr;
        ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        stop_ = false;
        thread_ = std::thread([this, listener] { relay(listener); });
    }

    void down() {
        if (!thread_.joinable()) return;
        stop_ = true;
        thread_.join();
    }

private:
    // Until down(): accepts, connects each to the target, and copies bytes
    // both ways. Closes everything when it ends.
    void relay(int listener) {
        std::vector<std::pair<int, int>> pairs;  // (client, database)
        while (!stop_) {
            std::vector<pollfd> watched{{listener, POLLIN, 0}};
            for (auto const& [a, b] : pairs) {
                watched.push_back({a, POLLIN, 0});
                watched.push_back({b, POLLIN, 0});
            }
            if (::poll(watched.data(), watched.size(), 50) <= 0) continue;
            std::vector<std::pair<int, int>> kept;
            for (std::size_t i = 0; i < pairs.size(); ++i) {
                auto const [a, b] = pairs[i];
                bool open = true;
                for (auto [from, to, revents] :
                     {std::tuple{a, b, watched[1 + 2 * i].revents}, std::tuple{b, a, watched[2 + 2 * i].revents}}) {
                    if (!open || !(revents & (POLLIN | POLLHUP | POLLERR))) continue;
                    char buf[65536];
                    ssize_t const n = ::recv(from, buf, sizeof buf, 0);
                    open = n > 0 && ::send(to, buf, static_cast<std::size_t>(n), MSG_NOSIGNAL) == n;
                }
                if (open) {
                    kept.emplace_back(a, b);
                } else {
                    ::close(a);
                    ::close(b);
                }
            }
            if (watched[0].revents & POLLIN) {
                int const client = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
                int const database = client >= 0 ? test::connect_loopback(target_) : -1;
                if (database >= 0)
                    kept.emplace_back(client, database);
                else if (client >= 0)
                    ::close(client);
            }
            pairs = std::move(kept);
        }
        for (auto const& [a, b] : pairs) {
            ::close(a);
            ::close(b);
        }
        ::close(listener);
    }

    unsigned short const target_;
    unsigned short port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace

// What it catches: a cache folder whose disk fills (ENOSPC) making large
// answers fail, or come out cut short, instead of going to memory files.
// The folder is a 512 KiB tmpfs mounted in the server's own mount
// namespace: the first ~340 KB answer fits there, the next ones do not.
TEST(faults_e2e, a_full_cache_folder_sends_large_answers_from_memory_files) {
    time_bound bound{seconds(60)};
    test::scratch_dir dir;
    fs::path const cache = dir / "cache";
    fs::create_directories(cache);
    if (std::string const why = no_private_tmpfs(cache); !why.empty())
        GTEST_SKIP() << "SKIPPED: " << why << "; run this test as root (CI does) to fill a real file system";
    std::string const folder = cache.string();
    test::server_process server(sample_args("--no-watch --quiet --cache-dir " + test::quote(folder)), [&folder] {
        if (!mount_private_tmpfs(folder.c_str(), "size=512k")) ::_exit(126);
    });
    ASSERT_GT(server.port(), 0);
    unsigned short const port = server.port();
    // The folder as the server sees it (its tmpfs), through its root.
    fs::path const seen = "/proc/" + std::to_string(server.pid()) + "/root" + folder;
    auto used = [&seen] {
        struct statvfs s {};
        return ::statvfs(seen.c_str(), &s) == 0 ? static_cast<long>((s.f_blocks - s.f_bfree) * s.f_frsize) : -1L;
    };
    ASSERT_EQ(used(), 0);

    // Three answers of 64 KiB or more, each asked three times: the second
    // time caches it (in a file), the third is sent from that file.
    std::vector<std::string> const targets = {items("?limit=300"), items("?limit=1000"), items("?f=csv&download=1")};
    long total = 0;
    for (auto const& target : targets) {
        SCOPED_TRACE(target);
        auto const first = get(port, target);
        ASSERT_EQ(first.status, 200);
        ASSERT_GE(first.body.size(), 64u * 1024);
        total += static_cast<long>(first.body.size());
        for (int i = 0; i < 2; ++i) {
            auto const again = get(port, target);
            EXPECT_EQ(again.status, 200);
            EXPECT_TRUE(same_answer(again.body, first.body))
                << again.body.size() << " bytes, not the " << first.body.size() << " first sent";
        }
        if (target.find("csv") == std::string::npos) {
            EXPECT_EQ(json::parse(get(port, target).body)["features"].size(), 300u);
        }
    }
    // All three are in cache files, more bytes than the folder holds: those
    // that did not fit are in memory files.
    EXPECT_EQ(metric(port, "concessions_cache_files"), 3);
    EXPECT_EQ(metric(port, "concessions_cache_file_bytes"), total);
    long const in_folder = used();
    EXPECT_GT(in_folder, 300 * 1024) << "the first answer should be in the folder";
    EXPECT_LE(in_folder, 512 * 1024);
    std::string const log = test::slurp(server.log_path());
    EXPECT_EQ(occurrences(log, "cannot keep cached answers in " + folder +
                                   " (No space left on device); keeping them in memory files"),
              1u)
        << log;
    std::cout << "[          ] " << total << " bytes of cached answers, " << in_folder
              << " of them in the 512 KiB folder\n";
    EXPECT_TRUE(server.running());
}

// What it catches: the same fallback when the folder goes away (a cleaner
// of /tmp removing it), and that files go to the folder again once it is
// back. Needs no privileges.
TEST(faults_e2e, a_cache_folder_removed_while_serving_sends_large_answers_from_memory_files_until_it_is_back) {
    time_bound bound{seconds(60)};
    test::scratch_dir dir;
    fs::path const cache = dir / "cache";
    fs::create_directories(cache);
    test::server_process server(sample_args("--no-watch --quiet --cache-dir " + test::quote(cache.string())));
    ASSERT_GT(server.port(), 0);
    unsigned short const port = server.port();

    // Asked three times: cached at the second, sent from its file at the third.
    auto ask = [port](std::string const& target) {
        auto const first = get(port, target);
        EXPECT_EQ(first.status, 200) << target;
        EXPECT_GE(first.body.size(), 64u * 1024) << target;
        for (int i = 0; i < 2; ++i) {
            auto const again = get(port, target);
            EXPECT_EQ(again.status, 200) << target;
            EXPECT_TRUE(same_answer(again.body, first.body))
                << target << ": " << again.body.size() << " bytes, not " << first.body.size();
        }
    };
    std::string const in_folder = "cannot keep cached answers in " + cache.string() + " (No such file or directory)";
    std::string const back = "cached answers are kept in " + cache.string() + " again";

    ask(items("?limit=300"));
    EXPECT_EQ(metric(port, "concessions_cache_files"), 1);
    fs::remove_all(cache);
    ask(items("?limit=1000"));
    ask(items("?f=csv&download=1"));
    EXPECT_EQ(metric(port, "concessions_cache_files"), 3);
    std::string log = test::slurp(server.log_path());
    EXPECT_EQ(occurrences(log, in_folder), 1u) << "said once, not at every answer:\n" << log;
    EXPECT_EQ(occurrences(log, back), 0u) << log;

    fs::create_directories(cache);
    ask(items("?limit=299"));
    EXPECT_EQ(metric(port, "concessions_cache_files"), 4);
    log = test::slurp(server.log_path());
    EXPECT_EQ(occurrences(log, back), 1u) << log;
    EXPECT_TRUE(server.running());
}

// What it catches: a file size limit (`ulimit -f`) killing the server with
// SIGXFSZ at the first large answer it caches. Ignored, the write fails
// with EFBIG; the limit bounds memory files too (the kernel checks it for
// any regular file, a memfd's included), so the answer stays in the
// process, whole.
TEST(faults_e2e, a_file_size_limit_keeps_large_answers_in_the_process_and_does_not_kill_it) {
    time_bound bound{seconds(60)};
    test::scratch_dir dir;
    test::server_process server(sample_args("--no-watch --quiet --cache-dir " + test::quote(dir.path().string())));
    ASSERT_GT(server.port(), 0);
    unsigned short const port = server.port();
    limit(server, RLIMIT_FSIZE, 100 * 1024);  // the log written so far is ~1 KB

    std::string const target = items("?limit=300");
    auto const first = get(port, target);
    ASSERT_EQ(first.status, 200);
    ASSERT_GT(first.body.size(), 100u * 1024);
    for (int i = 0; i < 3; ++i) {
        auto const again = get(port, target);
        ASSERT_EQ(again.status, 200) << "no answer (one killed by SIGXFSZ at its first cache file gives none)";
        EXPECT_TRUE(same_answer(again.body, first.body));
    }
    EXPECT_EQ(json::parse(get(port, target).body)["features"].size(), 300u);
    EXPECT_TRUE(server.running());
    EXPECT_EQ(metric(port, "concessions_cache_files"), 0);
    EXPECT_GE(metric(port, "concessions_response_cache_bytes"), static_cast<long>(first.body.size()))
        << "the answer should be cached in the process";
    std::string const log = test::slurp(server.log_path());
    EXPECT_EQ(
        occurrences(log,
                    "cannot keep cached answers in files (File too large: the file size limit, ulimit -f); they stay "
                    "in the process"),
        1u)
        << log;
}

// What it catches: the prepared store's writer, which starts while the data
// loads, before the server serves, killed by SIGXFSZ at the file size limit
// and the server with it; or a half-written store left behind.
TEST(faults_e2e, a_file_size_limit_leaves_no_store_and_the_server_serving) {
    time_bound bound{seconds(60)};
    test::scratch_dir dir;
    fs::path const store = dir.path() / "store";
    std::string const args = test::quote((sample() / "synthetic_concessions.shp").string()) +
                             " --no-watch --store-dir " + test::quote(store.string());
    test::server_process server(args, [] {
        rlimit const lim{64 * 1024, 64 * 1024};  // the sample's store is larger; the log is ~1 KB
        ::setrlimit(RLIMIT_FSIZE, &lim);
    });
    ASSERT_GT(server.port(), 0);
    std::string log;
    for (auto const start = clock_type::now(); since(start) < 20;) {
        log = test::slurp(server.log_path());
        if (log.find("could not write the store") != std::string::npos) break;
        std::this_thread::sleep_for(milliseconds(100));
    }
    EXPECT_NE(log.find("could not write the store: cannot write: File too large"), std::string::npos) << log;
    EXPECT_TRUE(server.running());
    auto const page = get_json(server.port(), items("?limit=5"));
    EXPECT_EQ(page["features"].size(), 5u);
    std::vector<fs::path> left;
    for (auto const& e : fs::directory_iterator(store)) left.push_back(e.path());
    EXPECT_TRUE(left.empty()) << "left in the store folder: " << (left.empty() ? "" : left.front().string());
}

// What it catches: a listener that, out of descriptors (EMFILE), retries
// accept(2) at once for ever (a core spinning, the client told nothing),
// or that stops serving the connections it has. The server's limit is
// lowered to what it holds plus a few, then more clients come than fit.
TEST(faults_e2e, at_the_descriptor_limit_new_connections_get_503_and_open_ones_are_served) {
    time_bound bound{seconds(60)};
    test::server_process server(sample_args("--no-watch --quiet --read-timeout 120"));
    ASSERT_GT(server.port(), 0);
    unsigned short const port = server.port();
    int const pid = server.pid();
    test::http_connection open(port);
    ASSERT_EQ(open.get("/healthz").status, 200);
    std::size_t const in_use = open_descriptors(pid);
    limit(server, RLIMIT_NOFILE, in_use + 6);

    // 24 idle connections: the first few are accepted and wait for their
    // request; the others are answered 503 and closed.
    std::vector<int> clients;
    for (int i = 0; i < 24; ++i) clients.push_back(test::connect_loopback(port));
    std::this_thread::sleep_for(milliseconds(1000));
    std::vector<int> held;
    int refused = 0;
    for (int fd : clients) {
        ASSERT_GE(fd, 0);
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 0) == 0) {
            held.push_back(fd);
            continue;
        }
        std::string const answer = test::read_until_closed(fd, seconds(5));
        EXPECT_TRUE(answer.starts_with("HTTP/1.1 503 ")) << answer;
        refused += answer.starts_with("HTTP/1.1 503 ") ? 1 : 0;
    }
    std::cout << "[          ] limit " << in_use + 6 << " descriptors: " << held.size() << " connections accepted, "
              << refused << " refused\n";
    EXPECT_GE(held.size(), 1u);
    EXPECT_LE(held.size(), 8u);  // six free, give or take one the server had open for a moment when counted
    EXPECT_EQ(static_cast<std::size_t>(refused) + held.size(), clients.size());

    // A client that asks is told why, in JSON.
    auto const refusal = test::http_get(port, "/healthz", {}, "GET", {}, seconds(5));
    EXPECT_EQ(refusal.status, 503);
    EXPECT_EQ(refusal.headers.count("connection") ? refusal.headers.at("connection") : "", "close");
    EXPECT_EQ(refusal.headers.count("content-type") ? refusal.headers.at("content-type") : "", "application/json");
    auto const why = json::parse(refusal.body, nullptr, false);
    EXPECT_EQ(why.is_object() ? why["description"] : json(), "too many open connections; try again shortly")
        << refusal.body;

    // The open connection is served on, large answers too (in the process:
    // a cache file needs a descriptor).
    EXPECT_EQ(open.get("/healthz").status, 200);
    for (int i = 0; i < 3; ++i) {
        auto const page = open.get(items("?limit=300"));
        ASSERT_EQ(page.status, 200);
        EXPECT_EQ(json::parse(page.body)["features"].size(), 300u);
    }

    // Not spinning: a second of exhaustion with a client every 100 ms, each
    // answered 503, costs the server little CPU (a retrying accept loop
    // costs a whole core).
    double const cpu_before = cpu_seconds(pid);
    auto const started = clock_type::now();
    int answered = 0;
    while (since(started) < 1.0) {
        answered += test::http_get(port, "/healthz", {}, "GET", {}, seconds(2)).status == 503 ? 1 : 0;
        std::this_thread::sleep_for(milliseconds(100));
    }
    double const cpu = cpu_seconds(pid) - cpu_before, wall = since(started);
    std::cout << "[          ] " << cpu << " s of CPU in " << wall << " s out of descriptors, " << answered
              << " clients answered 503\n";
    ::testing::Test::RecordProperty("cpu_seconds_out_of_descriptors", std::to_string(cpu));
    EXPECT_GE(answered, 5);
    EXPECT_LT(cpu, 0.3 * wall) << "the server spins while out of descriptors";

    auto const m = open.get("/metrics");
    ASSERT_EQ(m.status, 200);
    std::smatch rejected;
    ASSERT_TRUE(std::regex_search(m.body, rejected, std::regex(R"(concessions_connections_rejected_total (\d+))")));
    EXPECT_GE(std::stol(rejected[1]), refused + answered + 1);
    EXPECT_EQ(occurrences(test::slurp(server.log_path()), "out of file descriptors (Too many open files)"), 1u)
        << test::slurp(server.log_path());

    // Descriptors free again: new connections are served.
    for (int fd : held) ::close(fd);
    auto const deadline = clock_type::now() + seconds(5);
    int status = 0;
    while (clock_type::now() < deadline && (status = get(port, "/healthz").status) != 200)
        std::this_thread::sleep_for(milliseconds(50));
    EXPECT_EQ(status, 200) << "still refused once connections closed";
    EXPECT_TRUE(server.running());
}

// What it catches: a download whose client stops reading holding its
// connection (and the dataset, and the answer made so far) for ever, or
// the server making the rest of the answer ahead of the client. Four such
// clients on a streamed download, then four on the same download sent
// from its cache file: each is cut off after the write timeout (1 s here),
// and the server's resident memory stays flat while they stall.
TEST(faults_e2e, clients_that_stop_reading_are_cut_off_after_the_write_timeout_and_memory_stays_bounded) {
    time_bound bound{seconds(120)};
    test::scratch_dir dir;
    // ~12 MB of GeoJSON: more than the socket buffers hold.
    fs::path const dense = make_shapefile(dir / "data", "dense", "", "-segmentize 10");
    test::server_process server(test::quote(dense.string()) + " --provinces " +
                                test::quote((sample() / "synthetic_provinces.shp").string()) +
                                " --store-dir none --no-watch --write-timeout 1");
    ASSERT_GT(server.port(), 0);
    unsigned short const port = server.port();
    int const pid = server.pid();
    std::string const download = "/collections/dense/items?f=geojson&download=1";
    ASSERT_EQ(get(port, "/healthz").status, 200);

    // Four clients take the head of the answer, then read nothing more:
    // how long after they stopped the server had closed them all, and its
    // resident memory (kB) before, twice while they stall, and after.
    struct stall_figures {
        double cut_after = -1;
        long before = 0, stalled = 0, late = 0, after = 0;
    };
    auto stall = [&](std::string const& what) {
        stall_figures f;
        f.before = status_kb(pid, "VmRSS");
        std::vector<std::unique_ptr<test::http_connection>> clients;
        for (int i = 0; i < 4; ++i) {
            clients.push_back(std::make_unique<test::http_connection>(port, 4096));
            EXPECT_TRUE(clients.back()->send_get(download));
            while (clients.back()->received().find("\r\n\r\n") == std::string::npos)
                if (!clients.back()->receive_some(seconds(10))) break;
        }
        auto const stopped = clock_type::now();
        std::this_thread::sleep_for(milliseconds(300));
        f.stalled = status_kb(pid, "VmRSS");
        std::this_thread::sleep_for(milliseconds(500));
        f.late = status_kb(pid, "VmRSS");
        // Cut off: only the connection asking for the metrics is open.
        while (since(stopped) < 10) {
            if (metric(port, "concessions_open_connections") == 1) {
                f.cut_after = since(stopped);
                break;
            }
            std::this_thread::sleep_for(milliseconds(50));
        }
        // Each client then reads what was in the buffers, and the end.
        for (auto& c : clients) {
            while (c->receive_some(seconds(10))) continue;
            EXPECT_LT(c->received().size(), 8u << 20) << what << ": the whole download went out";
        }
        f.after = status_kb(pid, "VmRSS");
        std::cout << "[          ] " << what << ": cut off " << f.cut_after << " s after the clients stopped reading; "
                  << "server RSS " << f.before / 1024 << " MB before, " << f.stalled / 1024 << " MB and "
                  << f.late / 1024 << " MB while they stalled (0.3 s, 0.8 s), " << f.after / 1024 << " MB after\n";
        ::testing::Test::RecordProperty("rss_kb " + what, std::to_string(f.before) + " " + std::to_string(f.stalled) +
                                                              " " + std::to_string(f.late) + " " +
                                                              std::to_string(f.after));
        return f;
    };

    for (std::string const round : {"streamed", "streamed, again"}) {
        auto const f = stall(round);
        EXPECT_GE(f.cut_after, 0.8) << round << ": cut before the write timeout";
        EXPECT_LE(f.cut_after, 4.0) << round << ": not cut within the write timeout (1 s) and the reaper's tick";
        EXPECT_LT(f.late - f.stalled, 8 * 1024) << round << ": memory grows while the clients stall";
        // Each holds what went into the socket buffers and its recording for
        // the cache (~6 MB); a producer that ran ahead of its client would
        // hold the whole answer twice over (~25 MB each).
        EXPECT_LT(f.stalled - f.before, 64 * 1024) << round << ": four stalled downloads take more than 64 MB";
        // The second round reuses what the first freed: no more kept after it.
        EXPECT_LT(f.after - f.before, round == "streamed" ? 64 * 1024 : 8 * 1024) << round;
    }

    // The log says each was cut, having sent less than the whole.
    auto const whole = get(port, download);
    ASSERT_EQ(whole.status, 200);
    ASSERT_GT(whole.body.size(), 10u << 20);
    std::string const log = test::slurp(server.log_path());
    std::regex const line("GET " + std::regex_replace(download, std::regex(R"([?.])"), R"(\$&)") +
                          R"( 200 (\d+) ([\d.]+)ms( \(.+\))?)");
    int cut = 0;
    for (auto it = std::sregex_iterator(log.begin(), log.end(), line); it != std::sregex_iterator(); ++it) {
        auto const& m = *it;
        if (!m[3].matched) continue;
        ++cut;
        EXPECT_LT(std::stoull(m[1]), whole.body.size()) << m.str();
        EXPECT_GE(std::stod(m[2]), 800) << m.str();
    }
    EXPECT_EQ(cut, 8) << log;

    // The same download from its cache file (sendfile), once it is cached.
    ASSERT_EQ(get(port, download).body.size(), whole.body.size());
    ASSERT_GE(metric(port, "concessions_cache_file_bytes"), static_cast<long>(whole.body.size()));
    auto const f = stall("from the cache file");
    EXPECT_GE(f.cut_after, 0.8);
    EXPECT_LE(f.cut_after, 4.0);
    EXPECT_LT(f.late - f.before, 16 * 1024) << "a download sent from its file takes memory";
    EXPECT_EQ(get(port, download).body.size(), whole.body.size()) << "served whole to a client that reads";
    EXPECT_TRUE(server.running());
}

// What it catches: a reload that, one of its sources gone, swaps in the
// data without that collection (or without any), and one that does not
// come once the files are back. Two shapefiles are served; one is deleted
// outright (rm of every part) while the watcher looks on.
TEST(faults_e2e, a_source_deleted_outright_keeps_the_old_data_served_until_it_is_back) {
    time_bound bound{seconds(60)};
    test::scratch_dir dir;
    fs::path const data = dir / "data";
    fs::path const all = make_shapefile(data, "concessions", "");
    fs::path const rubber = make_shapefile(data, "rubber", "Purpose = 'Rubber'");
    fs::path const spare = make_shapefile(dir / "spare", "rubber", "Purpose = 'Rubber' OR Purpose = 'Sugar cane'");
    long const all_count = ogr_count(all), rubber_count = ogr_count(rubber), spare_count = ogr_count(spare);
    ASSERT_GT(rubber_count, 0);
    ASSERT_GT(spare_count, rubber_count);
    test::server_process server(test::quote(all.string()) + " " + test::quote(rubber.string()) + " --provinces " +
                                test::quote((sample() / "synthetic_provinces.shp").string()) +
                                " --store-dir none --quiet");
    ASSERT_GT(server.port(), 0);
    unsigned short const port = server.port();
    json const first = health(port);
    json const rubber_features = features(port, "rubber");
    ASSERT_EQ(rubber_features.size(), static_cast<std::size_t>(rubber_count));

    for (auto const& part : parts_of(rubber)) fs::remove(part);
    ASSERT_FALSE(fs::exists(rubber));
    auto const gone = wait_for_reload(port, 0);
    EXPECT_EQ(gone["reload"]["outcome"], "failed") << gone.dump();
    EXPECT_NE(gone["reload"]["message"].get<std::string>().find(rubber.string() + ": no such file"), std::string::npos)
        << gone.dump();
    EXPECT_EQ(gone["status"], "ok");
    EXPECT_EQ(gone["version"], first["version"]);
    EXPECT_EQ(gone["collections"], 2);
    EXPECT_EQ(number_matched(port, "concessions"), all_count);
    EXPECT_EQ(features(port, "rubber"), rubber_features) << "the deleted file's collection is served as it was";
    // Nothing more is tried while the files stay away.
    std::this_thread::sleep_for(milliseconds(1500));
    EXPECT_EQ(health(port)["reload"]["reloads"], 1);

    // Back, with more features than before (copied in part by part, as a
    // restore does; the watcher waits for the copy to settle).
    for (auto const& part : parts_of(spare)) fs::copy_file(part, data / part.filename());
    auto const back = wait_for_health(
        port, [](json const& h) { return h["reload"]["outcome"] == "ok"; }, seconds(20));
    EXPECT_EQ(back["reload"]["outcome"], "ok") << back.dump();
    EXPECT_NE(back["version"], first["version"]);
    EXPECT_EQ(number_matched(port, "rubber"), spare_count);
    EXPECT_EQ(number_matched(port, "concessions"), all_count);
    EXPECT_TRUE(server.running());
}

// What it catches: a shapefile cut short in place (an interrupted copy,
// a full disk) read as far as it goes and served as fewer features, or
// features without geometry. Cut mid-record, GDAL still opens it and
// counts every feature (the .shx is whole); only reading fails. Then the
// .dbf is emptied too, and both are written whole again.
TEST(faults_e2e, a_shapefile_truncated_in_place_keeps_the_old_data_served_until_it_is_whole_again) {
    time_bound bound{seconds(60)};
    test::scratch_dir dir;
    fs::path const data = dir / "data";
    fs::path const shp = make_shapefile(data, "concessions", "");
    fs::path const dbf = fs::path(shp).replace_extension(".dbf");
    std::string const shp_bytes = test::slurp(shp), dbf_bytes = test::slurp(dbf);
    long const count = ogr_count(shp);
    test::server_process server(test::quote(shp.string()) + " --provinces " +
                                test::quote((sample() / "synthetic_provinces.shp").string()) +
                                " --store-dir none --quiet");
    ASSERT_GT(server.port(), 0);
    unsigned short const port = server.port();
    json const first = health(port);
    json const served = features(port, "concessions");
    ASSERT_EQ(served.size(), static_cast<std::size_t>(count));

    auto cut_to = [](fs::path const& file, std::size_t size) {  // truncate(2): the same inode, shorter
        ASSERT_EQ(::truncate(file.c_str(), static_cast<off_t>(size)), 0) << std::strerror(errno);
        ASSERT_EQ(fs::file_size(file), size);
    };
    auto still_served = [&](std::string const& when) {
        auto const h = health(port);
        EXPECT_EQ(h["version"], first["version"]) << when;
        EXPECT_EQ(h["status"], "ok") << when;
        EXPECT_EQ(features(port, "concessions"), served) << when << ": not the data served before";
    };
    std::uint64_t reloads = 0;
    {
        SCOPED_TRACE(".shp cut in half");
        cut_to(shp, shp_bytes.size() / 2 + 7);
        ASSERT_EQ(ogr_count(shp), count) << "GDAL should still count every feature: the test would not tell";
        auto const h = wait_for_reload(port, reloads);
        reloads = h["reload"]["reloads"];
        EXPECT_EQ(h["reload"]["outcome"], "failed") << h.dump();
        EXPECT_NE(h["reload"]["message"].get<std::string>().find("the .shp file is truncated or corrupt"),
                  std::string::npos)
            << h.dump();
        still_served(".shp cut in half");
    }
    {
        SCOPED_TRACE(".dbf emptied");
        cut_to(dbf, 0);
        auto const h = wait_for_reload(port, reloads);
        reloads = h["reload"]["reloads"];
        EXPECT_EQ(h["reload"]["outcome"], "failed") << h.dump();
        still_served(".dbf emptied");
    }
    {
        SCOPED_TRACE("whole again");
        std::ofstream(dbf, std::ios::binary | std::ios::trunc)
            .write(dbf_bytes.data(), static_cast<std::streamsize>(dbf_bytes.size()));
        std::ofstream(shp, std::ios::binary | std::ios::trunc)
            .write(shp_bytes.data(), static_cast<std::streamsize>(shp_bytes.size()));
        auto const h = wait_for_health(
            port, [](json const& h) { return h["reload"]["outcome"] != "failed"; }, seconds(20));
        EXPECT_NE(h["reload"]["outcome"], "failed") << h.dump();
        EXPECT_EQ(features(port, "concessions"), served);
        EXPECT_EQ(number_matched(port, "concessions"), count);
    }
    EXPECT_TRUE(server.running());
}

// What it catches: a server that, after the database went away, does not
// notice it is back, or serves what it had instead of what changed
// meanwhile; or one that serves nothing while it is away. The database is
// reached through a relay that goes down and up (see tcp_relay); rows
// change while it is down.
TEST(faults_e2e, a_database_that_goes_down_and_comes_back_has_its_new_rows_served) {
    REQUIRE_PG_CLUSTER();
    time_bound bound{seconds(120)};
    test::scratch_dir dir;
    std::unique_ptr<test::pg_cluster> cluster;
    ASSERT_NO_THROW(cluster = std::make_unique<test::pg_cluster>());
    ASSERT_NO_THROW(cluster->load(sample() / "synthetic_concessions.shp", "concessions"));
    tcp_relay relay(cluster->port());
    ASSERT_GT(relay.port(), 0);
    std::string connection = cluster->connection();
    std::string const port_key = "port=" + std::to_string(cluster->port());
    ASSERT_NE(connection.find(port_key), std::string::npos) << connection;
    connection.replace(connection.find(port_key), port_key.size(), "port=" + std::to_string(relay.port()));
    json const catalog = {
        {"title", "A database that goes away"},
        {"collections", json::array({{{"id", "concessions"}, {"source", connection}, {"layer", "concessions"}}})}};
    fs::path const catalog_file = dir / "catalog.json";
    std::ofstream(catalog_file) << catalog.dump(2);
    test::server_process server("--quiet --store-dir none --poll-seconds 1 --provinces " +
                                test::quote((sample() / "synthetic_provinces.shp").string()) + " " +
                                test::quote(catalog_file.string()));
    ASSERT_GT(server.port(), 0);
    unsigned short const port = server.port();
    long const total = std::stol(cluster->psql("SELECT count(*) FROM concessions"));
    ASSERT_EQ(number_matched(port, "concessions"), total);
    json const first = health(port);
    json const served = features(port, "concessions");
    long const renamed = served[10]["id"], deleted = served[20]["id"];

    relay.down();
    auto const down_at = clock_type::now();
    auto const down = wait_for_reload(port, first["reload"]["reloads"]);
    std::cout << "[          ] database down: failed reload shown after " << since(down_at) << " s\n";
    EXPECT_EQ(down["reload"]["outcome"], "failed") << down.dump();
    EXPECT_NE(down["reload"]["message"].get<std::string>().find("cannot open it"), std::string::npos) << down.dump();
    EXPECT_EQ(down["version"], first["version"]);
    EXPECT_EQ(features(port, "concessions"), served) << "the data loaded last is served while the database is away";

    // Changed while the server cannot see it.
    ASSERT_NO_THROW(
        cluster->psql("UPDATE concessions SET \"Name\" = 'Renamed while away' WHERE fid = " + std::to_string(renamed) +
                      "; DELETE FROM concessions WHERE fid = " + std::to_string(deleted)));
    std::this_thread::sleep_for(milliseconds(2500));
    EXPECT_EQ(health(port)["version"], first["version"]);
    EXPECT_EQ(number_matched(port, "concessions"), total);

    relay.up();
    auto const up_at = clock_type::now();
    auto const back = wait_for_health(
        port, [](json const& h) { return h["reload"]["outcome"] == "ok"; }, seconds(30));
    std::cout << "[          ] database back: new rows served after " << since(up_at) << " s\n";
    EXPECT_EQ(back["reload"]["outcome"], "ok") << back.dump();
    EXPECT_NE(back["version"], first["version"]);
    EXPECT_EQ(number_matched(port, "concessions"), total - 1);
    EXPECT_EQ(number_matched(port, "concessions"), std::stol(cluster->psql("SELECT count(*) FROM concessions")));
    EXPECT_EQ(get_json(port, "/collections/concessions/items/" + std::to_string(renamed))["properties"]["Name"],
              "Renamed while away");
    EXPECT_EQ(get(port, "/collections/concessions/items/" + std::to_string(deleted)).status, 404);
    std::string const log = test::slurp(server.log_path());
    EXPECT_EQ(occurrences(log, "serving on"), 1u) << "the server restarted";
    EXPECT_TRUE(server.running());
}
