"""bench/soak's clients: threads, each on its own keep-alive connection,
picking requests from the seeded list and checking every answer (what wrk
cannot): its status against the ones the request may get, a gzip body
that decompresses (and gzip only when asked), a body as long as announced
(http.client refuses one cut short), a JSON body that parses, a zip, a
GeoPackage or a KML document that is whole, and If-None-Match answered by
a 304 with the same ETag, or by a 200 with another one after a reload.
Downloads marked `abandon` are left after a few KB: the socket is closed
mid-body, its receive buffer kept small so that the server is still
writing when it goes."""

import gzip
import http.client
import json
import random
import socket
import threading
import time
import zlib
from collections import Counter, defaultdict

CONDITIONAL_SHARE = 0.1   # picks that re-ask a URL seen before, with If-None-Match
GZIP_SHARE = 0.5          # requests sent with Accept-Encoding: gzip
TIMEOUT = 180             # seconds a request may take (a reload under way shares 2 cores)
JSON_CHECK_BYTES = 16 << 20  # bodies parsed as JSON up to this size (beyond: their last bytes only)
ABANDON_BYTES = (2048, 16384)
SEEN_ETAGS = 4000          # remembered (path, ETag) pairs, replaced at random when full
EXAMPLES = 5               # failures kept per category, for the report


