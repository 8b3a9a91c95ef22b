#!/usr/bin/env python3
"""seeds.py - build the seed corpora of the fuzzers from the test vectors.

    python3 tests/fuzz/seeds.py OUTDIR

writes OUTDIR/<harness>/<sha1> files, one input per file, in the input
format of each harness (tests/fuzz/README.md):

  msg           the captures of tests/unit/captured.h (one by one and as
                a stream), the framing table and every message built in
                tests/unit/check_msg*.c and check_attr*.c
  open          OPEN bodies: captures, mkmsg(..., 1, ...) calls, the error
                table of check_msg_open.c
  update        context byte + UPDATE body: the decode table of
                check_attr*.c, their mkupdate/mkbody calls, captures
  notification  NOTIFICATION bodies: captures, the shutdown text table
  session       scripts for fuzz_session: the captures replayed as a peer
  conf          tests/conf/*.conf, examples/lbbgp.conf and the configs
                written in tests/unit/check_conf.c
  control       request streams: the bad.list of tests/integration/vips.sh
                and the requests of docs/control-protocol.md
  bfd           a config byte + datagram: the decode table of
                tests/unit/check_bfd.c; scripts that bring a session Up

The vectors are read from the C sources with a small C-literal evaluator
(string literals, #define'd strings and int constants, table rows), so a
row added to a unit test becomes a seed without touching this script.
"""
import hashlib
import os
import re
import sys

TOP = os.path.normpath(os.path.join(os.path.dirname(__file__), '..', '..'))
MARKER = b'\xff' * 16


def src(path):
    with open(os.path.join(TOP, path), encoding='utf-8') as f:
        return f.read()


# ---- a C literal evaluator ------------------------------------------------

TOKEN = re.compile(r'''
    (?P<str>"(?:[^"\\\n]|\\.)*")
  | (?P<chr>'(?:[^'\\\n]|\\.)+')
  | (?P<num>0[xX][0-9a-fA-F]+[uUlL]*|\d+[uUlL]*)
  | (?P<id>[A-Za-z_]\w*)
  | (?P<op>->|<<|>>|[{}()\[\],;|&+\-*/=<>!~?:.])
''', re.X)


def strip_comments(text):
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    return re.sub(r'//[^\n]*', ' ', text)


def unescape_c(body):
    out = bytearray()
    i = 0
    while i < len(body):
        c = body[i]
        if c != '\\':
            out += c.encode('utf-8')
            i += 1
            continue
        n = body[i + 1]
        if n == 'x':
            m = re.match(r'[0-9a-fA-F]+', body[i + 2:])
            out.append(int(m.group(0), 16) & 0xff)
            i += 2 + len(m.group(0))
        elif n in '01234567':
            m = re.match(r'[0-7]{1,3}', body[i + 1:])
            out.append(int(m.group(0), 8) & 0xff)
            i += 1 + len(m.group(0))
        else:
            out += {'n': b'\n', 't': b'\t', 'r': b'\r', '0': b'\0',
                    '\\': b'\\', '"': b'"', "'": b"'"}.get(n, n.encode())
            i += 2
    return bytes(out)


def tokens(text):
    return [(m.lastgroup, m.group(m.lastgroup))
            for m in TOKEN.finditer(text)]


