#!/usr/bin/python3
"""bench_vips.py: the measuring half of tests/bench/bench-vips.sh.

bench-vips.sh starts and stops the daemons; this file talks to them and
keeps the numbers.  Every subcommand adds its results to a JSON file
(--results) and `report` turns that file into a Markdown table.

Subcommands:
  bulk-lbbgpd   (a) announce/withdraw N VIPs through lbbgpd's control socket,
                timed until the collector BIRD's imported count is N / 0
  bulk-bird     (a) the same N routes from a BIRD `protocol static`
                (birdc enable/disable), timed the same way
  add-latency   (b) N single `add` requests on an idle session; send times
  gobgp-latency (b) N `gobgp global rib add`; send times
  match         (b) pcap: first UPDATE carrying each /32 -> latency stats
  pipeline      (c) N single-VIP `add` requests pipelined on one connection
  add-wait      (d) add N VIPs and wait until several collectors hold them
  wait-routes   (d) wait until several collectors hold N routes (restart)
  record        store KEY=VALUE pairs given by the shell (versions, RSS)
  report        print the Markdown report

Only /usr/bin/python3 and its standard library are used.  Addresses are
only ever the 127.0.20.0/24 loopback ones the script passes in; VIPs are
just BGP prefixes, nothing is sent to them.
"""
import argparse
import ipaddress
import json
import math
import os
import platform
import socket
import statistics
import struct
import subprocess
import sys
import threading
import time

CTL_MAX_LINE = 1024 * 1024  # docs/control-protocol.md: longer lines are refused


def now_mono():
    return time.perf_counter()


def now_real_ns():
    return time.clock_gettime_ns(time.CLOCK_REALTIME)


def log(msg):
    print("# " + msg, file=sys.stderr, flush=True)


def vip_list(base, n):
    b = int(ipaddress.IPv4Address(base))
    return [str(ipaddress.IPv4Address(b + i)) for i in range(n)]


# ---- results file ----------------------------------------------------------

def load_results(path):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        return {}


def save_results(path, upd):
    res = load_results(path)
    res.update(upd)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(res, f, indent=1, sort_keys=True)
    os.replace(tmp, path)


# ---- BIRD control socket ------------------------------------------------------

class Bird:
    """birdc's protocol, spoken directly: no process per poll."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)
        self.f = self.s.makefile("rb")
        self._reply()  # "0001 BIRD 2.0.12 ready."

    def _reply(self):
        lines = []
        while True:
            raw = self.f.readline()
            if not raw:
                raise EOFError("BIRD closed its control socket")
            line = raw.decode("utf-8", "replace").rstrip("\n")
            lines.append(line)
            # The last line of a reply: four digits and a space.
            if len(line) >= 5 and line[:4].isdigit() and line[4] == " ":
                return lines

    def cmd(self, text):
        self.s.sendall(text.encode() + b"\n")
        return self._reply()

    def count(self, proto):
        """Routes imported by protocol proto, all channels."""
        n = 0
        for line in self.cmd("show protocols all " + proto):
            i = line.find("Routes:")
            if i >= 0:
                n += int(line[i + 7:].split()[0])
        return n

    def close(self):
        self.s.close()


class Timeout(Exception):
    pass


def wait_count(bird, proto, target, timeout, interval):
    """Poll until proto's count is target; the time of the poll that saw it."""
    end = now_mono() + timeout
    polls = 0
    while True:
        n = bird.count(proto)
        t = now_mono()
        polls += 1
        if n == target:
            return t, polls
        if t > end:
            raise Timeout("%s: %d routes after %.0f s, wanted %d" %
                          (proto, n, timeout, target))
        time.sleep(interval)


def wait_counts(birds, target, timeout, interval):
    """Several (bird, proto): the time when the last of them had target."""
    end = now_mono() + timeout
    done = {}
    while len(done) < len(birds):
        for i, (b, proto) in enumerate(birds):
            if i in done:
                continue
            if b.count(proto) == target:
                done[i] = now_mono()
        if len(done) == len(birds):
            break
        if now_mono() > end:
            raise Timeout("collectors did not reach %d routes" % target)
        time.sleep(interval)
    return max(done.values())


