#!/usr/bin/python3
"""ctljson.py SOCKET [TIMEOUT_S]: a minimal lbbgpd control-socket client.

Reads request lines on stdin and writes lbbgpd's reply lines on stdout, in
order, one per request.  Requests are pipelined: a thread sends them all
while the main thread reads replies, so a big batch never deadlocks on full
socket buffers (lbbgpd stops reading a client that owes over 1 MiB of
replies, and disconnects one that reads nothing for 10 s).  Lines are passed through as bytes, so tests can send garbage and
invalid UTF-8.  Empty lines are not sent (lbbgpd ignores them and would not
answer).  After the last request the write side is shut down; lbbgpd
answers what it was asked and closes, which ends the reply stream.

Exit status: 0 when every request got a reply; 1 when fewer replies came
back (lbbgpd closes the connection after a line-too-long reply, so later
requests get none) or nothing arrived for TIMEOUT_S (default 120) seconds;
2 on usage or connection errors.  Used by tests/integration/vips.sh, so
that test does not depend on bgpctl.
"""
import socket
import sys
import threading


def main():
    if len(sys.argv) not in (2, 3):
        sys.stderr.write("usage: ctljson.py SOCKET [TIMEOUT_S] <requests\n")
        return 2
    timeout = float(sys.argv[2]) if len(sys.argv) == 3 else 120.0
    # Same framing as lbbgpd: a line ends at \n, one trailing \r is dropped,
    # and an empty line is no request.
    reqs = []
    for raw in sys.stdin.buffer:
        line = raw.rstrip(b"\n")
        if line.endswith(b"\r"):
            line = line[:-1]
        if line:
            reqs.append(line + b"\n")

    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(sys.argv[1])
    except OSError as e:
        sys.stderr.write("ctljson.py: cannot connect to %s: %s\n" % (sys.argv[1], e))
        return 2

    send_err = []

    def sender():
        try:
            s.sendall(b"".join(reqs))
            s.shutdown(socket.SHUT_WR)
        except OSError as e:        # lbbgpd closed on us: the reader reports it
            send_err.append(e)

    t = threading.Thread(target=sender, daemon=True)
    t.start()

    out = sys.stdout.buffer
    got, pending = 0, b""
    try:
        while True:
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                out.write(line + b"\n")
                got += 1
    except socket.timeout:
        sys.stderr.write("ctljson.py: no reply within %g s\n" % timeout)
        out.flush()
        return 1
    except ConnectionResetError:
        # lbbgpd closed with requests of ours unread (after line-too-long):
        # the replies it sent were read first; this is its end of stream.
        pass
    out.flush()
    t.join(1)
    if got != len(reqs):
        sys.stderr.write("ctljson.py: %d requests, %d replies%s\n" % (
            len(reqs), got, " (send: %s)" % send_err[0] if send_err else ""))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