class Unit:
    """One C file: its string macros, int constants and tables."""

    def __init__(self, *paths):
        self.text = ''.join(strip_comments(src(p)) for p in paths)
        self.strs = {}
        self.ints = {}
        for m in re.finditer(r'enum\s*(\w+\s*)?\{([^}]*)\}', self.text):
            val = -1
            for item in m.group(2).split(','):
                item = item.strip()
                if not item:
                    continue
                name, _, expr = item.partition('=')
                name = name.strip()
                val = self.int_of(tokens(expr)) if expr.strip() else val + 1
                if val is not None:
                    self.ints[name] = val
        for m in re.finditer(r'^#define\s+(\w+)\s+(.*)$', self.text, re.M):
            toks = tokens(m.group(2))
            s = self.str_of(toks)
            if s is not None:
                self.strs[m.group(1)] = s
            else:
                v = self.int_of(toks)
                if v is not None:
                    self.ints[m.group(1)] = v
        for name, val in C_CONSTANTS.items():
            self.ints.setdefault(name, val)

    def str_of(self, toks):
        """A concatenation of string literals and string macros."""
        if not toks:
            return None
        out = b''
        for kind, t in toks:
            if kind == 'str':
                out += unescape_c(t[1:-1])
            elif kind == 'id' and t in self.strs:
                out += self.strs[t]
            else:
                return None
        return out

    def int_of(self, toks):
        expr = ''
        for kind, t in toks:
            if kind == 'num':
                expr += str(int(t.rstrip('uUlL'), 0))
            elif kind == 'chr':
                expr += str(unescape_c(t[1:-1])[0])
            elif kind == 'id' and t in self.ints:
                expr += str(self.ints[t])
            elif kind == 'op' and t in '()|&+-*<<>>~':
                expr += t
            else:
                return None
        try:
            return int(eval(expr, {'__builtins__': {}}))  # noqa: S307
        except Exception:  # pylint: disable=broad-except
            return None

    def value(self, toks):
        if toks == [('id', 'NULL')]:
            return None
        s = self.str_of(toks)
        return s if s is not None else self.int_of(toks)

    def table(self, name):
        """Rows of `name[] = { {...}, ... };` as lists of values."""
        m = re.search(r'\b%s\s*\[\s*\w*\s*\]\s*(?:\w+\s*)*=\s*\{' % name,
                      self.text)
        if m is None:
            raise SystemExit('seeds.py: no table %s' % name)
        toks = tokens(self.text[m.end():])
        rows, depth, row, field = [], 1, None, []
        for kind, t in toks:
            if t == '{':
                depth += 1
                if depth == 2:
                    row, field = [], []
                    continue
            elif t == '}':
                depth -= 1
                if depth == 0:
                    break
                if depth == 1:
                    row.append(self.value(field))
                    rows.append(row)
                    continue
            elif t == ',' and depth == 2:
                row.append(self.value(field))
                field = []
                continue
            if depth >= 2:
                field.append((kind, t))
        return rows

    def calls(self, fn):
        """Argument values of every call fn(...)."""
        out = []
        for m in re.finditer(r'\b%s\s*\(' % fn, self.text):
            toks = tokens(self.text[m.end():])
            args, arg, depth = [], [], 1
            for kind, t in toks:
                if t == '(':
                    depth += 1
                elif t == ')':
                    depth -= 1
                    if depth == 0:
                        args.append(arg)
                        break
                elif t == ',' and depth == 1:
                    args.append(arg)
                    arg = []
                    continue
                arg.append((kind, t))
            out.append([self.value(a) for a in args])
        return out


C_CONSTANTS = {
    'BGP_MSG_OPEN': 1, 'BGP_MSG_UPDATE': 2, 'BGP_MSG_NOTIFICATION': 3,
    'BGP_MSG_KEEPALIVE': 4, 'BGP_MSG_ROUTE_REFRESH': 5,
    'BGP_ATTR_ORIGIN': 1, 'BGP_ATTR_AS_PATH': 2, 'BGP_ATTR_NEXT_HOP': 3,
    'true': 1, 'false': 0,
}


def unhex(b):
    s = re.sub(rb'\s', b'', b)
    return bytes.fromhex(s.decode()) if len(s) % 2 == 0 else None


def message(mtype, body):
    return MARKER + (19 + len(body)).to_bytes(2, 'big') + bytes([mtype]) + body


def update_body(wd, attrs, nlri):
    wd, attrs, nlri = (unhex(x or b'') for x in (wd, attrs, nlri))
    if None in (wd, attrs, nlri):
        return None
    return (len(wd).to_bytes(2, 'big') + wd + len(attrs).to_bytes(2, 'big') +
            attrs + nlri)


# ---- the vectors ----------------------------------------------------------

def captures():
    """name -> message bytes of tests/unit/captured.h."""
    text = strip_comments(src('tests/unit/captured.h'))
    out = {}
    for m in re.finditer(r'uint8_t\s+(cap_\w+)\s*\[\d*\]\s*\w*\s*=\s*\{([^}]*)\}',
                         text):
        out[m.group(1)] = bytes(int(x, 0) for x in
                                re.findall(r'0x[0-9a-fA-F]+|\d+', m.group(2)))
    return out


