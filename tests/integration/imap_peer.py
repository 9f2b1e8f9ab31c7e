"""A scripted IMAP server on loopback for the replies no real server sends
(issue 14): each command gets the next reply of a script, its tag put in
for {tag}; after the script, or at a line "CLOSE", the connection is
closed. Replies that are not valid IMAP on purpose: a connection cut
inside a literal, a broken response code in the greeting.

Some commands are answered without taking a block (issue 19), so that
the scripts stay about what they test: LIST "" "" (the hierarchy
separator, asked after login) gets "/" and no prefix; a UID STORE that
sets the $Bounced keyword gets NO, as from a server that keeps no
keywords; LOGOUT gets BYE.

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
        while automatic(conn, line, tag):
            line = f.readline()
            if not line:
                return
            log.write(line.decode(errors="replace"))
            log.flush()
            tag = line.split(b" ", 1)[0].decode(errors="replace")
        if not send(conn, block, tag):
            return


def automatic(conn, line, tag):
    """Answers the commands every script would need alike; False else."""
    cmd = line.split(b" ", 1)[1].rstrip(b"\r\n").upper() if b" " in line else b""
    if cmd == b'LIST "" ""':
        conn.sendall(b'* LIST (\\Noselect) "/" ""\r\n' + tag.encode() + b" OK done\r\n")
    elif cmd.startswith(b"UID STORE") and b"$BOUNCED" in cmd:
        conn.sendall(tag.encode() + b" NO [CANNOT] keywords are not kept here\r\n")
    elif cmd == b"LOGOUT":
        conn.sendall(b"* BYE bye\r\n" + tag.encode() + b" OK done\r\n")
    else:
        return False
    return True


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