class connection(http.client.HTTPConnection):
    """A connection whose receive buffer can be made small before connecting."""

    def __init__(self, host, port, rcvbuf=0):
        super().__init__(host, port, timeout=TIMEOUT)
        self.rcvbuf = rcvbuf

    def connect(self):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if self.rcvbuf:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.rcvbuf)
        sock.settimeout(self.timeout)
        sock.connect((self.host, self.port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = sock


class tally:
    """One client's counts (merged at the end: no lock on the hot path)."""

    def __init__(self):
        self.by_kind = Counter()        # (kind, status label) -> requests
        self.bytes = Counter()          # kind -> body bytes read (as sent)
        self.gzipped = Counter()        # kind -> answers sent gzipped
        self.seconds = defaultdict(list)  # kind -> durations
        self.per_minute = Counter()     # (minute, "requests" | "failed" | "5xx") -> count
        self.failures = Counter()       # category -> count
        self.examples = defaultdict(list)  # category -> [(t, kind, path, detail)]
        self.zooms = Counter()          # tile zoom -> requests

    def merge(self, other):
        for name in ("by_kind", "bytes", "gzipped", "per_minute", "failures", "zooms"):
            getattr(self, name).update(getattr(other, name))
        for k, v in other.seconds.items():
            self.seconds[k] += v
        for k, v in other.examples.items():
            self.examples[k] = (self.examples[k] + v)[:EXAMPLES]


def body_problem(ctype, body):
    """What is wrong with a whole body of this type, or None."""
    ctype = (ctype or "").split(";")[0].strip()
    if ctype.endswith("json"):
        if len(body) <= JSON_CHECK_BYTES:
            try:
                json.loads(body)
            except ValueError as e:
                return "JSON does not parse: %s" % e
        elif not body.rstrip().endswith(b"}"):
            return "JSON does not end with }"
    elif ctype == "application/zip":
        if not body.startswith(b"PK") or b"PK\x05\x06" not in body[-65600:]:
            return "not a whole zip (no end of central directory)"
    elif ctype == "application/geopackage+sqlite3":
        if not body.startswith(b"SQLite format 3\0"):
            return "not a GeoPackage (no SQLite header)"
        page = int.from_bytes(body[16:18], "big") or 65536
        pages = int.from_bytes(body[28:32], "big")
        if pages and pages * page != len(body):
            return "GeoPackage of %d bytes, its header says %d" % (len(body), pages * page)
    elif ctype == "application/vnd.google-earth.kml+xml":
        if not body.rstrip().endswith(b"</kml>"):
            return "KML does not end with </kml>"
    elif ctype == "text/csv":
        if body and not body.endswith(b"\n"):
            return "CSV does not end with a line break"
    elif ctype == "text/html":
        if not body.rstrip().lower().endswith(b"</html>"):
            return "HTML does not end with </html>"
    return None


class client(threading.Thread):
    def __init__(self, number, host, port, requests, seed, t0, stop, seen):
        super().__init__(name="soak-client-%d" % number, daemon=True)
        self.host, self.port = host, port
        self.requests = requests
        self.rng = random.Random(seed * 1000 + number)
        self.t0, self.stop = t0, stop
        self.seen = seen  # shared list of (kind, path, accept, etag); list operations hold the GIL
        self.tally = tally()
        self.conn = None

    def fail(self, category, kind, path, detail, minute):
        self.tally.failures[category] += 1
        self.tally.per_minute[(minute, "failed")] += 1
        if len(self.tally.examples[category]) < EXAMPLES:
            self.tally.examples[category].append((time.monotonic() - self.t0, kind, path, detail))

    def run(self):
        while not self.stop.is_set():
            conditional = None
            if self.seen and self.rng.random() < CONDITIONAL_SHARE:
                conditional = self.rng.choice(self.seen)
            r = self.rng.choice(self.requests)
            try:
                if conditional:
                    self.conditional(*conditional)
                else:
                    self.one(r)
            except Exception as e:  # a bug of the client itself: report it rather than lose a thread
                self.fail("client error", r.kind, r.path, repr(e), int((time.monotonic() - self.t0) // 60))
                self.reset()

    def reset(self):
        if self.conn:
            self.conn.close()
        self.conn = None

    def exchange(self, path, headers, rcvbuf=0):
        """Sends the request; returns the response (headers read). A fresh
        connection when the last was closed or is to have a small buffer."""
        if rcvbuf:
            self.reset()
            self.conn = connection(self.host, self.port, rcvbuf)
        elif self.conn is None:
            self.conn = connection(self.host, self.port)
        self.conn.request("GET", path, headers=headers)
        return self.conn.getresponse()

    def headers(self, gzip_wanted, accept):
        h = {}
        if gzip_wanted:
            h["Accept-Encoding"] = "gzip"
        if accept:
            h["Accept"] = accept
        return h

    def one(self, r):
        gzip_wanted = self.rng.random() < GZIP_SHARE
        self.ask(r.kind, r.path, self.headers(gzip_wanted, r.accept), gzip_wanted, r.expect, r.abandon, r.zoom)

    def conditional(self, kind, path, accept, etag):
        """If-None-Match with an ETag seen before: 304 and the same ETag, or
        (a reload has changed the data since) 200 and another ETag."""
        gzip_wanted = self.rng.random() < GZIP_SHARE
        h = self.headers(gzip_wanted, accept)
        h["If-None-Match"] = etag
        self.ask("if-none-match", path, h, gzip_wanted, frozenset({200, 304}), etag=etag)

    def ask(self, kind, path, headers, gzip_wanted, expect, abandon=False, zoom=-1, etag=None):
        """One request, its answer checked."""
        started = time.monotonic()
        minute = int((started - self.t0) // 60)
        t = self.tally
        t.per_minute[(minute, "requests")] += 1
        if zoom >= 0:
            t.zooms[zoom] += 1
        try:
            resp = self.exchange(path, headers, rcvbuf=8192 if abandon else 0)
            if abandon and resp.status == 200:
                body, whole = resp.read(self.rng.randint(*ABANDON_BYTES)), False
                self.reset()  # closes the socket with the rest of the body unread
            else:
                body, whole = resp.read(), True
        except (OSError, http.client.HTTPException) as e:
            self.reset()
            label = "connection error"
            if isinstance(e, http.client.IncompleteRead):
                label = "truncated body"
            elif isinstance(e, (socket.timeout, TimeoutError)):
                label = "timeout"
            t.by_kind[(kind, "failed")] += 1
            detail = "%s: %s (after %.1f s)" % (type(e).__name__, e, time.monotonic() - started)
            self.fail(label, kind, path, detail, minute)
            return
        t.seconds[kind].append(time.monotonic() - started)
        t.bytes[kind] += len(body)
        status = resp.status
        got_etag = resp.getheader("ETag")
        label = str(status)
        if not whole:
            label = "abandoned"
        elif etag and status == 200:
            label = "200 changed"
        t.by_kind[(kind, label)] += 1
        if status >= 500:
            t.per_minute[(minute, "5xx")] += 1
            self.fail("5xx", kind, path, "%d %s" % (status, body[:200].decode("utf-8", "replace")), minute)
        elif status not in expect:
            self.fail("unexpected status", kind, path, "%d, expected %s: %s" % (
                status, "/".join(map(str, sorted(expect)))[:40], body[:200].decode("utf-8", "replace")), minute)
        if etag and status == 304 and (got_etag != etag or body):
            self.fail("bad 304", kind, path, "sent %s, got ETag %s and %d bytes" % (etag, got_etag, len(body)), minute)
        if etag and status == 200 and got_etag == etag:
            self.fail("200 to a matching If-None-Match", kind, path, "ETag " + etag, minute)
        if whole and resp.will_close:
            self.reset()
        encoding = resp.getheader("Content-Encoding")
        if encoding == "gzip":
            t.gzipped[kind] += 1
            if not gzip_wanted:
                self.fail("gzip not asked for", kind, path, "Content-Encoding: gzip without Accept-Encoding", minute)
            if not whole:
                return
            try:
                body = gzip.decompress(body)
            except (OSError, EOFError, zlib.error) as e:
                self.fail("bad gzip", kind, path, "%s: %s" % (type(e).__name__, e), minute)
                return
        elif encoding:
            self.fail("unexpected encoding", kind, path, "Content-Encoding: " + encoding, minute)
        if not whole or status != 200:
            return
        size = resp.getheader("X-Content-Bytes")
        if size and encoding != "gzip" and int(size) != len(body):
            self.fail("truncated body", kind, path, "%d bytes, X-Content-Bytes says %s" % (len(body), size), minute)
        problem = body_problem(resp.getheader("Content-Type"), body)
        if problem:
            self.fail("bad body", kind, path, problem, minute)
        if got_etag and not etag:
            entry = (kind, path, headers.get("Accept", ""), got_etag)
            if len(self.seen) < SEEN_ETAGS:
                self.seen.append(entry)
            else:
                self.seen[self.rng.randrange(SEEN_ETAGS)] = entry
