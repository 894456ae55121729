"""bench/soak's report for one data set: requests by kind and status, the
failures with examples, a row per minute (requests, reload, memory,
descriptors, caches), the server's log, and a verdict per target."""

import re
import statistics
from collections import Counter

MB = 1e6
MIB = 1 << 20
RSS_TOLERANCE = 0.10      # end of the run within 10% of the start (after warm-up)
RSS_TREND = 0.01          # least-squares slope of the minutes' steady RSS, of the start per minute
FD_SLACK = 4              # descriptors other than cache files and connections: start +- this
STEADY_SAMPLES = 4        # a minute's last quiet samples give its steady figures
LAST_LINES = 12           # of the log, when the server went away
QUIET_AFTER = 8           # seconds after a reload (and its store's writing) ends before the samples count as steady

ACCESS = re.compile(r"^(GET|HEAD) (\S+) (\d{3}) (\d+) ([\d.]+)ms(?: \((.*)\))?$")
LOG_PROBLEM = re.compile(r"stream failed|reload \(.*\) failed|descriptors|could not write|terminate|abort|sanitizer|"
                         r"exception|segmentation|leak", re.I)


def other_fds(s):
    """Descriptors that are neither cache files nor connections: what a leak
    would grow (an export's file left open, a socket never closed)."""
    return s["fds"] - s["files"] - s["connections"]


def slope(points):
    """Least-squares slope of (x, y) points."""
    n = len(points)
    if n < 2:
        return 0.0
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    den = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / den if den else 0.0


def quiet(samples, reloads):
    """The samples taken while one dataset alone is served: after the first
    reload (the warm-up), none running nor its store being written, none
    ended in the last QUIET_AFTER s (the old dataset goes when the last
    request holding it ends: a download can take seconds)."""
    if not reloads:
        return []
    first_end = reloads[0]["stored"]
    out = []
    for s in samples:
        after_warm_up = s["t"] >= first_end + QUIET_AFTER and not s["reloading"] and not s["store"]
        # (the sample taken just before a reload is sent counts)
        if after_warm_up and not any(r["sent"] <= s["t"] <= r["stored"] + QUIET_AFTER for r in reloads):
            out.append(s)
    return out


def minutes_table(minutes, samples, tallies, reloads):
    """Per minute: the steady figures, from the minute's quiet samples (none
    when a reload ran all along): the median RSS of the last STEADY_SAMPLES,
    and the fewest descriptors of any (a download's export being streamed,
    the store being written or a connection closing come and go; a leaked
    descriptor stays in every sample), and the minute's extremes."""
    calm = quiet(samples, reloads)
    rows = []
    for k in range(1, minutes + 1):
        last = k == minutes  # requests still in flight when the traffic stopped count in the last minute
        inside = [s for s in samples if 60 * (k - 1) <= s["t"] < 60 * k + (2 if last else 0)]
        steady = [s for s in calm if 60 * (k - 1) <= s["t"] < 60 * k + (1 if last else 0)]
        if not inside:
            rows.append(None)
            continue
        count = {what: tallies.per_minute[(k - 1, what)] + (tallies.per_minute[(k, what)] if last else 0)
                 for what in ("requests", "failed", "5xx")}
        row = {
            "minute": k, "requests": count["requests"], "failed": count["failed"], "5xx": count["5xx"],
            "reloads": [r for r in reloads if r["minute"] == k], "steady": bool(steady),
            "rss_min": min(s["VmRSS"] for s in inside), "rss_max": max(s["VmRSS"] for s in inside),
            "fds_max": max(s["fds"] for s in inside), "other_max": max(other_fds(s) for s in inside),
            "answers": max(s["answers"] for s in inside), "tiles": max(s["tiles"] for s in inside),
            "files": max(s["files"] for s in inside), "files_bytes": max(s["files_bytes"] for s in inside),
            "connections": max(s["connections"] for s in inside),
        }
        if steady:
            fewest = min(steady, key=lambda s: (other_fds(s), s["fds"]))
            row.update(rss=statistics.median(s["VmRSS"] for s in steady[-STEADY_SAMPLES:]),
                       anon=statistics.median(s["RssAnon"] for s in steady[-STEADY_SAMPLES:]),
                       fds=min(s["fds"] for s in steady), other=other_fds(fewest), sample=fewest)
        rows.append(row)
    return rows