# Session contexts of the unit tests (check_attr.c: AS4=1 EBGP=2 V4=4 V6=8)
# are the same bits as the harnesses' context byte.
def ctx_of_capture(name):
    return 1 | 4 | 8 | (0 if 'ibgp' in name else 2)


def seeds():
    s = {h: [] for h in ('msg', 'open', 'update', 'notification', 'session',
                         'conf', 'control', 'bfd')}
    caps = captures()
    types = {}
    for name, m in caps.items():
        t, body = m[18], m[19:]
        types.setdefault(t, []).append((name, m))
        s['msg'].append(bytes([ctx_of_capture(name) << 1]) + m)
        if t == 1:
            s['open'].append(body)
        elif t == 2:
            s['update'].append(bytes([ctx_of_capture(name)]) + body)
        elif t == 3:
            s['notification'].append(body)
    for peer in ('bird', 'gobgp'):
        stream = b''.join(m for n, m in sorted(caps.items())
                          if n.startswith('cap_' + peer))
        s['msg'].append(bytes([1 << 1 | 2 << 1 | 12 << 1]) + stream)

    msg = Unit('tests/unit/wire_fixture.h', 'tests/unit/check_msg.c',
               'tests/unit/check_msg_open.c')
    for row in msg.table('frame_rows'):
        hexs, avail, max_len = row[1], row[2], row[3]
        b = unhex(hexs)
        if b is None:
            continue
        if avail and avail > len(b):
            b += bytes(avail - len(b))
        s['msg'].append(bytes([1 if max_len and max_len > 4096 else 0]) + b)
    for args in msg.calls('mkmsg'):
        if len(args) == 4 and isinstance(args[2], int) and \
                isinstance(args[3], bytes):
            body = unhex(args[3])
            if body is None:
                continue
            s['msg'].append(b'\x1f' + message(args[2], body))
            if args[2] == 1:
                s['open'].append(body)
            elif args[2] == 3:
                s['notification'].append(body)
    for row in msg.table('open_bad_rows'):
        body = unhex(row[1])
        if body is not None:
            s['open'].append(body)
    for row in msg.table('text_rows'):
        data = unhex(row[3])
        if data is not None:
            s['notification'].append(bytes([row[1], row[2]]) + data)

    attr = Unit('tests/unit/wire_fixture.h', 'tests/unit/check_attr.c',
                'tests/unit/check_attr_encode.c')
    for row in attr.table('rows'):
        name, wd, attrs, nlri, body, ctx = row[:6]
        b = unhex(body) if body is not None else update_body(wd, attrs, nlri)
        if b is None or not isinstance(ctx, int):
            continue
        s['update'].append(bytes([ctx]) + b)
        s['msg'].append(bytes([ctx << 1 | 1]) + message(2, b))
    for args in attr.calls('mkupdate'):
        if len(args) == 5 and all(a is None or isinstance(a, bytes)
                                  for a in args[2:]):
            b = update_body(*args[2:])
            if b is not None:
                for ctx in (0x0f, 0x04, 0x0d):
                    s['update'].append(bytes([ctx]) + b)
    for args in attr.calls('mkbody'):
        if len(args) == 3 and isinstance(args[2], bytes):
            b = unhex(args[2])
            if b is not None:
                s['update'].append(b'\x0f' + b)

    s['session'] += session_seeds(caps)
    s['conf'] += conf_seeds()
    s['control'] += control_seeds()
    s['bfd'] += bfd_seeds()
    return s


# ---- session scripts (fuzz_session.c's format) ----------------------------

OP_DATA, OP_MSG, OP_TIMER, OP_CLOSE, OP_RECONNECT, OP_CTL, OP_RAW = range(7)
T_IDLE_HOLD, T_RESTART = 3, 6
# OPEN capabilities (fixture.c fx_open): everything, graceful restart with
# the R bit and F for both families, hold time 90.
ALL_CAPS = b'\xff\x3e'


def op_data(b):
    return bytes([OP_DATA]) + len(b).to_bytes(2, 'big') + b


def op_msg(m):
    body = m[19:]
    return bytes([OP_MSG, m[18]]) + len(body).to_bytes(2, 'big') + body


