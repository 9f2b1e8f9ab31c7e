"""The lookup responders' edge cases, over their real sockets (issue 15).

usage: lookup_client.py SOCKETMAP POLICY SUPPRESSED_ADDRESS

Each check prints one line; the first failure raises. Run by
lookup_edges.sh against a bounced it started with
lookup.idle_timeout: 2s.
"""
import socket
import sys
import threading
import time

SMAP, POLICY, GONE = sys.argv[1], sys.argv[2], sys.argv[3]


def conn(path):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect(path)
    return s


def ns(text):
    data = text.encode() if isinstance(text, str) else text
    return b"%d:%s," % (len(data), data)


LEFT = {}  # bytes read past a reply, by socket: replies may arrive together


def read_netstring(s):
    buf = LEFT.pop(s, b"")
    while True:
        if b":" in buf:
            n, rest = buf.split(b":", 1)
            if len(rest) >= int(n) + 1:
                assert rest[int(n)] == ord(","), buf
                LEFT[s] = rest[int(n) + 1:]
                return rest[: int(n)]
        chunk = s.recv(4096)
        if not chunk:
            return None if not buf else buf
        buf += chunk


def read_policy(s):
    buf = b""
    while not buf.endswith(b"\n\n"):
        chunk = s.recv(4096)
        if not chunk:
            return None
        buf += chunk
    return buf


def eof(s, wait=10):
    s.settimeout(wait)
    try:
        return s.recv(1) == b""
    except ConnectionResetError:
        return True


def policy_req(rcpt, state="RCPT"):
    return ("request=smtpd_access_policy\nprotocol_state=%s\n"
            "protocol_name=ESMTP\nrecipient=%s\n\n" % (state, rcpt)).encode()


def check(what, cond, detail=""):
    if not cond:
        raise SystemExit("FAIL: %s %s" % (what, detail))
    print("ok", what)


# answers, and the connection is kept between requests
s = conn(SMAP)
s.sendall(ns("suppressed " + GONE.upper()))
r = read_netstring(s)
check("socketmap suppressed", r.startswith(b"OK REJECT 5.7.1 "), r)
s.sendall(ns("suppressed active@example.net"))
check("socketmap active", read_netstring(s) == b"NOTFOUND ")
s.sendall(ns("nosuchmap " + GONE))
r = read_netstring(s)
check("unknown map: PERM, kept open", r.startswith(b"PERM "), r)
s.sendall(ns("suppressed " + GONE))
check("after PERM", read_netstring(s).startswith(b"OK "))
# pipelined: many requests in one write, every reply in order
s.sendall(b"".join(ns("suppressed %s" % (GONE if i % 2 else "a%d@x.y" % i))
                   for i in range(200)))
for i in range(200):
    r = read_netstring(s)
    assert r.startswith(b"OK ") if i % 2 else r == b"NOTFOUND ", (i, r)
check("200 pipelined requests", True)
s.close()

# broken framing: the protocol's error, then the connection closes
for name, data in [("bad netstring", b"abc"),
                   ("bad separator", b"5;hello,"),
                   ("missing comma", b"3:abcX"),
                   ("huge length", b"99999999999999:")]:
    s = conn(SMAP)
    s.sendall(data)
    r = read_netstring(s)
    check(name, r is not None and r.startswith(b"PERM "), r)
    check(name + ": closed", eof(s))
    s.close()

# a client that closes in the middle of a request, or sends one byte at
# a time: the server goes on
s = conn(SMAP)
s.sendall(b"27:suppressed gon")
s.close()
s = conn(POLICY)
s.sendall(b"request=smtpd_access_pol")
s.close()
s = conn(POLICY)
for b in policy_req(GONE):
    s.send(bytes([b]))
r = read_policy(s)
check("policy byte by byte", r.startswith(b"action=REJECT 5.7.1 "), r)
s.sendall(policy_req(GONE, "DATA"))
check("policy at DATA: DUNNO", read_policy(s) == b"action=DUNNO\n\n")
s.sendall(policy_req("active@example.net"))
check("policy active: DUNNO", read_policy(s) == b"action=DUNNO\n\n")
s.sendall(b"garbage line\n\n")
r = read_policy(s)
check("policy malformed", r.startswith(b"action=DEFER_IF_PERMIT "), r)
s.sendall(b"x" * 20000)
r = read_policy(s)
check("policy too long", r is not None and
      r.startswith(b"action=DEFER_IF_PERMIT "), r)
