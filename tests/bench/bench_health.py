#!/usr/bin/python3
"""bench_health.py: the measuring half of tests/bench/bench-health.sh.

bench-health.sh starts BIRD, lbbgpd and ExaBGP (with its healthcheck.py);
this file is the HTTP backend their health checks probe, writes lbbgpd's
configuration, adds the VIPs, takes the numbers and prints the report.
Each subcommand adds its results to a JSON file (--results).

Subcommands:
  backend   the HTTP backend: GET /c/I answers 200, or 503 while path I is
            failed; GET /fail/I and /ok/I flip path I and answer with the
            CLOCK_MONOTONIC and CLOCK_REALTIME times of the flip; /stats
            counts requests and new connections per path
  conf      print lbbgpd's configuration: checks c0.., one pool pI per check
            cI, one advertisement of every pool to the collector
  wait      until a protocol of the collector is Established (and holds
            so many routes)
  add       wait until lbbgpd's checks are up, add every VIP (one request
            per pool, pipelined), wait until the collector holds them all
  cpu       CPU time of lbbgpd and of ExaBGP + healthcheck.py (+ its check
            commands) over a window in which nothing changes; RSS at its end
  fails     fail a backend path, time until the collector lost the VIP;
            recover it, time until the VIP is back; N times
  record    store KEY=VALUE pairs given by the shell (versions, log checks)
  report    print the Markdown report

Only /usr/bin/python3 and its standard library; the BIRD and control socket
clients come from bench_vips.py.  Addresses are the 127.0.21.0/24 loopback
ones the script passes in; VIPs are only BGP prefixes: nothing is sent to
them and nothing is installed on the host.
"""
import argparse
import asyncio
import json
import os
import platform
import random
import socket
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_vips as bv  # noqa: E402 (after the path it lives in)

CLK_TCK = os.sysconf("SC_CLK_TCK")
REASONS = {200: b"OK", 404: b"Not Found", 503: b"Service Unavailable"}
NAMES = {"lbbgpd": "lbbgpd", "exabgp": "ExaBGP healthcheck.py"}


def vip(check, j):
    """The j-th VIP of check (and pool) number check: 10.100.CHECK.(J+1)."""
    return "10.100.%d.%d" % (check, j + 1)


EXA_VIP = "10.101.0.1"


# ---- the backend --------------------------------------------------------------------

class Backend:
    """One asyncio HTTP/1.1 server for every path, keep-alive when the
    client wants it (lbbgpd's libcurl does, curl's one request does not)."""

    def __init__(self, npaths):
        self.failed = [False] * npaths
        self.reqs = [0] * npaths
        self.conns = [0] * npaths  # connections whose first request was /c/I

    def answer(self, path):
        parts = path.split("/")
        if len(parts) == 3 and parts[2].isdigit() and \
                int(parts[2]) < len(self.failed):
            i = int(parts[2])
            if parts[1] == "c":
                self.reqs[i] += 1
                return (503, b"failed\n") if self.failed[i] else (200, b"ok\n")
            if parts[1] in ("fail", "ok"):
                # The flip and its time stamps, with no probe in between:
                # the loop serves one request at a time.
                mono = time.monotonic_ns()
                real = time.clock_gettime_ns(time.CLOCK_REALTIME)
                self.failed[i] = parts[1] == "fail"
                return 200, json.dumps({"mono_ns": mono,
                                        "real_ns": real}).encode()
        if path == "/stats":
            return 200, json.dumps({"requests": self.reqs,
                                    "connections": self.conns}).encode()
        return 404, b"no such path\n"

    async def serve(self, reader, writer):
        first = True
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                close = not line.rstrip().endswith(b"HTTP/1.1")
                while True:
                    h = await reader.readline()
                    if h in (b"", b"\r\n", b"\n"):
                        break
                    k, _, v = h.partition(b":")
                    if k.strip().lower() == b"connection":
                        close = v.strip().lower() != b"keep-alive"
                parts = line.split()
                path = parts[1].decode("ascii", "replace") \
                    if len(parts) >= 2 else ""
                code, body = self.answer(path)
                if first and path.startswith("/c/") and code != 404:
                    self.conns[int(path[3:])] += 1
                first = False
                writer.write(b"HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\n"
                             b"Content-Length: %d\r\n%s\r\n" %
                             (code, REASONS[code], len(body),
                              b"Connection: close\r\n" if close else b"") +
                             body)
                await writer.drain()
                if close:
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