def log_summary(text):
    """Access lines by status class and by the error they ended with (a
    client gone mid-body ends with the socket's error), and the other lines
    by pattern (digits folded), those that look like problems flagged."""
    access = Counter()
    endings = Counter()
    fivexx = []
    others = Counter()
    problems = []
    last_lines = []  # the last lines that are not requests: how it ended
    for line in text.splitlines():
        m = ACCESS.match(line)
        if m:
            access[m.group(3)[0] + "xx"] += 1
            if m.group(6):
                endings["%s (%s)" % (m.group(3), m.group(6))] += 1
            if m.group(3).startswith("5"):
                fivexx.append(line)
            continue
        last_lines = (last_lines + [line])[-LAST_LINES:]
        pattern = re.sub(r"version [0-9a-f]+", "version V", line)
        pattern = re.sub(r"\d+(\.\d+)?(e-?\d+)?", "N", pattern)
        pattern = re.sub(r"/[^\s]*", "PATH", pattern)[:110]
        others[pattern] += 1
        if LOG_PROBLEM.search(line):
            problems.append(line)
    return access, endings, fivexx, others, problems, last_lines


def percentile(sorted_values, q):
    return sorted_values[min(int(q * len(sorted_values)), len(sorted_values) - 1)] if sorted_values else 0


def kinds_table(p, t):
    statuses = sorted({s for (_, s) in t.by_kind}, key=lambda s: (not s[0].isdigit(), s))
    totals = Counter()
    for (k, _), v in t.by_kind.items():
        totals[k] += v
    p("requests by kind and status (abandoned: a 200 the client left after 2-16 KB; "
      "200 changed: an If-None-Match after a reload changed the data)")
    p("  %-15s %9s" % ("kind", "requests") + "".join(" %11s" % s for s in statuses) +
      " %8s %9s %8s %8s" % ("gzipped", "MB read", "p50 ms", "p99 ms"))
    for k in [k for k, _ in totals.most_common()] + ["total"]:
        if k == "total":
            counts = {s: sum(v for (_, ss), v in t.by_kind.items() if ss == s) for s in statuses}
            secs = sorted(x for v in t.seconds.values() for x in v)
            gzipped, read = sum(t.gzipped.values()), sum(t.bytes.values())
        else:
            counts = {s: t.by_kind.get((k, s), 0) for s in statuses}
            secs = sorted(t.seconds.get(k, []))
            gzipped, read = t.gzipped.get(k, 0), t.bytes.get(k, 0)
        p("  %-15s %9d" % (k, sum(counts.values())) + "".join(" %11s" % (counts[s] or "-") for s in statuses) +
          " %8d %9.1f %8.1f %8.1f" % (gzipped, read / MB, percentile(secs, 0.5) * 1000, percentile(secs, 0.99) * 1000))
    if t.zooms:
        zooms = sorted(t.zooms)
        p("  tiles asked at zooms %d-%d (%d zooms; fewest at one zoom: %d)" % (
            zooms[0], zooms[-1], len(zooms), min(t.zooms.values())))


def failures(p, t):
    if not t.failures:
        p("failures: none (no connection error, timeout, truncated body, bad gzip, bad body or unexpected status)")
        return
    p("failures: %d" % sum(t.failures.values()))
    for category, n in t.failures.most_common():
        p("  %s: %d, e.g." % (category, n))
        for (at, kind, path, detail) in t.examples[category]:
            p("    at %5.0f s  %-14s %s" % (at, kind, path))
            p("                %s" % detail[:300])


def reload_text(x):
    text = ("ok %.1f" % x["seconds"]) if x["ok"] else "FAILED " + x["outcome"]
    if x["sent"] > x["due"] + 1:
        text += ", %.0f late" % (x["sent"] - x["due"])
    return text


