"""A throwaway PostgreSQL/PostGIS cluster for bench/overlaps, as bench/api
runs one: initdb in a scratch folder (as user postgres when run as root),
127.0.0.1 on a free port, tuned for a read-only benchmark (the data fits in
shared_buffers; no JIT, no durability), stopped by stop()."""

import glob
import os
import shutil
import socket
import subprocess
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bindir():
    """The newest installed PostgreSQL's bin folder, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    return found[-1] if found else None


def postgis_installed(bindir):
    version = os.path.basename(os.path.dirname(bindir))
    return os.path.exists("/usr/share/postgresql/%s/extension/postgis.control" % version)


class Cluster:
    def __init__(self, folder, log):
        self.bindir = pg_bindir()
        self.data = os.path.join(folder, "pg")
        self.port = free_port()
        self.running = False
        self.log = log
        os.chmod(folder, 0o755)  # the postgres user must reach its data folder
        os.mkdir(self.data)
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres", "postgres")

    def _as_pg(self, args, **kw):
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run(prefix + args, check=True, **kw)

    def start(self):
        self.log("PostgreSQL %s cluster on 127.0.0.1:%d" % (self.version(), self.port))
        self._as_pg([os.path.join(self.bindir, "initdb"), "-D", self.data, "-U", "bench", "-A", "trust", "-E", "UTF8",
                     "--locale=C", "--no-sync"], stdout=subprocess.DEVNULL)
        with open(os.path.join(self.data, "postgresql.conf"), "a") as conf:
            conf.write("\n".join([
                "listen_addresses = '127.0.0.1'", "port = %d" % self.port,
                "unix_socket_directories = '%s'" % self.data, "max_connections = 64",
                "shared_buffers = 1GB", "work_mem = 64MB", "maintenance_work_mem = 512MB",
                "fsync = off", "synchronous_commit = off", "full_page_writes = off", "max_wal_size = 8GB",
                "jit = off", ""]))
        self._as_pg([os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-l", os.path.join(self.data, "server.log"),
                     "-w", "-t", "60", "start"], stdout=subprocess.DEVNULL)
        self.running = True

    def stop(self):
        if self.running:
            self.running = False
            try:
                self._as_pg([os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-m", "fast", "-w", "stop"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            except subprocess.CalledProcessError:
                pass

    def version(self):
        return os.path.basename(os.path.dirname(self.bindir))

    def conninfo(self, db):
        return "host=127.0.0.1 port=%d user=bench dbname=%s" % (self.port, db)

    def psql(self, db, sql, quiet=False):
        """Runs SQL (ON_ERROR_STOP); returns stdout, unaligned and tab-separated."""
        r = subprocess.run(["psql", "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                            "-p", str(self.port), "-U", "bench", "-d", db],
                           input=sql, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("psql failed: %s\n%s" % (r.stderr.strip(), sql[:400]))
        return r.stdout

    def timed(self, db, sql):
        """(seconds, rows) of one statement, timed by psql's \\timing (the
        server's execution plus the transfer of its rows, no start-up)."""
        out = self.psql(db, "\\timing on\n" + sql + ";\n")
        rows, ms = [], 0.0
        for line in out.splitlines():
            if line.startswith("Time: "):
                ms += float(line.split()[1])
            elif line:
                rows.append(line.split("\t"))
        return ms / 1000.0, rows

    def load(self, db, source, table, log_file):
        """ogr2ogr SOURCE into TABLE as bench/api loads: EPSG:4326, -makevalid,
        MultiPolygons, the files' FIDs kept (ogc_fid), a GiST index."""
        conn = "PG:" + self.conninfo(db)
        t0 = time.monotonic()
        with open(log_file, "a") as err:
            subprocess.run(["ogr2ogr", "-f", "PostgreSQL", conn, source, "-nln", table, "-t_srs", "EPSG:4326",
                            "-makevalid", "-nlt", "PROMOTE_TO_MULTI", "-lco", "GEOMETRY_NAME=geom",
                            "-lco", "PRECISION=NO", "-preserve_fid", "-gt", "65536"], check=True, stderr=err)
        return time.monotonic() - t0

    def column_types(self, db, table):
        out = self.psql(db, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '%s'" % table)
        return dict(line.split("\t") for line in out.splitlines() if line)
