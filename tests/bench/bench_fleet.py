#!/usr/bin/python3
"""bench_fleet.py: the measuring half of tests/bench/bench-fleet.sh.

bench-fleet.sh makes the namespace and starts the daemons (a three-member
etcd cluster, lbbgpd hosts h1-h3 with a fleet block, one BIRD router with
a session to each: tests/integration/fleetlib.sh); this file sends the
requests, times them and prints the report.  Each subcommand adds its
results to a JSON file (--results).  It must not start or stop a daemon:
the shell does, so that lib.sh stops them all on exit; the one exception
is the SIGKILL of a host that one-kill sends, by its PID.

Subcommands:
  alloc        N `allocate` requests, pipelined on one connection per
               host, on one or several hosts at once: allocations per
               second (request to reply), write conflicts (the hosts'
               lbbgp_fleet_write_conflicts_total), until when the router
               holds all of them from every host; then withdraws them
  adds         single `add`s, one VIP each on a random host: the reply
               latency and the time until the router has the route from
               all three hosts (BIRD's log)
  one-prepare  a round of the failover: this round's `announce one` VIPs
               in, the last round's out; waits until each is announced
               by exactly one host; prints the host announcing the most
  one-kill     SIGKILL that host (its peak RSS first)
  one-measure  from BIRD's log: when each of its VIPs was announced again
               by another host, and any double announcement
  one-restart  after the shell restarted the host: from its log, whether
               it waited for its old lease, when it joined; doubles again
               over the whole round
  rss          peak RSS (VmHWM) of processes, by label
  record       store KEY=VALUE pairs given by the shell
  report       print the Markdown report

The router's view is BIRD's own log, not a poll: with `debug { routes }`
(turned on over its control socket for the single adds and the
failovers) BIRD logs each route it imports or removes, per protocol,
with `timeformat log "%F %T.%3f"`, i.e. CLOCK_REALTIME to the
millisecond; the script reads CLOCK_REALTIME just before it writes a
request (or sends the SIGKILL), so a time is a log stamp minus that,
with no poll period in it.  BIRD takes the stamp at the first log line of
the loop turn that read the UPDATE, after the UPDATE came in.  Stamps
are truncated to the millisecond and count as its middle (+0.5 ms).

Only /usr/bin/python3 and its standard library; the BIRD and control
socket clients come from bench_vips.py and bench_health.py.
"""
import argparse
import ipaddress
import json
import os
import platform
import random
import re
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_vips as bv  # noqa: E402 (after the path it lives in)
import bench_health as bh  # noqa: E402
import bench_bfd as bb  # noqa: E402

HOSTS = (1, 2, 3)
PROTOS = tuple("lb%d" % h for h in HOSTS)
# "2026-12-08 02:10:01.563 <TRACE> lb1.ipv4 > added [best] 10.50.0.1/32 ..."
TRACE = re.compile(r"<TRACE> (lb\d)\.ipv4 > (added|removed)\b[^/]* "
                   r"(\d+\.\d+\.\d+\.\d+)/32 ")
ROUTE = re.compile(r"^(\d+\.\d+\.\d+\.\d+)/32\b")
CONFLICTS = re.compile(r"^lbbgp_fleet_write_conflicts_total (\d+)$", re.M)
REQ_OK = re.compile(r'^lbbgp_fleet_store_requests_total\{result="ok"\} (\d+)$',
                    re.M)


def sock_of(t, h):
    return "%s/h%d/sock" % (t, h)


def metric(ctl, pat):
    r = bh.ctl_call(ctl, {"cmd": "show-metrics"})
    m = pat.search(r.get("text", ""))
    if not m:
        raise RuntimeError("%s: no %s in show-metrics" % (ctl, pat.pattern))
    return int(m.group(1))


def fleet_counts(socks):
    return (sum(metric(s, CONFLICTS) for s in socks),
            sum(metric(s, REQ_OK) for s in socks))


# ---- the router's log -----------------------------------------------------------

class Trace(bb.Log):
    """BIRD's log from a mark on (off: an earlier mark): its route
    events."""

    def __init__(self, path, off=None):
        super().__init__(path)
        if off is not None:
            self.off = off

    def events(self, vips=None):
        """[(stamp ns, proto, added?, address)] in log order."""
        out = []
        for line in self.lines():
            m = TRACE.search(line)
            if m and (vips is None or m.group(3) in vips):
                out.append((bb.line_ns(line), m.group(1),
                            m.group(2) == "added", m.group(3)))
        return out