# ---- lbbgpd control socket ----------------------------------------------------

class Ctl:
    """A control connection whose replies a thread reads and time-stamps."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)
        self.replies = []  # (perf_counter, dict)
        self.cond = threading.Condition()
        self.eof = False
        self.t = threading.Thread(target=self._reader, daemon=True)
        self.t.start()

    def _reader(self):
        f = self.s.makefile("rb")
        while True:
            try:
                line = f.readline()
            except OSError:
                line = b""
            t = now_mono()
            with self.cond:
                if not line:
                    self.eof = True
                    self.cond.notify_all()
                    return
                self.replies.append((t, json.loads(line)))
                self.cond.notify_all()

    def send(self, data):
        """Write; False when lbbgpd closed the connection meanwhile."""
        try:
            self.s.sendall(data)
            return True
        except (BrokenPipeError, ConnectionResetError):
            return False

    def wait_replies(self, n, timeout=600):
        end = time.monotonic() + timeout
        with self.cond:
            while len(self.replies) < n and not self.eof:
                left = end - time.monotonic()
                if left <= 0:
                    raise Timeout("%d of %d replies" % (len(self.replies), n))
                self.cond.wait(left)
            return self.replies[:n]

    def close(self):
        try:
            self.s.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        self.t.join(10)
        self.s.close()


def req_line(obj):
    return json.dumps(obj, separators=(",", ":")).encode() + b"\n"


def batch_lines(cmd, vips, owner, nreq):
    per = math.ceil(len(vips) / nreq)
    return [req_line({"cmd": cmd, "vips": vips[i:i + per], "owner": owner})
            for i in range(0, len(vips), per)]


def lb_batch(ctl_path, bird, proto, cmd, vips, owner, nreq, target, a):
    """Send cmd for vips in nreq requests, back to back on one connection;
    time until the collector's count is target.  Returns a dict, or None
    when lbbgpd refused a line as too long."""
    lines = batch_lines(cmd, vips, owner, nreq)
    c = Ctl(ctl_path)
    t0 = now_mono()
    c.send(b"".join(lines))
    # A refused request changes nothing: look at the first reply before
    # waiting for routes that will not come.
    first = c.wait_replies(1)
    if not first or not first[0][1].get("ok"):
        c.close()
        if first and first[0][1].get("code") == "line-too-long":
            return None
        raise RuntimeError("lbbgpd refused %s: %s" % (cmd, first))
    t1, polls = wait_count(bird, proto, target, a.timeout, a.poll)
    replies = c.wait_replies(len(lines))
    c.close()
    bad = [r for _, r in replies if not r.get("ok")]
    if bad:
        raise RuntimeError("lbbgpd refused %s: %s" % (cmd, bad[0]))
    return {"s": t1 - t0, "reply_s": replies[-1][0] - t0, "polls": polls,
            "requests": len(lines),
            "max_line": max(len(x) for x in lines)}


def summary(values):
    v = sorted(values)
    return {"median": statistics.median(v), "min": v[0], "max": v[-1],
            "runs": v}


def cmd_bulk_lbbgpd(a):
    vips = vip_list(a.base, a.n)
    bird = Bird(a.bird)
    if bird.count(a.proto) != 0:
        raise RuntimeError("collector holds routes from %s already" % a.proto)
    one_line = len(batch_lines("add", vips, a.owner, 1)[0])
    nreq = 1
    ann, wd, reply_ann, reply_wd = [], [], [], []
    refused = None
    for rep in range(a.reps):
        r = lb_batch(a.ctl, bird, a.proto, "add", vips, a.owner, nreq, a.n, a)
        if r is None:
            # The request limit (4 MiB): use as few requests as fit.
            refused = one_line
            nreq = math.ceil(one_line / (CTL_MAX_LINE - 4096))
            log("one add of %d VIPs (%d bytes) refused: line-too-long; "
                "using %d requests" % (a.n, one_line, nreq))
            r = lb_batch(a.ctl, bird, a.proto, "add", vips, a.owner, nreq,
                         a.n, a)
        log("lbbgpd announce %d: %.3f s (replies after %.3f s, %d polls)" %
            (rep + 1, r["s"], r["reply_s"], r["polls"]))
        ann.append(r["s"])
        reply_ann.append(r["reply_s"])
        time.sleep(a.settle)
        w = lb_batch(a.ctl, bird, a.proto, "withdraw", vips, a.owner, nreq,
                     0, a)
        log("lbbgpd withdraw %d: %.3f s (replies after %.3f s)" %
            (rep + 1, w["s"], w["reply_s"]))
        wd.append(w["s"])
        reply_wd.append(w["reply_s"])
        time.sleep(a.settle)
    k = a.key
    res = {k + "_announce": summary(ann), k + "_withdraw": summary(wd),
           k + "_announce_reply": summary(reply_ann),
           k + "_withdraw_reply": summary(reply_wd)}
    if k == "a_lb":
        res.update({"a_n": a.n, "a_requests": nreq,
                    "a_one_line_bytes": one_line,
                    "a_one_refused": refused is not None,
                    "a_poll_ms": a.poll * 1000})
    save_results(a.results, res)


def cmd_bulk_bird(a):
    src = Bird(a.src_bird)
    coll = Bird(a.bird)
    if coll.count(a.proto) != 0:
        raise RuntimeError("collector holds routes from %s already" % a.proto)
    ann, wd = [], []
    for rep in range(a.reps):
        t0 = now_mono()
        src.cmd("enable " + a.static)
        t1, _ = wait_count(coll, a.proto, a.n, a.timeout, a.poll)
        ann.append(t1 - t0)
        log("BIRD announce %d: %.3f s" % (rep + 1, t1 - t0))
        time.sleep(a.settle)
        t0 = now_mono()
        src.cmd("disable " + a.static)
        t1, _ = wait_count(coll, a.proto, 0, a.timeout, a.poll)
        wd.append(t1 - t0)
        log("BIRD withdraw %d: %.3f s" % (rep + 1, t1 - t0))
        time.sleep(a.settle)
    save_results(a.results, {"a_bird_announce": summary(ann),
                             "a_bird_withdraw": summary(wd)})


# ---- (b) single add latency ---------------------------------------------------

def cmd_add_latency(a):
    vips = vip_list(a.base, a.n)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(a.ctl)
    f = s.makefile("rb")
    sends = []
    reply_ms = []
    for v in vips:
        line = req_line({"cmd": "add", "vip": v, "owner": a.owner})
        t = now_real_ns()
        s.sendall(line)
        r = json.loads(f.readline())
        reply_ms.append((now_real_ns() - t) / 1e6)
        if not r.get("ok"):
            raise RuntimeError("add %s: %s" % (v, r))
        sends.append([v, t])
        time.sleep(a.gap)
    s.sendall(req_line({"cmd": "withdraw", "vips": vips, "owner": a.owner}))
    r = json.loads(f.readline())
    if not r.get("ok"):
        raise RuntimeError("withdraw: %s" % r)
    s.close()
    with open(a.out, "w") as fo:
        json.dump({"sends": sends, "reply_ms": reply_ms}, fo)


def cmd_gobgp_latency(a):
    vips = vip_list(a.base, a.n)
    sends = []
    for v in vips:
        argv = ["gobgp", "-p", str(a.port), "global", "rib", "-a", "ipv4",
                "add", v + "/32", "nexthop", a.nexthop]
        t = now_real_ns()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        sends.append([v, t])
        time.sleep(a.gap)
    with open(a.out, "w") as fo:
        json.dump({"sends": sends}, fo)


def read_pcap(path):
    """(ts_ns, src, sport, dst, dport, seq, payload) of every IPv4 TCP packet."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return []
    magic = struct.unpack("<I", data[:4])[0]
    if magic in (0xa1b2c3d4, 0xa1b23c4d):
        end = "<"
    else:
        end = ">"
        magic = struct.unpack(">I", data[:4])[0]
    nano = magic == 0xa1b23c4d
    linktype = struct.unpack(end + "I", data[20:24])[0]
    off = 24
    out = []
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack(end + "IIII", data[off:off + 16])
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        ts = sec * 1000000000 + (frac if nano else frac * 1000)
        if linktype == 1:  # Ethernet (what Linux lo gives)
            if len(pkt) < 14 or pkt[12:14] != b"\x08\x00":
                continue
            ip = pkt[14:]
        elif linktype == 113:  # Linux cooked
            if len(pkt) < 16 or pkt[14:16] != b"\x08\x00":
                continue
            ip = pkt[16:]
        elif linktype == 276:  # Linux cooked v2
            if len(pkt) < 20 or pkt[0:2] != b"\x08\x00":
                continue
            ip = pkt[20:]
        elif linktype in (12, 101):  # raw IP
            ip = pkt
        else:
            raise RuntimeError("pcap link type %d not handled" % linktype)
        if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 6:
            continue
        ihl = (ip[0] & 15) * 4
        tot = struct.unpack(">H", ip[2:4])[0]
        tcp = ip[ihl:tot]
        if len(tcp) < 20:
            continue
        sport, dport, seq = struct.unpack(">HHI", tcp[:8])
        doff = (tcp[12] >> 4) * 4
        out.append((ts, socket.inet_ntoa(ip[12:16]), sport,
                    socket.inet_ntoa(ip[16:20]), dport, seq, tcp[doff:]))
    return out


