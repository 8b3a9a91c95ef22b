#!/usr/bin/python3
"""bench_vips.py: the measuring half of tests/bench/bench-vips.sh.

bench-vips.sh starts and stops the routers; this file talks to them and
keeps the numbers.  Four announcers feed the same collector, a BIRD that
imports everything: lbbgpd, GoBGP, ExaBGP and BIRD itself.  Each
subcommand adds its results to a JSON file (--results); `report` turns that
file into one Markdown table, `spread` compares the results of several runs.

Subcommands:
  job       announce then withdraw N VIPs through one announcer, REPS times,
            timed until the collector holds all / none of them; the
            announcer's CPU time from /proc/PID/stat.  --how bulk (the
            announcer's batch form), each (one request per route, on one
            connection), cli (one CLI process per route)
  fill      announce N VIPs in bulk and wait until several collectors hold
            them all (peak RSS with two peers); no withdraw
  latency   N single adds on an idle session, 10 ms apart: send times
  match     pcap: the first UPDATE carrying each /32 -> latency statistics
  record    store KEY=VALUE pairs given by the shell (versions, RSS)
  report    print the Markdown table
  spread    the same rows over several results files: the median of each
            run, and the min-max over runs

Only /usr/bin/python3 and its standard library are used, plus Debian's
python3-grpcio for GoBGP's API when it is installed (the gobgp CLI has no
usable bulk path: see README.md).  The protobuf messages are encoded here
by hand.  Addresses are only ever the 127.0.20.0/24 loopback ones the script
passes in; VIPs are just BGP prefixes, nothing is sent to them.
"""
import argparse
import ipaddress
import json
import math
import os
import platform
import resource
import socket
import statistics
import struct
import subprocess
import sys
import threading
import time

CTL_MAX_LINE = 4 * 1024 * 1024  # docs/control-protocol.md
CLK_TCK = os.sysconf("SC_CLK_TCK")
WHO = ("lbbgpd", "gobgp", "exabgp", "bird")
NAMES = {"lbbgpd": "lbbgpd", "gobgp": "GoBGP", "exabgp": "ExaBGP",
         "bird": "BIRD"}


def now_mono():
    return time.perf_counter()


def now_real_ns():
    return time.clock_gettime_ns(time.CLOCK_REALTIME)


def log(msg):
    print("# " + msg, file=sys.stderr, flush=True)


def vip_list(base, n):
    b = int(ipaddress.IPv4Address(base))
    return [str(ipaddress.IPv4Address(b + i)) for i in range(n)]