def minutes(p, rows):
    p("per minute (steady, from the samples with no reload running nor its store being written, nor either ended in "
      "the last %d s: RSS and anon MB, the median of the minute's last %d; fds and other, the fewest; min-max, "
      "fds max, answers, tiles, files: the whole minute)" % (QUIET_AFTER, STEADY_SAMPLES))
    p("  %3s %8s %6s %6s %4s  %-20s %7s %7s %11s %5s %7s %6s %8s %6s %6s" % (
        "min", "requests", "req/s", "failed", "5xx", "reload (server's s)", "RSS MB", "anon MB", "RSS min-max", "fds",
        "fds max", "other", "answers", "tiles", "files"))
    for row in rows:
        steady = ("-",) * 4
        if row["steady"]:
            steady = ("%.0f" % (row["rss"] / MB), "%.0f" % (row["anon"] / MB), "%d" % row["fds"], "%d" % row["other"])
        p("  %3d %8d %6.0f %6d %4d  %-20s %7s %7s %11s %5s %7d %6s %8.1f %6.1f %6d" % (
            row["minute"], row["requests"], row["requests"] / 60, row["failed"], row["5xx"],
            "; ".join(map(reload_text, row["reloads"])) or "-", steady[0], steady[1],
            "%.0f-%.0f" % (row["rss_min"] / MB, row["rss_max"] / MB), steady[2], row["fds_max"], steady[3],
            row["answers"] / MIB, row["tiles"] / MIB, row["files"]))
    p("  (MB: 10^6 bytes; anon: RssAnon, the heap without mapped files; answers, tiles: the caches' peak MiB; other: "
      "descriptors that are neither cache files nor connections; late: the last reload or its store had not ended)")


def memory_and_descriptors(p, r, rows):
    """Prints the figures; returns the RSS and descriptor verdicts."""
    live = [row for row in rows if row["steady"]]
    if not live:
        p("memory and descriptors: no steady sample (a reload running all along, or the server gone)")
        return [(False, ("RSS flat", "no steady sample")), (False, ("descriptors flat", "no steady sample"))]
    calm = quiet(r["samples"], r["reloads"])
    start, end = live[0], live[-1]
    ratio = end["rss"] / start["rss"]
    trend = slope([(row["minute"], row["rss"]) for row in live]) / start["rss"] if len(live) >= 3 else None
    trend_text = "%+.2f%% of start a minute over %d steady minutes" % (trend * 100, len(live)) if trend is not None \
        else "n/a (%d steady minutes; a trend needs 3)" % len(live)
    other = [row["other"] for row in live]
    p("memory (start: the first steady figure after the first reload, minute %d; end: the last, minute %d; "
      "quiet peak: every steady sample)" % (start["minute"], end["minute"]))
    p("  VmRSS start %.0f MB, quiet peak %.0f MB, end %.0f MB: end/start %.3f, trend %s" % (
        start["rss"] / MB, max(s["VmRSS"] for s in calm) / MB, end["rss"] / MB, ratio, trend_text))
    anon_trend = slope([(row["minute"], row["anon"]) for row in live]) / start["anon"] if len(live) >= 3 else None
    p("  RssAnon start %.0f MB, quiet peak %.0f MB, end %.0f MB: end/start %.3f%s" % (
        start["anon"] / MB, max(s["RssAnon"] for s in calm) / MB, end["anon"] / MB, end["anon"] / start["anon"],
        "" if anon_trend is None else ", trend %+.2f%% of start a minute" % (anon_trend * 100)))
    p("  with the reloads: VmRSS peak %.0f MB (two datasets at once), VmHWM at the end %.0f MB (the first load too)" % (
        max(s["VmRSS"] for s in r["samples"]) / MB, r["final"].get("VmHWM", 0) / MB))
    p("descriptors")
    p("  all: start %d, quiet peak %d, end %d; other than cache files and connections: start %d, quiet peak %d, "
      "end %d; steady by minute: %s" % (start["fds"], max(s["fds"] for s in calm), end["fds"], start["other"],
                                        max(other_fds(s) for s in calm), end["other"], ",".join(map(str, other))))
    for when, row in (("start", start), ("end", end)):
        kinds = sorted(row["sample"]["fd_kinds"].items())
        p("  by kind at the %-6s %s" % (when + ":", ", ".join(
            "%s %d" % (k.replace(r["scratch"], "SCRATCH"), n) for k, n in kinds)))
    return [
        (ratio <= 1 + RSS_TOLERANCE and (trend is None or trend <= RSS_TREND),
         ("RSS flat", "end/start %.3f (<= %.2f), trend %s" % (
             ratio, 1 + RSS_TOLERANCE, "n/a under 3 steady minutes" if trend is None else
             "%+.2f%%/min (<= %+.0f%%/min)" % (trend * 100, RSS_TREND * 100)))),
        (all(abs(v - start["other"]) <= FD_SLACK for v in other),
         ("descriptors flat", "other than cache files and connections, every steady minute within %d +- %d" % (
             start["other"], FD_SLACK))),
    ]


