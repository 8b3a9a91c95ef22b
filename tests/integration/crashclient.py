#!/usr/bin/python3
"""crashclient.py: add/withdraw requests in a steady stream until lbbgpd dies.

  crashclient.py run SOCKET DIR [--seed N] [--base A.B.C.D] [--count N]
                 [--owners K] [--window W] [--max SECONDS]
  crashclient.py check DIR SHOW_VIPS_JSON EXPECTED_PREFIXES_OUT

run: reads show-vips first (DIR/initial.json: VIP -> owners), then sends
requests pipelined, at most W (default 16) unanswered, over one
connection: add or withdraw of one random VIP of COUNT addresses from
BASE for one of K owners (all with sharing key "k", so VIPs are shared),
every tenth a batch of 2-8 VIPs, every tenth add one the owner already
holds (must not double it).  Each request follows from the state all the
earlier ones make, so every one must succeed.  Every reply with ok:true
is appended to DIR/acked.jsonl, in order, as it arrives; a reply with
ok:false goes to DIR/refused.jsonl.  When the connection breaks (lbbgpd
was killed) or after --max seconds, the requests sent but not answered
go to DIR/inflight.jsonl, and one JSON line with counts goes to stdout.

check: applies the acknowledged requests to the initial state; the
requests in flight may each have been carried out or not, but only in
order (lbbgpd commits in order and answers after the commit), so the
state lbbgpd shows after its restart must be the acknowledged state plus
the first k requests in flight, for some k.  Also: no VIP listed twice,
no owner twice on a VIP.  Writes the VIPs that state announces, as
sorted prefixes, to EXPECTED_PREFIXES_OUT; prints one JSON line; exits 1
on any mismatch, saying what was lost or extra.
Standard library only; run with /usr/bin/python3.  Stops only itself.
"""
import argparse
import ipaddress
import json
import os
import random
import socket
import sys
import time


def owners_of(show_vips):
    """show-vips reply -> {vip: sorted owner list}; and problems found."""
    state, problems = {}, []
    for v in show_vips.get("vips", []):
        owners = [o["owner"] for o in v["owners"]]
        if v["vip"] in state:
            problems.append("VIP %s listed twice" % v["vip"])
        if len(set(owners)) != len(owners):
            problems.append("VIP %s has an owner twice: %s" % (v["vip"], owners))
        state[v["vip"]] = sorted(set(owners))
    return state, problems


def apply(state, req):
    """Apply one add/withdraw request to state ({vip: set(owners)})."""
    vips = req.get("vips") or [req["vip"]]
    for v in vips:
        owners = state.setdefault(v, set())
        if req["cmd"] == "add":
            owners.add(req["owner"])
        else:
            owners.discard(req["owner"])
            if not owners:
                del state[v]


def freeze(state):
    return {v: sorted(o) for v, o in state.items() if o}


class Conn:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(30)
        self.s.connect(path)
        self.buf = b""

    def send(self, obj):
        self.s.sendall(json.dumps(obj, separators=(",", ":")).encode() + b"\n")

    def recv(self):
        while b"\n" not in self.buf:
            chunk = self.s.recv(1 << 16)
            if not chunk:
                raise ConnectionResetError("EOF")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def ready(self):
        """A whole reply is buffered, or data is waiting on the socket."""
        if b"\n" in self.buf:
            return True
        self.s.setblocking(False)
        try:
            chunk = self.s.recv(1 << 16)
        except BlockingIOError:
            return False
        finally:
            self.s.settimeout(30)
        if not chunk:
            raise ConnectionResetError("EOF")
        self.buf += chunk
        return b"\n" in self.buf


