#!/usr/bin/python3
"""badclient.py: control-socket clients that misbehave, for faults-ctl.sh.

  badclient.py SOCKET MODE [--size N] [--count N] [--timeout S]

MODE:
  bigline  one request line of --size bytes (default 10 MiB): the start of
           an add with ever more VIPs, never finished, then a newline.
           Sent by a thread while the main thread reads the replies.
  utf8     lines of invalid UTF-8 (a bare 0xff, a broken two-octet
           sequence in a string, an overlong '/', a UTF-16 surrogate, a
           five-octet form), then valid ones: a pool name in two- and
           four-octet UTF-8, a command with an escaped lone surrogate
           (\ud800), and one valid request, on the same connection.  A
           reply that is not strict UTF-8 JSON shows as "not-json:...".
  nested   --size levels of '[' (default 100,000), then as many of '{"a":',
           then one valid request on the same connection.
  noread   --count show-rib requests (default 2,000) in one write, then
           never a read; every 0.5 s an empty line (lbbgpd ignores those)
           tells whether lbbgpd still has the connection open.

Prints one JSON line: mode, replies (each reply's ok and code, or "ok" /
"code:CODE"), eof (lbbgpd closed the connection), seconds, and for
noread closed_after (seconds until lbbgpd closed it; null if it did not
within --timeout, default 30), sent (bytes).
Standard library only; run with /usr/bin/python3.  Stops only itself.
"""
import argparse
import errno
import json
import socket
import sys
import threading
import time

VALID = b'{"cmd":"show-neighbors"}\n'


def summarize(line):
    try:
        r = json.loads(line)
    except ValueError:
        return "not-json:" + line[:80].decode("utf-8", "replace")
    return "ok" if r.get("ok") is True else "code:%s" % r.get("code")


def read_replies(s, want=None, timeout=30.0):
    """Reply lines until EOF (or want of them, or timeout)."""
    s.settimeout(timeout)
    buf, replies, eof = b"", [], False
    end = time.monotonic() + timeout
    try:
        while want is None or len(replies) < want:
            s.settimeout(max(0.1, end - time.monotonic()))
            chunk = s.recv(1 << 16)
            if not chunk:
                eof = True
                break
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                replies.append(summarize(line))
    except socket.timeout:
        pass
    except ConnectionResetError:
        eof = True
    return replies, eof


def bigline(s, a):
    sent = [0]
    head = b'{"cmd":"add","owner":"big","vips":["10.17.96.1"'
    more = b',"10.17.96.1"' * 4096

    def sender():
        try:
            s.sendall(head)
            sent[0] = len(head)
            while sent[0] < a.size:
                s.sendall(more)
                sent[0] += len(more)
            s.sendall(b"]}\n")
        except OSError:
            pass
    t = threading.Thread(target=sender, daemon=True)
    t.start()
    replies, eof = read_replies(s, timeout=a.timeout)
    t.join(5)
    return {"replies": replies, "eof": eof, "sent": sent[0]}


def utf8(s, a):
    lines = [b"\xff\n",
             b'{"cmd":"show-vips","vip":"\xc3("}\n',
             b'{"cmd":"\xc0\xafshow-vips"}\n',
             b'{"cmd":"show-vips","pool":"\xed\xa0\x80"}\n',
             b'{"cmd":"show-vips","pool":"\xf8\x88\x80\x80\x80"}\n',
             # Valid: two- and four-octet UTF-8, an escaped lone
             # surrogate (valid JSON text; the reply must be too).
             b'{"cmd":"show-vips","pool":"p\xc3\xb6\xc3\xb6l \xf0\x9f\x98\x80"}\n',
             b'{"cmd":"\\ud800show"}\n',
             VALID]
    s.sendall(b"".join(lines))
    s.shutdown(socket.SHUT_WR)
    replies, eof = read_replies(s, timeout=a.timeout)
    return {"replies": replies, "eof": eof}


def nested(s, a):
    s.sendall(b"[" * a.size + b"\n")
    s.sendall(b'{"a":' * a.size + b"\n")
    s.sendall(VALID)
    s.shutdown(socket.SHUT_WR)
    replies, eof = read_replies(s, timeout=a.timeout)
    return {"replies": replies, "eof": eof}


def noread(s, a):
    req = b'{"cmd":"show-rib","dir":"out"}\n' * a.count
    s.settimeout(a.timeout)
    s.sendall(req)
    start = time.monotonic()
    closed = None
    while time.monotonic() - start < a.timeout:
        time.sleep(0.5)
        try:
            s.send(b"\n", socket.MSG_DONTWAIT)
        except BlockingIOError:
            continue            # lbbgpd does not read us: still open
        except OSError as e:
            if e.errno in (errno.EPIPE, errno.ECONNRESET):
                closed = round(time.monotonic() - start, 1)
                break
            raise
    return {"closed_after": closed, "eof": closed is not None, "sent": len(req)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sock")
    ap.add_argument("mode", choices=("bigline", "utf8", "nested", "noread"))
    ap.add_argument("--size", type=int)
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--timeout", type=float, default=30.0)
    a = ap.parse_args()
    if a.size is None:
        a.size = 10 << 20 if a.mode == "bigline" else 100000
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(a.sock)
    t0 = time.monotonic()
    out = {"bigline": bigline, "utf8": utf8, "nested": nested,
           "noread": noread}[a.mode](s, a)
    out["mode"] = a.mode
    out["seconds"] = round(time.monotonic() - t0, 2)
    s.close()
    print(json.dumps(out, sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
