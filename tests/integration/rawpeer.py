#!/usr/bin/python3
"""rawpeer.py: a scripted BGP-4 speaker for lbbgp's adversarial tests.

It talks to lbbgpd over loopback only: it connects from --local to
--remote (or, with --listen, accepts lbbgpd's connection on --local),
completes the handshake (OPEN, KEEPALIVE, then lbbgpd's initial table up to
End-of-RIB), sends what the scenario says, and watches how lbbgpd reacts.
It prints exactly one JSON line with the outcome on stdout:

  {"case": NAME, "outcome": "notification" | "up" | "closed" | "reset" |
   "silent" | "error", "phase": ..., "code": C, "subcode": S, "data": HEX,
   "closed": true, "established": true, "received": {"open": 1, ...}, ...}

"notification": lbbgpd sent a NOTIFICATION (decoded; "closed" says whether
it then closed the connection); "up": the session stayed up and lbbgpd
answered the probe; "closed"/"reset": it closed without a NOTIFICATION;
"silent": nothing came back before the timeout (connection still open).

Modes (--mode):
  scenario  (default) the handshake up to --at, then every --send SPEC in
            order, then a probe: ROUTE-REFRESH when negotiated (lbbgpd
            processes it after everything sent before, and answers with its
            routes: proof that it read our messages and kept the session),
            else a KEEPALIVE (any message back counts).
  stall     handshake, then never read again while sending a KEEPALIVE every
            second (RFC 9687 send hold timer); at the end read what is left.
  silent    open the TCP connection and never send a byte.

--at: where the SPECs go: connect (right after the TCP connect), opensent
(after lbbgpd's OPEN, instead of ours), openconfirm (after both OPENs,
instead of our KEEPALIVE), established (default, after End-of-RIB).

SPEC (--send, repeatable), KIND[:key=value,...]; lists use '+':
  keepalive
  raw:hex=HEX                        bytes as given
  msg:type=N[,body=HEX][,len=N][,marker=HEX]   header with computed or given
                                     length (and marker) + body
  update:[attrs=HEX][,nlri=P+P][,wd=P+P][,nlrihex=HEX][,wdhex=HEX]
         [,mp6=P+P][,mp6nh=ADDR][,unreach6=P+P][,mplast=1][,wdlen=N][,alen=N]
         [,fill=N]                   an UPDATE; MP_REACH/MP_UNREACH first
                                     (RFC 7606 5.1) unless mplast=1; fill=N
                                     appends N /24s from 100.65.0.0 on
  refresh:[afi=1][,safi=1][,sub=0][,extra=HEX]
  open:[OPEN overrides, as for --open]
  sleep:s=SECONDS

--open overrides our OPEN: version=N, myas=N (the 2-octet field), as4=N
(the 4-octet AS capability), hold=N, id=A.B.C.D, caps=mp4+mp6+as4+rr+ext
(or none), opt=HEX (all optional parameters, as given), addopt=HEX
(appended), optlen=N, len=N, body=HEX (the whole body).

Standard library only; run with /usr/bin/python3.  Stops only itself.
"""
import argparse
import json
import os
import select
import socket
import struct
import sys
import time

MARKER = b"\xff" * 16
OPEN, UPDATE, NOTIFICATION, KEEPALIVE, REFRESH = 1, 2, 3, 4, 5
TYPE_NAMES = {OPEN: "open", UPDATE: "update", NOTIFICATION: "notification",
              KEEPALIVE: "keepalive", REFRESH: "route-refresh"}


class PeerClosed(Exception):
    """lbbgpd closed the connection (EOF)."""


class PeerReset(Exception):
    """The connection was reset."""


class Timeout(Exception):
    pass


class Failure(Exception):
    """Something went wrong on our side, or lbbgpd sent garbage."""


# ---- encoding --------------------------------------------------------------

def unhex(s):
    return bytes.fromhex(s.replace(" ", "").replace("_", ""))