def proc_cpu(pid):
    """utime + stime of a process (all its threads), seconds."""
    with open("/proc/%d/stat" % pid) as f:
        st = f.read()
    fields = st[st.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def children_cpu():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


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


class Timeout(Exception):
    pass


def wait_counts(birds, target, timeout, interval, alive=None):
    """Poll [(bird, proto)] until each holds target routes: the time of the
    poll that saw the last of them.  alive() raises when the sender failed."""
    end = now_mono() + timeout
    done = {}
    polls = 0
    while True:
        for i, (b, proto) in enumerate(birds):
            if i not in done and b.count(proto) == target:
                done[i] = now_mono()
        polls += 1
        if len(done) == len(birds):
            return max(done.values()), polls
        if alive:
            alive()
        if now_mono() > end:
            raise Timeout("collector: %s routes after %.0f s, wanted %d" %
                          ([b.count(p) for b, p in birds], timeout, target))
        time.sleep(interval)


# ---- lbbgpd ---------------------------------------------------------------------

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

    def wait_replies(self, n, timeout=900):
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


def batch_lines(cmd, vips, owner):
    """As few `vips` requests as fit under the 4 MiB line limit."""
    one = len(req_line({"cmd": cmd, "vips": vips, "owner": owner}))
    nreq = max(1, math.ceil(one / (CTL_MAX_LINE - 4096)))
    per = math.ceil(len(vips) / nreq)
    return [req_line({"cmd": cmd, "vips": vips[i:i + per], "owner": owner})
            for i in range(0, len(vips), per)]


class Lbbgpd:
    """bulk: one `add`/`withdraw` with a `vips` array; each: one request per
    VIP, written back to back on one connection (pipelined); cli: one
    `bgpctl add VIP` process per VIP."""
    how = {"bulk": "`add`/`withdraw` with a `vips` array",
           "each": "one `add`/`withdraw` request per VIP, pipelined on one "
                   "connection",
           "cli": "`bgpctl add VIP` / `bgpctl withdraw VIP`"}

    def __init__(self, a):
        self.a = a
        self.owner = "bench"

    def prepare(self, how, cmd, vips):
        if how == "bulk":
            return batch_lines(cmd, vips, self.owner)
        if how == "each":
            return [req_line({"cmd": cmd, "vip": v, "owner": self.owner})
                    for v in vips]
        return [[self.a.bgpctl, "-s", self.a.ctl, cmd, v, "owner",
                 self.owner] for v in vips]

    def send(self, how, cmd, payload):
        if how == "cli":
            for argv in payload:
                subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
            return
        c = Ctl(self.a.ctl)
        c.s.sendall(b"".join(payload))
        replies = c.wait_replies(len(payload))
        c.close()
        bad = [r for _, r in replies if not r.get("ok")]
        if len(replies) != len(payload) or bad:
            raise RuntimeError("lbbgpd: %d of %d replies, refused: %s" %
                               (len(replies), len(payload), bad[:1]))

    # (latency) one add, wait for its reply; the send time
    def single_open(self):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(self.a.ctl)
        self.f = self.s.makefile("rb")
        self.reply_ms = []

    def single(self, v):
        line = req_line({"cmd": "add", "vip": v, "owner": "latency"})
        t = now_real_ns()
        self.s.sendall(line)
        r = json.loads(self.f.readline())
        self.reply_ms.append((now_real_ns() - t) / 1e6)
        if not r.get("ok"):
            raise RuntimeError("add %s: %s" % (v, r))
        return t

    def single_close(self, vips):
        self.s.sendall(req_line({"cmd": "withdraw", "vips": vips,
                                 "owner": "latency"}))
        r = json.loads(self.f.readline())
        if not r.get("ok"):
            raise RuntimeError("withdraw: %s" % r)
        self.s.close()

    def cli_argv(self, v):
        return [self.a.bgpctl, "-s", self.a.ctl, "add", v, "owner",
                "latency"]


# ---- GoBGP ------------------------------------------------------------------------
# The gRPC messages of GoBGP 3.x (api/gobgp.proto, api/attribute.proto),
# encoded by hand: only the fields used here.

def pb_varint(n):
    out = bytearray()
    while True:
        b = n & 0x7f
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def pb_bytes(field, data):
    return pb_varint(field << 3 | 2) + pb_varint(len(data)) + data


def pb_uint(field, n):
    return pb_varint(field << 3) + pb_varint(n) if n else b""


def pb_any(type_name, value):
    return (pb_bytes(1, ("type.googleapis.com/apipb." + type_name).encode()) +
            pb_bytes(2, value))


PB_FAMILY_V4 = pb_uint(1, 1) + pb_uint(2, 1)  # Family{AFI_IP, SAFI_UNICAST}


def pb_path(vip, withdraw, nexthop):
    nlri = pb_uint(1, 32) + pb_bytes(2, vip.encode())  # IPAddressPrefix
    return (pb_bytes(1, pb_any("IPAddressPrefix", nlri)) +
            pb_bytes(2, pb_any("OriginAttribute", b"")) +  # IGP
            pb_bytes(2, pb_any("NextHopAttribute",
                               pb_bytes(1, nexthop.encode()))) +
            pb_uint(5, 1 if withdraw else 0) +  # is_withdraw
            pb_bytes(9, PB_FAMILY_V4))


class Gobgp:
    """bulk: AddPathStream, 1,000 paths a message (withdraw: the same paths
    with is_withdraw); each: one AddPath / DeletePath call per VIP, up to
    256 in flight; cli: one `gobgp global rib add` process per VIP."""
    how = {"bulk": "gRPC `AddPathStream`, 1,000 paths a message",
           "each": "gRPC `AddPath`/`DeletePath` per VIP, 256 in flight",
           "cli": "`gobgp global rib add` / `del` per VIP"}
    CHUNK = 1000
    WINDOW = 256

    def __init__(self, a):
        self.a = a
        self.ch = None

    def channel(self):
        if self.ch is None:
            import grpc  # Debian: python3-grpcio
            self.ch = grpc.insecure_channel("127.0.0.1:%d" % self.a.port)
            grpc.channel_ready_future(self.ch).result(timeout=10)
        return self.ch

    def prepare(self, how, cmd, vips):
        wd = cmd == "withdraw"
        if how == "cli":
            return [["gobgp", "-p", str(self.a.port), "global", "rib", "-a",
                     "ipv4", "del" if wd else "add", v + "/32"] +
                    ([] if wd else ["nexthop", self.a.nexthop])
                    for v in vips]
        paths = [pb_path(v, wd, self.a.nexthop) for v in vips]
        if how == "bulk":  # AddPathStreamRequest{table_type GLOBAL, paths}
            return [b"".join(pb_bytes(3, p) for p in paths[i:i + self.CHUNK])
                    for i in range(0, len(paths), self.CHUNK)]
        if wd:  # DeletePathRequest{family, path}
            return [pb_bytes(3, PB_FAMILY_V4) + pb_bytes(4, p) for p in paths]
        return [pb_bytes(3, p) for p in paths]  # AddPathRequest{path}

    def send(self, how, cmd, payload):
        if how == "cli":
            for argv in payload:
                subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
            return
        ch = self.channel()
        if how == "bulk":
            call = ch.stream_unary("/apipb.GobgpApi/AddPathStream")
            call(iter(payload), timeout=900)
            return
        call = ch.unary_unary("/apipb.GobgpApi/" +
                              ("DeletePath" if cmd == "withdraw"
                               else "AddPath"))
        inflight = []
        for req in payload:
            if len(inflight) >= self.WINDOW:
                inflight.pop(0).result()
            inflight.append(call.future(req, timeout=900))
        for fut in inflight:
            fut.result()

    # (latency) `gobgp global rib add`: its process start time, and on the
    # wire, its gRPC AddPath request
    def single_open(self):
        pass

    def cli_argv(self, v):
        return ["gobgp", "-p", str(self.a.port), "global", "rib", "-a",
                "ipv4", "add", v + "/32", "nexthop", self.a.nexthop]

    def single_close(self, vips):
        subprocess.run(["gobgp", "-p", str(self.a.port), "global", "rib",
                        "-a", "ipv4", "del", "all"], check=True,
                       stdout=subprocess.DEVNULL)


# ---- ExaBGP -----------------------------------------------------------------------

class Exabgp:
    """ExaBGP's process API: its `process` is `cat FIFO`, so what is written
    to the FIFO reaches ExaBGP's API pipe.  bulk: `announce attributes
    next-hop self nlri P P P ...` lines of up to --exa-chunk prefixes; each:
    one `announce route P next-hop self` line per VIP."""
    how = {"bulk": "`announce attributes next-hop self nlri P ...`",
           "each": "one `announce route P next-hop self` line per VIP"}

    def __init__(self, a):
        self.a = a

    def prepare(self, how, cmd, vips):
        cmd = "announce" if cmd == "add" else "withdraw"
        if how == "bulk":
            c = self.a.exa_chunk or len(vips)
            return [("%s attributes next-hop self nlri %s\n" %
                     (cmd, " ".join(v + "/32" for v in vips[i:i + c])))
                    .encode() for i in range(0, len(vips), c)]
        return [("%s route %s/32 next-hop self\n" % (cmd, v)).encode()
                for v in vips]

    def send(self, how, cmd, payload):
        fd = os.open(self.a.fifo, os.O_WRONLY)
        try:
            data = memoryview(b"".join(payload))
            while data:
                n = os.write(fd, data)
                data = data[n:]
        finally:
            os.close(fd)

    def single_open(self):
        self.fd = os.open(self.a.fifo, os.O_WRONLY)

    def single(self, v):
        line = ("announce route %s/32 next-hop self\n" % v).encode()
        t = now_real_ns()
        os.write(self.fd, line)
        return t

    def single_close(self, vips):
        self.send("bulk", "withdraw", self.prepare("bulk", "withdraw", vips))
        os.close(self.fd)

    def cli_argv(self, v):
        raise RuntimeError("ExaBGP: no CLI configured")


# ---- BIRD -----------------------------------------------------------------------

class BirdSrc:
    """bulk: the VIPs are the routes of a `protocol static` (disabled at
    start): `enable`/`disable` it on BIRD's control socket.  Single adds:
    one static protocol of one route per add."""
    how = {"bulk": "`protocol static`, `enable`/`disable` over birdc's socket"}

    def __init__(self, a):
        self.a = a
        self.b = Bird(a.src_bird)

    def prepare(self, how, cmd, vips):
        return "%s %s" % ("enable" if cmd == "add" else "disable",
                          self.a.static)

    def send(self, how, cmd, payload):
        r = self.b.cmd(payload)
        if not any(x.startswith("0000 ") or ": enabled" in x or
                   ": disabled" in x for x in r):
            raise RuntimeError("BIRD: %s: %s" % (payload, r))

    def single_open(self):
        self.names = []

    def single(self, v):
        self.names.append("lat%d" % len(self.names))
        cmd = ("enable %s\n" % self.names[-1]).encode()
        t = now_real_ns()
        self.b.s.sendall(cmd)
        self.b._reply()
        return t

    def cli_argv(self, v):
        self.names.append("latc%d" % len(self.names))
        return ["birdc", "-s", self.a.src_bird, "enable", self.names[-1]]

    def single_close(self, vips):
        for name in self.names:
            self.b.cmd("disable " + name)


def announcer(a):
    return {"lbbgpd": Lbbgpd, "gobgp": Gobgp, "exabgp": Exabgp,
            "bird": BirdSrc}[a.who](a)


# ---- jobs -------------------------------------------------------------------------

def phase(ann, a, birds, how, cmd, vips, target):
    """One announce or withdraw: (seconds, announcer CPU s, client CPU s)."""
    payload = ann.prepare(how, cmd, vips)
    err = []

    def run():
        try:
            ann.send(how, cmd, payload)
        except Exception as e:  # reported by alive() in the main thread
            err.append(e)

    def alive():
        if err:
            raise RuntimeError("%s %s: %s" % (a.who, cmd, err[0]))

    cpu0, kid0 = proc_cpu(a.pid), children_cpu()
    t0 = now_mono()
    th = threading.Thread(target=run, daemon=True)
    th.start()
    t1, polls = wait_counts(birds, target, a.timeout, a.poll, alive)
    th.join(a.timeout)
    alive()
    if th.is_alive():
        raise Timeout("%s %s: the request did not finish" % (a.who, cmd))
    return t1 - t0, proc_cpu(a.pid) - cpu0, children_cpu() - kid0


def cmd_job(a):
    ann = announcer(a)
    vips = vip_list(a.base, a.n)
    birds = [(Bird(a.bird), a.proto)]
    if birds[0][0].count(a.proto) != 0:
        raise RuntimeError("the collector holds routes from %s already" %
                           a.proto)
    r = {k: [] for k in ("announce", "withdraw", "cpu_announce",
                         "cpu_withdraw", "client_announce", "client_withdraw")}
    t_start = now_mono()
    for rep in range(a.reps):
        for cmd, what, target in (("add", "announce", a.n),
                                  ("withdraw", "withdraw", 0)):
            s, cpu, kid = phase(ann, a, birds, a.how, cmd, vips, target)
            r[what].append(s)
            r["cpu_" + what].append(cpu)
            r["client_" + what].append(kid)
            log("%s %s %s %d: %.3f s, CPU %.2f s (client %.2f s)" %
                (a.who, a.how, what, a.n, s, cpu, kid))
            time.sleep(a.settle)
        if rep + 1 < a.reps and now_mono() - t_start > a.budget:
            log("%s %s %d: %d runs (time budget %.0f s spent)" %
                (a.who, a.how, a.n, rep + 1, a.budget))
            break
    r["n"] = a.n
    r["how"] = ann.how[a.how]
    save_results(a.results, {"%s.%s.%d" % (a.who, a.how, a.n): r})


def cmd_fill(a):
    ann = announcer(a)
    vips = vip_list(a.base, a.n)
    birds = [(Bird(p.split("=", 1)[1]), p.split("=", 1)[0]) for p in a.birds]
    s, cpu, _ = phase(ann, a, birds, "bulk", "add", vips, a.n)
    log("%s: %d VIPs at %d collectors after %.3f s, CPU %.2f s" %
        (a.who, a.n, len(birds), s, cpu))
    save_results(a.results, {"fill.%s" % a.who: {"n": a.n, "s": s,
                                                  "peers": len(birds)}})


def cmd_latency(a):
    ann = announcer(a)
    vips = vip_list(a.base, a.n)
    ann.single_open()
    sends = []
    for v in vips:
        if a.cli:
            argv = ann.cli_argv(v)
            t = now_real_ns()
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
            sends.append([v, t])
        else:
            sends.append([v, ann.single(v)])
        time.sleep(a.gap)
    ann.single_close(vips)
    out = {"sends": sends}
    if getattr(ann, "reply_ms", None):
        out["reply_ms"] = ann.reply_ms
    with open(a.out, "w") as fo:
        json.dump(out, fo)


# ---- pcap: UPDATEs on the wire -------------------------------------------------------

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
            res[a.grpc_key] = lat_stats(g)
    save_results(a.results, res)
    log("%s: p50 %.3f ms, p99 %.3f ms, max %.3f ms, %d missing" %
        (a.key, res[a.key]["p50"], res[a.key]["p99"], res[a.key]["max"],
         len(missing)))
    if missing:
        raise RuntimeError("%s: no UPDATE for %d of the VIPs, e.g. %s" %
                           (a.key, len(missing), missing[0]))


def cmd_record(a):
    upd = {}
    for kv in a.pairs:
        k, _, v = kv.partition("=")
        try:
            upd[k] = json.loads(v)
        except ValueError:
            upd[k] = v
    save_results(a.results, upd)


# ---- report -------------------------------------------------------------------------

def fmt_s(x):
    if x < 0.9995:
        return "%.0f ms" % (x * 1000) if x >= 0.0995 else "%.1f ms" % (x * 1000)
    return "%.2f s" % x if x < 10 else "%.1f s" % x


def fmt_kb(kb):
    return "%.1f MiB" % (kb / 1024.0)


def fmt_ms(x):
    return "%.3f ms" % x if x < 10 else "%.1f ms" % x


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def med(v):
    return statistics.median(v)


def rows(r):
    """[(label, {who: (value, text)}, kind)]: value is what ratios use."""
    out = []
    ns = sorted({v["n"] for k, v in r.items() if k.count(".") == 2 and
                 isinstance(v, dict) and "n" in v})

    def job_row(label, how, n, field, fmt):
        cells = {}
        for w in WHO:
            j = r.get("%s.%s.%d" % (w, how, n))
            if not j or not j.get(field):
                continue
            v = j[field]
            m = med(v)
            txt = fmt(m)
            if len(v) > 1:
                txt += " (%s–%s, %d runs)" % (fmt(min(v)), fmt(max(v)), len(v))
            cells[w] = (m, txt)
        if cells:
            out.append((label, cells))

    for how, what in (("bulk", "bulk"), ("each", "one request per VIP")):
        for n in ns:
            for ph in ("announce", "withdraw"):
                job_row("%s %s VIPs, %s: request → collector holds %s" %
                        (ph, "{:,}".format(n), what,
                         "all" if ph == "announce" else "none"),
                        how, n, ph, fmt_s)
    for how, what in (("bulk", "bulk"), ("each", "one request per VIP")):
        for n in ns:
            for ph in ("announce", "withdraw"):
                job_row("CPU time of the announcer, %s %s VIPs, %s" %
                        (ph, "{:,}".format(n), what), how, n, "cpu_" + ph,
                        lambda x: "%.2f s" % x)
    cli_ns = sorted({r[k]["n"] for k in r if ".cli." in k})
    for n in cli_ns:
        for ph in ("announce", "withdraw"):
            job_row("%s %s VIPs, one CLI process per VIP" %
                    (ph, "{:,}".format(n)), "cli", n, ph, fmt_s)
    # latency
    for suffix, label in (
            ("", "single add, API: request → its UPDATE on the wire "
                 "(p50 / p99)"),
            ("_cli", "single add, CLI: process start → its UPDATE on the "
                     "wire (p50 / p99)"),
            ("_reply", "single add, API: request → its reply (lbbgpd: after "
                       "the state file's fdatasync)")):
        cells = {}
        for w in WHO:
            s = r.get("lat." + w + suffix)
            if s:
                cells[w] = (s["p50"], "p50 %s / p99 %s" %
                            (fmt_ms(s["p50"]), fmt_ms(s["p99"])))
        if cells:
            out.append((label, cells))
    for n in ns:
        cells = {}
        for w in WHO:
            kb = r.get("rss.%s.%d" % (w, n))
            if kb:
                cells[w] = (kb, fmt_kb(kb))
        if cells:
            out.append(("peak RSS (VmHWM) of the announcer after the %s-VIP "
                        "jobs, 1 peer" % "{:,}".format(n), cells))
    cells = {}
    for w in WHO:
        kb = r.get("rss2.%s" % w)
        f = r.get("fill.%s" % w)
        if kb and f:
            cells[w] = (kb, "%s (filled in %s)" % (fmt_kb(kb), fmt_s(f["s"])))
    if cells:
        n2 = max(r["fill." + w]["n"] for w in WHO if "fill." + w in r)
        out.append(("peak RSS (VmHWM), %s VIPs announced to 2 peers (fresh "
                    "process)" % "{:,}".format(n2), cells))
    return out


def label_how(r):
    """Which form each announcer used, per job kind."""
    out = []
    for how, what in (("bulk", "bulk"), ("each", "one request per VIP"),
                      ("cli", "one CLI process per VIP")):
        forms = {}
        for k, v in r.items():
            parts = k.split(".")
            if len(parts) == 3 and parts[1] == how and isinstance(v, dict):
                forms[parts[0]] = v.get("how", "?")
        if forms:
            out.append("- %s: %s" % (what, "; ".join(
                "%s %s" % (NAMES[w], forms[w]) for w in WHO if w in forms)))
    return out


def table(r, present):
    out = ["| job | " + " | ".join(NAMES[w] for w in present) + " |",
           "|---" * (len(present) + 1) + "|"]
    for label, cells in rows(r):
        lb = cells.get("lbbgpd")
        line = "| " + label + " |"
        for w in present:
            c = cells.get(w)
            if not c:
                line += " – |"
            elif w == "lbbgpd" or not lb or not lb[0]:
                line += " %s |" % c[1]
            else:
                line += " %s **%.1fx** |" % (c[1], c[0] / lb[0])
        out.append(line)
    return out


def targets(r):
    """The issue's targets: [(text, value text, met)]."""
    out = []
    nmax = max([v["n"] for k, v in r.items() if k.startswith("lbbgpd.bulk.")]
               or [0])
    lb = r.get("lbbgpd.bulk.%d" % nmax)
    if lb:
        la = med(lb["announce"])
        for w, bound in (("gobgp", 10), ("exabgp", 10)):
            best = None
            for how in ("bulk", "each"):
                j = r.get("%s.%s.%d" % (w, how, nmax))
                if j:
                    m = med(j["announce"])
                    best = m if best is None else min(best, m)
            if best is not None:
                out.append(("lbbgpd ≥ %dx faster than %s announcing %s VIPs "
                            "(its fastest form)" % (bound, NAMES[w],
                                                    "{:,}".format(nmax)),
                            "%.1fx" % (best / la), best / la >= bound))
        b = r.get("bird.bulk.%d" % nmax)
        if b:
            for ph in ("announce", "withdraw"):
                x = med(lb[ph]) / med(b[ph])
                out.append(("lbbgpd within 2x of BIRD's static %s, %s VIPs" %
                            (ph, "{:,}".format(nmax)), "%.2fx" % x, x <= 2))
    s = r.get("lat.lbbgpd")
    if s:
        out.append(("single add → UPDATE p50 < 0.2 ms", fmt_ms(s["p50"]),
                    s["p50"] < 0.2))
    kb = r.get("rss2.lbbgpd")
    if kb and "fill.lbbgpd" in r:
        out.append(("peak RSS < 32 MiB, %s VIPs × 2 peers" %
                    "{:,}".format(r["fill.lbbgpd"]["n"]), fmt_kb(kb),
                    kb < 32 * 1024))
    return out


def cmd_report(a):
    r = load_results(a.results)
    if a.require and not cmd_require(r, a.require):
        sys.exit(1)
    present = [w for w in WHO if any(k.startswith(w + ".") or
                                     k == "lat." + w for k in r)]
    p = []
    p.append("- date: %s" % r.get("date", "?"))
    p.append("- machine: %s CPUs (nproc), %s, Linux %s" %
             (r.get("nproc", "?"), cpu_model(), platform.release()))
    p.append("- load average at the start: %s" % r.get("loadavg", "?"))
    for k in ("lbbgpd_version", "bird_version", "gobgp_version",
              "exabgp_version"):
        if k in r:
            p.append("- %s" % r[k])
    p.append("- collector: one BIRD (AS 64512, import all, export none) on "
             "127.0.20.2, polled every %.0f ms; times are medians "
             "(min–max over the runs); **Nx** = that announcer's value over "
             "lbbgpd's" % r.get("poll_ms", 5))
    p.extend(label_how(r))
    p.append("- single add, API: lbbgpd an `add` request on its control "
             "socket; GoBGP the packet carrying the gRPC `AddPath` request "
             "(sent by `gobgp global rib add`); ExaBGP an `announce route` "
             "line written to its API pipe; BIRD `enable` of a one-route "
             "`protocol static` on its control socket.  CLI: `bgpctl add`, "
             "`gobgp global rib add`, `birdc enable`; ExaBGP's CLI needs "
             "named pipes in /run and was left out")
    if r.get("binary_changed"):
        p.append("- **WARNING: the lbbgpd binary changed during the run: the "
                 "numbers mix two versions**")
    for k in sorted(r):
        if k.startswith("note."):
            p.append("- %s" % r[k])
    p.append("")
    p.extend(table(r, present))
    p.append("")
    t = targets(r)
    if t:
        p.append("| target | lbbgpd | met |")
        p.append("|---|---|---|")
        for text, val, met in t:
            p.append("| %s | %s | %s |" % (text, val, "yes" if met else
                                            "**no**"))
    print("\n".join(p))


def cmd_require(r, who):
    """Smoke test: every row has a value for every announcer that has that
    job (BIRD: no per-VIP API and no CLI job; ExaBGP: no CLI)."""
    missing = []
    for label, cells in rows(r):
        for w in who:
            if w == "bird" and ("one request per VIP" in label or
                                "CLI process per VIP" in label):
                continue
            if w == "exabgp" and ("CLI" in label):
                continue
            if "its reply" in label and w != "lbbgpd":
                continue
            if w not in cells:
                missing.append("%s: %s" % (NAMES[w], label))
    want = ["%s.bulk." % w for w in who] + ["rss2.%s" % w for w in who] + \
        ["lat.%s" % w for w in who]
    for k in want:
        if not any(x.startswith(k) for x in r):
            missing.append("no results %s*" % k)
    for m in missing:
        log("missing: " + m)
    return not missing


def cmd_spread(a):
    """One line per row of the table: each run's value, and the ratios."""
    runs = [load_results(f) for f in a.files]
    present = [w for w in WHO if any(k.startswith(w + ".") for r in runs
                                     for k in r)]
    by = []
    for r in runs:
        by.append({label: cells for label, cells in rows(r)})
    labels = [label for label, _ in rows(runs[0])]
    out = ["| job (value in each of %d runs) | " % len(runs) +
           " | ".join(NAMES[w] for w in present) + " |",
           "|---" * (len(present) + 1) + "|"]
    for label in labels:
        line = "| " + label + " |"
        for w in present:
            vals, ratios = [], []
            for b in by:
                c = b.get(label, {}).get(w)
                lb = b.get(label, {}).get("lbbgpd")
                if c:
                    vals.append(c[0])
                    if w != "lbbgpd" and lb and lb[0]:
                        ratios.append(c[0] / lb[0])
            if not vals:
                line += " – |"
                continue
            f = (fmt_kb if "RSS" in label else fmt_ms if "single add" in label
                 else (lambda x: "%.2f s" % x) if "CPU" in label else fmt_s)
            txt = " / ".join(f(v) for v in vals)
            if ratios:
                txt += " (%s)" % " / ".join("%.1fx" % x for x in ratios)
            line += " %s |" % txt
        out.append(line)
    t_all = [targets(r) for r in runs]
    if t_all and t_all[0]:
        out.append("")
        out.append("| target | lbbgpd, each run | met in all |")
        out.append("|---|---|---|")
        for i, (text, _, _) in enumerate(t_all[0]):
            vals = [t[i][1] for t in t_all if i < len(t)]
            met = all(t[i][2] for t in t_all if i < len(t))
            out.append("| %s | %s | %s |" % (text, " / ".join(vals),
                                             "yes" if met else "**no**"))
    print("\n".join(out))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--results", required=True)
    ap.add_argument("--poll", type=float, default=0.005,
                    help="collector poll interval, seconds")
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--settle", type=float, default=0.3)
    sub = ap.add_subparsers(dest="cmd", required=True)

    def announcer_args(s):
        s.add_argument("--who", choices=WHO, required=True)
        s.add_argument("--pid", type=int, required=True,
                       help="the announcer's process (CPU time)")
        s.add_argument("--base", default="10.0.0.0")
        s.add_argument("--n", type=int, required=True)
        s.add_argument("--ctl", help="lbbgpd's control socket")
        s.add_argument("--bgpctl", default="bgpctl")
        s.add_argument("--port", type=int, help="GoBGP's API port")
        s.add_argument("--nexthop", default="192.0.2.1")
        s.add_argument("--fifo", help="the FIFO ExaBGP's process reads")
        s.add_argument("--exa-chunk", type=int, default=0,
                       help="prefixes per ExaBGP bulk line (0: all)")
        s.add_argument("--src-bird", help="the BIRD announcer's socket")
        s.add_argument("--static", help="its protocol static for N")

    s = sub.add_parser("job")
    announcer_args(s)
    s.add_argument("--how", choices=("bulk", "each", "cli"), required=True)
    s.add_argument("--bird", required=True, help="the collector's socket")
    s.add_argument("--proto", required=True, help="its protocol for WHO")
    s.add_argument("--reps", type=int, default=5)
    s.add_argument("--budget", type=float, default=60,
                   help="no new run after this many seconds")
    s.set_defaults(fn=cmd_job)

    s = sub.add_parser("fill")
    announcer_args(s)
    s.add_argument("--birds", nargs="+", required=True,
                   help="PROTO=SOCKET for each collector")
    s.set_defaults(fn=cmd_fill)

    s = sub.add_parser("latency")
    announcer_args(s)
    s.add_argument("--gap", type=float, default=0.01)
    s.add_argument("--cli", action="store_true",
                   help="one CLI process per add (bgpctl, gobgp, birdc)")
    s.add_argument("--out", required=True)
    s.set_defaults(fn=cmd_latency)

    s = sub.add_parser("match")
    s.add_argument("--pcap", required=True)
    s.add_argument("--sends", required=True)
    s.add_argument("--speaker", required=True)
    s.add_argument("--key", required=True)
    s.add_argument("--grpc-port", type=int, default=0)
    s.add_argument("--grpc-key", help="where the gRPC request → UPDATE "
                   "statistics go")
    s.set_defaults(fn=cmd_match)

    s = sub.add_parser("record")
    s.add_argument("pairs", nargs="+")
    s.set_defaults(fn=cmd_record)

    s = sub.add_parser("report")
    s.add_argument("--require", nargs="+", choices=WHO,
                   help="fail unless every job has results for these")
    s.set_defaults(fn=cmd_report)

    s = sub.add_parser("spread")
    s.add_argument("files", nargs="+")
    s.set_defaults(fn=cmd_spread)

    a = ap.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
