#include "tests/support/pg_cluster.hpp"

#include "tests/support/test_support.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace test {

namespace fs = std::filesystem;

namespace {

char const* const user_name = "concessions";  // the cluster's superuser, and the database's name
char const* const database = "concessions";

bool has_server(fs::path const& bindir) {
    std::error_code ec;
    return fs::exists(bindir / "initdb", ec) && fs::exists(bindir / "postgres", ec);
}

fs::path find_bindir() {
    if (char const* env = std::getenv("CONCESSIONS_PG_BINDIR"); env && *env) return has_server(env) ? env : "";
    std::error_code ec;
    if (char const* path = std::getenv("PATH")) {
        std::istringstream dirs(path);
        for (std::string dir; std::getline(dirs, dir, ':');) {
            if (dir.empty() || !fs::exists(fs::path(dir) / "initdb", ec)) continue;
            fs::path const real = fs::canonical(fs::path(dir) / "initdb", ec).parent_path();
            if (!ec && has_server(real)) return real;
        }
    }
    fs::path best;
    int best_version = -1;
    for (auto const& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
        std::string const name = entry.path().filename().string();
        char* end = nullptr;
        long const version = std::strtol(name.c_str(), &end, 10);
        if (end == name.c_str() || *end || !has_server(entry.path() / "bin")) continue;
        if (version > best_version) {
            best_version = static_cast<int>(version);
            best = entry.path() / "bin";
        }
    }
    return best;
}

// Where PostgreSQL looks for extensions: Debian's /usr/share/postgresql/N,
// or a source build's share folder beside bin.
bool has_postgis(fs::path const& bindir) {
    std::error_code ec;
    std::string const version = bindir.parent_path().filename().string();
    for (fs::path const& share : {fs::path("/usr/share/postgresql") / version,
                                  bindir.parent_path() / "share/postgresql", bindir.parent_path() / "share"})
        if (fs::exists(share / "extension/postgis.control", ec)) return true;
    return false;
}

struct account {
    uid_t uid;
    gid_t gid;
    std::string name;
};

// postgres will not run as root: as root, run it as user postgres (there
// when the postgresql package is) or nobody.
std::optional<account> server_account() {
    if (::geteuid() != 0) return account{::geteuid(), ::getegid(), ""};
    for (char const* name : {"postgres", "nobody"})
        if (passwd const* pw = ::getpwnam(name)) return account{pw->pw_uid, pw->pw_gid, name};
    return std::nullopt;
}

bool on_path(std::string const& program) { return run("command -v " + quote(program)).exit_code == 0; }

std::string psql_program(fs::path const& bindir) {
    std::error_code ec;
    return fs::exists(bindir / "psql", ec) ? (bindir / "psql").string() : "psql";
}

unsigned short free_port() {
    int const fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    unsigned short port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
        port = ntohs(addr.sin_port);
    ::close(fd);
    return port;
}

// Starts argv[0] as `as`, output appended to `log`, in `dir`. With
// die_with_parent the child gets SIGQUIT (postgres: immediate shutdown)
// when this thread ends. Everything is prepared before fork(): the child
// only makes system calls.
pid_t spawn(std::vector<std::string> const& argv, fs::path const& log, fs::path const& dir, account const& as,
            bool die_with_parent) {
    std::vector<char*> args;
    for (auto const& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    int const out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    int const in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (out < 0 || in < 0) throw std::runtime_error("cannot open " + log.string());
    bool const switch_user = ::geteuid() == 0;
    pid_t const parent = ::getpid();
    pid_t const pid = ::fork();
    if (pid == 0) {
        if (::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(out, 2) < 0) ::_exit(126);
        if (switch_user && (::setgroups(0, nullptr) != 0 || ::setgid(as.gid) != 0 || ::setuid(as.uid) != 0))
            ::_exit(126);
        // After setuid, which clears it.
        if (die_with_parent && (::prctl(PR_SET_PDEATHSIG, SIGQUIT) != 0 || ::getppid() != parent)) ::_exit(126);
        if (::chdir(dir.c_str()) != 0) ::_exit(126);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    ::close(out);
    ::close(in);
    if (pid < 0) throw std::runtime_error("fork failed");
    return pid;
}

std::string tail(fs::path const& log) {
    std::string const text = slurp(log);
    return text.size() > 3000 ? "..." + text.substr(text.size() - 3000) : text;
}

bool exited(pid_t pid, int& status) { return ::waitpid(pid, &status, WNOHANG) == pid; }

}  // namespace

std::string pg_cluster::unavailable() {
    fs::path const bindir = find_bindir();
    if (bindir.empty())
        return "no PostgreSQL server binaries (initdb, postgres) in $CONCESSIONS_PG_BINDIR, beside an initdb on PATH "
               "or in /usr/lib/postgresql/N/bin";
    if (!has_postgis(bindir)) return "PostGIS is not installed for the PostgreSQL in " + bindir.string();
    if (psql_program(bindir) == "psql" && !on_path("psql")) return "no psql";
    if (!on_path("ogr2ogr")) return "no ogr2ogr (gdal-bin)";
    if (!server_account()) return "running as root, and there is no user postgres or nobody to run the server as";
    return {};
}

pg_cluster::pg_cluster() {
    if (std::string const why = unavailable(); !why.empty()) throw std::runtime_error(why);
    bindir_ = find_bindir().string();
    account const as = *server_account();
    std::string pattern = (fs::temp_directory_path() / "concessions-pg-XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
        throw std::runtime_error("cannot make a folder in " + fs::temp_directory_path().string());
    dir_ = pattern;
    try {
        // The server's user must reach its data folder, and own it.
        fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
        fs::path const data = dir_ / "data";
        fs::create_directory(data);
        if (::geteuid() == 0 && ::chown(data.c_str(), as.uid, as.gid) != 0)
            throw std::runtime_error("cannot give " + data.string() + " to user " + as.name);

        fs::path const initdb_log = dir_ / "initdb.log";
        pid_t const initdb = spawn({bindir_ + "/initdb", "-D", data.string(), "-U", user_name, "-A", "trust", "-E",
                                    "UTF8", "--locale=C", "--no-sync"},
                                   initdb_log, dir_, as, true);
        int status = 0;
        ::waitpid(initdb, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            throw std::runtime_error("initdb failed" +
                                     std::string(as.name.empty() ? "" : " (as user " + as.name + ")") + ":\n" +
                                     tail(initdb_log));

        // A port found free can be taken before postgres binds it: try again.
        fs::path const log = dir_ / "postgres.log";
        for (int attempt = 0; attempt < 3 && pid_ < 0; ++attempt) {
            port_ = free_port();
            pid_ = spawn({bindir_ + "/postgres", "-D", data.string(), "-c", "listen_addresses=127.0.0.1", "-c",
                          "port=" + std::to_string(port_), "-c", "unix_socket_directories=" + data.string(), "-c",
                          "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c",
                          "max_connections=20", "-c", "shared_buffers=32MB"},
                         log, dir_, as, true);
            std::string const ping = psql_program(bindir_) + " -X -q -At -h 127.0.0.1 -p " + std::to_string(port_) +
                                     " -U " + user_name + " -d postgres -c 'SELECT 1'";
            auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
            for (;;) {
                if (exited(pid_, status)) {
                    pid_ = -1;
                    if (slurp(log).find("could not bind") != std::string::npos) break;
                    throw std::runtime_error("postgres exited at start:\n" + tail(log));
                }
                if (run(ping).exit_code == 0) break;
                if (std::chrono::steady_clock::now() > deadline)
                    throw std::runtime_error("postgres did not accept connections within 60 s:\n" + tail(log));
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
        }
        if (pid_ < 0) throw std::runtime_error("postgres could not bind a free port:\n" + tail(log));

        auto const admin = run(psql_program(bindir_) + " -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p " +
                               std::to_string(port_) + " -U " + user_name + " -d postgres -c " +
                               quote(std::string("CREATE DATABASE ") + database));
        if (admin.exit_code != 0) throw std::runtime_error("CREATE DATABASE failed: " + admin.err);
        psql("CREATE EXTENSION postgis");
    } catch (...) {
        stop();
        std::error_code ec;
        fs::remove_all(dir_, ec);
        throw;
    }
}

pg_cluster::~pg_cluster() {
    stop();
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

void pg_cluster::stop() {
    if (pid_ < 0) return;
    // SIGINT: fast shutdown (sessions rolled back, a checkpoint, exit).
    ::kill(pid_, SIGINT);
    int status = 0;
    auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!exited(pid_, status)) {
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid_, SIGQUIT);  // immediate shutdown
            ::waitpid(pid_, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    pid_ = -1;
}

std::string pg_cluster::connection() const {
    return "PG:host=127.0.0.1 port=" + std::to_string(port_) + " dbname=" + database + " user=" + user_name;
}

std::string pg_cluster::psql(std::string const& sql) const {
    auto const r = run(psql_program(bindir_) + " -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p " +
                       std::to_string(port_) + " -U " + user_name + " -d " + database + " -c " + quote(sql));
    if (r.exit_code != 0) throw std::runtime_error("psql failed on " + sql + ": " + r.err);
    return r.out;
}

void pg_cluster::load(fs::path const& file, std::string const& table, std::string const& extra) const {
    auto const r = run("ogr2ogr -f PostgreSQL " + quote(connection()) + " " + quote(file.string()) + " -nln " +
                       quote(table) + " -lco FID=fid -preserve_fid -lco LAUNDER=NO -nlt GEOMETRY " + extra);
    if (r.exit_code != 0) throw std::runtime_error("ogr2ogr into table " + table + " failed: " + r.err);
}

}  // namespace test
