#!/usr/bin/python3
"""connflood.py: many TCP connections to lbbgpd from unconfigured addresses.

  connflood.py --remote ADDR --sources A.B.C.X-Y [--port 179]
               [--attempts 1000] [--parallel 100] [--rate N] [--timeout 10]

Makes ATTEMPTS connections to ADDR:PORT, from the source addresses
A.B.C.X to A.B.C.Y in turn (loopback only), at most PARALLEL at a time
and, with --rate, at most N new ones a second.
Of every three: one closes at once; one sends a BGP OPEN header with
garbage and waits for lbbgpd to close; one sends nothing and waits.
lbbgpd must close each one it accepts (it is no neighbor) without
reading from it.  Prints one JSON line: attempts, connected,
closed_by_peer (EOF or reset seen after connecting), we_closed,
connect_failed, held (still open TIMEOUT s after connecting: lbbgpd kept
the descriptor), seconds.
Standard library only; run with /usr/bin/python3.  Stops only itself.
"""
import argparse
import errno
import json
import selectors
import socket
import sys
import time

OPEN_GARBAGE = b"\xff" * 16 + b"\x00\x1d\x01" + b"\x04garbage!"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--remote", required=True)
    ap.add_argument("--port", type=int, default=179)
    ap.add_argument("--sources", required=True, help="A.B.C.X-Y")
    ap.add_argument("--attempts", type=int, default=1000)
    ap.add_argument("--parallel", type=int, default=100)
    ap.add_argument("--rate", type=float, default=0.0)
    ap.add_argument("--timeout", type=float, default=10.0)
    a = ap.parse_args()
    net, _, rng = a.sources.rpartition(".")
    lo, hi = (int(x) for x in rng.split("-"))
    if not net.startswith("127.") or not 0 < lo <= hi < 255:
        sys.exit("connflood.py: sources must be a 127.x.y.X-Y range")
    sources = ["%s.%d" % (net, k) for k in range(lo, hi + 1)]

    sel = selectors.DefaultSelector()
    r = {"attempts": 0, "connected": 0, "closed_by_peer": 0, "we_closed": 0,
         "connect_failed": 0, "held": 0, "errors": []}
    live = {}                           # sock -> [kind, phase, deadline]
    start = time.monotonic()

    def finish(s, what):
        sel.unregister(s)
        s.close()
        del live[s]
        r[what] += 1

    while r["attempts"] < a.attempts or live:
        while r["attempts"] < a.attempts and len(live) < a.parallel and (
                not a.rate or r["attempts"] < (time.monotonic() - start) * a.rate):
            i = r["attempts"]
            r["attempts"] += 1
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            s.bind((sources[i % len(sources)], 0))
            err = s.connect_ex((a.remote, a.port))
            if err not in (0, errno.EINPROGRESS):
                s.close()
                r["connect_failed"] += 1
                if len(r["errors"]) < 5:
                    r["errors"].append(errno.errorcode.get(err, str(err)))
                continue
            live[s] = [i % 3, "connecting", time.monotonic() + a.timeout]
            sel.register(s, selectors.EVENT_WRITE)
        for key, ev in sel.select(timeout=0.1):
            s = key.fileobj
            kind, phase, _ = live[s]
            if phase == "connecting":
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    finish(s, "connect_failed")
                    if len(r["errors"]) < 5:
                        r["errors"].append(errno.errorcode.get(err, str(err)))
                    continue
                r["connected"] += 1
                if kind == 0:
                    finish(s, "we_closed")
                    continue
                if kind == 1:
                    try:
                        s.send(OPEN_GARBAGE)
                    except OSError:
                        pass
                live[s] = [kind, "waiting", time.monotonic() + a.timeout]
                sel.modify(s, selectors.EVENT_READ)
            else:
                try:
                    data = s.recv(4096)
                except OSError:
                    data = b""          # reset: closed too
                if not data:
                    finish(s, "closed_by_peer")
        now = time.monotonic()
        for s, (kind, phase, deadline) in list(live.items()):
            if now > deadline:
                finish(s, "held" if phase == "waiting" else "connect_failed")
    r["seconds"] = round(time.monotonic() - start, 2)
    print(json.dumps(r, sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