def bgp_updates(pkts, speaker):
    """{prefix: ts of the first packet carrying an UPDATE announcing it},
    from the BGP streams speaker sent (TCP reassembled per connection)."""
    flows = {}
    first = {}
    for ts, src, sport, dst, dport, seq, pl in pkts:
        if src != speaker or 179 not in (sport, dport) or not pl:
            continue
        fl = flows.setdefault((src, sport, dst, dport),
                              {"next": None, "buf": b"", "segs": []})
        if fl["next"] is not None:
            d = (seq - fl["next"]) & 0xffffffff
            if d >= 0x80000000:  # starts before what we have: overlap
                back = 0x100000000 - d
                if back >= len(pl):
                    continue  # a retransmission
                pl, seq = pl[back:], fl["next"]
            elif d > 0:  # a hole in the capture: start over
                fl["buf"], fl["segs"] = b"", []
        fl["segs"].append((len(fl["buf"]), ts))
        fl["buf"] += pl
        fl["next"] = (seq + len(pl)) & 0xffffffff
        parse_msgs(fl, first)
    return first


def parse_msgs(fl, first):
    """Take the whole BGP messages off the front of fl's buffer."""
    buf = fl["buf"]
    pos = 0
    marker = b"\xff" * 16
    while len(buf) - pos >= 19:
        if buf[pos:pos + 16] != marker:
            nxt = buf.find(marker, pos + 1)  # capture began mid-message
            pos = len(buf) if nxt < 0 else nxt
            continue
        mlen, mtype = struct.unpack(">HB", buf[pos + 16:pos + 19])
        if mlen < 19:
            pos += 16
            continue
        if len(buf) - pos < mlen:
            break
        if mtype == 2:
            ts = [t for s, t in fl["segs"] if s <= pos][-1]
            for p in update_nlri(buf[pos + 19:pos + mlen]):
                first.setdefault(p, ts)
        pos += mlen
    if pos == 0:
        return
    # The packet holding the new first byte, then the later ones.
    held = [t for s, t in fl["segs"] if s <= pos]
    fl["segs"] = [(0, held[-1])] + [(s - pos, t) for s, t in fl["segs"]
                                    if s > pos]
    fl["buf"] = buf[pos:]