def session_seeds(caps):
    # Header: config variant, then the peer's OPEN capabilities (2 bytes).
    out = []
    ups = [m for n, m in sorted(caps.items()) if m[18] in (2, 5)]
    for variant in range(4):
        for opencaps in (b'\xff\xff', b'\x7f\x3f', b'\x05\x00'):
            script = bytes([variant]) + opencaps
            out.append(script + b''.join(op_msg(m) for m in ups))
            out.append(script + op_data(b''.join(ups)[:4000]))
    # Deep paths, step by step, for the fuzzer to start from:
    upd = caps['cap_bird_update_v4_comm']
    eor = caps['cap_bird_eor_v4']
    # graceful restart: routes, the TCP connection drops, the routes are
    # kept stale, the router comes back and its End-of-RIB removes them;
    # (config variant 1: no max-prefix to trip)
    out.append(b'\x01' + ALL_CAPS + op_msg(upd) + bytes([OP_CLOSE]) +
               bytes([OP_TIMER, T_IDLE_HOLD, OP_RECONNECT]) + ALL_CAPS +
               op_msg(eor))
    # ... or the stale timer does;
    out.append(b'\x01' + ALL_CAPS + op_msg(upd) + bytes([OP_CLOSE]) +
               bytes([OP_TIMER, 5]))
    # enhanced route refresh: BoRR, nothing again, EoRR removes them;
    out.append(b'\x01' + ALL_CAPS + op_msg(upd) +
               op_msg(message(5, b'\x00\x01\x01\x01')) +
               op_msg(message(5, b'\x00\x01\x02\x01')))
    # max-prefix 3 exceeded, then its restart timer, then back;
    attrs = (b'\x40\x01\x01\x00' + b'\x40\x02\x06\x02\x01\x00\x00\xfc\x00' +
             b'\x40\x03\x04\xc0\x00\x02\x02')
    nlri = b''.join(b'\x20\xc6\x33\x64' + bytes([i]) for i in range(5))
    many = message(2, b'\x00\x00' + len(attrs).to_bytes(2, 'big') + attrs +
                   nlri)
    out.append(b'\x00' + ALL_CAPS + op_msg(many) +
               bytes([OP_TIMER, T_RESTART, OP_RECONNECT]) + ALL_CAPS)
    # an OPEN of the router's own, byte by byte.
    out.append(b'\x03' + ALL_CAPS + bytes([OP_CLOSE, OP_TIMER, T_IDLE_HOLD,
                                           OP_RAW]) +
               op_data(caps['cap_bird_open_gr'] +
                       caps['cap_bird_keepalive']) + op_msg(upd))
    notes = [m for n, m in sorted(caps.items()) if m[18] == 3]
    out.append(b'\x01\xff\xff' + op_msg(ups[0]) + bytes([OP_CLOSE]) +
               bytes([OP_TIMER, 3]) + bytes([OP_RECONNECT]) + b'\xff\xff' +
               op_msg(ups[1]) + op_msg(caps['cap_bird_eor_v4']))
    out.append(b'\x02\xff\xff' + bytes([OP_CTL, 0]) + bytes([OP_CTL, 4]) +
               op_msg(notes[0]))
    return out


# ---- configs ----------------------------------------------------------------

def conf_seeds():
    out = []
    for d in ('tests/conf', 'examples'):
        for f in sorted(os.listdir(os.path.join(TOP, d))):
            if f.endswith('.conf'):
                with open(os.path.join(TOP, d, f), 'rb') as fh:
                    out.append(fh.read())
    conf = Unit('tests/unit/check_conf.c')
    for lit in set(conf.strs.values()):
        if b'{' in lit or b'\n' in lit:
            out.append(lit)
    for m in re.finditer(r'(?:"(?:[^"\\\n]|\\.)*"\s*)+', conf.text):
        b = conf.str_of(tokens(m.group(0)))
        if b and b'\n' in b and len(b) > 20:
            out.append(b)
    return out


# ---- control requests (fuzz_control.c: a flags byte, then the stream) ----