def cmd_backend(a):
    be = Backend(a.paths)

    async def run():
        srv = await asyncio.start_server(be.serve, a.addr, a.port,
                                         backlog=1024, reuse_address=True)
        with open(a.ready, "w") as f:
            f.write("%d\n" % os.getpid())
        async with srv:
            await srv.serve_forever()
    asyncio.run(run())


def backend_get(base, path):
    with urllib.request.urlopen(base + path, timeout=10) as r:
        return json.loads(r.read())


# ---- lbbgpd ---------------------------------------------------------------------------

def cmd_conf(a):
    out = ["# bench-health.sh: %d checks, %d pools of %d VIPs" %
           (a.checks, a.checks, a.per),
           "router-id 10.255.21.1", "local-as 64513",
           "listen on %s port 179" % a.addr, 'state-file "%s"' % a.state]
    for i in range(a.checks):
        out += ["check c%d {" % i,
                '\thttp "http://%s/c/%d"' % (a.backend, i),
                "\tinterval %s" % a.interval, "\ttimeout %s" % a.timeout,
                "\trise %d" % a.rise, "\tfall %d" % a.fall, "}"]
    for i in range(a.checks):
        out += ["pool p%d {" % i,
                "\taddresses %s-%s" % (vip(i, 0), vip(i, a.per - 1)),
                "\tcheck c%d" % i, "}"]
    out += ["neighbor collector {", "\taddress %s" % a.peer,
            "\tremote-as 64512", "\tlocal-address %s" % a.addr,
            "\tconnect-retry 1", "}",
            "advertisement all {", "\tpeers collector", "}"]
    print("\n".join(out))