def bird_debug(bird, on):
    for p in PROTOS:
        r = bird.cmd("debug %s %s" % (p, "{ routes }" if on else "off"))
        if not r[-1].startswith("0000"):
            raise RuntimeError("birdc debug %s: %s" % (p, r))


def holders_now(bird, net):
    """{address: set(proto)} of the /32s in net, from BIRD's table."""
    per = {}
    for p in PROTOS:
        for line in bird.cmd("show route in %s protocol %s" % (net, p)):
            text = line[5:] if line[:4].isdigit() else line[1:]
            m = ROUTE.match(text)
            if m:
                per.setdefault(m.group(1), set()).add(p)
    return per


# ---- alloc ------------------------------------------------------------------------

def run_pipelined(jobs):
    """jobs: [(ctl path, [request lines])], all written at once, one
    connection each: (first write, [(last reply time, replies)])."""
    ctls = [bv.Ctl(path) for path, _ in jobs]
    go = threading.Barrier(len(jobs) + 1)
    starts = [None] * len(jobs)

    def writer(i):
        payload = b"".join(jobs[i][1])
        go.wait()
        starts[i] = bv.now_mono()
        ctls[i].s.sendall(payload)

    ts = [threading.Thread(target=writer, args=(i,)) for i in range(len(jobs))]
    for t in ts:
        t.start()
    go.wait()
    for t in ts:
        t.join()
    out = []
    for c, (_, lines) in zip(ctls, jobs):
        rep = c.wait_replies(len(lines))
        out.append((rep[-1][0], [r for _, r in rep]))
        c.close()
    return min(starts), out


def cmd_alloc(a):
    bird = bv.Bird(a.bird)
    protos = a.protos.split(",")
    pairs = [(bird, p) for p in protos]
    before = [bird.count(p) for p in protos]
    if any(before):
        raise RuntimeError("the router already holds routes: %s" % before)
    socks = a.socks
    metrics = a.metrics or []
    c0, q0 = fleet_counts(metrics) if metrics else (0, 0)
    share = [a.n // len(socks) + (1 if i < a.n % len(socks) else 0)
             for i in range(len(socks))]
    owners = ["bench-%s-%d" % (a.label, i + 1) for i in range(len(socks))]
    jobs = [(s, [bv.req_line({"cmd": "allocate", "owner": o})] * k)
            for s, o, k in zip(socks, owners, share)]
    bv.log("%s: %d allocations on %d host(s) (%s each), pipelined" % (
        a.label, a.n, len(socks), "/".join(map(str, share))))
    t0, res = run_pipelined(jobs)
    t_reply = max(t for t, _ in res)
    vips, errs = [], []
    per_host = []
    for _, reps in res:
        got = [r["vip"] for r in reps if r.get("ok")]
        per_host.append(got)
        vips += got
        errs += [r for r in reps if not r.get("ok")]
    secs = t_reply - t0
    t_router, polls = bv.wait_counts(pairs, len(vips), a.timeout, a.poll)
    c1, q1 = fleet_counts(metrics) if metrics else (0, 0)
    r = {"n": a.n, "hosts": len(socks), "share": share, "secs": secs,
         "rate": a.n / secs, "ok": len(vips), "distinct": len(set(vips)),
         "errors": len(errs), "error_sample": errs[:3],
         "router_secs": t_router - t0, "polls": polls,
         "fleet": bool(metrics), "conflicts": c1 - c0,
         "store_requests": q1 - q0}
    bv.log("%s: %d replies in %.2f s (%.0f/s), %d distinct, %d errors, "
           "%d write conflicts, %d etcd requests; the router had them all "
           "from %s after %.2f s" % (a.label, len(vips) + len(errs), secs,
                                     r["rate"], r["distinct"], len(errs),
                                     r["conflicts"], r["store_requests"],
                                     ",".join(protos), r["router_secs"]))
    # Out again, one request per host (the fleet: each host its own).
    jobs = [(s, bv.batch_lines("withdraw", got, o))
            for s, o, got in zip(socks, owners, per_host) if got]
    w0, wres = run_pipelined(jobs)
    r["withdraw_secs"] = max(t for t, _ in wres) - w0
    bad = [x for _, reps in wres for x in reps if not x.get("ok")]
    if bad:
        raise RuntimeError("%s: the withdraw failed: %s" % (a.label, bad[:3]))
    tw, _ = bv.wait_counts(pairs, 0, a.timeout, a.poll)
    r["withdraw_router_secs"] = tw - w0
    c2, q2 = fleet_counts(metrics) if metrics else (0, 0)
    r["withdraw_conflicts"], r["withdraw_requests"] = c2 - c1, q2 - q1
    bv.save_results(a.results, {"alloc." + a.label: r})
    if errs or r["distinct"] != a.n:
        raise RuntimeError("%s: %d errors (%s), %d distinct of %d" % (
            a.label, len(errs), errs[:3], r["distinct"], a.n))


