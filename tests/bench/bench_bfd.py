#!/usr/bin/python3
"""bench_bfd.py: the measuring half of tests/bench/bench-bfd.sh.

bench-bfd.sh makes the namespaces and starts the daemons: the router (a
BIRD) and the speaker facing it (lbbgpd, or a second BIRD in its place).
This file fails them, times the detection and prints the report.  Each
subcommand adds its results to a JSON file (--results).

Subcommands:
  run       at one interval, N times: SIGSTOP the router and time the
            speaker's BFD Down and BGP close ("router dies"); SIGSTOP the
            speaker and time the router's ("host dies"); SIGCONT and wait
            until BFD and BGP are up again each time; peak RSS at the end
  record    store KEY=VALUE pairs given by the shell (versions, notes)
  report    print the Markdown report

How a detection is timed, and why it is fair to both daemons:
- The clock.  Both daemons stamp their log lines with CLOCK_REALTIME,
  to the millisecond, read when the line is written: lbbgpd right in the
  transition (bgpd/log.c), BIRD at its first log line of the loop turn in
  which its hold timer fired (its real time is read afresh each turn).
  The SIGSTOP's time is CLOCK_REALTIME read just before kill(2).  All
  three read the same clock (network namespaces do not change it), so a
  detection time is a log line's stamp minus the SIGSTOP's, with no
  polling in it: the log lines are read after the fact.  The stamps are
  truncated to the millisecond: each counts as the middle of its
  millisecond (+0.5 ms), so a time is right to +-0.5 ms.  This is why
  the logs are used rather than polling `bgpctl -j show bfd`: a poll
  every 1-2 ms would add up to its period, a process start or a socket
  round trip, and load the same two CPUs the daemons run on; and BIRD
  has no such poll that is as cheap as its log.
- The phase.  Detection comes a detection time after the last packet
  received, so what a failure measures depends on when in the router's
  (or speaker's) transmit schedule it comes.  Before each SIGSTOP the
  script waits a random 0 to 1 interval (after the session has settled),
  so the failures fall anywhere in the schedule, the same way for both
  speakers (the same seed).
- The same failure.  The router, its configuration and its namespace are
  the same for both speakers; the second BIRD takes lbbgpd's namespace,
  addresses, AS and timers (interval MS, multiplier 3 on both sides).
  Before each failure both sides must show BFD Up with the negotiated
  detection time (3 x MS) and BGP Established.
- The expected window: with the peer sending every 75-100% of the
  interval (RFC 5880 §6.8.7 jitter) and the failure at a random point
  between two packets, detection comes after 2/3 to 3/3 of the
  detection time (here 2 to 3 intervals), plus the detector's own
  latency.  RFC 5880 §6.8.4: the session goes Down when no packet came
  for a detection time; anything past it is the detector's lateness.

Only /usr/bin/python3 and its standard library; the BIRD and control
socket clients come from bench_vips.py and bench_health.py.
"""
import argparse
import datetime
import os
import platform
import random
import re
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_vips as bv  # noqa: E402 (after the path it lives in)
import bench_health as bh  # noqa: E402

