#!/usr/bin/python3
"""loadclient.py: the control-socket client of the load tests (load.sh).

  loadclient.py prefixes --base A.B.C.D --count N
      N consecutive /32 prefixes from BASE, one a line, unsorted.
  loadclient.py batch SOCKET add|withdraw --base A.B.C.D --count N
                [--batch B] [--owner O]
      N consecutive VIPs from BASE in requests of B VIPs (default 100,000,
      under the 4 MiB line limit), all written on one connection by one
      thread while another reads the replies.
  loadclient.py churn SOCKET --base A.B.C.D --span N --rate R --seconds S
                [--live W] [--owner O] --out FILE
      R single-VIP requests a second for S seconds, paced (every
      millisecond, the requests that are due), on one connection: adds
      until W VIPs are live (default 20,000), then add and withdraw of
      the oldest in turn, so W stay live and each lives about 2W/R
      seconds.  VIP k is BASE + k mod N.  A second thread reads the
      replies; the VIPs whose add was acknowledged and whose withdraw was
      not are the expected final set, written to FILE as /32 prefixes.
Each prints one JSON line: requests, vips, ok, refused, first_error,
seconds (first write to last reply); churn also rate (acknowledged
requests per second), target, max_lag (seconds the sender fell behind its
schedule) and live.
Standard library only; run with /usr/bin/python3.  Stops only itself.
"""
import argparse
import collections
import ipaddress
import json
import socket
import sys
import threading
import time


def addr(base, i):
    return str(ipaddress.IPv4Address(base + i))


class Replies(threading.Thread):
    """Reads reply lines; calls on_reply(index, reply) for each."""

    def __init__(self, sock, on_reply):
        super().__init__(daemon=True)
        self.sock, self.on_reply = sock, on_reply
        self.n = 0
        self.last = None
        self.error = None

    def run(self):
        buf = b""
        try:
            while True:
                chunk = self.sock.recv(1 << 20)
                if not chunk:
                    return
                buf += chunk
                *lines, buf = buf.split(b"\n")
                for line in lines:
                    self.on_reply(self.n, json.loads(line))
                    self.n += 1
                    self.last = time.monotonic()
        except (OSError, ValueError) as e:
            self.error = "%s: %s" % (e.__class__.__name__, e)


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s


def batch(a):
    base = int(ipaddress.IPv4Address(a.base))
    reqs = []
    for first in range(0, a.count, a.batch):
        n = min(a.batch, a.count - first)
        reqs.append(json.dumps({"cmd": a.cmd, "owner": a.owner,
                                "vips": [addr(base, first + k) for k in range(n)]},
                               separators=(",", ":")).encode() + b"\n")
    out = {"requests": len(reqs), "vips": a.count, "ok": 0, "refused": 0,
           "first_error": None}

    def on_reply(i, r):
        if r.get("ok") is True:
            out["ok"] += 1
        else:
            out["refused"] += 1
            if out["first_error"] is None:
                out["first_error"] = r
    s = connect(a.sock)
    rd = Replies(s, on_reply)
    rd.start()
    t0 = time.monotonic()
    s.sendall(b"".join(reqs))
    s.shutdown(socket.SHUT_WR)
    rd.join()
    out["seconds"] = round((rd.last or time.monotonic()) - t0, 3)
    if rd.error:
        out["error"] = rd.error
    print(json.dumps(out, sort_keys=True), flush=True)
    return 0 if rd.n == len(reqs) else 1


def churn(a):
    base = int(ipaddress.IPv4Address(a.base))
    total = int(a.rate * a.seconds)
    sent = []                   # (cmd, VIP number) by request number
    acked = set()
    out = {"requests": 0, "ok": 0, "refused": 0, "first_error": None,
           "target": a.rate, "max_lag": 0.0}

    def on_reply(i, r):
        cmd, k = sent[i]
        if r.get("ok") is True:
            out["ok"] += 1
            if cmd == "add":
                acked.add(k)
            else:
                acked.discard(k)
        else:
            out["refused"] += 1
            if out["first_error"] is None:
                out["first_error"] = {"request": [cmd, addr(base, k % a.span)], "reply": r}

    # VIP k is address BASE + k mod SPAN; the live ones are a run of
    # consecutive k, at most LIVE + 1 long, so no two share an address.
    live = collections.deque()
    nxt = 0
    s = connect(a.sock)
    rd = Replies(s, on_reply)
    rd.start()
    t0 = time.monotonic()
    i = 0
    while i < total:
        due = min(total, int((time.monotonic() - t0) * a.rate) + 1)
        if due <= i:
            time.sleep(0.001)
            continue
        out["max_lag"] = max(out["max_lag"], round((due - 1 - i) / a.rate, 3))
        chunk = []
        while i < due:
            if len(live) < a.live or i % 2 == 0:
                cmd, k = "add", nxt
                live.append(nxt)
                nxt += 1
            else:
                cmd, k = "withdraw", live.popleft()
            sent.append((cmd, k))
            chunk.append(json.dumps({"cmd": cmd, "vip": addr(base, k % a.span),
                                     "owner": a.owner},
                                    separators=(",", ":")).encode() + b"\n")
            i += 1
        s.sendall(b"".join(chunk))
    send_end = time.monotonic()
    s.shutdown(socket.SHUT_WR)
    rd.join()
    out["requests"] = total
    out["seconds"] = round((rd.last or send_end) - t0, 3)
    out["send_seconds"] = round(send_end - t0, 3)
    out["rate"] = round(out["ok"] / out["seconds"]) if out["seconds"] else 0
    addrs = sorted({k % a.span for k in acked})
    if len(addrs) != len(acked):
        out["error"] = "two live VIPs share an address: --span too small"
    out["live"] = len(addrs)
    with open(a.out, "w") as f:
        for k in addrs:
            f.write("%s/32\n" % addr(base, k))
    if rd.error:
        out["error"] = rd.error
    print(json.dumps(out, sort_keys=True), flush=True)
    return 0 if rd.n == total and "error" not in out else 1


def prefixes(a):
    base = int(ipaddress.IPv4Address(a.base))
    w = sys.stdout.write
    for i in range(a.count):
        w("%s/32\n" % addr(base, i))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="mode", required=True)
    p = sub.add_parser("prefixes")
    p.add_argument("--base", required=True)
    p.add_argument("--count", type=int, required=True)
    b = sub.add_parser("batch")
    b.add_argument("sock")
    b.add_argument("cmd", choices=("add", "withdraw"))
    b.add_argument("--base", required=True)
    b.add_argument("--count", type=int, required=True)
    b.add_argument("--batch", type=int, default=100000)
    b.add_argument("--owner", default="load")
    c = sub.add_parser("churn")
    c.add_argument("sock")
    c.add_argument("--base", required=True)
    c.add_argument("--span", type=int, required=True)
    c.add_argument("--rate", type=float, required=True)
    c.add_argument("--seconds", type=float, required=True)
    c.add_argument("--live", type=int, default=20000)
    c.add_argument("--owner", default="churn")
    c.add_argument("--out", required=True)
    a = ap.parse_args()
    return {"prefixes": prefixes, "batch": batch, "churn": churn}[a.mode](a)


if __name__ == "__main__":
    sys.exit(main())