# ---- adds -------------------------------------------------------------------------

def cmd_adds(a):
    rng = random.Random(a.seed)
    bird = bv.Bird(a.bird)
    trace = Trace(a.bird_log)
    ctls = {h: bv.Ctl(sock_of(a.t, h)) for h in HOSTS}
    sent = {h: 0 for h in HOSTS}
    base = int(ipaddress.IPv4Address(a.base))
    bird_debug(bird, True)
    out = []
    for i in range(a.n):
        h = rng.choice(HOSTS)
        vip = str(ipaddress.IPv4Address(base + i))
        trace.mark()
        line = bv.req_line({"cmd": "add", "vip": vip, "owner": "bench-add"})
        t_real = bb.now_ns()
        t_mono = bv.now_mono()
        ctls[h].s.sendall(line)
        sent[h] += 1
        t_rep, rep = ctls[h].wait_replies(sent[h], 30)[-1]
        if not rep.get("ok"):
            raise RuntimeError("add %s on h%d: %s" % (vip, h, rep))
        end = time.monotonic() + a.timeout
        seen = {}
        while len(seen) < len(PROTOS):
            for ns, p, added, _ in trace.events({vip}):
                if added and p not in seen:
                    seen[p] = ns
            if len(seen) == len(PROTOS):
                break
            if time.monotonic() > end:
                raise bv.Timeout("add %s on h%d: the router has it from %s "
                                 "only, after %.0f s" % (
                                     vip, h, sorted(seen), a.timeout))
            time.sleep(0.002)
        r = {"host": h, "vip": vip, "reply_ms": (t_rep - t_mono) * 1000,
             "added": rep.get("added"),
             "route_ms": (max(seen.values()) - t_real) / 1e6,
             "first_ms": (min(seen.values()) - t_real) / 1e6,
             "own_ms": (seen["lb%d" % h] - t_real) / 1e6}
        out.append(r)
        bv.log("add %d/%d, %s on h%d: reply %.1f ms, at the router from "
               "h%d %.1f ms, from all three %.1f ms" % (
                   i + 1, a.n, vip, h, r["reply_ms"], h, r["own_ms"],
                   r["route_ms"]))
        time.sleep(rng.uniform(0.01, 0.05))
    for c in ctls.values():
        c.close()
    vips = [r["vip"] for r in out]
    w = bh.ctl_call(sock_of(a.t, 1), {"cmd": "withdraw", "vips": vips,
                                      "owner": "bench-add"})
    if not w.get("ok"):
        raise RuntimeError("withdraw of the single adds: %s" % w)
    bv.wait_counts([(bird, p) for p in PROTOS], 0, 30, 0.01)
    bv.save_results(a.results, {"adds": out})


# ---- failover rounds -----------------------------------------------------------------

def round_file(a):
    return os.path.join(a.t, "round.json")


def load_round(a):
    with open(round_file(a)) as f:
        return json.load(f)


def save_round(a, st):
    with open(round_file(a), "w") as f:
        json.dump(st, f)


def settled(per, vips):
    return all(len(per.get(v, ())) == 1 for v in vips) and \
        not any(len(hs) > 1 for hs in per.values())