def caches(p, r):
    """Prints the peaks against the bounds; returns the verdict."""
    samples, m = r["samples"], r["final_metrics"]
    if not samples:
        p("caches: no sample")
        return [(False, ("cache within bounds", "no sample"))]
    answers = max(s["answers"] for s in samples)
    tiles = max(s["tiles"] for s in samples)
    files = max(s["files_bytes"] for s in samples)
    answers_bound, tiles_bound = r["cache_mb"] * MIB, r["tile_cache_mb"] * MIB
    p("caches (/metrics every %g s, %d samples)" % (r["sample_seconds"], len(samples)))
    p("  answers peak %.2f MiB of %d MiB (%.0f%%), tiles peak %.2f MiB of %d MiB (%.0f%%), cache files peak %.2f MiB "
      "of %d MiB, %d files at most" % (
          answers / MIB, r["cache_mb"], 100 * answers / max(answers_bound, 1), tiles / MIB, r["tile_cache_mb"],
          100 * tiles / max(tiles_bound, 1), files / MIB, r["cache_mb"] + r["tile_cache_mb"],
          max(s["files"] for s in samples)))
    p("  hits/misses: answers %d/%d, tiles %d/%d" % (
        m.get("concessions_response_cache_hits_total", 0), m.get("concessions_response_cache_misses_total", 0),
        m.get("concessions_tile_cache_hits_total", 0), m.get("concessions_tile_cache_misses_total", 0)))
    ok = answers <= answers_bound and tiles <= tiles_bound and files <= answers_bound + tiles_bound
    return [(ok, ("cache within bounds", "answers %.2f <= %d MiB, tiles %.2f <= %d MiB, files %.2f <= %d MiB" % (
        answers / MIB, r["cache_mb"], tiles / MIB, r["tile_cache_mb"], files / MIB,
        r["cache_mb"] + r["tile_cache_mb"])))]


def reloads_done(p, r):
    """Prints the reloads; returns their verdicts."""
    reloads, m = r["reloads"], r["final_metrics"]
    ok = [x for x in reloads if x["ok"]]
    p("reloads (touch the sources, SIGHUP, /healthz until it counts one more, none running, a new version)")
    if reloads:
        late = [x["sent"] - x["due"] for x in reloads if x["sent"] > x["due"] + 1]
        p("  %d sent in %d minutes, %d ok with a new version; the server took %.1f-%.1f s (mean %.1f), then wrote "
          "its store for %.1f s at most; /healthz counted %d, /metrics concessions_reloads_total %d" % (
              len(reloads), r["minutes"], len(ok), min(x["seconds"] for x in reloads),
              max(x["seconds"] for x in reloads), statistics.mean(x["seconds"] for x in reloads),
              max(x["stored"] - x["ended"] for x in reloads), sum(x["count"] for x in reloads),
              m.get("concessions_reloads_total", 0)))
        if late:
            p("  %d late: the last reload or its store had not ended at 0:%02d of their minute, so they went %d s "
              "after it, up to %.0f s late (the server reloaded back to back)" % (
                  len(late), r["reload_at"], r["reload_gap"], max(late)))
    for x in reloads:
        if not x["ok"]:
            p("  minute %d: %s (%s)" % (x["minute"], x["outcome"], x["message"][:200]))
    return [(bool(reloads) and len(ok) == len(reloads),
             ("every reload ok", "%d of %d, each with a new version" % (len(ok), len(reloads))))]