def msg(mtype, body=b"", length=None, marker=MARKER):
    if length is None:
        length = 19 + len(body)
    return marker + struct.pack("!HB", length, mtype) + body


def prefix_bytes(text):
    addr, _, plen = text.partition("/")
    plen = int(plen)
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    raw = socket.inet_pton(fam, addr)
    return bytes([plen]) + raw[:(plen + 7) // 8]


def prefix_list(text):
    return b"".join(prefix_bytes(p) for p in text.split("+") if p)


def attr(flags, code, value):
    if len(value) > 255:
        return struct.pack("!BBH", flags | 0x10, code, len(value)) + value
    return struct.pack("!BBB", flags, code, len(value)) + value


def mp_reach6(nh, nlri):
    nhb = socket.inet_pton(socket.AF_INET6, nh)
    return attr(0x80, 14, struct.pack("!HBB", 2, 1, len(nhb)) + nhb +
                b"\x00" + nlri)


def mp_unreach6(nlri):
    return attr(0x80, 15, struct.pack("!HB", 2, 1) + nlri)


def parse_kv(text):
    kv = {}
    for part in text.split(","):
        if not part:
            continue
        k, sep, v = part.partition("=")
        if not sep:
            raise Failure("bad key=value: %r" % part)
        kv[k] = v
    return kv


def build_update(kv):
    wd = unhex(kv["wdhex"]) if "wdhex" in kv else prefix_list(kv.get("wd", ""))
    mp = b""
    if "mp6" in kv:
        mp += mp_reach6(kv.get("mp6nh", "2001:db8::1"), prefix_list(kv["mp6"]))
    if "unreach6" in kv:
        mp += mp_unreach6(prefix_list(kv["unreach6"]))
    attrs = unhex(kv.get("attrs", ""))
    attrs = attrs + mp if kv.get("mplast") == "1" else mp + attrs
    nlri = unhex(kv["nlrihex"]) if "nlrihex" in kv else \
        prefix_list(kv.get("nlri", ""))
    for k in range(int(kv.get("fill", 0))):
        # fill=N: N more /24s from 100.65.0.0/24 on, to make it long.
        nlri += bytes([24, 100, 65 + (k >> 8), k & 0xff])
    wdlen = int(kv["wdlen"]) if "wdlen" in kv else len(wd)
    alen = int(kv["alen"]) if "alen" in kv else len(attrs)
    body = struct.pack("!H", wdlen) + wd + struct.pack("!H", alen) + attrs + nlri
    return msg(UPDATE, body)


def caps_bytes(caps, asn):
    out = b""
    for c in caps:
        if c == "mp4":
            out += unhex("01 04 0001 00 01")
        elif c == "mp6":
            out += unhex("01 04 0002 00 01")
        elif c == "as4":
            out += b"\x41\x04" + struct.pack("!I", asn)
        elif c == "rr":
            out += unhex("02 00")
        elif c == "ext":
            out += unhex("06 00")
        elif c not in ("", "none"):
            raise Failure("unknown capability %r" % c)
    return out


def build_open(args, over):
    """Our OPEN: --as/--hold/--id/--caps, then the key=value overrides."""
    if "body" in over:
        return msg(OPEN, unhex(over["body"]),
                   int(over["len"]) if "len" in over else None)
    asn = int(over.get("as4", args.asn))
    myas = int(over.get("myas", asn if asn <= 0xffff else 23456))
    caps = over.get("caps", args.caps).replace(",", "+").split("+")
    if "opt" in over:
        opt = unhex(over["opt"])
    else:
        cb = caps_bytes(caps, asn)
        opt = b"\x02" + bytes([len(cb)]) + cb if cb else b""
    opt += unhex(over.get("addopt", ""))
    optlen = int(over.get("optlen", len(opt)))
    body = struct.pack("!BHH4sB", int(over.get("version", 4)), myas,
                       int(over.get("hold", args.hold)),
                       socket.inet_aton(over.get("id", args.id)), optlen) + opt
    return msg(OPEN, body, int(over["len"]) if "len" in over else None)


def build_spec(spec, args):
    kind, _, rest = spec.partition(":")
    kv = parse_kv(rest)
    if kind == "keepalive":
        return msg(KEEPALIVE)
    if kind == "raw":
        return unhex(kv["hex"])
    if kind == "msg":
        body = unhex(kv.get("body", ""))
        return msg(int(kv["type"]), body,
                   int(kv["len"]) if "len" in kv else None,
                   unhex(kv["marker"]) if "marker" in kv else MARKER)
    if kind == "update":
        return build_update(kv)
    if kind == "refresh":
        body = struct.pack("!HBB", int(kv.get("afi", 1)), int(kv.get("sub", 0)),
                           int(kv.get("safi", 1))) + unhex(kv.get("extra", ""))
        return msg(REFRESH, body)
    if kind == "open":
        return build_open(args, kv)
    if kind == "sleep":
        return float(kv["s"])
    raise Failure("unknown spec kind %r" % kind)


# ---- the connection --------------------------------------------------------

class Conn:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.received = {}
        self.prefixes = 0          # IPv4 + MP_REACH prefixes lbbgpd announced
        self.eor = set()           # AFIs whose End-of-RIB arrived
        self.notification = None
        self.write_error = None
        self.paths = {}            # first AS_PATH / AS4_PATH seen, as hex

    def send(self, data):
        try:
            self.sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError) as e:
            self.write_error = e.__class__.__name__
            raise PeerReset() from e

    def recv_msg(self, deadline):
        """The next whole message (type, body) before deadline."""
        while True:
            if len(self.buf) >= 19:
                if self.buf[:16] != MARKER:
                    raise Failure("lbbgpd sent a bad marker")
                length, mtype = struct.unpack("!HB", self.buf[16:19])
                if length < 19:
                    raise Failure("lbbgpd sent length %d" % length)
                if len(self.buf) >= length:
                    body = self.buf[19:length]
                    self.buf = self.buf[length:]
                    self.account(mtype, body)
                    return mtype, body
            left = deadline - time.monotonic()
            if left <= 0:
                raise Timeout()
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                raise Timeout()
            try:
                data = self.sock.recv(65536)
            except ConnectionResetError as e:
                raise PeerReset() from e
            if not data:
                raise PeerClosed()
            self.buf += data

    def account(self, mtype, body):
        name = TYPE_NAMES.get(mtype, str(mtype))
        self.received[name] = self.received.get(name, 0) + 1
        if mtype == NOTIFICATION and len(body) >= 2:
            self.notification = (body[0], body[1], body[2:])
        elif mtype == UPDATE:
            self.count_update(body)

    def count_update(self, body):
        try:
            wlen = struct.unpack("!H", body[:2])[0]
            alen = struct.unpack("!H", body[2 + wlen:4 + wlen])[0]
            attrs = body[4 + wlen:4 + wlen + alen]
            nlri = body[4 + wlen + alen:]
        except struct.error:
            return
        if wlen == 0 and alen == 0 and not nlri:
            self.eor.add(1)
        self.prefixes += count_prefixes(nlri)
        i = 0
        while i + 3 <= len(attrs):
            flags, code = attrs[i], attrs[i + 1]
            if flags & 0x10:
                vlen = struct.unpack("!H", attrs[i + 2:i + 4])[0]
                i += 4
            else:
                vlen = attrs[i + 2]
                i += 3
            val = attrs[i:i + vlen]
            i += vlen
            if code == 14 and len(val) >= 5:
                nhl = val[3]
                self.prefixes += count_prefixes(val[5 + nhl:])
            elif code in (2, 17):
                self.paths.setdefault("as_path" if code == 2 else
                                      "as4_path", val.hex())
            elif code == 15 and len(val) == 3 and alen == 3 + 3 and \
                    wlen == 0 and not nlri:
                self.eor.add(struct.unpack("!H", val[:2])[0])


