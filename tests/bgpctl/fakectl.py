#!/usr/bin/env python3
"""fakectl.py - a stand-in for lbbgpd's control socket, for golden.sh.

Usage: fakectl.py SOCKET DIR.  Listens on the Unix socket SOCKET; for
each connection it reads one request line, appends it to DIR/requests,
answers with the contents of DIR/reply (one line) and closes.  It never
interprets a request: the test decides every reply.

A reply may hold ${now-N}: it becomes this host's time minus N seconds,
as seconds since 1970, when the reply is sent, so that bgpctl's "how
long ago" columns come out the same in every run.  Give N a fraction of
one half (${now-192.5}): bgpctl rounds ages down, and the half second is
the time bgpctl may take to show the reply.
"""
import os
import re
import socket
import sys
import time

NOW = re.compile(rb"\$\{now-([0-9]+(?:\.[0-9]+)?)\}")


def expand(reply):
    now = time.time()
    return NOW.sub(lambda m: b"%.3f" % (now - float(m.group(1))), reply)


def main():
    path, d = sys.argv[1], sys.argv[2]
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(8)
    while True:
        conn, _ = srv.accept()
        with conn:
            buf = b""
            while not buf.endswith(b"\n"):
                chunk = conn.recv(65536)
                if not chunk:
                    break
                buf += chunk
            with open(os.path.join(d, "requests"), "ab") as f:
                f.write(buf)
            with open(os.path.join(d, "reply"), "rb") as f:
                conn.sendall(expand(f.read()))


if __name__ == "__main__":
    main()