def update_nlri(body):
    """IPv4 prefixes announced in the NLRI field of an UPDATE body."""
    out = []
    if len(body) < 4:
        return out
    wl = struct.unpack(">H", body[:2])[0]
    al = struct.unpack(">H", body[2 + wl:4 + wl])[0]
    nlri = body[4 + wl + al:]
    i = 0
    while i < len(nlri):
        plen = nlri[i]
        nb = (plen + 7) // 8
        a = nlri[i + 1:i + 1 + nb] + b"\x00" * (4 - nb)
        out.append("%s/%d" % (socket.inet_ntoa(a), plen))
        i += 1 + nb
    return out


def grpc_requests(pkts, port, vips):
    """{vip: ts of the client packet carrying its AddPath request}."""
    want = {}
    for v in vips:
        s = v.encode()
        want[b"\x12" + bytes([len(s)]) + s] = v  # IPAddressPrefix.prefix
    seen = {}
    for ts, src, sport, dst, dport, seq, pl in pkts:
        if dport != port or not pl:
            continue
        for k, v in want.items():
            if v not in seen and k in pl:
                seen[v] = ts
    return seen


def pct(sorted_v, p):
    """Nearest-rank percentile."""
    k = max(1, math.ceil(p / 100 * len(sorted_v)))
    return sorted_v[k - 1]