def cmd_one_prepare(a):
    bird = bv.Bird(a.bird)
    try:
        last = load_round(a)
    except FileNotFoundError:
        last = None
    live = [h for h in HOSTS if os.path.exists(sock_of(a.t, h))]
    if last:
        w = bh.ctl_call(sock_of(a.t, live[0]), {
            "cmd": "withdraw", "vips": last["vips"], "owner": last["owner"]})
        if not w.get("ok"):
            raise RuntimeError("withdraw of round %d's VIPs: %s" % (
                last["round"], w))
    net = "10.60.%d.0/24" % a.round
    vips = ["10.60.%d.%d" % (a.round, i + 1) for i in range(a.n)]
    owner = "bench-one-%d" % a.round
    h = random.Random(a.seed + a.round).choice(live)
    r = bh.ctl_call(sock_of(a.t, h), {"cmd": "add", "vips": vips,
                                      "owner": owner})
    if not r.get("ok"):
        raise RuntimeError("add of round %d's VIPs on h%d: %s" % (
            a.round, h, r))
    end = time.monotonic() + 30
    while True:
        per = holders_now(bird, net)
        old = holders_now(bird, "10.60.%d.0/24" % last["round"]) if last \
            else {}
        if settled(per, vips) and not old:
            break
        if time.monotonic() > end:
            raise bv.Timeout("round %d: the VIPs are not announced once "
                             "each after 30 s: %s; the last round's left: "
                             "%s" % (a.round, per, old))
        time.sleep(0.05)
    counts = [sum(1 for v in vips if "lb%d" % x in per[v]) for x in HOSTS]
    victim = 1 + counts.index(max(counts))
    st = {"round": a.round, "mode": a.mode, "vips": vips, "owner": owner,
          "net": net, "counts": counts, "victim": victim,
          "holders": {v: sorted(per[v]) for v in vips}}
    save_round(a, st)
    bv.log("round %d (%s): %d VIPs announced by h1/h2/h3: %s; h%d goes" % (
        a.round, a.mode, a.n, "/".join(map(str, counts)), victim))
    print(victim)


def cmd_one_kill(a):
    st = load_round(a)
    h = st["victim"]
    with open("%s/h%d/pid" % (a.t, h)) as f:
        pid = int(f.read())
    rss_note(a, {"h%d" % h: bh.status_kb(pid, "VmHWM")})
    trace = Trace(a.bird_log)
    st["mark"] = trace.off
    st["t0"] = bb.now_ns()
    os.kill(pid, signal.SIGKILL)
    st["t1"] = bb.now_ns()
    save_round(a, st)


def replay(st, events, end_ns):
    """The round's VIPs through the events after the kill: when each of
    the victim's VIPs was announced again, and the double announcements."""
    victim = "lb%d" % st["victim"]
    t0 = st["t0"]
    hold = {v: set(hs) for v, hs in st["holders"].items()}
    mine = [v for v, hs in hold.items() if victim in hs]
    gone = set()          # the victim's route removed since the kill
    moved = {}            # VIP -> (ns, proto)
    dup_since, dups = {}, []
    removed_at = None
    for ns, p, added, v in events:
        if v not in hold:
            continue
        if added:
            hold[v].add(p)
            if v in mine and v not in moved and (p != victim or v in gone):
                moved[v] = (ns, p)
        else:
            hold[v].discard(p)
            if p == victim and v in mine:
                gone.add(v)
                removed_at = ns if removed_at is None else removed_at
        if len(hold[v]) > 1:
            dup_since.setdefault(v, ns)
        elif v in dup_since:
            dups.append((v, ns - dup_since.pop(v), False))
    dups += [(v, end_ns - s, True) for v, s in dup_since.items()]
    return {"mine": mine, "moved": moved, "dups": dups,
            "removed_ms": (removed_at - t0) / 1e6 if removed_at else None,
            "hold": {v: sorted(hs) for v, hs in hold.items()}}


def cmd_one_measure(a):
    st = load_round(a)
    trace = Trace(a.bird_log, st["mark"])
    vips = set(st["vips"])
    end = time.monotonic() + a.lease + 15
    done_at = None
    while True:
        now = bb.now_ns()
        rp = replay(st, trace.events(vips), now)
        if done_at is None and len(rp["moved"]) == len(rp["mine"]):
            done_at = time.monotonic()
        if done_at is not None and time.monotonic() - done_at >= a.watch:
            break
        if time.monotonic() > end:
            raise bv.Timeout(
                "round %d: %d of h%d's %d VIPs announced again %.0f s after "
                "the kill (lease %d s); not: %s" % (
                    st["round"], len(rp["moved"]), st["victim"],
                    len(rp["mine"]), a.lease + 15, a.lease,
                    sorted(set(rp["mine"]) - set(rp["moved"]))))
        time.sleep(0.01)
    t0 = st["t0"]
    ms = sorted((ns - t0) / 1e6 for ns, _ in rp["moved"].values())
    to = {}
    for _, p in rp["moved"].values():
        to[p] = to.get(p, 0) + 1
    st["result"] = {
        "moved_ms": ms[-1], "first_ms": ms[0], "per_vip_ms": ms,
        "n": len(rp["mine"]), "to": to, "removed_ms": rp["removed_ms"],
        "kill_us": (st["t1"] - t0) / 1e3,
        "dup_ms": max([d / 1e6 for _, d, _ in rp["dups"]] or [0]),
        "dups": len(rp["dups"])}
    save_round(a, st)
    bv.log("round %d: h%d's %d VIPs announced again after %.0f ms (the "
           "first after %.0f ms) by %s; its routes left the router after "
           "%s ms; %d double announcements, the longest %.0f ms" % (
               st["round"], st["victim"], len(ms), ms[-1], ms[0],
               ", ".join("%s %d" % kv for kv in sorted(to.items())),
               "%.0f" % rp["removed_ms"] if rp["removed_ms"] is not None
               else "?", len(rp["dups"]), st["result"]["dup_ms"]))


