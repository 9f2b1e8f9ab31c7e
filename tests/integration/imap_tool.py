#!/usr/bin/python3
"""A small IMAP client for the IMAP tests (standard library imaplib only).

  imap_tool.py --port P --user U --password-file F append MAILBOX FILE...
      APPENDs each file (as the MTA's delivery would), one connection;
      --rate N spreads them over time (N per second), --flags '(\\Seen)'
      sets flags on each.
  imap_tool.py ... count MAILBOX [SEARCH-KEY...]
      prints the number of messages matching (default ALL); 0 when the
      mailbox does not exist.
  imap_tool.py ... distinct MAILBOX FIELD
      prints how many different values of header FIELD the mailbox holds
      (a message there twice counts once).
  imap_tool.py ... wait-count MAILBOX N SECONDS [SEARCH-KEY...]
      polls until count == N (exit 1 on timeout, printing the last count).
  imap_tool.py ... copy-delete MAILBOX TARGET [SEARCH-KEY...]
      UID COPYs the matching messages (default ALL) to TARGET and sets
      \\Deleted on them, without expunging: what a client killed between
      STORE and EXPUNGE leaves behind.
  imap_tool.py ... delete MAILBOX [SEARCH-KEY...]
      sets \\Deleted on the matching messages, without expunging.
  imap_tool.py ... recreate MAILBOX
      DELETEs MAILBOX (when it exists) and CREATEs it again: a new
      UIDVALIDITY (RFC 3501 2.3.1.1), as after a server-side restore.

Plain IMAP on 127.0.0.1: the tests' Dovecot allows it on loopback.
"""
import argparse
import imaplib
import os
import sys
import time


def connect(a):
    m = imaplib.IMAP4(a.host, a.port)
    with open(a.password_file) as f:
        pw = f.read().rstrip("\r\n")
    m.login(a.user, pw)
    return m


def quote(mailbox):
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


def count(m, mailbox, keys):
    typ, _ = m.select(quote(mailbox), readonly=True)
    if typ != "OK":
        return 0
    typ, data = m.uid("SEARCH", *(keys or ["ALL"]))
    if typ != "OK":
        raise SystemExit("SEARCH failed: %r" % data)
    n = len(data[0].split()) if data and data[0] else 0
    m.close()
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password-file", required=True)
    ap.add_argument("--rate", type=float, default=0)
    ap.add_argument("--flags", default=None)
    ap.add_argument("cmd", choices=["append", "count", "distinct",
                                    "wait-count", "recreate",
                                    "copy-delete", "delete"])
    ap.add_argument("mailbox")
    ap.add_argument("args", nargs="*")
    a = ap.parse_args()

    if a.cmd == "append":
        m = connect(a)
        start = time.monotonic()
        for n, path in enumerate(a.args):
            with open(path, "rb") as f:
                data = f.read()
            # RFC 3501 APPEND wants CRLF; Dovecot stores what it gets
            data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
            typ, resp = m.append(quote(a.mailbox), a.flags, None, data)
            if typ != "OK":
                raise SystemExit("APPEND %s: %r" % (path, resp))
            if a.rate > 0:
                delay = start + (n + 1) / a.rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
        m.logout()
        return 0
    if a.cmd == "recreate":
        m = connect(a)
        m.delete(quote(a.mailbox))  # NO when it does not exist: fine
        typ, resp = m.create(quote(a.mailbox))
        if typ != "OK":
            raise SystemExit("CREATE %s: %r" % (a.mailbox, resp))
        m.logout()
        return 0
    if a.cmd in ("copy-delete", "delete"):
        m = connect(a)
        m.select(quote(a.mailbox))
        keys = a.args[1:] if a.cmd == "copy-delete" else a.args
        typ, data = m.uid("SEARCH", *(keys or ["ALL"]))
        uids = b",".join(data[0].split()).decode()
        if uids:
            if a.cmd == "copy-delete":
                typ, resp = m.uid("COPY", uids, quote(a.args[0]))
                if typ != "OK":
                    raise SystemExit("UID COPY: %r" % resp)
            typ, resp = m.uid("STORE", uids, "+FLAGS.SILENT", "(\\Deleted)")
            if typ != "OK":
                raise SystemExit("UID STORE: %r" % resp)
        m.logout()  # LOGOUT: no EXPUNGE (CLOSE would expunge)
        return 0
    if a.cmd == "count":
        m = connect(a)
        print(count(m, a.mailbox, a.args))
        m.logout()
        return 0
    if a.cmd == "distinct":
        m = connect(a)
        m.select(quote(a.mailbox), readonly=True)
        typ, data = m.uid("FETCH", "1:*", "(BODY.PEEK[HEADER.FIELDS (%s)])"
                          % a.args[0])
        values = set()
        for item in data:
            if isinstance(item, tuple):
                values.add(item[1].strip())
        print(len(values))
        m.logout()
        return 0
    want, secs = int(a.args[0]), float(a.args[1])
    end = time.monotonic() + secs
    n = -1
    while True:
        try:
            m = connect(a)
            n = count(m, a.mailbox, a.args[2:])
            m.logout()
        except (OSError, imaplib.IMAP4.error):
            pass
        if n == want:
            print(n)
            return 0
        if time.monotonic() > end:
            print(n)
            return 1
        time.sleep(0.2)


if __name__ == "__main__":
    sys.exit(main())