def lat_stats(ms):
    v = sorted(ms)
    return {"n": len(v), "p50": pct(v, 50), "p99": pct(v, 99), "max": v[-1],
            "min": v[0], "mean": statistics.fmean(v)}


def cmd_match(a):
    pkts = read_pcap(a.pcap)
    ups = bgp_updates(pkts, a.speaker)
    with open(a.sends) as f:
        sends = json.load(f)
    res = {}
    lat, missing = [], []
    for v, t in sends["sends"]:
        ts = ups.get(v + "/32")
        if ts is None:
            missing.append(v)
        else:
            lat.append((ts - t) / 1e6)
    if not lat:
        raise RuntimeError("no UPDATE in %s for any of the %d VIPs" %
                           (a.pcap, len(sends["sends"])))
    res[a.key] = lat_stats(lat)
    res[a.key]["missing"] = len(missing)
    if "reply_ms" in sends:
        res[a.key + "_reply"] = lat_stats(sends["reply_ms"])
    if a.grpc_port:
        req = grpc_requests(pkts, a.grpc_port, [v for v, _ in sends["sends"]])
        g = [(ups[v + "/32"] - req[v]) / 1e6 for v, _ in sends["sends"]
             if v in req and v + "/32" in ups]
        if g:
            res[a.key + "_grpc"] = lat_stats(g)
    save_results(a.results, res)
    log("%s: p50 %.3f ms, p99 %.3f ms, max %.3f ms, %d missing" %
        (a.key, res[a.key]["p50"], res[a.key]["p99"], res[a.key]["max"],
         len(missing)))


# ---- (c) pipelined single adds -----------------------------------------------

def cmd_pipeline(a):
    vips = vip_list(a.base, a.n)
    bird = Bird(a.bird)
    if bird.count(a.proto) != 0:
        raise RuntimeError("collector holds routes from %s already" % a.proto)
    data = b"".join(req_line({"cmd": "add", "vip": v, "owner": a.owner})
                    for v in vips)
    c = Ctl(a.ctl)
    t0 = now_mono()
    c.send(data)
    t_written = now_mono()
    t_bird, _ = wait_count(bird, a.proto, a.n, a.timeout, a.poll)
    replies = c.wait_replies(a.n)
    c.close()
    bad = [r for _, r in replies if not r.get("ok")]
    if len(replies) != a.n or bad:
        raise RuntimeError("%d replies, %d errors: %s" %
                           (len(replies), len(bad), bad[:1]))
    t_last = replies[-1][0]
    res = {"c_n": a.n, "c_written_s": t_written - t0,
           "c_last_reply_s": t_last - t0,
           "c_rps": a.n / (t_last - t0), "c_bird_s": t_bird - t0,
           "c_bytes": len(data)}
    save_results(a.results, res)
    log("pipeline: written %.3f s, last reply %.3f s (%.0f req/s), "
        "collector %.3f s" % (res["c_written_s"], res["c_last_reply_s"],
                              res["c_rps"], res["c_bird_s"]))


# ---- (d) add and wait on several collectors -----------------------------------