# "2026-12-08 02:10:01.563 fleet: joined cluster ..." (bgpd/log.c)
def log_events(path, off, pats):
    """{name: stamp ns of the first line matching pats[name]} after off."""
    lg = Trace(path, off)
    out = {}
    for line in lg.lines():
        for name, pat in pats.items():
            if name not in out and pat.search(line):
                out[name] = bb.line_ns(line)
    return out


def cmd_one_restart(a):
    st = load_round(a)
    h = st["victim"]
    node = "h%d" % h
    ev = log_events(a.log, a.offset, {
        "start": re.compile(r"fleet: cluster \S+, node %s," % node),
        "held": re.compile(r"fleet: node %s is held in etcd" % node),
        "joined": re.compile(r"fleet: joined cluster \S+ as node %s " % node),
        "refused": re.compile(r"another lbbgpd runs as node %s" % node)})
    if "joined" not in ev or "start" not in ev:
        raise RuntimeError("round %d: the restarted %s did not log its "
                           "start and join: %s" % (st["round"], node, ev))
    t0 = st["t0"]
    st["restart"] = {
        "waited": "held" in ev, "refused": "refused" in ev,
        "start_ms": (ev["start"] - t0) / 1e6,
        "joined_ms": (ev["joined"] - t0) / 1e6,
        "join_wait_ms": (ev["joined"] - ev["start"]) / 1e6}
    # Doubles over the whole round: the restart included.
    trace = Trace(a.bird_log, st["mark"])
    rp = replay(st, trace.events(set(st["vips"])), bb.now_ns())
    st["result"]["dup_ms"] = max([d / 1e6 for _, d, _ in rp["dups"]] or [0])
    st["result"]["dups"] = len(rp["dups"])
    st["result"]["after"] = [len([v for v, hs in rp["hold"].items()
                                  if "lb%d" % x in hs]) for x in HOSTS]
    bv.log("round %d: %s restarted %.0f ms after the kill, %s, joined %.0f "
           "ms after the kill; VIPs by h1/h2/h3 now %s" % (
               st["round"], node, st["restart"]["start_ms"],
               "waited for its old lease" if ev.get("held") else
               "its name was free", st["restart"]["joined_ms"],
               "/".join(map(str, st["result"]["after"]))))
    res = bv.load_results(a.results)
    rounds = res.get("rounds", [])
    rounds.append({k: st[k] for k in ("round", "mode", "counts", "victim",
                                      "result", "restart")})
    bv.save_results(a.results, {"rounds": rounds})


# ---- memory --------------------------------------------------------------------------

def rss_note(a, kbs):
    res = bv.load_results(a.results)
    rss = res.get("rss", {})
    for k, kb in kbs.items():
        rss[k] = max(rss.get(k, 0), kb)
    bv.save_results(a.results, {"rss": rss})


def cmd_rss(a):
    kbs = {}
    for kv in a.pairs:
        label, _, pid = kv.partition("=")
        kbs[label] = bh.status_kb(int(pid), "VmHWM")
    rss_note(a, kbs)


# ---- report --------------------------------------------------------------------------

def p3(v):
    return "%.1f / %.1f / %.1f" % (bv.pct(v, 50), bv.pct(v, 99), v[-1])


def p3ms(v):
    return "%.0f / %.0f / %.0f" % (bv.pct(v, 50), bv.pct(v, 99), v[-1])


def secs(x):
    return "%.3f" % x if x < 1 else "%.2f" % x


