"""bench/soak's side of the server: start and stop it, read its memory and
descriptors from /proc and its gauges from /metrics every few seconds, and
reload it (touch the sources, SIGHUP, wait until /healthz says the reload
ended and the version changed)."""

import json
import os
import re
import signal
import subprocess
import threading
import time
import urllib.request
from collections import Counter

METRIC = re.compile(r'^([a-z_]+)(\{[^}]*\})? (\S+)$')


class server:
    def __init__(self, binary, args, env, log_path):
        self.log_path = log_path
        self.log_read = 0          # how far store_writing() has read the log
        self.stores = Counter()    # its store lines: begun, ended
        self.log_lock = threading.Lock()
        self.log = open(log_path, "wb")
        # close_fds: the server's descriptors are its own, none inherited.
        self.proc = subprocess.Popen([binary, "serve", "--port", "0"] + args, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env, close_fds=True, start_new_session=True)
        self.pid = self.proc.pid
        self.base = None

    def wait_ready(self, timeout):
        """Until the log says where it serves and /healthz answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("the server exited with %s:\n%s" % (self.proc.returncode, self.log_text()[-3000:]))
            m = re.search(r"serving on (http://[^/\s]+)/", self.log_text())
            if m:
                self.base = m.group(1)
                try:
                    self.healthz()
                    return
                except OSError:
                    pass
            time.sleep(0.2)
        raise RuntimeError("the server did not start in %d s:\n%s" % (timeout, self.log_text()[-3000:]))

    def alive(self):
        return self.proc.poll() is None

    def exit_text(self):
        """How it ended: an exit status, or the signal that ended it."""
        code = self.proc.poll()
        if code is None:
            return "running"
        if code < 0:
            return "killed by %s" % signal.Signals(-code).name
        return "exit status %d" % code

    def log_text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def get(self, path, timeout=30):
        with urllib.request.urlopen(self.base + path, timeout=timeout) as r:
            return r.read()

    def healthz(self):
        return json.loads(self.get("/healthz"))

    def metrics(self):
        """name or name{labels} -> value."""
        out = {}
        for line in self.get("/metrics").decode().splitlines():
            m = METRIC.match(line)
            if m:
                out[m.group(1) + (m.group(2) or "")] = float(m.group(3))
        return out

    def proc_status(self):
        """VmRSS, VmHWM, RssAnon (the heap: where a leak grows) and RssFile
        (mapped files), in bytes."""
        out = {}
        with open("/proc/%d/status" % self.pid) as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
                    out[key] = int(value.split()[0]) * 1024
        return out

    def store_writing(self):
        """Whether the prepared store is being written: its log says so when
        it begins and when it ends (read on from where the last call stopped)."""
        with self.log_lock, open(self.log_path, "rb") as f:
            f.seek(self.log_read)
            text = f.read()
            text = text[:text.rfind(b"\n") + 1]  # whole lines only
            self.log_read += len(text)
            self.stores["begun"] += text.count(b"writing the store ")
            self.stores["ended"] += text.count(b"wrote the store ") + text.count(b"could not write the store")
            return self.stores["begun"] > self.stores["ended"]

    def descriptors(self):
        """How many, and how many of each kind (socket, pipe, a deleted
        temporary file such as a cache file, a file by folder...)."""
        kinds = Counter()
        folder = "/proc/%d/fd" % self.pid
        for fd in os.listdir(folder):
            try:
                target = os.readlink(os.path.join(folder, fd))
            except OSError:
                continue  # closed meanwhile
            if target.startswith(("socket:", "pipe:")):
                target = target.split(":")[0]  # one kind, whatever the inode
            elif target.startswith("/memfd:"):
                target = "memfd"
            elif target.endswith(" (deleted)"):
                # O_TMPFILE files (the cache files) are named "#inode"; a
                # download's export is unlinked once open and streamed.
                name = os.path.basename(target[:-len(" (deleted)")])
                target = ("cache file in " if name.startswith("#") else "deleted file in ") + os.path.dirname(target)
            elif target.startswith("/"):
                target = os.path.dirname(target) + "/"
            kinds[target] += 1
        return sum(kinds.values()), kinds

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode


class sampler(threading.Thread):
    """Every `every` seconds: time, VmRSS, VmHWM, descriptors and the
    cache and connection gauges of /metrics."""

    GAUGES = {"answers": "concessions_response_cache_bytes", "tiles": "concessions_tile_cache_bytes",
              "files_bytes": "concessions_cache_file_bytes", "files": "concessions_cache_files",
              "connections": "concessions_open_connections", "reloads": "concessions_reloads_total",
              "reloading": "concessions_reload_running"}

    def __init__(self, srv, t0, every):
        super().__init__(name="soak-sampler", daemon=True)
        self.srv, self.t0, self.every = srv, t0, every
        self.samples = []
        self.errors = []
        self.gone_at = None  # when the server was first seen gone (seconds from t0)
        self.stop = threading.Event()

    def sample(self):
        s = {"t": time.monotonic() - self.t0}
        s.update(self.srv.proc_status())
        s["fds"], s["fd_kinds"] = self.srv.descriptors()
        s["store"] = self.srv.store_writing()
        m = self.srv.metrics()
        for name, metric in self.GAUGES.items():
            s[name] = int(m.get(metric, 0))
        self.samples.append(s)
        return s

    def run(self):
        while not self.stop.is_set():
            if not self.srv.alive():
                self.gone_at = time.monotonic() - self.t0
                return
            try:
                self.sample()
            except (OSError, ValueError) as e:
                self.errors.append("%.0f s: %s" % (time.monotonic() - self.t0, e))
            self.stop.wait(self.every)


def touch(paths):
    now = time.time()
    for p in paths:
        os.utime(p, (now, now))


def reload(srv, paths, timeout):
    """Touches the sources, sends SIGHUP and waits until /healthz counts one
    more reload and none is running. Returns what it saw."""
    started = time.monotonic()
    try:
        before = srv.healthz()
    except OSError as e:
        return {"ok": False, "outcome": "not sent: /healthz %s (%s)" % (e, srv.exit_text()), "seconds": 0,
                "waited": 0, "count": 0, "message": "", "version_changed": False}
    touch(paths)
    srv.proc.send_signal(signal.SIGHUP)  # not os.kill: a server gone and reaped may have left its pid to another
    while time.monotonic() - started < timeout and srv.alive():
        time.sleep(0.25)
        try:
            h = srv.healthz()
        except OSError:
            continue
        r = h["reload"]
        if r["reloads"] > before["reload"]["reloads"] and not r["running"]:
            return {"ok": r["outcome"] == "ok" and h["version"] != before["version"], "outcome": r["outcome"],
                    "seconds": r.get("seconds", 0), "waited": time.monotonic() - started,
                    "count": r["reloads"] - before["reload"]["reloads"], "message": r.get("message", ""),
                    "version_changed": h["version"] != before["version"]}
    outcome = "not over in %d s" % timeout if srv.alive() else "the server is gone (%s)" % srv.exit_text()
    return {"ok": False, "outcome": outcome, "seconds": 0,
            "waited": time.monotonic() - started, "count": 0, "message": "", "version_changed": False}


class reloader(threading.Thread):
    """A reload at `at` seconds into every minute. One at a time: when the
    last, or the store it is writing after it, has not ended by then (the
    large set's load from its sources shares 2 cores with the traffic), the
    next goes `gap` seconds after, so that the server serves one dataset
    alone for a while between reloads, and a sample taken just before each
    reload measures that steady state."""

    def __init__(self, srv, paths, t0, minutes, at, gap, timeout, before, on_done):
        super().__init__(name="soak-reloader", daemon=True)
        self.srv, self.paths, self.t0 = srv, paths, t0
        self.minutes, self.at, self.gap, self.timeout = minutes, at, gap, timeout
        self.before, self.on_done = before, on_done  # called before each reload (a sample), and with what it did
        self.done = []        # what reload() saw, with when it was due, sent and ended (seconds from t0)
        self.stop = threading.Event()

    def run(self):
        ended = None
        for k in range(1, self.minutes + 1):
            due = 60 * (k - 1) + self.at
            send = max(due, ended + self.gap) if ended is not None else due
            if send >= 60 * self.minutes or self.stop.wait(max(0, self.t0 + send - time.monotonic())):
                return
            try:
                self.before()
            except (OSError, ValueError):
                pass  # the sampler says so in its own turn
            sent = time.monotonic() - self.t0
            r = reload(self.srv, self.paths, self.timeout)
            ended = time.monotonic() - self.t0
            while self.srv.store_writing() and self.srv.alive() and not self.stop.wait(0.5):
                pass
            r.update(due=due, sent=sent, ended=ended, stored=time.monotonic() - self.t0, minute=int(sent // 60) + 1)
            ended = r["stored"]
            self.done.append(r)
            self.on_done(r)
            if not r["ok"] and (r["outcome"].startswith("not over") or not self.srv.alive()):
                return
