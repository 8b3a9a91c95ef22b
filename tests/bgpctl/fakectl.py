#!/usr/bin/env python3
"""fakectl.py - a stand-in for lbbgpd's control socket, for golden.sh.

Usage: fakectl.py SOCKET DIR.  Listens on the Unix socket SOCKET; for
each connection it reads one request line, appends it to DIR/requests,
answers with the contents of DIR/reply (one line) and closes.  It never
interprets a request: the test decides every reply.
"""
import os
import socket
import sys


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
                conn.sendall(f.read())


if __name__ == "__main__":
    main()
