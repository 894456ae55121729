// Replicas behind a load balancer (issue 14): two `concessions serve` on the
// same files with the same --public-url, behind nginx (Debian's package,
// round robin, on loopback), must give the same bytes and ETags for the
// same request whichever of them answers, and whatever each has cached, so
// that a CDN or a client's If-None-Match works across them. Tile URLs carry
// the data version (v=): such a tile may be kept for good, and after a
// reload of the data (both replicas watch the same files) the version moves
// on both, to the same value.

#include "tests/support/server_process.hpp"
#include "tests/support/test_support.hpp"

#include <nlohmann/json.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using clock_type = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::string const collection = "synthetic-concessions";  // from synthetic_concessions.shp
std::string const public_url = "https://maps.example.org";
std::string const immutable = "public, max-age=31536000, immutable";

using test::time_bound;

// Debian's nginx, or "" when it is not installed.
std::string nginx_binary() {
    for (char const* p : {"/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"})
        if (::access(p, X_OK) == 0) return p;
    auto const found = test::run("command -v nginx");
    std::string path = found.out.substr(0, found.out.find('\n'));
    return found.exit_code == 0 && !path.empty() ? path : "";
}

// A port nobody listens on now (bound to 0, read back, let go).
unsigned short free_port() {
    int const fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof addr;
    unsigned short port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size) == 0)
        port = ntohs(addr.sin_port);
    ::close(fd);
    return port;
}

// nginx in the foreground (one process, no daemon) from a configuration
// written into `dir`: round robin over the replicas, no access log, every
// temporary path in `dir`. Stopped (SIGTERM, then SIGKILL) at scope exit.
class nginx_process {
public:
    nginx_process(std::string const& binary, fs::path const& dir, std::vector<unsigned short> const& upstreams)
        : dir_(dir) {
        fs::create_directories(dir);
        for (unsigned tries = 0; tries < 5 && !ready(); ++tries) start(binary, upstreams);
        if (!ready()) ADD_FAILURE() << "nginx did not start; its log:\n" << test::slurp(dir_ / "error.log");
    }
    ~nginx_process() { stop(); }
    nginx_process(nginx_process const&) = delete;
    nginx_process& operator=(nginx_process const&) = delete;

    unsigned short port() const { return port_; }
    bool ready() const { return pid_ > 0 && port_ != 0; }

private:
    void start(std::string const& binary, std::vector<unsigned short> const& upstreams) {
        port_ = free_port();
        std::string servers;
        for (auto p : upstreams) servers += "    server 127.0.0.1:" + std::to_string(p) + ";\n";
        std::string const d = dir_.string();
        std::ofstream(dir_ / "nginx.conf")
            << "daemon off;\nmaster_process off;\nworker_processes 1;\n"
            << "pid " << d << "/nginx.pid;\nerror_log " << d << "/error.log warn;\n"
            << "events { worker_connections 256; }\nhttp {\n  access_log off;\n"
            << "  client_body_temp_path " << d << "/body;\n  proxy_temp_path " << d << "/proxy;\n"
            << "  fastcgi_temp_path " << d << "/fastcgi;\n  uwsgi_temp_path " << d << "/uwsgi;\n"
            << "  scgi_temp_path " << d << "/scgi;\n"
            << "  upstream concessions {\n"
            << servers << "    keepalive 8;\n  }\n"
            << "  server {\n    listen 127.0.0.1:" << port_ << ";\n    location / {\n"
            << "      proxy_pass http://concessions;\n      proxy_http_version 1.1;\n"
            << "      proxy_set_header Connection \"\";\n      proxy_max_temp_file_size 0;\n"
            << "      add_header X-Upstream $upstream_addr always;\n    }\n  }\n}\n";
        std::string const command = "exec " + test::quote(binary) + " -p " + test::quote(d) + " -c " +
                                    test::quote(d + "/nginx.conf") + " >>" + test::quote(d + "/stdout.log") + " 2>&1";
        pid_ = ::fork();
        if (pid_ == 0) {
            ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
        auto const deadline = clock_type::now() + seconds(10);
        while (clock_type::now() < deadline) {
            int const fd = test::connect_loopback(port_);
            if (fd >= 0) {
                ::close(fd);
                return;
            }
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) break;  // the port was taken meanwhile, or a bad config
            std::this_thread::sleep_for(milliseconds(50));
        }
        stop();
    }

    void stop() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGTERM);
        int status = 0;
        auto const deadline = clock_type::now() + seconds(10);
        while (::waitpid(pid_, &status, WNOHANG) == 0) {
            if (clock_type::now() > deadline) {
                ::kill(pid_, SIGKILL);
                ::waitpid(pid_, &status, 0);
                break;
            }
            std::this_thread::sleep_for(milliseconds(20));
        }
        pid_ = -1;
        port_ = 0;
    }

    fs::path dir_;
    int pid_ = -1;
    unsigned short port_ = 0;
};