def alloc_rows(r, p):
    base = r.get("alloc.base")
    rows = (("base", "single lbbgpd, no fleet (baseline)"),
            ("one", "fleet, one host"),
            ("three", "fleet, three hosts at once"))
    p.append("| job | allocations | replies in (s) | allocations / s | "
             "baseline ÷ this | write conflicts | etcd requests | at the "
             "router from every host (s) | withdraw: replies / at the "
             "router (s), conflicts |")
    p.append("|---|---|---|---|---|---|---|---|---|")
    e = r.get("etcd_bench")
    if e:
        p.append("| etcd alone: create transactions one after another "
                 "(etcd_drive) | %d | %s | %.0f | %s | – | %d | – | – |" % (
                     e["n"], secs(e["n"] * e["avg_ms"] / 1000),
                     1000 / e["avg_ms"], "%.0fx" % (
                         base["rate"] * e["avg_ms"] / 1000) if base
                     else "–", e["n"]))
    for key, label in rows:
        x = r.get("alloc." + key)
        if not x:
            continue
        p.append("| %s | %s | %s | %.0f | %s | %s | %s | %s | %s / %s%s |" % (
            label, " + ".join(map(str, x["share"])), secs(x["secs"]),
            x["rate"], "%.0fx" % (base["rate"] / x["rate"])
            if base and key != "base" else "–",
            x["conflicts"] if x["fleet"] else "–",
            x["store_requests"] if x["fleet"] else "–",
            secs(x["router_secs"]), secs(x["withdraw_secs"]),
            secs(x["withdraw_router_secs"]), ", %d" % x["withdraw_conflicts"]
            if x["fleet"] else ""))


