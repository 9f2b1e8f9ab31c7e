"""A webhook receiver for the events' tests (issue 15 item 3): Debian's
Python standard library only. Listens on 127.0.0.1 (a port of its own,
written to --port-file once it listens), optionally over TLS, records each
POST as one JSON line in --log (the event id header, whether the
signature verified, the body, the status answered) and answers 500 to the
first --fail-first requests (or to all with --always-fail), else 200
(or 307 to --redirect). --threads serves each connection in a thread of
its own (two daemons' keep-alive connections at once), --delay S waits S
seconds before each answer.

The signature check is the one docs/INTEGRATION.md gives receivers:
HMAC-SHA256 of "<X-Bounced-Timestamp>.<body>" with the shared secret,
compared in constant time, the timestamp within five minutes.
"""
import argparse
import hashlib
import hmac
import http.server
import json
import ssl
import sys
import threading
import time


def verify(secret, headers, body):
    ts = headers.get("X-Bounced-Timestamp", "")
    sig = headers.get("X-Bounced-Signature", "")
    if secret is None or not ts.isdigit() or not sig.startswith("sha256="):
        return False
    if abs(time.time() - int(ts)) > 300:
        return False  # a replay, or a clock far off
    want = hmac.new(secret, ts.encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest(want.hexdigest(), sig[len("sha256="):])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--secret-file")
    ap.add_argument("--fail-first", type=int, default=0)
    ap.add_argument("--always-fail", action="store_true")
    ap.add_argument("--redirect", help="answer 307 to this Location")
    ap.add_argument("--threads", action="store_true")
    ap.add_argument("--delay", type=float, default=0.0)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    args = ap.parse_args()
    secret = None
    if args.secret_file:
        with open(args.secret_file, "rb") as f:
            secret = f.read().rstrip(b"\r\n")
    log = open(args.log, "a", buffering=1)
    state = {"n": 0}
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real server
        # the status line and the body go in two writes: without this,
        # Nagle holds the second until the client's delayed ACK (40 ms)
        disable_nagle_algorithm = True

        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(n)
            if args.delay > 0:
                time.sleep(args.delay)
            with lock:
                state["n"] += 1
                fail = args.always_fail or state["n"] <= args.fail_first
            status = 500 if fail else 307 if args.redirect else 200
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None
            line = json.dumps({
                "path": self.path,
                "event_id": self.headers.get("X-Bounced-Event-Id"),
                "type": self.headers.get("X-Bounced-Event-Type"),
                "auth": self.headers.get("Authorization"),
                "sig_ok": verify(secret, self.headers, body),
                "status": status,
                "body": parsed,
                "at": time.time(),
            }) + "\n"
            with lock:
                log.write(line)
            reply = b"no, try later\n" if fail else b"ok\n"
            self.send_response(status)
            if args.redirect:
                self.send_header("Location", args.redirect)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, fmt, *a):
            pass

    server = (http.server.ThreadingHTTPServer if args.threads else
              http.server.HTTPServer)
    srv = server(("127.0.0.1", 0), Handler)
    if args.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    import os
    os.rename(args.port_file + ".tmp", args.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