SPEAKER_ADDR = "10.99.0.1"
ROUTER_ADDR = "10.99.0.2"
NAMES = {"lbbgpd": "lbbgpd", "bird": "BIRD"}
KINDS = ("router", "host")
LINE_TS = re.compile(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\.(\d{3}) ")


def now_ns():
    return time.clock_gettime_ns(time.CLOCK_REALTIME)


def line_ns(line):
    """A log line's CLOCK_REALTIME stamp, ns: the middle of its millisecond
    (both daemons truncate), or None when the line has none."""
    m = LINE_TS.match(line)
    if not m:
        return None
    t = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S")
    return (int(t.timestamp()) * 1000 + int(m.group(2))) * 1000000 + 500000


class Log:
    """A daemon's log file, read from a mark on."""

    def __init__(self, path):
        self.path = path
        self.mark()

    def mark(self):
        try:
            self.off = os.path.getsize(self.path)
        except FileNotFoundError:
            self.off = 0

    def lines(self):
        """The whole lines written since the mark."""
        with open(self.path, "rb") as f:
            f.seek(self.off)
            data = f.read()
        end = data.rfind(b"\n")
        if end < 0:
            return []
        return data[:end].decode("utf-8", "replace").split("\n")

    def find(self, pat):
        """(stamp ns, line) of the first line since the mark matching pat."""
        for line in self.lines():
            if pat.search(line):
                return line_ns(line), line
        return None


def proc_state(pid):
    with open("/proc/%d/stat" % pid) as f:
        st = f.read()
    return st[st.rindex(")") + 2]


# ---- the two kinds of side -------------------------------------------------------

class LbSide:
    """lbbgpd as the speaker: its control socket and its log."""
    kind = "lbbgpd"

    def __init__(self, pid, log, ctl):
        self.pid, self.log, self.ctl = pid, Log(log), ctl
        self.name = "lbbgpd"
        self.bfd_down = re.compile(r"neighbor bird: BFD Up -> Down \((.*)\)")
        self.bgp_down = re.compile(
            r"neighbor bird: sending NOTIFICATION Cease/BFD Down \(6/10\)")

    def status(self):
        r = bh.ctl_call(self.ctl, {"cmd": "show-bfd"})
        s = [b for b in r["bfd"] if b["neighbor"] == "bird"][0]
        n = bh.ctl_call(self.ctl, {"cmd": "show-neighbors", "name": "bird"})
        return {"bfd": s["state"], "tx_ms": s["tx-interval"],
                "detect_ms": s["detect-time"],
                "bgp": n["neighbors"][0]["state"]}

    def poke(self, st):
        """lbbgpd backs off before it starts a session that BFD took down
        again (1 s, doubling up to 120 s: fsm/fsm.c): with BFD Up again,
        start it now, as an operator would with `neighbor clear`."""
        if st["bfd"] == "Up" and st["bgp"] == "Idle":
            bh.ctl_call(self.ctl, {"cmd": "neighbor", "name": "bird",
                                   "action": "clear"})
            return True
        return False


class BirdSide:
    """A BIRD (the router, or the speaker): its control socket and log."""
    kind = "bird"

    def __init__(self, name, pid, log, sock, peer):
        self.name, self.pid, self.log = name, pid, Log(log)
        self.bird = bv.Bird(sock)
        self.peer = peer
        self.bfd_down = re.compile(r"bfd1: Session to %s changed state from "
                                   r"Up to Down" % re.escape(peer))
        self.bgp_down = re.compile(r"lb: (BFD session down|State changed to "
                                   r"stop)")

    def status(self):
        st = {"bfd": "-", "tx_ms": 0, "detect_ms": 0, "bgp": "-"}
        # "1020-IP address  Interface  State  Since  Interval  Timeout",
        # then " 10.99.0.1  vb  Up  01:02:03.456  0.050  0.150": Interval
        # is how often BIRD sends, Timeout its detection time.
        for line in self.bird.cmd("show bfd sessions"):
            text = line[5:] if line[:4].isdigit() else line[1:]
            f = text.split()
            if len(f) >= 6 and f[0] == self.peer:
                st["bfd"] = f[2]
                st["tx_ms"] = round(float(f[-2]) * 1000)
                st["detect_ms"] = round(float(f[-1]) * 1000)
        for line in self.bird.cmd("show protocols all lb"):
            i = line.find("BGP state:")
            if i >= 0:
                st["bgp"] = line[i + 10:].split()[0]
        return st

    def poke(self, st):
        return False    # "error wait time 1, 1": it starts again in 1 s


# ---- run ------------------------------------------------------------------------------

def ready(sides, ms):
    """Both sides: BFD Up, sending every MS and with the negotiated
    detection time (3 x MS: past the Poll Sequence from the 1 s of a
    session not Up, RFC 5880 §6.8.3), BGP Established."""
    sts = [s.status() for s in sides]
    ok = all(st["bfd"] == "Up" and st["tx_ms"] == ms and
             st["detect_ms"] == 3 * ms and st["bgp"] == "Established"
             for st in sts)
    return ok, sts


def wait_ready(sides, ms, timeout):
    end = time.monotonic() + timeout
    pokes = 0
    while True:
        ok, sts = ready(sides, ms)
        if ok:
            return pokes
        for s, st in zip(sides, sts):
            pokes += s.poke(st)
        if time.monotonic() > end:
            raise bv.Timeout("not up again after %.0f s: %s" % (
                timeout, "; ".join(
                    "%s BFD %s (tx %d ms, detection %d ms), BGP %s" % (
                        s.name, st["bfd"], st["tx_ms"], st["detect_ms"],
                        st["bgp"]) for s, st in zip(sides, sts))))
        time.sleep(0.02)


def one_failure(stopped, detector, sides, ms, rng, settle, timeout):
    """Stop `stopped`, time `detector`'s BFD Down and BGP close."""
    for s in sides:
        s.log.mark()
    time.sleep(settle)
    # Settled, and nothing went down meanwhile (a flap on an idle
    # session would make the next number meaningless).
    ok, sts = ready(sides, ms)
    flaps = [s.name for s in sides if s.log.find(s.bfd_down)]
    time.sleep(rng.uniform(0, ms / 1000))
    detector.log.mark()
    t0 = now_ns()
    os.kill(stopped.pid, signal.SIGSTOP)
    t1 = now_ns()
    try:
        end = time.monotonic() + timeout
        while True:
            down = detector.log.find(detector.bfd_down)
            bgp = detector.log.find(detector.bgp_down)
            if down and bgp:
                break
            if time.monotonic() > end:
                raise bv.Timeout("%s stopped: %s logged %s within %.0f s" % (
                    stopped.name, detector.name, "no BFD Down" if not down
                    else "BFD Down but no BGP close", timeout))
            time.sleep(0.005)
        stopped_state = proc_state(stopped.pid)
    finally:
        os.kill(stopped.pid, signal.SIGCONT)
    m = detector.bfd_down.search(down[1])
    r = {"bfd_ms": (down[0] - t0) / 1e6, "bgp_ms": (bgp[0] - t0) / 1e6,
         "kill_us": (t1 - t0) / 1e3}
    if m.groups():
        r["diag"] = m.group(1)
    odd = []
    if not ok:
        odd.append("not settled before the SIGSTOP: %s" % sts)
    if flaps:
        odd.append("BFD went Down on an idle session (%s)" % ", ".join(flaps))
    if stopped_state != "T":
        odd.append("%s was in state %s, not stopped" % (stopped.name,
                                                      stopped_state))
    if r.get("diag", "Control Detection Time Expired") != \
            "Control Detection Time Expired":
        odd.append("%s's diagnostic: %s" % (detector.name, r["diag"]))
    return r, odd


def cmd_run(a):
    router = BirdSide("BIRD router", a.r_pid, a.r_log, a.r_bird, SPEAKER_ADDR)
    if a.speaker == "lbbgpd":
        speaker = LbSide(a.s_pid, a.s_log, a.s_ctl)
    else:
        speaker = BirdSide("BIRD speaker", a.s_pid, a.s_log, a.s_bird,
                           ROUTER_ADDR)
    sides = (speaker, router)
    # The same seed for both speakers: the same random phases.
    rng = random.Random(a.seed * 1000 + a.ms)
    # Once ready, a few packets more at the negotiated rate before the
    # failure: 3 intervals, at least 0.3 s.
    settle = max(0.3, 3 * a.ms / 1000) if not a.smoke else 0.2
    timeout = 5 + 10 * 3 * a.ms / 1000
    t_start = time.monotonic()
    pokes = wait_ready(sides, a.ms, 60)
    res = {k: [] for k in KINDS}
    res["odd"] = []
    for k in range(a.n):
        for kind in KINDS:
            stopped, detector = ((router, speaker) if kind == "router"
                                 else (speaker, router))
            r, odd = one_failure(stopped, detector, sides, a.ms, rng, settle,
                                 timeout)
            res[kind].append(r)
            res["odd"] += ["%s %d: %s" % (kind, k + 1, o) for o in odd]
            bv.log("%s, %d ms x 3, %d/%d: %s stopped, %s's BFD Down after "
                   "%.1f ms, BGP closed after %.1f ms%s" %
                   (NAMES[a.speaker], a.ms, k + 1, a.n, stopped.name,
                    detector.name, r["bfd_ms"], r["bgp_ms"],
                    "".join("; " + o for o in odd)))
            pokes += wait_ready(sides, a.ms, 60)
    res["pokes"] = pokes
    res["secs"] = time.monotonic() - t_start
    res["hwm_kb"] = {"speaker": bh.status_kb(speaker.pid, "VmHWM"),
                     "router": bh.status_kb(router.pid, "VmHWM")}
    for o in res["odd"]:
        bv.log("WARNING: %s: %s" % (NAMES[a.speaker], o))
    bv.save_results(a.results, {"run.%d.%s" % (a.ms, a.speaker): res})


# ---- report -----------------------------------------------------------------------------

def fmt3(v):
    return "%.1f / %.1f / %.1f" % (bv.pct(v, 50), bv.pct(v, 99), v[-1])


def frac3(v, det):
    return "%.2f / %.2f / %.2f" % (bv.pct(v, 50) / det, bv.pct(v, 99) / det,
                                   v[-1] / det)


def cmd_report(a):
    r = bv.load_results(a.results)
    machine = "%s CPUs (nproc), %s, Linux %s" % (
        r.get("nproc", "?"), bv.cpu_model(), platform.release())
    n = r.get("failures", 0)
    p = ["- %s" % x for x in (
        "date: %s" % r.get("date", "?"), "machine: " + machine,
        "load average at the start: %s" % r.get("loadavg", "?"))]
    p += ["- %s" % r[k] for k in ("lbbgpd_version", "bird_version") if k in r]
    p.append("- setup: two network namespaces joined by a veth pair; the "
             "router, a BIRD (AS 64512, 10.99.0.2), faces the speaker "
             "(AS 64513, 10.99.0.1): lbbgpd, then a second BIRD in its "
             "place; one BGP session with single-hop BFD (RFC 5881), both "
             "sides at the interval × 3, no routes")
    p.append("- router dies: SIGSTOP of the router, detected by the "
             "speaker; host dies: SIGSTOP of the speaker, detected by the "
             "router.  Time from CLOCK_REALTIME just before kill(2) to the "
             "detector's log line (CLOCK_REALTIME, ms; counted as the "
             "middle of its ms): BFD Up -> Down, and the BGP session "
             "closed (lbbgpd: its Cease/BFD Down NOTIFICATION; BIRD: "
             "`BFD session down` of protocol lb).  Each failure after a "
             "random 0–1 interval wait, then SIGCONT and both back Up.  "
             "%d failures of each kind per interval and speaker; p50 and "
             "p99 by nearest rank (with %d samples p99 is %s)" % (
                 n, n, "the largest" if n <= 100 else "the 99th"))
    p.append("- ÷ detection time: the time over the negotiated detection "
             "time (interval × 3); from the peer's jitter alone (it sends "
             "every 75–100% of the interval) a detection falls between "
             "0.67 and 1.00 of it; above 1.00 is the detector's lateness")
    for k in sorted(r):
        if k.startswith("note."):
            p.append("- %s" % r[k])
    p.append("")
    p.append("| interval × 3 | failure | detected by | BFD Down p50 / p99 / "
             "max (ms) | ÷ detection time | BGP closed p50 / p99 / max (ms) "
             "| min (ms) |")
    p.append("|---|---|---|---|---|---|---|")
    hwm = {"lbbgpd": 0, "bird": 0, "router": 0}
    odd = []
    for ms in r.get("intervals", []):
        det = 3.0 * ms
        first = True
        for kind in KINDS:
            for sp in ("lbbgpd", "bird"):
                run = r.get("run.%d.%s" % (ms, sp))
                if not run:
                    continue
                v = sorted(x["bfd_ms"] for x in run[kind])
                g = sorted(x["bgp_ms"] for x in run[kind])
                if kind == "router":
                    what = "router dies (SIGSTOP BIRD router)"
                    who = NAMES[sp]
                else:
                    what = "host dies (SIGSTOP %s)" % NAMES[sp]
                    who = "BIRD router"
                p.append("| %s | %s | %s | %s | %s | %s | %.1f |" % (
                    "%d ms × 3 = %d ms" % (ms, det) if first else "",
                    what, "**%s**" % who if who == "lbbgpd" else who,
                    fmt3(v), frac3(v, det), fmt3(g), v[0]))
                first = False
        for sp in ("lbbgpd", "bird"):
            run = r.get("run.%d.%s" % (ms, sp))
            if not run:
                continue
            hwm[sp] = max(hwm[sp], run["hwm_kb"]["speaker"])
            hwm["router"] = max(hwm["router"], run["hwm_kb"]["router"])
            odd += ["%s at %d ms: %s" % (NAMES[sp], ms, o)
                    for o in run["odd"]]
    p.append("")
    p.append("Peak RSS (VmHWM, /proc/PID/status, at the end of each run; "
             "the largest): lbbgpd %.1f MiB, the second BIRD %.1f MiB, the "
             "router BIRD %.1f MiB (through every run)." % (
                 hwm["lbbgpd"] / 1024, hwm["bird"] / 1024,
                 hwm["router"] / 1024))
    p.append("")
    for k in sorted(r):
        if k.startswith("odd."):
            odd.append(r[k])
    if odd:
        p.append("Odd things seen:")
        p.append("")
        p.extend("- %s" % o for o in odd)
    else:
        p.append("Nothing odd seen: every session was settled before its "
                 "failure, no BFD session went Down on its own, every "
                 "detection was Control Detection Time Expired.")
    print("\n".join(p))
    if a.require:
        missing = ["run.%d.%s" % (ms, sp) for ms in r.get("intervals", [])
                   for sp in NAMES if "run.%d.%s" % (ms, sp) not in r]
        if missing or not r.get("intervals"):
            bv.log("smoke: no results for %s" % (missing or "any interval"))
            sys.exit(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--results", required=True)
    sub = ap.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("run")
    s.add_argument("--speaker", choices=NAMES, required=True)
    s.add_argument("--ms", type=int, required=True)
    s.add_argument("--n", type=int, required=True)
    s.add_argument("--smoke", type=int, default=0)
    s.add_argument("--seed", type=int, default=12)
    s.add_argument("--s-pid", type=int, required=True)
    s.add_argument("--s-log", required=True)
    s.add_argument("--s-ctl", help="lbbgpd's control socket")
    s.add_argument("--s-bird", help="the speaker BIRD's control socket")
    s.add_argument("--r-pid", type=int, required=True)
    s.add_argument("--r-log", required=True)
    s.add_argument("--r-bird", required=True)
    s.set_defaults(fn=cmd_run)

    s = sub.add_parser("record")
    s.add_argument("pairs", nargs="+")
    s.set_defaults(fn=bv.cmd_record)

    s = sub.add_parser("report")
    s.add_argument("--require", action="store_true",
                   help="exit 1 unless every run has results")
    s.set_defaults(fn=cmd_report)

    a = ap.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