def cmd_add_wait(a):
    vips = vip_list(a.base, a.n)
    birds = [(Bird(p.split("=", 1)[1]), p.split("=", 1)[0]) for p in a.birds]
    nreq = max(1, math.ceil(len(batch_lines("add", vips, a.owner, 1)[0]) /
                            (CTL_MAX_LINE - 4096)))
    lines = batch_lines("add", vips, a.owner, nreq)
    c = Ctl(a.ctl)
    t0 = now_mono()
    c.send(b"".join(lines))
    t1 = wait_counts(birds, a.n, a.timeout, a.poll)
    replies = c.wait_replies(len(lines))
    c.close()
    bad = [r for _, r in replies if not r.get("ok")]
    if bad:
        raise RuntimeError("add: %s" % bad[0])
    save_results(a.results, {a.key: t1 - t0})
    log("%d VIPs at %d collectors after %.3f s" % (a.n, len(birds), t1 - t0))


def cmd_wait_routes(a):
    birds = [(Bird(p.split("=", 1)[1]), p.split("=", 1)[0]) for p in a.birds]
    wait_counts(birds, a.n, a.timeout, a.poll)
    el = (now_real_ns() - a.since_ns) / 1e9
    save_results(a.results, {a.key: el})
    log("%d routes at %d collectors %.3f s after the start" %
        (a.n, len(birds), el))


def cmd_record(a):
    upd = {}
    for kv in a.pairs:
        k, _, v = kv.partition("=")
        try:
            upd[k] = json.loads(v)
        except ValueError:
            upd[k] = v
    save_results(a.results, upd)


# ---- report -------------------------------------------------------------------

def fmt_s(x):
    return "%.0f ms" % (x * 1000) if x < 10 else "%.1f s" % x


def fmt_run(s):
    return "%s (%s–%s)" % (fmt_s(s["median"]), fmt_s(s["min"]),
                           fmt_s(s["max"]))


def fmt_lat(s):
    return "p50 %.3f / p99 %.3f / max %.3f ms" % (s["p50"], s["p99"], s["max"])