def cmd_report(a):
    r = bv.load_results(a.results)
    lease = r.get("lease", 0)
    machine = "%s CPUs (nproc), %s, Linux %s" % (
        r.get("nproc", "?"), bv.cpu_model(), platform.release())
    p = ["- %s" % x for x in (
        "date: %s" % r.get("date", "?"), "machine: " + machine,
        "load average at the start: %s" % r.get("loadavg", "?"))]
    p += ["- %s" % r[k] for k in ("lbbgpd_version", "bird_version",
                                  "etcd_version") if k in r]
    p.append("- setup: one network namespace; etcd e1-e3 on "
             "127.0.0.11-13 (one member each, data in the temp dir, "
             "heartbeat 50 ms, election timeout 500 ms); lbbgpd h1-h3 on "
             "127.0.0.21-23 (AS 64513, `fleet` lease %d s, a state "
             "file); the router: one BIRD on 127.0.0.2 (AS 64512), "
             "protocols lb1-lb3, one session per host; the baseline: h1's "
             "config without its fleet block, alone, on h1's address and "
             "session" % lease)
    for k in sorted(r):
        if k.startswith("note."):
            p.append("- %s" % r[k])
    p.append("")
    p.append("**Allocations** (`allocate`, no pool named: pool web, "
             "10.50.0.0/16, `announce all`), all written back to back on "
             "one control connection per host; time from the first "
             "request written to the last reply read (a reply comes once "
             "etcd committed the address); then until the router holds "
             "every address from every host (BIRD's route counts, polled "
             "every 5 ms); then withdrawn, one request per host:")
    p.append("")
    alloc_rows(r, p)
    adds = r.get("adds")
    if adds:
        slow = [x for x in adds if x["reply_ms"] > 50]
        p.append("")
        p.append("**Single adds**: %d, one VIP each (pool web, `announce "
                 "all`) on a random host, one after the other; reply: "
                 "request written to reply read; the router: "
                 "CLOCK_REALTIME just before the request to BIRD's log "
                 "line importing the route (ms; p50 / p99 / max, nearest "
                 "rank):" % len(adds))
        p.append("")
        p.append("| | p50 / p99 / max (ms) | min (ms) |")
        p.append("|---|---|---|")
        for key, label in (
                ("reply_ms", "reply to the `add`"),
                ("own_ms", "the route at the router from the host asked"),
                ("first_ms", "from the first of the three hosts"),
                ("route_ms", "**from all three hosts**")):
            v = sorted(x[key] for x in adds)
            p.append("| %s | %s | %.1f |" % (label, p3(v), v[0]))
        if slow:
            p.append("")
            p.append("%d of the %d replies took over 50 ms (%s ms) while "
                     "the router had the route from all three hosts "
                     "after %s ms." % (
                         len(slow), len(adds), ", ".join(
                             "%.0f" % x["reply_ms"] for x in slow),
                         ", ".join("%.0f" % x["route_ms"] for x in slow)))
    rounds = r.get("rounds", [])
    if rounds:
        p.append("")
        p.append("**Failover of `announce one` VIPs** (lease %d s): each "
                 "round puts new VIPs in pool one (`announce one`), waits "
                 "until each is announced by exactly one host, then "
                 "SIGKILLs the host announcing the most; the time from "
                 "CLOCK_REALTIME just before kill(2) until BIRD's log has "
                 "every one of its VIPs from another host (ms; p50 / p99 / "
                 "max over the rounds, nearest rank). Double "
                 "announcement: a VIP held by two hosts at once at the "
                 "router, from the kill until the restarted host is live "
                 "again. *after the failover*: the killed host is "
                 "restarted (a new lbbgpd, same config) once its VIPs "
                 "moved; *at once*: it is restarted right after the kill, "
                 "as a service manager would, and must wait for its old "
                 "lease to expire." % lease)
        p.append("")
        p.append("| restart | rounds | VIPs, of them the killed host's "
                 "(mean) | all of its VIPs moved p50 / p99 / max (ms) | "
                 "min (ms) | first VIP moved p50 (ms) | its routes gone "
                 "from the router p50 (ms) | longest double announcement "
                 "(ms) | restarted host waited for its old lease | it "
                 "joined, after its start p50 / max (ms) | after the kill "
                 "p50 / max (ms) |")
        p.append("|---|---|---|---|---|---|---|---|---|---|---|")
        for mode, label in (("death", "after the failover"),
                            ("at-once", "at once")):
            rs = [x for x in rounds if x["mode"] == mode]
            if not rs:
                continue
            mv = sorted(x["result"]["moved_ms"] for x in rs)
            fv = sorted(x["result"]["first_ms"] for x in rs)
            gone = sorted(x["result"]["removed_ms"] for x in rs
                          if x["result"]["removed_ms"] is not None)
            jn = sorted(x["restart"]["joined_ms"] for x in rs)
            jw = sorted(x["restart"]["join_wait_ms"] for x in rs)
            p.append("| %s | %d | %d, %.1f | %s | %.0f | %.0f | %s | %.0f | "
                     "%d of %d | %.0f / %.0f | %.0f / %.0f |" % (
                         label, len(rs), sum(rs[0]["counts"]),
                         sum(x["result"]["n"] for x in rs) / len(rs),
                         p3ms(mv), mv[0], bv.pct(fv, 50),
                         "%.0f" % bv.pct(gone, 50) if gone else "?",
                         max(x["result"]["dup_ms"] for x in rs),
                         sum(1 for x in rs if x["restart"]["waited"]),
                         len(rs), bv.pct(jw, 50), jw[-1], bv.pct(jn, 50),
                         jn[-1]))
        p.append("")
        p.append("Expected, with a lease of %d s: lbbgpd renews its lease "
                 "every third of it, so the kill comes 0 to %.1f s after "
                 "the last renewal and the lease expires %.1f to %.1f s "
                 "after the kill; etcd looks for expired leases every "
                 "500 ms; then the watch tells the other hosts, the first "
                 "in the rendezvous order claims at its next 200 ms tick "
                 "(a transaction) and sends its UPDATE: %.1f to about %.1f "
                 "s in all. Per round (victim, its VIPs by h1/h2/h3 before, "
                 "all moved after; † restarted at once): %s." % (
                     lease, lease / 3.0, lease * 2 / 3.0, lease,
                     lease * 2 / 3.0, lease + 0.8, "; ".join(
                         "%d%s h%d (%s) %.0f ms%s" % (
                             x["round"], "†" if x["mode"] == "at-once"
                             else "", x["victim"],
                             "/".join(map(str, x["counts"])),
                             x["result"]["moved_ms"],
                             (", double %.0f ms" % x["result"]["dup_ms"])
                             if x["result"]["dup_ms"] else "")
                         for x in rounds)))
    rss = r.get("rss", {})
    if rss:
        p.append("")
        p.append("Peak RSS (VmHWM, /proc/PID/status; a host's largest over "
                 "its processes: taken before each kill and at the end): "
                 + ", ".join("%s %.1f MiB" % (k, v / 1024) for k, v in
                             sorted(rss.items())) + ".")
    odd = [r[k] for k in sorted(r) if k.startswith("odd.")]
    for x in rounds:
        if x["restart"].get("refused"):
            odd.append("round %d: the restarted h%d refused to start" % (
                x["round"], x["victim"]))
        if x["mode"] == "death" and \
                x["result"]["moved_ms"] > (lease + 1) * 1000:
            odd.append("round %d: the VIPs moved after %.0f ms, more than "
                       "the lease + 1 s" % (x["round"],
                                            x["result"]["moved_ms"]))
    wrong = [x for x in adds or [] if x.get("added") != 1]
    if wrong:
        odd.append("%d of the %d single adds of a new VIP replied with "
                   "\"added\" other than 1: %s" % (
                       len(wrong), len(adds), ", ".join(
                           "%s on h%d: %s" % (x["vip"], x["host"],
                                              x.get("added"))
                           for x in wrong[:5])))
    keys = r.get("etcd_keys")
    if keys and keys["announcers"] > keys["one_vips"]:
        odd.append("%d announcers/ keys left in etcd for the %d `announce "
                   "one` VIPs it still holds: the claims of withdrawn VIPs "
                   "stay (on their holder's lease) until that host dies" % (
                       keys["announcers"], keys["one_vips"]))
    for k in ("one", "three"):
        x = r.get("alloc." + k)
        if x and x["errors"]:
            odd.append("%s: %d allocations failed: %s" % (
                k, x["errors"], x["error_sample"]))
    p.append("")
    if odd:
        p.append("Odd things seen:")
        p.append("")
        p.extend("- %s" % o for o in odd)
    else:
        p.append("Nothing odd seen: every allocation succeeded with a "
                 "distinct address, every failover within the lease + 1 "
                 "s, every restart joined.")
    print("\n".join(p))
    if a.require:
        missing = [k for k in ("alloc.base", "alloc.one", "alloc.three",
                               "adds", "rounds", "rss") if k not in r]
        if missing:
            bv.log("smoke: no results for %s" % ", ".join(missing))
            sys.exit(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--results", required=True)
    ap.add_argument("--t", help="the temp dir (hN/sock, hN/pid)")
    ap.add_argument("--bird", help="BIRD's control socket")
    ap.add_argument("--bird-log", help="BIRD's log")
    sub = ap.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("alloc")
    s.add_argument("--label", required=True)
    s.add_argument("--n", type=int, required=True)
    s.add_argument("--socks", nargs="+", required=True)
    s.add_argument("--metrics", nargs="*",
                   help="the fleet's hosts' sockets (write conflicts)")
    s.add_argument("--protos", required=True)
    s.add_argument("--timeout", type=float, default=300)
    s.add_argument("--poll", type=float, default=0.005)
    s.set_defaults(fn=cmd_alloc)

    s = sub.add_parser("adds")
    s.add_argument("--n", type=int, required=True)
    s.add_argument("--base", default="10.50.250.1")
    s.add_argument("--seed", type=int, default=13)
    s.add_argument("--timeout", type=float, default=10)
    s.set_defaults(fn=cmd_adds)

    s = sub.add_parser("one-prepare")
    s.add_argument("--round", type=int, required=True)
    s.add_argument("--n", type=int, required=True)
    s.add_argument("--mode", choices=("death", "at-once"), required=True)
    s.add_argument("--seed", type=int, default=13)
    s.set_defaults(fn=cmd_one_prepare)

    s = sub.add_parser("one-kill")
    s.set_defaults(fn=cmd_one_kill)

    s = sub.add_parser("one-measure")
    s.add_argument("--lease", type=int, required=True)
    s.add_argument("--watch", type=float, default=1.0,
                   help="seconds to watch for doubles once all moved")
    s.set_defaults(fn=cmd_one_measure)

    s = sub.add_parser("one-restart")
    s.add_argument("--log", required=True)
    s.add_argument("--offset", type=int, required=True)
    s.set_defaults(fn=cmd_one_restart)

    s = sub.add_parser("rss")
    s.add_argument("pairs", nargs="+")
    s.set_defaults(fn=cmd_rss)

    s = sub.add_parser("record")
    s.add_argument("pairs", nargs="+")
    s.set_defaults(fn=bv.cmd_record)

    s = sub.add_parser("report")
    s.add_argument("--require", action="store_true",
                   help="exit 1 unless every measurement has results")
    s.set_defaults(fn=cmd_report)

    a = ap.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