def ctl_call(path, obj):
    """One request on a connection of its own: the reply."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.sendall(bv.req_line(obj))
    with s.makefile("rb") as f:
        line = f.readline()
    s.close()
    return json.loads(line)


def checks_of(ctl):
    r = ctl_call(ctl, {"cmd": "show-checks"})
    if not r.get("ok"):
        raise RuntimeError("show-checks: %s" % r)
    return {c["name"]: c for c in r["checks"]}


def transitions(ctl):
    """{check: transitions so far}"""
    return {n: c.get("transitions", 0) for n, c in checks_of(ctl).items()}


def cmd_add(a):
    end = time.monotonic() + a.timeout
    while True:
        st = checks_of(a.ctl)
        if len(st) == a.checks and all(c["state"] == "up"
                                       for c in st.values()):
            break
        if time.monotonic() > end:
            raise bv.Timeout("checks not up: %s" % sorted(
                n for n, c in st.items() if c["state"] != "up")[:10])
        time.sleep(0.1)
    lines = [bv.req_line({"cmd": "add", "owner": "bench", "pool": "p%d" % i,
                          "vips": [vip(i, j) for j in range(a.per)]})
             for i in range(a.checks)]
    bird = bv.Bird(a.bird)
    if bird.count(a.proto) != 0:
        raise RuntimeError("the collector holds routes from %s already" %
                           a.proto)
    c = bv.Ctl(a.ctl)
    t0 = bv.now_mono()
    c.s.sendall(b"".join(lines))
    replies = c.wait_replies(len(lines), a.timeout)
    c.close()
    bad = [r for _, r in replies if not r.get("ok")]
    if bad:
        raise RuntimeError("lbbgpd refused an add: %s" % bad[0])
    t1, _ = bv.wait_counts([(bird, a.proto)], a.checks * a.per, a.timeout,
                           a.poll)
    bv.log("lbbgpd: %d VIPs of %d checks at the collector after %.3f s" %
           (a.checks * a.per, a.checks, t1 - t0))
    bv.save_results(a.results, {"add": {"n": a.checks * a.per,
                                        "checks": a.checks, "s": t1 - t0}})


def cmd_wait(a):
    """Wait until the collector's protocol is Established and holds
    --routes routes (any number without)."""
    bird = bv.Bird(a.bird)
    end = time.monotonic() + a.timeout
    while True:
        lines = bird.cmd("show protocols all " + a.proto)
        state = [ln.split("BGP state:", 1)[1].split()[0] for ln in lines
                 if "BGP state:" in ln]
        n = bird.count(a.proto)
        if state == ["Established"] and a.routes in (None, n):
            return
        if time.monotonic() > end:
            raise bv.Timeout("collector, protocol %s: %s with %d routes "
                             "after %.0f s, wanted Established%s" %
                             (a.proto, state, n, a.timeout, "" if a.routes
                              is None else " with %d" % a.routes))
        time.sleep(0.1)


# ---- CPU and memory ---------------------------------------------------------------------

def proc_times(pid):
    """(utime + stime, cutime + cstime) of a process, seconds: its own
    threads, and the children it has reaped (check commands)."""
    with open("/proc/%d/stat" % pid) as f:
        st = f.read()
    fields = st[st.rindex(")") + 2:].split()
    return ((int(fields[11]) + int(fields[12])) / CLK_TCK,
            (int(fields[13]) + int(fields[14])) / CLK_TCK)


def status_kb(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise RuntimeError("no %s in /proc/%d/status" % (key, pid))


def phase_spread(ats, interval):
    """The shortest window, modulo the interval, that holds every check's
    last result (lbbgpd's loop time, in ms): how far apart in its schedule
    lbbgpd runs the checks."""
    ph = sorted(t % interval for t in ats)
    gaps = [b - x for x, b in zip(ph, ph[1:])] + [ph[0] + interval - ph[-1]]
    return interval - max(gaps)


def cmd_cpu(a):
    pids = {"lbbgpd": {"lbbgpd": a.lb_pid},
            "exabgp": {"exabgp": a.exa_pid, "healthcheck.py": a.hc_pid}}
    bird = bv.Bird(a.bird)
    counts0 = {p: bird.count(p) for p in ("lb", "exabgp")}
    tr0 = transitions(a.ctl)
    st0 = backend_get(a.backend, "/stats")
    cpu0 = {p: proc_times(p) for w in pids.values() for p in w.values()}
    t0 = time.monotonic()
    bv.log("CPU window: %.0f s with every check running, nothing else" %
           a.secs)
    time.sleep(a.secs)
    t1 = time.monotonic()
    cpu1 = {p: proc_times(p) for w in pids.values() for p in w.values()}
    st1 = backend_get(a.backend, "/stats")
    tr1 = transitions(a.ctl)
    counts1 = {p: bird.count(p) for p in ("lb", "exabgp")}
    per_min = 60.0 / (t1 - t0)
    res = {"secs": t1 - t0}
    for who, procs in pids.items():
        paths = range(a.checks) if who == "lbbgpd" else [a.checks]
        r = {"procs": {}}
        total = 0.0
        for name, pid in procs.items():
            own = (cpu1[pid][0] - cpu0[pid][0]) * per_min
            kids = (cpu1[pid][1] - cpu0[pid][1]) * per_min
            r["procs"][name] = {"pid": pid, "cpu": own, "children": kids,
                                "rss_kb": status_kb(pid, "VmRSS"),
                                "hwm_kb": status_kb(pid, "VmHWM")}
            total += own + kids
        r["cpu"] = total
        r["rss_kb"] = sum(p["rss_kb"] for p in r["procs"].values())
        r["hwm_kb"] = sum(p["hwm_kb"] for p in r["procs"].values())
        r["probes"] = sum(st1["requests"][i] - st0["requests"][i]
                          for i in paths) * per_min
        r["conns"] = sum(st1["connections"][i] - st0["connections"][i]
                         for i in paths) * per_min
        res[who] = r
        bv.log("%s: %.3f CPU s/min, %.0f probes/min on %.0f new "
               "connections/min, RSS %.1f MiB (peak %.1f MiB)" %
               (who, total, r["probes"], r["conns"], r["rss_kb"] / 1024,
                r["hwm_kb"] / 1024))
    # When in each interval lbbgpd probes, and how long the probes took.
    st = [c for c in checks_of(a.ctl).values() if c.get("last")]
    lat = sorted(c["last"]["latency"] * 1000 for c in st)
    res["lbbgpd"]["phase_ms"] = phase_spread([c["last"]["at"] for c in st],
                                             st[0]["interval"]) * 1000
    res["lbbgpd"]["latency_ms"] = [bv.pct(lat, 50), lat[-1]]
    bv.log("lbbgpd: the last results of its %d checks within %.0f ms of "
           "each other; the probes' latency p50 %.1f ms, max %.1f ms" %
           (len(st), res["lbbgpd"]["phase_ms"], bv.pct(lat, 50),
            lat[-1]))
    res["flaps"] = sum(tr1[n] - tr0.get(n, 0) for n in tr1)
    res["routes_changed"] = counts0 != counts1
    if res["flaps"] or res["routes_changed"]:
        bv.log("WARNING: during the CPU window %d check transitions, "
               "collector counts %s -> %s" % (res["flaps"], counts0, counts1))
    bv.save_results(a.results, {"cpu": res})


# ---- failures -------------------------------------------------------------------------------

def route_present(bird, proto, prefix):
    """Whether the collector holds prefix from proto (BIRD answers 8001
    Network not found, or 0000 with no route lines, when it does not)."""
    for line in bird.cmd("show route %s protocol %s" % (prefix, proto)):
        # "1007-10.0.0.1/32 ..." or, continuing a reply, " 10.0.0.1/32 ..."
        text = line[5:] if line[:4].isdigit() else line[1:]
        if text.split(" ", 1)[0] == prefix:
            return True
    return False


def watch(a, bird, present, target):
    """Poll until the tracked VIP is present (or gone) and proto holds
    target routes: (monotonic ns of each, lowest and highest count seen)."""
    end = time.monotonic() + a.timeout
    t_vip = t_all = None
    lo, hi = None, None
    while True:
        if t_vip is None and route_present(bird, a.proto, a.prefix) == present:
            t_vip = time.monotonic_ns()
        n = bird.count(a.proto)
        lo = n if lo is None else min(lo, n)
        hi = n if hi is None else max(hi, n)
        if t_all is None and n == target:
            t_all = time.monotonic_ns()
        if t_vip is not None and t_all is not None:
            return t_vip, t_all, lo, hi
        if time.monotonic() > end:
            raise bv.Timeout("%s %s: %s %s, %d routes (wanted %d) after "
                             "%.0f s" % (a.who, "announce" if present else
                                         "withdraw", a.prefix, "present" if
                                         route_present(bird, a.proto, a.prefix)
                                         else "absent", n, target, a.timeout))
        time.sleep(a.poll)


def cmd_fails(a):
    bird = bv.Bird(a.bird)
    rng = random.Random(a.seed)
    tr0 = transitions(a.ctl) if a.ctl else {}
    r = {k: [] for k in ("withdraw", "withdraw_all", "announce",
                         "announce_all")}
    r["odd"] = []
    # Start from a steady state: the VIP and its group announced.
    watch(a, bird, True, a.full)
    for k in range(a.n):
        # A random phase against the probe schedule: right after a change
        # the next probe is always about one interval away.
        time.sleep(rng.uniform(0, a.interval))
        flip = backend_get(a.backend, "/fail/%d" % a.path)["mono_ns"]
        tv, ta, lo, hi = watch(a, bird, False, a.full - a.group)
        r["withdraw"].append((tv - flip) / 1e6)
        r["withdraw_all"].append((ta - flip) / 1e6)
        if lo != a.full - a.group:
            r["odd"].append("fail %d: the collector went down to %d routes, "
                            "not %d" % (k, lo, a.full - a.group))
        time.sleep(rng.uniform(0, a.interval))
        flip = backend_get(a.backend, "/ok/%d" % a.path)["mono_ns"]
        tv, ta, lo, hi = watch(a, bird, True, a.full)
        r["announce"].append((tv - flip) / 1e6)
        r["announce_all"].append((ta - flip) / 1e6)
        if lo < a.full - a.group or hi > a.full:
            r["odd"].append("recovery %d: the collector held %d to %d routes"
                            % (k, lo, hi))
        bv.log("%s %d/%d: %s withdrawn after %.0f ms (all %d after %.0f ms), "
               "back after %.0f ms (all after %.0f ms)" %
               (a.who, k + 1, a.n, a.prefix, r["withdraw"][-1], a.group,
                r["withdraw_all"][-1], r["announce"][-1],
                r["announce_all"][-1]))
    if a.ctl:
        tr1 = transitions(a.ctl)
        mine = "c%d" % a.path
        r["transitions"] = tr1.get(mine, 0) - tr0.get(mine, 0)
        r["other_flaps"] = sum(tr1[n] - tr0.get(n, 0) for n in tr1
                               if n != mine)
        if r["transitions"] != 2 * a.n:
            r["odd"].append("check %s made %d transitions, not %d" %
                            (mine, r["transitions"], 2 * a.n))
        if r["other_flaps"]:
            r["odd"].append("the other checks made %d transitions" %
                            r["other_flaps"])
    for o in r["odd"]:
        bv.log("WARNING: %s: %s" % (a.who, o))
    r.update({"n": a.n, "group": a.group, "prefix": a.prefix})
    bv.save_results(a.results, {"fails.%s" % a.who: r})


# ---- report -------------------------------------------------------------------------------

def stats(ms):
    v = sorted(ms)
    return bv.pct(v, 50), bv.pct(v, 99)


def cell_ms(r, key):
    if not r or not r.get(key):
        return None, "–"
    p50, p99 = stats(r[key])
    return p50, "%.0f / %.0f" % (p50, p99)


def ratio(x, y):
    if x is None or y is None or not x:
        return "–"
    return "%.1fx" % (y / x) if y / x < 10 else "{:,.0f}x".format(y / x)


def cmd_report(a):
    r = bv.load_results(a.results)
    cpu = r.get("cpu", {})
    lb, ex = cpu.get("lbbgpd", {}), cpu.get("exabgp", {})
    flb, fex = r.get("fails.lbbgpd", {}), r.get("fails.exabgp", {})
    checks = r.get("checks", 0)
    per = r.get("per", 0)
    iv, fall, rise = r.get("interval", 1), r.get("fall", 2), r.get("rise", 2)
    machine = "%s CPUs (nproc), %s, Linux %s" % (
        r.get("nproc", "?"), bv.cpu_model(), platform.release())
    p = ["- %s" % x for x in (
        "date: %s" % r.get("date", "?"), "machine: " + machine,
        "load average at the start: %s" % r.get("loadavg", "?"))]
    p += ["- %s" % r[k] for k in ("lbbgpd_version", "bird_version",
                                  "exabgp_version", "curl_version") if k in r]
    p.append("- checks: lbbgpd %d `http` checks c0..c%d, one pool of %d VIPs "
             "each; ExaBGP one healthcheck.py running `curl -sf` for one "
             "VIP (`--withdraw-on-down --no-ip-setup`); both every %s s, "
             "timeout %s s, rise %d, fall %d; one HTTP backend (Python "
             "asyncio) on 127.0.21.10 answers 200, or 503 while failed" %
             (checks, checks - 1, per, iv, r.get("timeout", "?"), rise, fall))
    p.append("- CPU: utime + stime from /proc/PID/stat over %.0f s with "
             "every check passing and nothing else happening, both running "
             "side by side, plus the children each reaped (lbbgpd: none; "
             "healthcheck.py: `sh` + `curl` per probe), scaled to a minute; "
             "RSS: VmRSS and VmHWM (peak) from /proc/PID/status at its end, "
             "ExaBGP's the sum of its two processes" % cpu.get("secs", 0))
    p.append("- failure: the backend path flipped to 503 (its CLOCK_MONOTONIC "
             "time stamped at the flip) after a random 0–%s s wait, until the "
             "collector (BIRD on 127.0.21.2, polled every %.0f ms over its "
             "control socket) no longer holds the VIP; then back to 200 "
             "until it holds it again; %d times each; with %d samples p99 "
             "is the largest" % (iv, r.get("poll_ms", 5), flb.get("n", 0),
                                 flb.get("n", 0)))
    for k in sorted(r):
        if k.startswith("note."):
            p.append("- %s" % r[k])
    p.append("")
    p.append("| job | lbbgpd | ExaBGP healthcheck.py | ExaBGP ÷ lbbgpd |")
    p.append("|---|---|---|---|")

    def row(label, x, xt, y, yt, show_ratio=True):
        p.append("| %s | %s | %s | %s |" % (label, xt, yt,
                                             ratio(x, y) if show_ratio
                                             else ""))

    row("VIPs × checks", None, "{:,} × {:,}".format(checks * per, checks),
        None, "1 × 1", False)
    if lb and ex:
        row("probes / min (the backend's count)", lb["probes"],
            "{:,.0f}".format(lb["probes"]), ex["probes"],
            "{:,.0f}".format(ex["probes"]), False)
        row("CPU s / min", lb["cpu"], "%.2f" % lb["cpu"], ex["cpu"],
            "%.2f" % ex["cpu"])
        if checks:
            x = lb["cpu"] / checks
            row("CPU s / min per check", x, "%.4f" % x, ex["cpu"],
                "%.4f" % ex["cpu"])
        row("RSS MiB (peak)", lb["rss_kb"], "%.1f (%.1f)" %
            (lb["rss_kb"] / 1024, lb["hwm_kb"] / 1024), ex["rss_kb"],
            "%.1f (%.1f)" % (ex["rss_kb"] / 1024, ex["hwm_kb"] / 1024))
    x, xt = cell_ms(flb, "withdraw")
    y, yt = cell_ms(fex, "withdraw")
    row("withdraw after failure p50 / p99 (ms)", x, xt, y, yt)
    x, xt = cell_ms(flb, "withdraw_all")
    row("all %d VIPs of the check gone p50 / p99 (ms)" % flb.get("group", 0),
        None, xt, None, "–", False)
    x, xt = cell_ms(flb, "announce")
    y, yt = cell_ms(fex, "announce")
    row("re-announce after recovery p50 / p99 (ms)", x, xt, y, yt)
    lo_ms, hi_ms = (fall - 1) * iv * 1000, fall * iv * 1000
    p.append("| expected from the schedule: (fall − 1) × interval to fall "
             "× interval (ms) | %.0f–%.0f | %.0f–%.0f, plus up to %d × the "
             "probe's run time | |" % (lo_ms, hi_ms, lo_ms, hi_ms, fall))
    p.append("")
    if ex:
        pr = ex["procs"]
        p.append("ExaBGP's CPU: exabgp %.2f s/min, healthcheck.py %.2f, its "
                 "check commands (sh + curl, reaped by it) %.2f.  "
                 "healthcheck.py sleeps the interval after each probe, so it "
                 "probes every interval + the probe's run time: %.0f probes "
                 "a minute, each on a new connection.  lbbgpd: %.0f new "
                 "connections a minute for %.0f probes (libcurl keeps some "
                 "alive); the last results of its %d checks came in %s "
                 "(modulo the interval: the checks "
                 "keep the phase they started with, all together), the "
                 "probes' latency as lbbgpd measured it p50 %.1f ms, max "
                 "%.1f ms." %
                 (pr["exabgp"]["cpu"] + pr["exabgp"]["children"],
                  pr["healthcheck.py"]["cpu"],
                  pr["healthcheck.py"]["children"], ex["probes"],
                  lb["conns"], lb["probes"], checks,
                  "within the same millisecond" if lb.get("phase_ms", 0) < 1
                  else "within %.0f ms of each other" % lb["phase_ms"],
                  lb.get("latency_ms", [0, 0])[0],
                  lb.get("latency_ms", [0, 0])[1]))
        p.append("")
    odd = []
    if cpu.get("flaps") or cpu.get("routes_changed"):
        odd.append("during the CPU window: %d check transitions, routes "
                   "changed: %s" % (cpu.get("flaps", 0),
                                    cpu.get("routes_changed")))
    for who, f in (("lbbgpd", flb), ("ExaBGP", fex)):
        odd += ["%s: %s" % (who, o) for o in f.get("odd", [])]
    for k in sorted(r):
        if k.startswith("odd."):
            odd.append(r[k])
    if odd:
        p.append("Odd things seen:")
        p.append("")
        p.extend("- %s" % o for o in odd)
    else:
        p.append("Nothing odd seen: no check flapped, no other route moved, "
                 "every failure was one withdraw and one re-announce, "
                 "nothing unexpected in lbbgpd's log, no address or route "
                 "of the VIPs on the host.")
    print("\n".join(p))
    if a.require:
        # Odd things are for a reader (a loaded machine can make a check
        # time out): only missing results fail the smoke run.
        missing = [k for k in ("add", "cpu", "fails.lbbgpd", "fails.exabgp")
                   if k not in r]
        if missing:
            bv.log("smoke: no results for %s" % missing)
            sys.exit(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--results", required=True)
    ap.add_argument("--poll", type=float, default=0.005,
                    help="collector poll interval, seconds")
    ap.add_argument("--timeout", type=float, default=120)
    sub = ap.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("backend")
    s.add_argument("--addr", required=True)
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--paths", type=int, required=True)
    s.add_argument("--ready", required=True,
                   help="written (our PID) once the port is bound")
    s.set_defaults(fn=cmd_backend)

    s = sub.add_parser("conf")
    for o in ("addr", "peer", "backend", "state", "interval", "timeout"):
        s.add_argument("--" + o, required=True)
    for o in ("checks", "per", "rise", "fall"):
        s.add_argument("--" + o, type=int, required=True)
    s.set_defaults(fn=cmd_conf)

    s = sub.add_parser("add")
    s.add_argument("--ctl", required=True)
    s.add_argument("--bird", required=True)
    s.add_argument("--proto", default="lb")
    s.add_argument("--checks", type=int, required=True)
    s.add_argument("--per", type=int, required=True)
    s.set_defaults(fn=cmd_add)

    s = sub.add_parser("wait")
    s.add_argument("--bird", required=True)
    s.add_argument("--proto", required=True)
    s.add_argument("--routes", type=int)
    s.set_defaults(fn=cmd_wait)

    s = sub.add_parser("cpu")
    s.add_argument("--lb-pid", type=int, required=True)
    s.add_argument("--exa-pid", type=int, required=True)
    s.add_argument("--hc-pid", type=int, required=True)
    s.add_argument("--secs", type=float, required=True)
    s.add_argument("--ctl", required=True)
    s.add_argument("--bird", required=True)
    s.add_argument("--backend", required=True, help="http://ADDR:PORT")
    s.add_argument("--checks", type=int, required=True)
    s.set_defaults(fn=cmd_cpu)

    s = sub.add_parser("fails")
    s.add_argument("--who", choices=NAMES, required=True)
    s.add_argument("--bird", required=True)
    s.add_argument("--proto", required=True)
    s.add_argument("--prefix", required=True, help="the VIP watched")
    s.add_argument("--full", type=int, required=True,
                   help="routes from proto when all is up")
    s.add_argument("--group", type=int, required=True,
                   help="routes that go with the failed path")
    s.add_argument("--path", type=int, required=True)
    s.add_argument("--backend", required=True)
    s.add_argument("--ctl", help="lbbgpd's control socket (transitions)")
    s.add_argument("--n", type=int, default=20)
    s.add_argument("--interval", type=float, default=1)
    s.add_argument("--seed", type=int, default=11)
    s.set_defaults(fn=cmd_fails)

    s = sub.add_parser("record")
    s.add_argument("pairs", nargs="+")
    s.set_defaults(fn=bv.cmd_record)

    s = sub.add_parser("report")
    s.add_argument("--require", action="store_true",
                   help="exit 1 unless every job has results")
    s.set_defaults(fn=cmd_report)

    a = ap.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