def fmt_kb(kb):
    return "%.1f MiB" % (kb / 1024.0)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def cmd_report(a):
    r = load_results(a.results)
    out = []
    p = out.append
    p("### lbbgpd run-time VIP benchmark (tests/bench/bench-vips.sh)")
    p("")
    p("- date: %s" % r.get("date", "?"))
    p("- machine: %s CPUs (nproc), %s, Linux %s" %
      (r.get("nproc", "?"), cpu_model(), platform.release()))
    p("- lbbgpd: %s; %s; %s" % (r.get("lbbgpd_version", "?"),
                                 r.get("bird_version", "?"),
                                 r.get("gobgp_version", "?")))
    p("- collector: one BIRD (AS 64512, import all, export none) on "
      "127.0.20.2; times are medians of %s runs (min–max), collector polled "
      "every %.0f ms" % (len(r.get("a_lb_announce", {}).get("runs", [])) or
                         "?", r.get("a_poll_ms", 0)))
    if r.get("binary_changed"):
        p("- **WARNING: the lbbgpd binary changed during the run (rebuilt by "
          "someone?): the numbers mix two versions**")
    p("")
    p("| # | benchmark | lbbgpd | reference, same run | lbbgpd / ref | "
      "target | met |")
    p("|---|---|---|---|---|---|---|")
    n = r.get("a_n", 0)
    how = ("1 `add`" if r.get("a_requests") == 1 else
           "%d `add`s of %d back to back" % (r.get("a_requests", 0),
                                             n // max(1, r.get("a_requests", 1))))
    for what, lb, bd in (("announce", "a_lb_announce", "a_bird_announce"),
                         ("withdraw", "a_lb_withdraw", "a_bird_withdraw")):
        if lb not in r or bd not in r:
            continue
        ratio = r[lb]["median"] / r[bd]["median"]
        label = ("%s %d /32 (%s), request → collector holds %s" %
                 (what, n, how if what == "announce" else
                  how.replace("add", "withdraw"),
                  "all" if what == "announce" else "none"))
        p("| a | %s | %s | BIRD static, `birdc %s`: %s | %.2fx | ≤ 2x | %s |" %
          (label, fmt_run(r[lb]), "enable" if what == "announce" else
           "disable", fmt_run(r[bd]), ratio, "yes" if ratio <= 2 else "**no**"))
    if r.get("a_one_refused"):
        p("| a | one `add` of all %d VIPs (%d bytes) | refused: "
          "`line-too-long` (limit 4 MiB) | – | – | one request | **no** |" %
          (n, r.get("a_one_line_bytes", 0)))
    if "a_nostate_announce" in r and "a_bird_announce" in r:
        ra = r["a_nostate_announce"]["median"] / r["a_bird_announce"]["median"]
        rw = r["a_nostate_withdraw"]["median"] / r["a_bird_withdraw"]["median"]
        p("| a | diagnosis: the same without `state-file`: announce / withdraw "
          "| %s / %s | BIRD as above | %.2fx / %.2fx | ≤ 2x | %s |" %
          (fmt_run(r["a_nostate_announce"]), fmt_run(r["a_nostate_withdraw"]),
           ra, rw, "yes" if max(ra, rw) <= 2 else "**no**"))
    if "a_lb_announce_reply" in r:
        p("| a | lbbgpd's reply to the last %s request (state file synced) | "
          "%s | – | – | – | – |" % ("add", fmt_run(r["a_lb_announce_reply"])))
    if "b_lb" in r:
        g = r.get("b_gobgp_grpc")
        ratio = ("%.2fx (p50)" % (r["b_lb"]["p50"] / g["p50"])) if g else "–"
        p("| b | one `add` → its UPDATE leaves lbbgpd (%d adds, idle session) "
          "| %s | GoBGP AddPath (gRPC request packet → UPDATE): %s | %s "
          "| p50 < 0.2 ms | %s |" %
          (r["b_lb"]["n"], fmt_lat(r["b_lb"]), fmt_lat(g) if g else "not run",
           ratio, "yes" if r["b_lb"]["p50"] < 0.2 else "**no**"))
    if "b_gobgp" in r:
        p("| b | `gobgp global rib add` CLI, process start → UPDATE | – | %s "
          "| – | – | – |" % fmt_lat(r["b_gobgp"]))
    if "b_lb_reply" in r:
        p("| b | one `add` → its reply (lbbgpd) | %s | – | – | – | – |" %
          fmt_lat(r["b_lb_reply"]))
    if "b_nostate" in r:
        p("| b | diagnosis: the same without `state-file` (no fsync) | %s | – "
          "| – | – | – |" % fmt_lat(r["b_nostate"]))
    if "c_last_reply_s" in r:
        p("| c | %d single-VIP `add`s pipelined on one connection: last reply "
          "| %s (%.0f req/s) | – | – | – | – |" %
          (r["c_n"], fmt_s(r["c_last_reply_s"]), r["c_rps"]))
        p("| c | … until the collector holds all %d | %s | – | – | – | – |" %
          (r["c_n"], fmt_s(r["c_bird_s"])))
    if "rss_a_hwm_kb" in r:
        p("| d | lbbgpd VmHWM after (a) (1 peer, %d VIPs added and withdrawn "
          "%s times) | %s | BIRD source VmHWM (%d static routes, 1 peer): %s "
          "| %.2fx | – | – |" %
          (n, len(r["a_lb_announce"]["runs"]), fmt_kb(r["rss_a_hwm_kb"]),
           n, fmt_kb(r.get("rss_birdsrc_hwm_kb", 0)),
           r["rss_a_hwm_kb"] / max(1, r.get("rss_birdsrc_hwm_kb", 1))))
    if "rss_a_nostate_hwm_kb" in r:
        p("| d | diagnosis: VmHWM after (a) without `state-file` | %s | – | – "
          "| – | – |" % fmt_kb(r["rss_a_nostate_hwm_kb"]))
    if "rss_d_hwm_kb" in r:
        hwm = r["rss_d_hwm_kb"]
        p("| d | lbbgpd VmHWM, %d VIPs announced to 2 peers (both hold all) | "
          "%s (VmRSS %s) | – | – | < 32 MiB | %s |" %
          (r.get("d_n", 0), fmt_kb(hwm), fmt_kb(r.get("rss_d_rss_kb", 0)),
           "yes" if hwm < 32 * 1024 else "**no**"))
    if "rss_r_hwm_kb" in r:
        hwm = r["rss_r_hwm_kb"]
        p("| d | the same lbbgpd restarted, %d VIPs from its state file: "
          "VmHWM (start → both collectors hold all: %s, session timers "
          "included) | %s (VmRSS %s) | – | – | < 32 MiB | %s |" %
          (r.get("d_n", 0), fmt_s(r.get("d_restart_s", 0)), fmt_kb(hwm),
           fmt_kb(r.get("rss_r_rss_kb", 0)),
           "yes" if hwm < 32 * 1024 else "**no**"))
    print("\n".join(out))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--results", required=True)
    ap.add_argument("--poll", type=float, default=0.005,
                    help="collector poll interval, seconds")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--settle", type=float, default=0.5)
    sub = ap.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("bulk-lbbgpd")
    s.add_argument("--ctl", required=True)
    s.add_argument("--bird", required=True)
    s.add_argument("--proto", default="lb")
    s.add_argument("--base", required=True)
    s.add_argument("--n", type=int, required=True)
    s.add_argument("--reps", type=int, default=3)
    s.add_argument("--owner", default="bench")
    s.add_argument("--key", default="a_lb", help="prefix of the results")
    s.set_defaults(fn=cmd_bulk_lbbgpd)

    s = sub.add_parser("bulk-bird")
    s.add_argument("--src-bird", required=True)
    s.add_argument("--bird", required=True)
    s.add_argument("--proto", required=True)
    s.add_argument("--static", required=True)
    s.add_argument("--n", type=int, required=True)
    s.add_argument("--reps", type=int, default=3)
    s.set_defaults(fn=cmd_bulk_bird)

    s = sub.add_parser("add-latency")
    s.add_argument("--ctl", required=True)
    s.add_argument("--base", required=True)
    s.add_argument("--n", type=int, default=200)
    s.add_argument("--gap", type=float, default=0.01)
    s.add_argument("--owner", default="latency")
    s.add_argument("--out", required=True)
    s.set_defaults(fn=cmd_add_latency)

    s = sub.add_parser("gobgp-latency")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--base", required=True)
    s.add_argument("--n", type=int, default=200)
    s.add_argument("--gap", type=float, default=0.01)
    s.add_argument("--nexthop", default="192.0.2.1")
    s.add_argument("--out", required=True)
    s.set_defaults(fn=cmd_gobgp_latency)

    s = sub.add_parser("match")
    s.add_argument("--pcap", required=True)
    s.add_argument("--sends", required=True)
    s.add_argument("--speaker", required=True)
    s.add_argument("--key", required=True)
    s.add_argument("--grpc-port", type=int, default=0)
    s.set_defaults(fn=cmd_match)

    s = sub.add_parser("pipeline")
    s.add_argument("--ctl", required=True)
    s.add_argument("--bird", required=True)
    s.add_argument("--proto", default="lb")
    s.add_argument("--base", required=True)
    s.add_argument("--n", type=int, required=True)
    s.add_argument("--owner", default="pipeline")
    s.set_defaults(fn=cmd_pipeline)

    s = sub.add_parser("add-wait")
    s.add_argument("--ctl", required=True)
    s.add_argument("--birds", nargs="+", required=True,
                   help="PROTO=SOCKET for each collector")
    s.add_argument("--base", required=True)
    s.add_argument("--n", type=int, required=True)
    s.add_argument("--owner", default="rss")
    s.add_argument("--key", required=True)
    s.set_defaults(fn=cmd_add_wait)

    s = sub.add_parser("wait-routes")
    s.add_argument("--birds", nargs="+", required=True,
                   help="PROTO=SOCKET for each collector")
    s.add_argument("--n", type=int, required=True)
    s.add_argument("--since-ns", type=int, required=True,
                   help="CLOCK_REALTIME ns of the start (time.time_ns())")
    s.add_argument("--key", required=True)
    s.set_defaults(fn=cmd_wait_routes)

    s = sub.add_parser("record")
    s.add_argument("pairs", nargs="+")
    s.set_defaults(fn=cmd_record)

    s = sub.add_parser("report")
    s.set_defaults(fn=cmd_report)

    a = ap.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
