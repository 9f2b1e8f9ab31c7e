"""A scripted IMAP server on loopback for the replies no real server sends
(issue 14): each command gets the next reply of a script, its tag put in
for {tag}; after the script, or at a line "CLOSE", the connection is
closed. Replies that are not valid IMAP on purpose: a connection cut
inside a literal, a broken response code in the greeting.

usage: imap_peer.py SCRIPT PORTFILE LOG
The script's first block is the greeting; blocks are separated by a line
"---"; "\\r\\n" ends every line sent. The port is written to PORTFILE
once listening. Serves connections one at a time until killed.
"""
import os
import socket
import sys


def blocks(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return [b.strip("\n") for b in text.split("\n---\n")]


def send(conn, block, tag):
    for line in block.split("\n"):
        if line == "CLOSE":
            return False
        conn.sendall(line.replace("{tag}", tag).encode() + b"\r\n")
    return True


def serve(conn, script, log):
    f = conn.makefile("rb")
    if not send(conn, script[0], ""):
        return
    for block in script[1:]:
        line = f.readline()
        if not line:
            return
        log.write(line.decode(errors="replace"))
        log.flush()
        tag = line.split(b" ", 1)[0].decode(errors="replace")
        if not send(conn, block, tag):
            return


def main():
    script = blocks(sys.argv[1])
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    with open(sys.argv[2] + ".tmp", "w") as p:
        p.write(str(srv.getsockname()[1]))
    os.rename(sys.argv[2] + ".tmp", sys.argv[2])
    with open(sys.argv[3], "a") as log:
        while True:
            conn, _ = srv.accept()
            log.write("connection\n")
            log.flush()
            try:
                serve(conn, script, log)
            except OSError:
                pass
            conn.close()


if __name__ == "__main__":
    main()