// The sample in a scratch folder, which the test changes: both replicas
// read these same files, as replicas on one file server or volume do (the
// data version is made of the files' paths, sizes and times, so copies on
// other machines must keep all three: rsync -a to the same path).
struct sample_copy {
    test::scratch_dir dir;
    fs::path const data = dir / "data";
    fs::path const shp = data / "synthetic_concessions.shp";
    fs::path const provinces = data / "synthetic_provinces.shp";

    sample_copy() {
        fs::create_directories(data);
        for (auto const& f : fs::directory_iterator(test::source_dir() / "data/sample"))
            fs::copy_file(f.path(), data / f.path().filename());
    }

    // The sample's concessions matching `where` (OGR SQL), put in place of the copy's
    // as `mv` does (each name a new inode).
    void replace_with(std::string const& where) const {
        fs::path const incoming = dir / "incoming";
        fs::create_directories(incoming);
        auto const r = test::run("ogr2ogr -f 'ESRI Shapefile' -where " + test::quote(where) + " " +
                                 test::quote((incoming / shp.filename()).string()) + " " +
                                 test::quote((test::source_dir() / "data/sample" / shp.filename()).string()));
        ASSERT_EQ(r.exit_code, 0) << r.err;
        for (auto const& f : fs::directory_iterator(incoming)) fs::rename(f.path(), data / f.path().filename());
    }

    std::string serve_args(std::string const& store) const {
        return test::quote(shp.string()) + " --provinces " + test::quote(provinces.string()) +
               " --quiet --public-url " + public_url + " --store-dir " + test::quote((dir / store).string());
    }
};

test::http_reply get(unsigned short port, std::string const& target, std::string const& extra = {}) {
    return test::http_get(port, target, extra, "GET", {}, seconds(20));
}

std::string header(test::http_reply const& r, std::string const& name) {
    auto const it = r.headers.find(name);
    return it == r.headers.end() ? "" : it->second;
}

json health(unsigned short port) {
    auto const r = get(port, "/healthz");
    return r.status == 200 ? json::parse(r.body, nullptr, false) : json();
}

std::string version(unsigned short port) {
    json const h = health(port);
    return h.is_object() && h.contains("version") ? h["version"].get<std::string>() : "";
}

// "https://maps.example.org/collections/..." -> "/collections/..."
std::string target_of(std::string const& url) {
    EXPECT_TRUE(url.starts_with(public_url)) << url;
    return url.starts_with(public_url) ? url.substr(public_url.size()) : url;
}

std::string tile(std::string const& zxy_ext, std::string const& query = {}) {
    return "/collections/" + collection + "/tiles/" + zxy_ext + query;
}

// The fixed list: every kind of answer a map, an OGC client or a download
// asks for. `extra`: header lines sent with it.
struct request {
    std::string target;
    std::string extra;
};
std::vector<request> fixed_requests() {
    std::string const items = "/collections/" + collection + "/items";
    return {
        {"/?f=json", {}},
        {"/api", {}},
        {"/conformance", {}},
        {"/collections", {}},
        {"/collections/" + collection, {}},
        {"/collections/" + collection + "/queryables", {}},
        {items, {}},
        {items + "?province=S1&limit=5", {}},
        {items + "?q=rubber&sortby=-area_ha", {}},
        {items + "?bbox=104.5,12.5,105,13&f=csv", {}},
        {items + "?filter=area_ha%20%3E%205000&limit=3", {}},
        {items + "?limit=50", "Accept-Encoding: gzip\r\n"},
        {items + "/1", {}},
        {"/collections/" + collection + "/tiles.json", {}},
        {"/collections/" + collection + "/tiles.json?province=S1", {}},
        {tile("6/50/29.mvt"), {}},
        {tile("6/50/29.geojson"), {}},
        {tile("6/50/29.geojson", "?province=S1"), {}},
        {tile("3/6/3.geojson"), "Accept-Encoding: gzip\r\n"},
        {"/collections/" + collection + "/stats?group=province", {}},
        {"/collections/" + collection + "/timeline", {}},
        {"/provinces?zoom=8", {}},
        {"/companies?limit=5", {}},
        {items + "?f=csv&download=1", {}},
        {items + "?f=geojson&download=1&province=S2", {}},
    };
}

struct replicas {
    unsigned short a = 0, b = 0, balancer = 0;
};