def count_prefixes(nlri):
    n = i = 0
    while i < len(nlri):
        i += 1 + (nlri[i] + 7) // 8
        n += 1
    return n


class Peer:
    def __init__(self, args):
        self.args = args
        self.conn = None
        self.out = {"case": args.name, "outcome": "error", "phase": "connect",
                    "established": False}
        self.caps = args.caps.split("+")
        self.t0 = time.monotonic()
        self.printed = False

    # -- connection setup --

    def connect(self):
        a = self.args
        if a.listen:
            ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            ls.bind((a.local, a.port))
            ls.listen(1)
            ls.settimeout(a.connect_timeout)
            try:
                while True:
                    s, peer = ls.accept()
                    if peer[0] == a.remote:
                        break
                    s.close()
            except socket.timeout:
                raise Failure("lbbgpd did not connect within %ss" %
                              a.connect_timeout)
            finally:
                ls.close()
        else:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            if a.rcvbuf:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, a.rcvbuf)
            if a.mss:
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, a.mss)
            s.bind((a.local, 0))
            s.settimeout(a.connect_timeout)
            try:
                s.connect((a.remote, a.port))
            except OSError as e:
                raise Failure("connect to %s:%d from %s: %s" %
                              (a.remote, a.port, a.local, e))
        s.setblocking(True)
        s.settimeout(None)
        self.conn = Conn(s)

    def expect(self, want, timeout=5.0):
        """Read the next message; it must be of type want."""
        mtype, body = self.conn.recv_msg(time.monotonic() + timeout)
        if mtype == NOTIFICATION:
            raise GotNotification()
        if mtype != want:
            raise Failure("expected %s, got %s" % (
                TYPE_NAMES[want], TYPE_NAMES.get(mtype, mtype)))
        return body

    def handshake(self, at):
        """Up to the point where the scenario's messages go."""
        c, a = self.conn, self.args
        if at == "connect":
            return
        self.out["phase"] = "open"
        if at == "opensent":
            self.expect(OPEN)
            self.out["phase"] = "opensent"
            return
        c.send(build_open(a, parse_kv(a.open)))
        self.expect(OPEN)
        self.expect(KEEPALIVE)
        if at == "openconfirm":
            self.out["phase"] = "openconfirm"
            return
        c.send(msg(KEEPALIVE))
        self.out["phase"] = "established"
        self.out["established"] = True
        # lbbgpd's initial table ends with End-of-RIB for each family.
        want = {1} if "mp4" in self.caps or "mp6" not in self.caps else set()
        if "mp6" in self.caps:
            want.add(2)
        deadline = time.monotonic() + a.eor_timeout
        try:
            while not want <= c.eor:
                mtype, _ = c.recv_msg(deadline)
                if mtype == NOTIFICATION:
                    raise GotNotification()
        except Timeout:
            pass
        self.out["eor"] = sorted(c.eor)

    def send_specs(self):
        for spec in self.args.send:
            data = build_spec(spec, self.args)
            if isinstance(data, float):
                time.sleep(data)
            else:
                self.conn.send(data)

    # -- watching --

    def observe(self):
        """After the scenario: did lbbgpd send a NOTIFICATION, close, or
        keep the session and answer the probe?"""
        c, a = self.conn, self.args
        probe = a.probe
        if probe == "auto":
            if self.out["phase"] != "established":
                probe = "none"
            elif "rr" in self.caps:
                probe = "refresh"
            else:
                probe = "keepalive"
        want = ()
        if probe == "refresh":
            c.send(msg(REFRESH, struct.pack("!HBB", 1, 0, 1)))
            want = (UPDATE,)
        elif probe == "keepalive":
            c.send(msg(KEEPALIVE))
            want = (KEEPALIVE, UPDATE)
        self.out["probe"] = probe
        got = any_msg = False
        deadline = time.monotonic() + a.timeout
        try:
            while True:
                mtype, _ = c.recv_msg(deadline)
                any_msg = True
                if mtype == NOTIFICATION:
                    raise GotNotification()
                if mtype in want and not got:
                    got = True
                    # A NOTIFICATION right behind the answer still counts.
                    deadline = min(deadline, time.monotonic() + a.grace)
        except Timeout:
            pass
        if probe == "none":
            got = any_msg
        self.out["outcome"] = "up" if got else "silent"

    def notified(self):
        code, sub, data = self.conn.notification
        self.out.update(outcome="notification", code=code, subcode=sub,
                        data=data.hex())
        # RFC 4271 §6: after a NOTIFICATION the connection is closed.
        try:
            deadline = time.monotonic() + 3
            while True:
                self.conn.recv_msg(deadline)
        except (PeerClosed, PeerReset):
            self.out["closed"] = True
        except Timeout:
            self.out["closed"] = False
        except Failure:
            self.out["closed"] = False

    # -- after the outcome --

    def linger(self):
        """Keep an Established session up (answering with KEEPALIVEs) until
        --linger-file exists, so the test can look at lbbgpd meanwhile."""
        a, c = self.args, self.conn
        if a.linger_file:
            end = time.monotonic() + a.linger_max
            next_ka = 0.0
            try:
                while time.monotonic() < end and not os.path.exists(a.linger_file):
                    now = time.monotonic()
                    if now >= next_ka and self.out.get("established"):
                        c.send(msg(KEEPALIVE))
                        next_ka = now + 1.0
                    try:
                        mtype, _ = c.recv_msg(time.monotonic() + 0.1)
                        if mtype == NOTIFICATION:
                            sys.stderr.write("rawpeer %s: NOTIFICATION %d/%d while "
                                             "lingering\n" % ((a.name,) +
                                                              c.notification[:2]))
                            return
                    except Timeout:
                        pass
            except (PeerClosed, PeerReset):
                sys.stderr.write("rawpeer %s: closed while lingering\n" % a.name)
                return
        self.goodbye()

    def goodbye(self):
        """Cease/Administrative Shutdown (RFC 4486), then close."""
        try:
            self.conn.send(msg(NOTIFICATION, b"\x06\x02"))
            self.conn.sock.shutdown(socket.SHUT_WR)
        except (PeerReset, OSError):
            pass

    # -- modes --

    def run_scenario(self):
        self.connect()
        try:
            self.handshake(self.args.at)
            self.send_specs()
            self.observe()
        except GotNotification:
            self.notified()
            return
        except PeerClosed:
            self.out["outcome"] = "closed"
            return
        except PeerReset:
            self.out["outcome"] = "reset"
            return
        self.finish()
        if self.out["outcome"] in ("up", "silent"):
            self.linger()

    def run_stall(self):
        a = self.args
        self.connect()
        c = self.conn
        try:
            self.handshake("established")
        except GotNotification:
            self.notified()
            return
        except (PeerClosed, PeerReset):
            self.out["outcome"] = "closed"
            return
        self.out["phase"] = "stall"
        start = time.monotonic()
        end = start + a.stall_max
        # Never read: lbbgpd's queue to us only grows.  KEEPALIVEs keep its
        # hold timer happy, so only the send hold timer can end this.
        while time.monotonic() < end:
            if a.until_file and os.path.exists(a.until_file):
                break
            if c.write_error is None:
                try:
                    c.send(msg(KEEPALIVE))
                except PeerReset:
                    self.out["write_error_after"] = round(
                        time.monotonic() - start, 1)
            time.sleep(1.0)
        self.out["stalled"] = round(time.monotonic() - start, 1)
        self.out["write_error"] = c.write_error
        self.drain()

    def drain(self):
        """Read what is left; how did it end?  Still up: 3 s without an
        UPDATE (lbbgpd's KEEPALIVEs do not count), or 15 s in all."""
        c = self.conn
        before = c.prefixes
        end = time.monotonic() + 15
        quiet = time.monotonic() + 3
        try:
            while True:
                mtype, _ = c.recv_msg(min(end, quiet))
                if mtype == NOTIFICATION:
                    break
                if mtype == UPDATE:
                    quiet = time.monotonic() + 3
        except PeerClosed:
            self.out["outcome"] = "closed"
        except PeerReset:
            self.out["outcome"] = "reset"
        except Timeout:
            self.out["outcome"] = "up"
        self.out["drained_prefixes"] = c.prefixes - before
        if c.notification:
            self.notified()

    def run_silent(self):
        a = self.args
        self.connect()
        c = self.conn
        self.out["phase"] = "silent"
        end = time.monotonic() + a.stall_max
        self.out["outcome"] = "silent"
        try:
            while time.monotonic() < end:
                if a.until_file and os.path.exists(a.until_file):
                    break
                try:
                    mtype, _ = c.recv_msg(time.monotonic() + 0.2)
                except Timeout:
                    continue
                if mtype == NOTIFICATION:
                    self.notified()
                    return
        except PeerClosed:
            self.out["outcome"] = "closed"
        except PeerReset:
            self.out["outcome"] = "reset"

    def finish(self):
        c = self.conn
        self.out["received"] = c.received if c else {}
        if c:
            self.out["prefixes"] = c.prefixes
            self.out.update(c.paths)
        self.out["elapsed"] = round(time.monotonic() - self.t0, 2)
        print(json.dumps(self.out, sort_keys=True), flush=True)
        self.printed = True