def control_seeds():
    text = src('tests/integration/vips.sh')
    m = re.search(r'bad\.list" <<\'EOF\'\n(.*?)\nEOF', text, re.S)
    reqs = [line.split(' ', 1)[1].encode() for line in m.group(1).split('\n')
            if ' ' in line]
    reqs.append(b'{"cmd":"add","vip":"192.168.1.24\xff"}')
    for line in src('docs/control-protocol.md').split('\n'):
        for j in re.findall(r'\{"cmd":.*\}', line):
            reqs.append(j.split('   ')[0].split(' -> ')[0].strip().encode())
    good = [
        b'{"cmd":"show-neighbors"}', b'{"cmd":"show-vips"}',
        b'{"cmd":"show-pools"}', b'{"cmd":"show-metrics"}',
        b'{"cmd":"show-metrics","format":"prometheus"}',
        b'{"cmd":"show-rib","dir":"in"}', b'{"cmd":"show-rib"}',
        b'{"cmd":"add","vip":"192.168.1.241","owner":"a/b","communities":'
        b'["64512:7","no-export"]}',
        b'{"cmd":"allocate","owner":"x/y","pool":"general-pool",'
        b'"sharing-key":"k"}',
        b'{"cmd":"withdraw","vip":"192.168.1.241","owner":"a/b"}',
        b'{"cmd":"neighbor","name":"bird","action":"refresh"}',
        b'{"cmd":"neighbor","name":"gobgp","action":"down","reason":"x"}',
        b'{"cmd":"neighbor","name":"gobgp","action":"up"}',
        b'{"cmd":"neighbor","name":"bird","action":"clear"}',
        b'{"cmd":"reload"}',
    ]
    out = []
    for flags in range(8):
        out.append(bytes([flags]) + b'\n'.join(good) + b'\n')
    out.append(b'\x00' + b'\n'.join(reqs) + b'\n')
    out.append(b'\x01' + b'\r\n'.join(reqs[:20]) + b'\r\n')
    for r in reqs + good:
        out.append(b'\x00' + r + b'\n')
    return out


# ---- BFD (fuzz_bfd.c: a config byte, then a datagram that is a script too)

BFD_RAW, BFD_SIGNED, BFD_TIME, BFD_TX, BFD_ADMIN, BFD_TIMERS, BFD_NEXT, \
    BFD_REPLAY = range(8)


def bfd_seeds():
    out = []
    unit = Unit('tests/unit/check_bfd.c')
    for row in unit.table('decode_rows'):
        b = unhex(row[1] or b'')
        if b is not None:
            for config in (0x00, 0x29, 0x16):
                out.append(bytes([config]) + b)

    def signed(flags, sta_flags, seq):
        hdr = bytes([0x20, sta_flags, 3, 24]) + (2).to_bytes(4, 'big') + \
            bytes(4) + (50000).to_bytes(4, 'big') * 2 + bytes(4)
        return bytes([BFD_SIGNED | flags]) + hdr + seq.to_bytes(4, 'big')

    # Down -> Init -> Up, our Poll and its Final, time, admin, new timers,
    # a replay, the next transmit time; for each kind of authentication.
    script = (signed(0, 0x40, 1) + signed(8, 0xc0, 2) +
              bytes([BFD_TX]) + signed(8, 0xd0, 3) +
              bytes([BFD_TIME, 0, 40, BFD_TX | 8, BFD_NEXT, 1, 2, 3, 4]) +
              signed(8, 0xe0, 4) + bytes([BFD_REPLAY]) +
              bytes([BFD_TIMERS, 0, 10, 0, 20, 3]) + signed(8, 0xd0, 5) +
              bytes([BFD_TIME, 0x10, 0, BFD_ADMIN | 8, BFD_ADMIN]))
    for config in range(0, 64, 5):
        out.append(bytes([config]) + script)
    return out


def main():
    if len(sys.argv) != 2:
        raise SystemExit('usage: seeds.py OUTDIR')
    total = 0
    for harness, inputs in seeds().items():
        d = os.path.join(sys.argv[1], harness)
        os.makedirs(d, exist_ok=True)
        for b in inputs:
            name = hashlib.sha1(b).hexdigest()
            with open(os.path.join(d, name), 'wb') as f:
                f.write(b)
        total += len(inputs)
        print('%-13s %4d seeds' % (harness, len(set(inputs))))
    print('%d seeds in %s' % (total, sys.argv[1]))


if __name__ == '__main__':
    main()