def run(a):
    os.makedirs(a.dir, exist_ok=True)
    rnd = random.Random(a.seed)
    base = int(ipaddress.ip_address(a.base))
    addrs = [str(ipaddress.ip_address(base + i)) for i in range(a.count)]
    owners = ["crash/o%d" % k for k in range(a.owners)]

    c = Conn(a.sock)
    c.send({"cmd": "show-vips"})
    init, problems = owners_of(c.recv())
    if problems:
        sys.stderr.write("crashclient.py: before the run: %s\n" % "; ".join(problems))
        return 1
    with open(os.path.join(a.dir, "initial.json"), "w") as f:
        json.dump(init, f, sort_keys=True)
    model = {v: set(o) for v, o in init.items()}

    def next_request():
        o = rnd.choice(owners)
        pick = rnd.sample(addrs, 8)
        held = [v for v in pick if o in model.get(v, ())]
        free = [v for v in pick if o not in model.get(v, ())]
        roll = rnd.random()
        if roll < 0.1 and held:
            req = {"cmd": "add", "vip": held[0], "owner": o, "sharing-key": "k"}
        elif roll < 0.2 and len(free) >= 2:
            req = {"cmd": "add", "vips": free[:rnd.randint(2, 8)], "owner": o,
                   "sharing-key": "k"}
        elif roll < 0.3 and len(held) >= 2:
            req = {"cmd": "withdraw", "vips": held[:rnd.randint(2, 8)], "owner": o}
        elif rnd.random() < 0.5 and held:
            req = {"cmd": "withdraw", "vip": held[0], "owner": o}
        elif free:
            req = {"cmd": "add", "vip": free[0], "owner": o, "sharing-key": "k"}
        else:
            req = {"cmd": "withdraw", "vip": held[0], "owner": o}
        apply(model, req)
        return req

    acked = open(os.path.join(a.dir, "acked.jsonl"), "w")
    refused = open(os.path.join(a.dir, "refused.jsonl"), "w")
    inflight = []
    nacked = nrefused = 0
    why = "time"
    start = time.monotonic()
    try:
        while time.monotonic() - start < a.max:
            while len(inflight) < a.window:
                req = next_request()
                c.send(req)
                inflight.append(req)
            # Take every reply there is, then at least one.
            while inflight:
                r = c.recv()
                req = inflight.pop(0)
                line = json.dumps(req, separators=(",", ":")) + "\n"
                if r.get("ok") is True:
                    acked.write(line)
                    acked.flush()
                    nacked += 1
                else:
                    refused.write(json.dumps({"request": req, "reply": r}) + "\n")
                    refused.flush()
                    nrefused += 1
                if not c.ready():
                    break
    except (OSError, ValueError) as e:
        why = "%s: %s" % (e.__class__.__name__, e)
    with open(os.path.join(a.dir, "inflight.jsonl"), "w") as f:
        for req in inflight:
            f.write(json.dumps(req, separators=(",", ":")) + "\n")
    secs = time.monotonic() - start
    print(json.dumps({"acked": nacked, "refused": nrefused,
                      "inflight": len(inflight), "seconds": round(secs, 2),
                      "rate": round(nacked / secs) if secs else 0,
                      "ended": why}), flush=True)
    return 0


def check(a):
    with open(os.path.join(a.dir, "initial.json")) as f:
        state = {v: set(o) for v, o in json.load(f).items()}
    with open(os.path.join(a.dir, "acked.jsonl")) as f:
        acked = [json.loads(l) for l in f if l.strip()]
    with open(os.path.join(a.dir, "inflight.jsonl")) as f:
        inflight = [json.loads(l) for l in f if l.strip()]
    with open(a.show) as f:
        actual, problems = owners_of(json.load(f))
    for req in acked:
        apply(state, req)
    # The acknowledged state, then each prefix of the requests in flight.
    candidates = [freeze(state)]
    for req in inflight:
        apply(state, req)
        candidates.append(freeze(state))
    k = next((i for i, c in enumerate(candidates) if c == actual), None)
    out = {"acked": len(acked), "inflight": len(inflight), "vips": len(actual),
           "match": k, "problems": problems}
    if k is None:
        want = candidates[0]
        lost = sorted("%s %s" % (v, o) for v in want for o in want[v]
                      if o not in actual.get(v, []))
        extra = sorted("%s %s" % (v, o) for v in actual for o in actual[v]
                       if o not in want.get(v, []))
        out["lost"] = lost[:20]
        out["nlost"] = len(lost)
        out["extra"] = extra[:20]
        out["nextra"] = len(extra)
        out["note"] = ("lost/extra are against the acknowledged state; the "
                       "%d requests in flight explain none of it" % len(inflight))
    else:
        with open(a.expected, "w") as f:
            for v in sorted(actual, key=lambda x: int(ipaddress.ip_address(x))):
                f.write("%s/32\n" % v)
    print(json.dumps(out, sort_keys=True))
    return 0 if k is not None and not problems else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="mode", required=True)
    r = sub.add_parser("run")
    r.add_argument("sock")
    r.add_argument("dir")
    r.add_argument("--seed", type=int, default=1)
    r.add_argument("--base", default="10.17.16.0")
    r.add_argument("--count", type=int, default=600)
    r.add_argument("--owners", type=int, default=3)
    r.add_argument("--window", type=int, default=16)
    r.add_argument("--max", type=float, default=60.0)
    c = sub.add_parser("check")
    c.add_argument("dir")
    c.add_argument("show")
    c.add_argument("expected")
    a = ap.parse_args()
    return run(a) if a.mode == "run" else check(a)


if __name__ == "__main__":
    sys.exit(main())
