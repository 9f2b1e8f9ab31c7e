"""A real SMTP server for the resend tests: Debian's aiosmtpd on 127.0.0.1.

The aiosmtpd CLI's Mailbox handler re-serialises what it receives
(email.message, LF line ends), and its CLI cannot listen on port 0 or do
AUTH; the tests need the bytes as they came off the wire. So: aiosmtpd's
SMTP protocol with a handler that writes, per message, DIR/new/N.eml:

    X-MailFrom: <envelope sender>
    X-RcptTo: <recipients, comma separated>
    X-Helo: <EHLO/HELO name>
    X-TLS: yes|no
    X-Auth: <login>|-
    <the DATA content exactly as received: CRLF kept, dot-unstuffed>

Listens on a free port and writes it to DIR/port once listening. Options:
--tlscert/--tlskey offer STARTTLS (RFC 3207), with --smtps
TLS from the first byte instead (RFC 8314); --auth USER:PASSWORD
offers AUTH PLAIN/LOGIN after STARTTLS (none without it); --reply ADDR=CODE TEXT answers
RCPT TO:<ADDR> with that reply; --hang accepts connections and never
says anything (for timeouts); --flood reply greets, then answers EHLO
with "250-" lines that never end, --flood line greets with one line that
never ends (64 MiB at most, for the client's bounds); --delay S waits S
seconds before it answers the end of DATA (a slow relay, so that the
sends of two daemons overlap). Stops on SIGTERM.
"""
import argparse
import asyncio
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, outdir, replies, delay=0.0):
        self.outdir = outdir
        self.replies = replies
        self.delay = delay
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address in self.replies:
            return self.replies[address]
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay > 0:
            await asyncio.sleep(self.delay)
        self.count += 1
        login = session.auth_data if session.authenticated else None
        if isinstance(login, (bytes, bytearray)):
            login = login.decode("utf-8", "replace")
        # session.ssl is set by STARTTLS only; SMTPS shows on the transport
        tls = (session.ssl is not None or
               server.transport.get_extra_info("ssl_object") is not None)
        head = (
            f"X-MailFrom: {envelope.mail_from}\r\n"
            f"X-RcptTo: {', '.join(envelope.rcpt_tos)}\r\n"
            f"X-Helo: {session.host_name}\r\n"
            f"X-TLS: {'yes' if tls else 'no'}\r\n"
            f"X-Auth: {login if login else '-'}\r\n"
        ).encode("utf-8", "surrogateescape")
        tmp = os.path.join(self.outdir, "tmp", f"{self.count}.eml")
        with open(tmp, "wb") as f:
            f.write(head + envelope.original_content)
        os.rename(tmp, os.path.join(self.outdir, "new", f"{self.count}.eml"))
        return f"250 2.0.0 Ok: queued as {self.count}"


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == user.encode()
              and auth_data.password == password.encode())
        # handled=False: aiosmtpd itself answers a failure with 535
        return AuthResult(success=ok, handled=False,
                          auth_data=auth_data.login if ok else None)
    return check


class Hang(asyncio.Protocol):
    """Accepts and stays silent: the client's greeting wait must time out."""

    def connection_made(self, transport):
        self.transport = transport


async def flood(mode, reader, writer):
    """Sends what libetpan would hold without a bound, until the client
    hangs up (or 64 MiB went out)."""
    sent = 0
    try:
        if mode == "line":
            writer.write(b"220 ")
            chunk = b"x" * 65536
        else:
            writer.write(b"220 flood.test ESMTP\r\n")
            await reader.readline()
            chunk = b"250-" + b"y" * 1018 + b"\r\n"
            chunk *= 64
        while sent < (64 << 20):
            writer.write(chunk)
            sent += len(chunk)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    writer.close()


async def serve(args):
    loop = asyncio.get_running_loop()
    os.makedirs(os.path.join(args.dir, "new"), exist_ok=True)
    os.makedirs(os.path.join(args.dir, "tmp"), exist_ok=True)
    replies = {}
    for r in args.reply:
        addr, _, reply = r.partition("=")
        replies[addr] = reply
    kw = {"hostname": "sink.test", "auth_require_tls": True}
    ctx = None
    if args.tlscert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(args.tlscert, args.tlskey)
        if not args.smtps:
            kw["tls_context"] = ctx
    if args.auth:
        user, _, password = args.auth.partition(":")
        kw["authenticator"] = authenticator(user, password)
    else:
        # aiosmtpd offers PLAIN and LOGIN (always failing) by default
        kw["auth_exclude_mechanism"] = ["PLAIN", "LOGIN"]
    handler = Sink(args.dir, replies, args.delay)
    if args.flood:
        server = await asyncio.start_server(
            lambda r, w: flood(args.flood, r, w), host="127.0.0.1", port=0)
        factory = None
    elif args.hang:
        factory = Hang
    else:
        def factory():
            return SMTP(handler, **kw)
    if factory is not None:
        server = await loop.create_server(factory, host="127.0.0.1", port=0,
                                          ssl=ctx if args.smtps else None)
    port = server.sockets[0].getsockname()[1]
    tmp = os.path.join(args.dir, "port.tmp")
    with open(tmp, "w") as f:
        f.write(f"{port}\n")
    os.rename(tmp, os.path.join(args.dir, "port"))
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, stop.set_result, None)
    loop.add_signal_handler(signal.SIGINT, stop.set_result, None)
    await stop
    server.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dir", required=True)
    p.add_argument("--tlscert")
    p.add_argument("--tlskey")
    p.add_argument("--smtps", action="store_true")
    p.add_argument("--auth", help="USER:PASSWORD")
    p.add_argument("--reply", action="append", default=[],
                   help="ADDR=CODE TEXT for RCPT TO:<ADDR>")
    p.add_argument("--hang", action="store_true")
    p.add_argument("--flood", choices=["reply", "line"])
    p.add_argument("--delay", type=float, default=0.0,
                   help="seconds before the reply to the end of DATA")
    args = p.parse_args()
    asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
