#!/usr/bin/python3
"""A fake systemd NOTIFY_SOCKET for tests/integration/notify.sh.

usage: notify_listener.py SOCKET LOG

Binds an AF_UNIX SOCK_DGRAM socket at SOCKET (a path, or "@name" for the
abstract name "name", as sd_notify(3) reads NOTIFY_SOCKET) and appends each
datagram received to LOG as one line:

    <seconds since the epoch, 6 decimals> TAB <assignment> [TAB <assignment>...]

the datagram's newline-separated assignments ("READY=1", "STATUS=...")
joined by tabs, so that one datagram stays one line. LOG is created (empty)
once the socket is bound: its existence tells the caller to go on. Runs
until SIGTERM or SIGINT, then removes the socket file. Standard library
only.
"""

import os
import signal
import socket
import sys
import time


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: notify_listener.py SOCKET LOG\n")
        return 2
    addr, logpath = sys.argv[1], sys.argv[2]
    abstract = addr.startswith("@")

    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if abstract:
        sock.bind("\0" + addr[1:])
    else:
        try:
            os.unlink(addr)
        except FileNotFoundError:
            pass
        sock.bind(addr)

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    try:
        with open(logpath, "a", buffering=1, encoding="utf-8") as log:
            while True:
                data = sock.recv(65536)
                text = data.decode("utf-8", "backslashreplace")
                fields = [f for f in text.split("\n") if f != ""]
                log.write("%.6f\t%s\n" % (time.time(), "\t".join(fields)))
    finally:
        sock.close()
        if not abstract:
            try:
                os.unlink(addr)
            except OSError:
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
