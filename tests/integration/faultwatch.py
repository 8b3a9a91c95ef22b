#!/usr/bin/python3
"""faultwatch.py: watch a BGP session and lbbgpd while a test does harm.

  faultwatch.py --until FILE [--bird SOCK] [--bgpctl BGPCTL --sock SOCK
                [--neighbor NAME]] [--pid PID [--kill-above KB]] [--max SECONDS]

Until FILE exists (or --max seconds pass), every 0.2 s:
  --bird SOCK   asks BIRD (birdc -s SOCK show protocols all lb) for the
                session's state, since when it is up, and the time left on
                its hold timer (BIRD starts it at 75% to 100% of the hold
                time, RFC 4271 §10 jitter, so it only bounds the gap).
  --neighbor N  asks lbbgpd (bgpctl -j show neighbor N) how many messages
                it has sent to N: the time between two increments is the
                gap between two of its messages (KEEPALIVE or UPDATE), to
                within a sample.
  --pid PID     reads lbbgpd's open file descriptors and VmRSS from /proc;
                with --kill-above, SIGKILLs it (the test started it) once its
                VmRSS is over KB, so that a runaway lbbgpd cannot take the
                test machine's memory (killed_at_kb says so).
and every 0.5 s, with --bgpctl and --sock, runs `bgpctl -s SOCK show
summary` and times it (another client must always be served).

Prints one JSON object on stdout at the end:
  samples, seconds, bird_states (state -> count), bird_since (distinct
  "since" values while Established, 0.1 s apart or more: more than one is
  a flap),
  min_left (the least time left on BIRD's hold timer), hold (the
  negotiated hold time), max_send_gap (the longest time lbbgpd sent
  nothing to the neighbor, seconds), summary_n,
  summary_max_ms, summary_fail (count of failures and of answers slower
  than 1 s, with the first few), max_fds, last_fds, max_rss_kb.
Standard library only; run with /usr/bin/python3.  Stops only itself.
"""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time


def bird_sample(sock):
    try:
        out = subprocess.run(["birdc", "-s", sock, "show", "protocols",
                              "all", "lb"], capture_output=True, text=True,
                             timeout=5).stdout
    except subprocess.TimeoutExpired:
        return None
    st = re.search(r"^\s*BGP state:\s*(\w+)", out, re.M)
    row = re.search(r"^lb\s+BGP\s+\S+\s+\S+\s+(\S+)", out, re.M)
    hold = re.search(r"^\s*Hold timer:\s*([\d.]+)/(\d+)", out, re.M)
    return {
        "state": st.group(1) if st else "?",
        "since": row.group(1) if row else "?",
        "left": float(hold.group(1)) if hold else None,
        "hold": int(hold.group(2)) if hold else None,
    }


def same_time(a, b):
    """hh:mm:ss.mmm strings within 0.1 s of each other (or equal)."""
    def secs(x):
        h, m, sec = x.split(":")
        return int(h) * 3600 + int(m) * 60 + float(sec)
    try:
        return abs(secs(a) - secs(b)) < 0.1
    except ValueError:
        return a == b


def sent_total(bgpctl, sock, name):
    try:
        p = subprocess.run([bgpctl, "-j", "-s", sock, "show", "neighbor", name],
                           capture_output=True, text=True, timeout=10)
        return json.loads(p.stdout)["neighbors"][0]["messages"]["sent"]["total"]
    except (subprocess.TimeoutExpired, ValueError, KeyError, IndexError):
        return None


def proc_sample(pid):
    try:
        fds = len(os.listdir("/proc/%d/fd" % pid))
        with open("/proc/%d/status" % pid) as f:
            rss = int(re.search(r"^VmRSS:\s*(\d+)", f.read(), re.M).group(1))
        return fds, rss
    except (OSError, AttributeError):
        return None, None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--until", required=True)
    ap.add_argument("--bird")
    ap.add_argument("--bgpctl")
    ap.add_argument("--sock")
    ap.add_argument("--neighbor")
    ap.add_argument("--pid", type=int)
    ap.add_argument("--kill-above", type=int)
    ap.add_argument("--max", type=float, default=600.0)
    a = ap.parse_args()

    r = {"samples": 0, "bird_states": {}, "bird_since": [], "min_left": None,
         "hold": None, "max_send_gap": 0.0, "summary_n": 0, "summary_max_ms": 0,
         "summary_fail": 0, "summary_errors": [], "max_fds": 0,
         "last_fds": None, "max_rss_kb": 0, "killed_at_kb": None}
    start = time.monotonic()
    next_summary = start
    sent = None                 # (total, time of the sample that saw it)
    prev_t = start
    while not os.path.exists(a.until) and time.monotonic() - start < a.max:
        r["samples"] += 1
        if a.bird:
            b = bird_sample(a.bird)
            if b is not None:
                r["bird_states"][b["state"]] = r["bird_states"].get(b["state"], 0) + 1
                if b["state"] == "Established":
                    # BIRD prints a monotonic time converted to the wall
                    # clock: the same instant may differ by a millisecond.
                    if not any(same_time(b["since"], x) for x in r["bird_since"]):
                        r["bird_since"].append(b["since"])
                    if b["left"] is not None:
                        r["hold"] = b["hold"]
                        if r["min_left"] is None or b["left"] < r["min_left"]:
                            r["min_left"] = b["left"]
        if a.neighbor:
            n = sent_total(a.bgpctl, a.sock, a.neighbor)
            t = time.monotonic()
            if n is not None:
                # A message left between the previous sample and this
                # one: take the middle.
                when = (prev_t + t) / 2
                if sent is None or n != sent[0]:
                    if sent is not None:
                        r["max_send_gap"] = max(r["max_send_gap"],
                                                round(when - sent[1], 2))
                    sent = (n, when)
            prev_t = t
        if a.pid:
            fds, rss = proc_sample(a.pid)
            if fds is not None:
                r["max_fds"] = max(r["max_fds"], fds)
                r["last_fds"] = fds
                r["max_rss_kb"] = max(r["max_rss_kb"], rss)
                if a.kill_above and rss > a.kill_above and r["killed_at_kb"] is None:
                    os.kill(a.pid, signal.SIGKILL)
                    r["killed_at_kb"] = rss
        now = time.monotonic()
        if a.bgpctl and now >= next_summary:
            next_summary = now + 0.5
            t0 = time.monotonic()
            try:
                p = subprocess.run([a.bgpctl, "-s", a.sock, "show", "summary"],
                                   capture_output=True, text=True, timeout=10)
                rc, err = p.returncode, p.stderr.strip()
            except subprocess.TimeoutExpired:
                rc, err = "timeout", "no answer within 10 s"
            ms = round((time.monotonic() - t0) * 1000)
            r["summary_n"] += 1
            r["summary_max_ms"] = max(r["summary_max_ms"], ms)
            if rc != 0 or ms > 1000:
                r["summary_fail"] += 1
                if len(r["summary_errors"]) < 5:
                    r["summary_errors"].append("rc %s after %d ms: %s" % (rc, ms, err))
        time.sleep(0.2)
    end = time.monotonic()
    if sent is not None:        # silence up to the end counts too
        r["max_send_gap"] = max(r["max_send_gap"], round(end - sent[1], 2))
    r["seconds"] = round(end - start, 1)
    print(json.dumps(r, sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
