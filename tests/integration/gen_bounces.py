#!/usr/bin/python3
"""Delivers generated bounces into a Maildir, the way an MDA does.

Each message is one of the project's own template bounces with its failed
recipients replaced by generated addresses (so recipients vary) and a header
that makes its bytes unique. Delivery follows maildir(5): write tmp/NAME,
then rename() it into new/ -- or link() + unlink(), as Postfix's local(8)
does, which inotify reports as IN_CREATE only.

  gen_bounces.py --bouncectl PATH --count N --out MAILDIR
                 [--keep DIR] [--junk K] [--mode rename|link|mixed]
                 [--rate MSGS_PER_S] [--seed S] TEMPLATE...

--keep writes a copy of every generated file (same name) to DIR, so that a
test can compare the database with `bouncectl parse` of the same bytes.
Standard library only; run with Debian's /usr/bin/python3.
"""
import argparse
import json
import os
import random
import re
import subprocess
import sys
import time


def template_recipients(bouncectl, path):
    out = subprocess.run([bouncectl, "parse", "--json", path],
                         capture_output=True, text=True, check=False).stdout
    rcpts = []
    for line in out.splitlines():
        r = json.loads(line).get("recipient")
        if r and r not in rcpts:
            rcpts.append(r)
    return rcpts


def load_templates(bouncectl, paths):
    tpl = []
    for p in paths:
        with open(p, "rb") as f:
            raw = f.read()
        tpl.append((raw, template_recipients(bouncectl, p)))
    return tpl


def make(raw, rcpts, n, rng, tag):
    body = raw
    for i, r in enumerate(rcpts):
        new = "u%d-%d@d%d.example" % (n, i, rng.randrange(50))
        body = re.sub(re.escape(r.encode()), new.encode(), body,
                      flags=re.IGNORECASE)
    # A header field first keeps it a message (RFC 5322 2.2) and unique.
    return b"X-Bounced-Test: %s-%d\n" % (tag.encode(), n) + body


JUNK = [b"", b"\x00\x01\x02 not a message at all\n",
        b"this is just text without any header\n\nbody\n",
        bytes(range(256)) * 4]


def deliver(out, name, data, mode, rng, keep):
    tmp = os.path.join(out, "tmp", name)
    with open(tmp, "wb") as f:
        f.write(data)
    if keep:
        with open(os.path.join(keep, name), "wb") as f:
            f.write(data)
    new = os.path.join(out, "new", name)
    if mode == "mixed":
        mode = rng.choice(["rename", "link"])
    if mode == "link":
        os.link(tmp, new)
        os.unlink(tmp)
    else:
        os.rename(tmp, new)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bouncectl", required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--keep")
    ap.add_argument("--junk", type=int, default=0)
    ap.add_argument("--mode", default="rename",
                    choices=["rename", "link", "mixed"])
    ap.add_argument("--rate", type=float, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--prefix", default="gen")
    ap.add_argument("--pad-kb", type=int, default=0,
                    help="append this many KiB of text to each bounce "
                    "(a big returned original)")
    ap.add_argument("templates", nargs="+")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    tpl = load_templates(a.bouncectl, a.templates)
    if a.keep:
        os.makedirs(a.keep, exist_ok=True)
    start = time.monotonic()
    for n in range(a.count + a.junk):
        if n < a.count:
            raw, rcpts = tpl[n % len(tpl)]
            data = make(raw, rcpts, n, rng, a.prefix)
            data += (b"x" * 76 + b"\n") * (a.pad_kb * 1024 // 77)
        else:
            # the prefix too: two Maildirs' junk are two messages
            data = JUNK[n % len(JUNK)] + b"%s%d\n" % (a.prefix.encode(), n)
        name = "%d.M%dP%d.%s%d" % (1800000000 + n, n, os.getpid(),
                                    a.prefix, n)
        deliver(a.out, name, data, a.mode, rng, a.keep)
        if a.rate > 0:
            delay = start + (n + 1) / a.rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
    return 0


if __name__ == "__main__":
    sys.exit(main())