// Each request of the list asked of replica A (twice: its second answer
// may come from its cache), then, over a second later (so that a time
// written into an answer would show), of the balancer twice (round robin:
// once from each replica) and of replica B: the same status, body, ETag
// and Cache-Control from all five, and an ETag from A that B answers with
// 304. Returns the ETags by target.
std::map<std::string, std::string> expect_same_answers(replicas const& r) {
    auto const requests = fixed_requests();
    std::vector<std::vector<test::http_reply>> answers(requests.size());
    for (std::size_t i = 0; i < requests.size(); ++i)
        for (int n = 0; n < 2; ++n) answers[i].push_back(get(r.a, requests[i].target, requests[i].extra));
    std::this_thread::sleep_for(milliseconds(1100));
    std::map<std::string, std::string> etags;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        auto const& req = requests[i];
        SCOPED_TRACE(req.target + (req.extra.empty() ? "" : " (" + req.extra.substr(0, req.extra.size() - 2) + ")"));
        auto& replies = answers[i];
        replies.push_back(get(r.balancer, req.target, req.extra));
        replies.push_back(get(r.balancer, req.target, req.extra));
        replies.push_back(get(r.b, req.target, req.extra));
        auto const& first = replies.front();
        EXPECT_EQ(first.status, 200) << first.body.substr(0, 300);
        if (first.status != 200) continue;
        std::string const etag = header(first, "etag");
        EXPECT_FALSE(etag.empty()) << "no ETag";
        EXPECT_FALSE(header(first, "cache-control").empty()) << "no Cache-Control";
        // Round robin: the balancer's two answers came from different replicas.
        EXPECT_NE(header(replies[2], "x-upstream"), header(replies[3], "x-upstream"));
        for (std::size_t i = 1; i < replies.size(); ++i) {
            auto const& other = replies[i];
            SCOPED_TRACE("answer " + std::to_string(i) + " (0, 1: replica A; 2, 3: nginx via " +
                         header(other, "x-upstream") + "; 4: replica B)");
            EXPECT_EQ(other.status, first.status);
            EXPECT_EQ(header(other, "etag"), etag);
            EXPECT_EQ(header(other, "cache-control"), header(first, "cache-control"));
            EXPECT_EQ(header(other, "content-type"), header(first, "content-type"));
            EXPECT_EQ(header(other, "content-encoding"), header(first, "content-encoding"));
            EXPECT_EQ(other.body.size(), first.body.size());
            EXPECT_TRUE(other.body == first.body) << "the bodies differ";
        }
        // A client (or a CDN) revalidating with A's ETag at B.
        auto const revalidated = get(r.b, req.target, req.extra + "If-None-Match: " + etag + "\r\n");
        EXPECT_EQ(revalidated.status, 304);
        EXPECT_EQ(header(revalidated, "etag"), etag);
        EXPECT_TRUE(revalidated.body.empty());
        etags[req.target + req.extra] = etag;
    }
    return etags;
}

// The versioned tile template of TileJSON, asked through the balancer.
std::string mvt_template(unsigned short port, std::string const& query = {}) {
    auto const r = get(port, "/collections/" + collection + "/tiles.json" + query);
    EXPECT_EQ(r.status, 200) << r.body.substr(0, 300);
    json const doc = json::parse(r.body, nullptr, false);
    if (!doc.is_object() || !doc.contains("tiles")) return "";
    return doc["tiles"][0].get<std::string>();
}

std::string tile_of(std::string const& tmpl, std::string const& zxy) {
    std::string t = target_of(tmpl);
    auto const at = t.find("{z}/{x}/{y}");
    EXPECT_NE(at, std::string::npos) << tmpl;
    return at == std::string::npos ? t : t.replace(at, 11, zxy);
}

// Until `done(version)` holds on the replica and no reload runs, or `limit` passes.
std::string wait_for_version(unsigned short port, std::function<bool(std::string const&)> const& done, seconds limit) {
    auto const deadline = clock_type::now() + limit;
    for (;;) {
        json const h = health(port);
        std::string const v = h.is_object() ? h["version"].get<std::string>() : "";
        bool const idle = h.is_object() && !h["reload"]["running"].get<bool>();
        if ((idle && done(v)) || clock_type::now() > deadline) return v;
        std::this_thread::sleep_for(milliseconds(100));
    }
}

// --- the test ------------------------------------------------------------------