class GotNotification(Exception):
    pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--name", default="rawpeer")
    ap.add_argument("--local", required=True, help="our address (source)")
    ap.add_argument("--remote", required=True, help="lbbgpd's address")
    ap.add_argument("--port", type=int, default=179)
    ap.add_argument("--listen", action="store_true",
                    help="accept lbbgpd's connection on --local:--port")
    ap.add_argument("--as", dest="asn", type=int, default=64512)
    ap.add_argument("--id", default=None, help="BGP identifier (default --local)")
    ap.add_argument("--hold", type=int, default=9)
    ap.add_argument("--caps", default="mp4+mp6+as4+rr")
    ap.add_argument("--open", default="", help="OPEN overrides key=value,...")
    ap.add_argument("--at", default="established",
                    choices=("connect", "opensent", "openconfirm", "established"))
    ap.add_argument("--send", action="append", default=[], metavar="SPEC")
    ap.add_argument("--probe", default="auto",
                    choices=("auto", "refresh", "keepalive", "none"))
    ap.add_argument("--timeout", type=float, default=3.0,
                    help="seconds to wait for lbbgpd's reaction")
    ap.add_argument("--grace", type=float, default=0.3)
    ap.add_argument("--eor-timeout", type=float, default=5.0)
    ap.add_argument("--connect-timeout", type=float, default=5.0)
    ap.add_argument("--mode", default="scenario",
                    choices=("scenario", "stall", "silent"))
    ap.add_argument("--linger-file", help="stay up until this file exists")
    ap.add_argument("--linger-max", type=float, default=60.0)
    ap.add_argument("--until-file", help="stall/silent: end when it exists")
    ap.add_argument("--stall-max", type=float, default=30.0)
    ap.add_argument("--rcvbuf", type=int, default=0,
                    help="SO_RCVBUF before connecting (stall mode)")
    ap.add_argument("--mss", type=int, default=0,
                    help="TCP_MAXSEG before connecting: a real network's MSS "
                    "instead of loopback's 64 KB keeps the kernel's send "
                    "buffer at lbbgpd's end from swallowing the backlog")
    args = ap.parse_args()
    if args.id is None:
        args.id = args.local
    peer = Peer(args)
    try:
        {"scenario": peer.run_scenario, "stall": peer.run_stall,
         "silent": peer.run_silent}[args.mode]()
    except (Failure, OSError, ValueError, KeyError) as e:
        peer.out["outcome"] = "error"
        peer.out["error"] = "%s: %s" % (e.__class__.__name__, e)
    if not peer.printed:
        peer.finish()
    if peer.conn:
        peer.conn.sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
