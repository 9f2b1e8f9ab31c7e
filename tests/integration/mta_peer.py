"""The scripted remote SMTP server that real MTAs relay the tests' mail to.

Debian's aiosmtpd on 127.0.0.1. Every recipient's local part names a
case of the seed (/work/shared/seed/README.md: wrong address, mailbox
full, message too big, mail loop, time-out, relay denied) or one more
(spam, virus, a rejection after DATA instead of at RCPT); the server
answers it with the scripted reply, at RCPT or after the data, as a real
receiving server would. Any other recipient is accepted and the message
saved as it came off the wire (CRLF kept, dot-unstuffed):

    DIR/got/N.eml   the DATA
    DIR/got/N.env   "from <sender>" and "to <rcpt>" lines

That is how the MTA's own bounces, sent to the local sender, come back
to the test. A second port (DIR/hang_port) accepts connections and never
greets, so the MTA times out waiting for the banner (RFC 5321 4.5.3.2.1).
With --dns (only inside a network namespace of the test's own) it also
answers every DNS query on 127.0.0.1:53 with NXDOMAIN (RFC 1035 4.1.1,
RCODE 3), so that an MTA that routes by MX only falls back to the
domain's address (RFC 5321 5.1), which /etc/hosts gives, and a domain
that /etc/hosts lacks (nxdomain.example.net) does not exist; each query
is logged ("dns NAME type N") on its output. Ports are
picked by the kernel and written to DIR/port and DIR/hang_port
once listening. Stops on SIGTERM.
"""
import argparse
import asyncio
import os
import signal
import sys

from aiosmtpd.smtp import SMTP

# local part -> (phase, reply). {a} is the recipient address. The texts
# are those the seed quotes or, where it quotes none, common ones.
REPLIES = {
    "unknown": ("rcpt", "550 5.1.1 <{a}>: Recipient address rejected: User unknown"),
    "unknowndata": ("data", "550 5.1.1 <{a}>: User unknown"),
    "full": ("rcpt", "552 5.2.2 <{a}>: Mailbox full"),
    "fulltemp": ("rcpt", "452 4.2.2 <{a}>: Mailbox full"),
    "toobig": ("data", "552 5.3.4 Message size exceeds fixed maximum message size (5000000)"),
    "toomanyhops": ("data", "554 5.4.6 Too many hops 27 (25 max): from <sender@example.org> via mail.example.org, to <{a}>"),
    "relay": ("rcpt", "554 5.7.1 <{a}>: Recipient address rejected: Relay access denied"),
    "spam": ("data", "550 5.7.1 Message rejected as spam"),
    "virus": ("data", "554 5.7.1 Message rejected: virus found (Eicar-Signature)"),
}


class Peer:
    def __init__(self, outdir):
        self.outdir = outdir
        self.count = 0

    @staticmethod
    def scripted(address, phase):
        local = address.rpartition("@")[0].lower()
        case = REPLIES.get(local)
        if case is not None and case[0] == phase:
            return case[1].format(a=address)
        return None

    async def handle_RCPT(self, server, session, envelope, address, options):
        reply = self.scripted(address, "rcpt")
        if reply is not None:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server, session, envelope):
        for a in envelope.rcpt_tos:
            reply = self.scripted(a, "data")
            if reply is not None:
                return reply
        self.count += 1
        base = os.path.join(self.outdir, "got", str(self.count))
        # aiosmtpd gives the null reverse-path as "<>"
        sender = "" if envelope.mail_from in ("<>", None) else envelope.mail_from
        env = f"from <{sender}>\n" + "".join(
            f"to <{a}>\n" for a in envelope.rcpt_tos)
        with open(base + ".env", "w") as f:
            f.write(env)
        with open(base + ".tmp", "wb") as f:
            f.write(envelope.original_content)
        os.rename(base + ".tmp", base + ".eml")
        return f"250 2.0.0 Ok: queued as {self.count}"


class NxDomain(asyncio.DatagramProtocol):
    """Answers each query with its own question and RCODE 3 (NXDOMAIN)."""

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        if len(data) < 12:
            return
        # logged (name, type) so a test's log shows what the MTA asked
        name, i = [], 12
        while i < len(data) and data[i] != 0 and len(name) < 64:
            name.append(data[i + 1:i + 1 + data[i]].decode("ascii", "replace"))
            i += data[i] + 1
        qtype = int.from_bytes(data[i + 1:i + 3], "big") if i + 3 <= len(data) else 0
        print(f"dns {'.'.join(name)} type {qtype}: NXDOMAIN", flush=True)
        qd = int.from_bytes(data[4:6], "big")
        # QR=1, the query's opcode and RD, RA=1, RCODE=3
        flags = 0x8000 | (data[2] & 0x79) << 8 | 0x80 | 3
        head = data[0:2] + flags.to_bytes(2, "big") + data[4:6] + bytes(6)
        end = 12
        for _ in range(qd):
            while end < len(data) and data[end] != 0:
                end += data[end] + 1
            end += 5
        self.transport.sendto(head + data[12:end], addr)


class Hang(asyncio.Protocol):
    """Accepts and stays silent: the client's banner wait must time out."""

    def connection_made(self, transport):
        self.transport = transport


def publish(outdir, name, server):
    port = server.sockets[0].getsockname()[1]
    tmp = os.path.join(outdir, name + ".tmp")
    with open(tmp, "w") as f:
        f.write(f"{port}\n")
    os.rename(tmp, os.path.join(outdir, name))


async def serve(args):
    loop = asyncio.get_running_loop()
    os.makedirs(os.path.join(args.dir, "got"), exist_ok=True)
    peer = Peer(args.dir)
    # enable_SMTPUTF8 off, data_size_limit off: the MTAs' bounces carry
    # the whole original; the size case is scripted, not enforced
    server = await loop.create_server(
        lambda: SMTP(peer, hostname="peer.example.net", data_size_limit=None,
                     auth_exclude_mechanism=["PLAIN", "LOGIN"]),
        host="127.0.0.1", port=0)
    hang = await loop.create_server(Hang, host="127.0.0.1", port=0)
    if args.dns:
        await loop.create_datagram_endpoint(
            NxDomain, local_addr=("127.0.0.1", 53))
    publish(args.dir, "hang_port", hang)
    publish(args.dir, "port", server)
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, stop.set_result, None)
    loop.add_signal_handler(signal.SIGINT, stop.set_result, None)
    await stop
    server.close()
    hang.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dir", required=True)
    p.add_argument("--dns", action="store_true")
    args = p.parse_args()
    asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