def server_side(p, r):
    """/metrics' counts and the log; returns the 5xx count and log lines, and the log verdict."""
    m = r["final_metrics"]
    requests = {k: v for k, v in m.items() if k.startswith("concessions_http_requests_total")}
    server_5xx = sum(v for k, v in requests.items() if 'status="5xx"' in k)
    access, endings, fivexx, others, problems, last_lines = r["log"]
    p("server")
    if r["gone"]:
        p("  GONE before the end of the run: %s (its log and data kept in %s)" % (r["gone"], r["scratch"]))
        if r["exit"] == "exit status 0" and last_lines and last_lines[-1].startswith("concessions: stopped"):
            p("  it stopped as on SIGTERM or SIGINT, which the soak did not send: something else did")
        p("  its last lines other than requests:")
        for line in last_lines:
            p("    %s" % line[:300])
    p("  /metrics: %d requests answered, %d of them 5xx; %s%s; %d temporary files left in its TMPDIR" % (
        sum(requests.values()), server_5xx, r["exit"], "" if r["gone"] else " after SIGTERM", r["leftover_files"]))
    p("  log: %d access lines (%s); ended by the socket's error: %s" % (
        sum(access.values()), ", ".join("%s %d" % kv for kv in sorted(access.items())),
        ", ".join("%s %d" % kv for kv in endings.most_common()) or "none"))
    p("  other log lines, by pattern (digits as N, paths as PATH):")
    for pattern, n in sorted(others.items(), key=lambda kv: -kv[1]):
        p("    %5d  %s" % (n, pattern))
    for line in fivexx[:5] + problems[:10]:
        p("  ! %s" % line[:300])
    if r["sampler_errors"]:
        p("  sampler errors: %s" % "; ".join(r["sampler_errors"][:5]))
    clean = not problems and not r["gone"] and r["exit"] == "exit status 0"
    return server_5xx, fivexx, [(clean, ("server ran, stopped", "%s; %d problem lines in its log; %s%s" % (
        "gone before the end: " + r["gone"] if r["gone"] else "up throughout", len(problems), r["exit"],
        "" if r["gone"] else " after SIGTERM")))]


def print_set(out, r):
    """Appends one data set's report to out; returns whether every verdict is ok.
    r: what bench/soak's run_set returns."""
    t = r["tally"]
    p = out.append
    p("")
    p("== %s: %s" % (r["label"], r["summary"]))
    p("   %s" % r["command"])
    p("   %d min, %d clients, a reload at 0:%02d of every minute; load average %s at the start, %s at the end" % (
        r["minutes"], r["clients"], r["reload_at"], r["load_start"], r["load_end"]))
    p("")
    kinds_table(p, t)
    p("")
    failures(p, t)
    rows = [row for row in r["rows"] if row]
    p("")
    minutes(p, rows)
    p("")
    flat = memory_and_descriptors(p, r, rows)
    bounds = caches(p, r)
    reload_verdicts = reloads_done(p, r)
    server_5xx, fivexx, log_verdict = server_side(p, r)

    client_5xx = sum(v for (_, s), v in t.by_kind.items() if s.startswith("5"))
    failed = sum(t.failures.values())
    verdicts = [
        (client_5xx == 0 and server_5xx == 0 and not fivexx,
         ("no 5xx", "client saw %d, /metrics counted %d, log lines %d" % (client_5xx, server_5xx, len(fivexx)))),
        (failed == 0, ("no failed request", "%d failed of %d (connection errors, timeouts, truncated or bad bodies, "
                                            "bad gzip, unexpected statuses)" % (failed, sum(t.by_kind.values())))),
    ] + reload_verdicts + flat + bounds + log_verdict
    p("verdicts (%s)" % r["label"])
    for ok, (name, text) in verdicts:
        p("  %-22s %s  %s" % (name, "ok  " if ok else "MISS", text))
    return all(ok for ok, _ in verdicts)