// What it catches: anything a replica writes of its own into an answer (a
// time, its Host, its cache's state, its start), an ETag that is not a
// function of the data and the request alone, a versioned tile not kept
// for good (or an unversioned one kept so), TileJSON without the version,
// and a reload that leaves the replicas on different versions.
TEST(replicas_e2e, two_replicas_behind_nginx_answer_alike_and_move_to_the_next_version_together) {
    std::string const nginx = nginx_binary();
    if (nginx.empty()) GTEST_SKIP() << "SKIPPED: nginx not found (Debian's package `nginx`; scripts/setup installs it)";
    time_bound bound{seconds(120)};
    sample_copy copy;
    test::server_process a(copy.serve_args("store-a"));
    test::server_process b(copy.serve_args("store-b"));
    ASSERT_NE(a.port(), 0);
    ASSERT_NE(b.port(), 0);
    nginx_process balancer(nginx, copy.dir / "nginx", {a.port(), b.port()});
    ASSERT_TRUE(balancer.ready());
    replicas const r{a.port(), b.port(), balancer.port()};

    std::string const before = version(r.a);
    ASSERT_FALSE(before.empty());
    ASSERT_EQ(version(r.b), before) << "the same files, the same version";
    auto const etags_before = expect_same_answers(r);

    // TileJSON's templates carry the version, after the filters.
    std::string const tmpl = mvt_template(r.balancer);
    EXPECT_EQ(tmpl, public_url + "/collections/" + collection + "/tiles/{z}/{x}/{y}.mvt?v=" + before);
    EXPECT_EQ(mvt_template(r.balancer, "?province=S1&v=stale"),
              public_url + "/collections/" + collection + "/tiles/{z}/{x}/{y}.mvt?province=S1&v=" + before);
    // A versioned tile is kept for good, by every replica alike; the same
    // bytes and ETag as the unversioned URL, which is kept a minute.
    std::string const versioned = tile_of(tmpl, "6/50/29");
    auto const plain = get(r.a, tile("6/50/29.mvt"));
    EXPECT_EQ(header(plain, "cache-control"), "public, max-age=60");
    for (int i = 0; i < 3; ++i) {  // the first one rendered or not, then from the cache (the fast path)
        for (unsigned short port : {r.a, r.b, r.balancer}) {
            auto const t = get(port, versioned);
            ASSERT_EQ(t.status, 200) << versioned << ": " << t.body.substr(0, 300);
            EXPECT_EQ(header(t, "cache-control"), immutable) << versioned;
            EXPECT_EQ(header(t, "etag"), header(plain, "etag"));
            EXPECT_TRUE(t.body == plain.body);
        }
    }
    auto const filtered = get(r.b, tile_of(mvt_template(r.balancer, "?province=S1"), "6/50/29"));
    EXPECT_EQ(header(filtered, "cache-control"), immutable);
    EXPECT_EQ(header(filtered, "etag"), header(get(r.a, tile("6/50/29.mvt", "?province=S1")), "etag"));
    // Another version's URL: today's data, never kept for good.
    auto const other = get(r.balancer, tile("6/50/29.mvt", "?v=0123456789abcdef"));
    EXPECT_EQ(other.status, 200);
    EXPECT_EQ(header(other, "cache-control"), "public, no-cache");
    EXPECT_TRUE(other.body == plain.body);
    EXPECT_EQ(get(r.a, tile("6/50/29.mvt", "?v=")).status, 400) << "an empty v= is refused, as every empty parameter";

    // New data (every concession but the first): both replicas watch the
    // same files and reload them.
    copy.replace_with("FID > 0");
    auto const moved = [&](std::string const& v) { return !v.empty() && v != before; };
    std::string const after_a = wait_for_version(r.a, moved, seconds(30));
    std::string const after_b = wait_for_version(r.b, moved, seconds(30));
    ASSERT_NE(after_a, before) << "replica A did not reload within 30 s";
    ASSERT_NE(after_b, before) << "replica B did not reload within 30 s";
    EXPECT_EQ(after_a, after_b) << "the same files, the same version";

    // TileJSON names the new version whichever replica answers, and the old
    // version's URL is no longer kept for good.
    for (int i = 0; i < 2; ++i)
        EXPECT_EQ(mvt_template(r.balancer),
                  public_url + "/collections/" + collection + "/tiles/{z}/{x}/{y}.mvt?v=" + after_a);
    auto const stale = get(r.balancer, versioned);
    EXPECT_EQ(stale.status, 200);
    EXPECT_EQ(header(stale, "cache-control"), "public, no-cache");
    auto const fresh = get(r.balancer, tile_of(mvt_template(r.balancer), "6/50/29"));
    EXPECT_EQ(header(fresh, "cache-control"), immutable);
    EXPECT_TRUE(stale.body == fresh.body) << "an old version's URL gets today's tile";
    EXPECT_NE(header(fresh, "etag"), header(plain, "etag"));

    // The replicas still answer alike, with new ETags.
    auto const etags_after = expect_same_answers(r);
    for (auto const& [target, etag] : etags_after) {
        auto const it = etags_before.find(target);
        if (it != etags_before.end()) {
            EXPECT_NE(etag, it->second) << target << ": the ETag did not move with the data";
        }
    }
    EXPECT_TRUE(a.running());
    EXPECT_TRUE(b.running());
}

}  // namespace