check("policy too long: closed", eof(s))
s.close()

# a client that sends and never reads does not hold the others up: its
# replies wait in its own bounded buffer, then its reading stops
greedy = conn(SMAP)
greedy.setblocking(False)
sent = 0
try:
    for _ in range(20000):
        sent += greedy.send(ns("suppressed " + GONE))
except BlockingIOError:
    pass
s = conn(POLICY)
s.sendall(policy_req(GONE))
r = read_policy(s)
check("served while a client does not read (%d bytes sent)" % sent,
      r is not None and r.startswith(b"action=REJECT"), r)
s.close()
greedy.close()

# a client that sends far more than it reads at first, then reads
# everything: every request is answered, also those that waited in the
# server's buffer while its replies could not be written
s = conn(SMAP)
N = 5000
sender = threading.Thread(target=lambda: s.sendall(
    b"".join(ns("suppressed %s" % (GONE if i % 2 else "a%d@x.y" % i))
             for i in range(N))))
sender.start()
time.sleep(1)
got = 0
for i in range(N):
    r = read_netstring(s)
    if r is None:
        break
    assert r.startswith(b"OK ") if i % 2 else r == b"NOTFOUND ", (i, r)
    got += 1
sender.join()
check("%d requests sent before reading, all answered" % N, got == N, got)
s.close()

# the same in the policy protocol, whose requests wait in a larger buffer
s = conn(POLICY)
N = 3000
sender = threading.Thread(target=lambda: s.sendall(policy_req(GONE) * N))
sender.start()
time.sleep(1)
LEFT_P = b""
got = 0
while got < N:
    while b"\n\n" not in LEFT_P:
        chunk = s.recv(65536)
        if not chunk:
            break
        LEFT_P += chunk
    if b"\n\n" not in LEFT_P:
        break
    r, LEFT_P = LEFT_P.split(b"\n\n", 1)
    assert r.startswith(b"action=REJECT 5.7.1 "), r
    got += 1
sender.join()
check("%d policy requests sent before reading, all answered" % N,
      got == N, got)
s.close()

# many clients at once, each asking many times
errors = []


def worker(n):
    try:
        c = conn(SMAP if n % 2 else POLICY)
        for i in range(50):
            if n % 2:
                c.sendall(ns("suppressed " + GONE))
                assert read_netstring(c).startswith(b"OK "), n
            else:
                c.sendall(policy_req("u%d.%d@example.net" % (n, i)))
                assert read_policy(c) == b"action=DUNNO\n\n", n
        c.close()
    except Exception as e:  # noqa: BLE001 -- reported below
        errors.append("%d: %r" % (n, e))


threads = [threading.Thread(target=worker, args=(n,)) for n in range(100)]
for t in threads:
    t.start()
for t in threads:
    t.join()
check("100 concurrent clients x 50 requests", not errors, errors[:3])

# more connections than the server keeps (256): the longest idle are
# closed, as Postfix expects of a server, and a new connection is
# always served
held = [conn(SMAP) for _ in range(300)]
time.sleep(0.5)
fresh = conn(SMAP)
fresh.sendall(ns("suppressed " + GONE))
check("served beyond 256 connections", read_netstring(fresh).startswith(b"OK "))
closed = 0
for c in held:
    c.setblocking(False)
    try:
        if c.recv(1) == b"":
            closed += 1
    except BlockingIOError:
        pass
    except ConnectionResetError:
        closed += 1
check("the oldest beyond 256 closed", 44 <= closed <= 300 - 255, closed)
for c in held:
    c.close()
fresh.close()

# idle connections are closed (lookup.idle_timeout: 2s)
s = conn(POLICY)
t0 = time.time()
check("idle connection closed", eof(s, 10) and time.time() - t0 < 8)
s.close()
