#pragma once
// A private PostgreSQL + PostGIS cluster for tests: initdb into a temporary
// folder, postgres listening on 127.0.0.1 only, on a free port (as an
// unprivileged user when the tests run as root: postgres refuses root), and
// a database "concessions" with the postgis extension. Stopped (a fast
// shutdown, what `pg_ctl stop -m fast` sends) and removed at scope exit; the
// server is this process's child and gets SIGQUIT if the process dies
// first, so a crashed test leaves no server behind.

#include <filesystem>
#include <string>

namespace test {

class pg_cluster {
public:
    // Why no cluster can run here, "" when one can: PostgreSQL's server
    // binaries (initdb, postgres), psql, ogr2ogr or PostGIS missing, or no
    // unprivileged user to run it as. The binaries are looked for in
    // $CONCESSIONS_PG_BINDIR, beside the `initdb` on PATH, then in the newest
    // /usr/lib/postgresql/N/bin (Debian, Ubuntu).
    static std::string unavailable();

    // Starts the cluster; throws std::runtime_error with the server log's
    // tail when it cannot. Construct it on the thread that will destroy it
    // (the parent-death signal follows the creating thread).
    pg_cluster();
    ~pg_cluster();
    pg_cluster(pg_cluster const&) = delete;
    pg_cluster& operator=(pg_cluster const&) = delete;

    unsigned short port() const { return port_; }
    // "PG:host=127.0.0.1 port=N dbname=concessions user=concessions", for GDAL.
    std::string connection() const;

    // Runs `sql` (one or more statements, one transaction) with psql in the
    // concessions database; returns its rows unaligned, '|' between fields.
    // Throws std::runtime_error with psql's message on failure.
    std::string psql(std::string const& sql) const;

    // ogr2ogr -f PostgreSQL into table `table`, the file's feature ids kept
    // as its integer primary key `fid` (-lco FID=fid -preserve_fid), column
    // names kept as they are (-lco LAUNDER=NO), and each geometry's own type
    // (-nlt GEOMETRY: a shapefile's polygon layer holds multipolygons too).
    // `extra` is appended to the command line. Throws on failure.
    void load(std::filesystem::path const& file, std::string const& table, std::string const& extra = {}) const;

    // Stops the server now (a fast shutdown), as a database that goes down
    // while a client uses it; the folder stays until destruction.
    void stop();

private:

    std::filesystem::path dir_;  // data/ and the logs
    std::string bindir_;
    int pid_ = -1;
    unsigned short port_ = 0;
};

}  // namespace test

// In a test body (or SetUp): skips, loudly, when no cluster can run here.
#define REQUIRE_PG_CLUSTER()                                                                                   \
    do {                                                                                                       \
        if (std::string const why = ::test::pg_cluster::unavailable(); !why.empty())                           \
            GTEST_SKIP() << "SKIPPED: no PostgreSQL/PostGIS cluster can run here: " << why                     \
                         << " (scripts/setup installs postgresql and postgresql-postgis)";                     \
    } while (0)
