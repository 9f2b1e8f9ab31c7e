"""Sends the test cases through a real MTA and checks bounced's verdicts.

    mta_check.py send  --mta NAME --port PORT --dir WORK [--cases C,C]
                       [--extra C,C]
    mta_check.py check --mta NAME --dir WORK --peer PEERDIR --bouncectl BIN
                       [--wait SECONDS] [--known-wrong NAME:CASE ...]
                       [--save DIR]

"send" submits one message per case over SMTP to the MTA on 127.0.0.1
(from sender@example.org to <case>@example.net; the time-out case to
timeout@hang.example.net, which the MTA routes to the peer's silent
port; the no-such-domain case to nohost@nxdomain.example.net, which the
MTA looks up in the peer's DNS, NXDOMAIN) and writes WORK/submitted: "case<TAB>accepted" or "case<TAB>
rejected <reply>" -- an MTA may refuse a case itself at submission (a
hop count over its limit), which then makes no bounce to check.

"check" waits until every accepted case has its bounce among the
messages the peer took with a null sender (RFC 5321 4.5.5), matched by
the Message-ID of the case's original, then runs `bouncectl parse
--json` on each and compares with what the peer said (EXPECT below, the
ground truth -- never what bounced happens to print). A delay warning
(RFC 3464 2.3.3 Action: delayed) is the "delayed" case of the mailbox
that tempfails. Prints one line per case: PASS, FAIL, KNOWN-WRONG (a
listed wrong verdict, which stays wrong: it is not a pass), NO-BOUNCE,
N/A; then "N passed, N failed" and exits 1 on any FAIL.
"""
import argparse
import json
import os
import re
import shutil
import smtplib
import ssl
import subprocess
import sys
import time

# case -> (recipient, reasons accepted, hard, class or None, why).
# hard: only a bad address is (bounced suppresses it at once).
EXPECT = {
    "unknown": ("unknown@example.net", {"userunknown"}, True, None,
                "550 5.1.1 User unknown at RCPT"),
    "unknowndata": ("unknowndata@example.net", {"userunknown"}, True, None,
                    "550 5.1.1 User unknown after DATA"),
    "full": ("full@example.net", {"mailboxfull"}, False, None,
             "552 5.2.2 Mailbox full at RCPT"),
    # what the peer said, or that the MTA gave up (seed group 5)
    "fulltemp": ("fulltemp@example.net", {"mailboxfull", "expired"}, False,
                 None, "452 4.2.2 Mailbox full on every try, MTA gave up"),
    "delayed": ("fulltemp@example.net", {"mailboxfull", "expired"}, False,
                "ignore", "452 4.2.2 so far: the MTA's delay warning"),
    "toobig": ("toobig@example.net", {"mesgtoobig"}, False, None,
               "552 5.3.4 Message size exceeds ... after DATA"),
    "hops": ("hops@example.net", {"networkerror"}, False, None,
             "the MTA's own hop limit: a mail loop (seed group 4)"),
    # a loop the MTA finds by its hop count is networkerror (seed group
    # 4); one it finds by greeting itself ("mail loops back to me",
    # RFC 3463 X.3.5 system incorrectly configured) is systemerror, as
    # sisimai's lib/Sisimai/Reason/SystemError.pm has it ("loops back to
    # myself", "system config error")
    "loop": ("loop@loop.example.net", {"networkerror", "systemerror"}, False,
             None, "a real loop: the MTA routes loop.example.net to itself"),
    "toomanyhops": ("toomanyhops@example.net", {"networkerror"}, False, None,
                    "554 5.4.6 Too many hops 27 (25 max) after DATA"),
    # seed group 5: "expired / networkerror (transient)"
    "timeout": ("timeout@hang.example.net", {"expired", "networkerror"},
                False, None, "no greeting, the MTA timed out and gave up"),
    "relay": ("relay@example.net", {"norelaying"}, False, None,
              "554 5.7.1 Relay access denied at RCPT"),
    "spam": ("spam@example.net", {"spamdetected"}, False, None,
             "550 5.7.1 Message rejected as spam after DATA"),
    "virus": ("virus@example.net", {"virusdetected"}, False, None,
              "554 5.7.1 virus found after DATA"),
    # no such domain: the peer's DNS answers NXDOMAIN (RFC 1035 4.1.1,
    # RCODE 3) for MX and A, and the MTA gives up at once with its own
    # text (Postfix "Host or domain name not found", Exim "Unrouteable
    # address"); a bad address, so hard, as sisimai's
    # lib/Sisimai/Reason/HostUnknown.pm has it
    "nohost": ("nohost@nxdomain.example.net", {"hostunknown"}, True, None,
               "NXDOMAIN for MX and A: the MTA's own host-not-found bounce"),
    # a local delivery to a command that fails (exit 1, a line on its
    # output): no SMTP reply at all, the MTA's own text. sisimai's
    # lib/Sisimai/Reason/MailerError.pm: "pipe to |/", "command failed",
    # "x-unix; " (Postfix local(8)'s Diagnostic-Code). Only where the
    # MTA's test configures the command (send --extra pipe).
    "pipe": ("pipe@pipe.example.net", {"mailererror"}, False, None,
             "no peer: the MTA's own pipe delivery exits 1"),
}
# "delayed" is no message of its own: fulltemp's warning; the cases of
# EXTRA need the MTA's own configuration
EXTRA = ["pipe"]
SENT = [c for c in EXPECT if c != "delayed" and c not in EXTRA]
HOPS = 105  # over every MTA's default limit (Postfix 50, Exim 30, ...)


def msgid(mta, case):
    return f"<{case}.{mta}@bounced-test.example.org>"


def message(mta, case, rcpt):
    lines = []
    if case == "hops":
        for i in range(HOPS, 0, -1):
            lines.append(f"Received: from hop{i}.example.org "
                         f"(hop{i}.example.org [192.0.2.{i % 250 + 1}]) "
                         f"by hop{i + 1}.example.org; "
                         "Mon, 30 Nov 2026 10:00:00 +0000")
    lines += [
        "From: Sender <sender@example.org>",
        f"To: <{rcpt}>",
        f"Subject: bounced MTA test {case} via {mta}",
        f"Message-ID: {msgid(mta, case)}",
        "Date: Mon, 30 Nov 2026 10:00:00 +0000",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=us-ascii",
        "",
        f"The {case} case of bounced's MTA tests.",
        "",
    ]
    return "\r\n".join(lines)


def send(args):
    cases = args.cases.split(",") if args.cases else SENT
    if args.extra:
        cases = cases + args.extra.split(",")
    out = []
    for case in cases:
        rcpt = EXPECT[case][0]
        if args.local and case in args.local_cases.split(","):
            # the MTA's sendmail(1): its hop limit is not checked at SMTP
            p = subprocess.run(args.local.split() + [rcpt],
                               input=message(args.mta, case, rcpt).encode(),
                               capture_output=True)
            # accepted even on a non-zero exit: with -oem sendmail(8)
            # mails its error back (a bounce) and still exits 69
            out.append(f"{case}\taccepted")
            if p.returncode != 0:
                print(f"{case}: sendmail(1) exit {p.returncode} "
                      f"{p.stderr.decode(errors='replace').strip()}")
            continue
        try:
            with smtplib.SMTP("127.0.0.1", args.port, timeout=30,
                              local_hostname="client.example.org") as s:
                if args.auth:
                    # a submission port: STARTTLS (a test certificate,
                    # not verified), then AUTH (RFC 4954)
                    ctx = ssl.create_default_context()
                    ctx.check_hostname = False
                    ctx.verify_mode = ssl.CERT_NONE
                    s.starttls(context=ctx)
                    user, _, password = args.auth.partition(":")
                    s.login(user, password)
                s.sendmail("sender@example.org", [rcpt],
                           message(args.mta, case, rcpt))
            out.append(f"{case}\taccepted")
        except smtplib.SMTPRecipientsRefused as e:
            code, text = list(e.recipients.values())[0]
            out.append(f"{case}\trejected {code} {text.decode(errors='replace')}")
        except smtplib.SMTPResponseException as e:
            out.append(f"{case}\trejected {e.smtp_code} "
                       f"{e.smtp_error.decode(errors='replace')}")
    with open(os.path.join(args.dir, "submitted"), "w") as f:
        f.write("\n".join(out) + "\n")
    for line in out:
        print(line.replace("\t", ": "))
    return 0


def submitted(workdir):
    res = {}
    with open(os.path.join(workdir, "submitted")) as f:
        for line in f:
            case, _, how = line.rstrip("\n").partition("\t")
            res[case] = how
    return res


def bounces(peerdir, mta):
    """case -> bounce file, from the null-sender messages the peer took."""
    got = os.path.join(peerdir, "got")
    found = {}
    for name in sorted(os.listdir(got), key=lambda n: (len(n), n)):
        if not name.endswith(".eml"):
            continue
        path = os.path.join(got, name)
        with open(path[:-4] + ".env") as f:
            if not f.readline().startswith("from <>"):
                continue
        with open(path, "rb") as f:
            data = f.read()
        for case in SENT + EXTRA:
            if msgid(mta, case).encode() not in data:
                continue
            # a delay warning (RFC 3464 2.3.3); only fulltemp's is checked
            # -- not one whose Status is 4.4.7, delivery time expired
            # (RFC 3463 3.5): OpenSMTPD 6.8 gives up with Action: delayed
            if re.search(rb"(?im)^action:\s*delayed", data) and \
                    not re.search(rb"(?im)^status:\s*4\.4\.7", data):
                case = "delayed" if case == "fulltemp" else case + "_delayed"
            found.setdefault(case, path)
    return found


def verdicts(bouncectl, path):
    p = subprocess.run([bouncectl, "parse", "--json", path],
                       capture_output=True, text=True)
    if p.returncode not in (0, 1) or "Sanitizer" in p.stderr:
        sys.stderr.write(p.stderr)
        raise SystemExit(f"bouncectl crashed on {path}: exit {p.returncode}")
    return [json.loads(line) for line in p.stdout.splitlines() if line]


def judge(case, results):
    rcpt, reasons, hard, cls, _ = EXPECT[case]
    mine = [r for r in results if (r.get("recipient") or "").lower() == rcpt]
    if not mine:
        got = ",".join(f"{r.get('recipient')}/{r.get('reason')}"
                       for r in results) or "nothing"
        return False, f"recipient {rcpt} not found (got {got})"
    r = mine[0]
    got = (f"reason={r['reason']} hard={str(r['hard']).lower()} "
           f"class={r['class']} status={r.get('status')} "
           f"action={r.get('action')}")
    ok = r["reason"] in reasons and r["hard"] == hard
    if cls is not None:
        ok = ok and r["class"] == cls
    if case == "delayed":
        ok = ok and r.get("action") == "delayed"
    else:
        ok = ok and r.get("action") == "failed"
    return ok, got


def check(args):
    sub = submitted(args.dir)
    want = [c for c in SENT + EXTRA if sub.get(c) == "accepted"]
    if "fulltemp" in want and args.delay_warning:
        want.append("delayed")
    deadline = time.time() + args.wait
    while True:
        found = bounces(args.peer, args.mta)
        if all(c in found for c in want) or time.time() > deadline:
            break
        time.sleep(0.5)
    known = {k.split(":", 1)[1] for k in args.known_wrong
             if k.split(":", 1)[0] == args.mta}
    passed = failed = kw = 0
    for case in list(EXPECT):
        rcpt, reasons, hard, cls, why = EXPECT[case]
        truth = (f"{'|'.join(sorted(reasons))} hard={str(hard).lower()}"
                 + (f" class={cls}" if cls else ""))
        if case == "delayed" and not args.delay_warning:
            print(f"N/A {args.mta} {case}: {args.mta} sends no delay "
                  "warning in this setup")
            continue
        how = sub.get("fulltemp" if case == "delayed" else case)
        if how is None:
            print(f"N/A {args.mta} {case}: not sent to this MTA"
                  + (f" ({args.why_not})" if args.why_not else ""))
            continue
        if how != "accepted" and case == "hops":
            # the MTA's own hop limit, enforced at once: right, no bounce
            print(f"N/A {args.mta} {case}: the MTA refused it at "
                  f"submission ({how}), so there is no bounce")
            continue
        if how != "accepted":
            print(f"FAIL {args.mta} {case}: the MTA refused it at "
                  f"submission ({how})")
            failed += 1
            continue
        if case not in found:
            print(f"FAIL {args.mta} {case}: no bounce within {args.wait}s "
                  f"(peer: {why})")
            failed += 1
            continue
        path = found[case]
        if args.save:
            os.makedirs(args.save, exist_ok=True)
            shutil.copyfile(path, os.path.join(args.save,
                                               f"{args.mta}_{case}.eml"))
        ok, got = judge(case, verdicts(args.bouncectl, path))
        where = os.path.join(args.save, f"{args.mta}_{case}.eml") \
            if args.save else path
        if case in known:
            if ok:
                print(f"FAIL {args.mta} {case}: listed as known-wrong but "
                      f"right now ({got}): take it off the list")
                failed += 1
            else:
                print(f"KNOWN-WRONG {args.mta} {case}: {where}: expected "
                      f"{truth}, got {got}")
                kw += 1
        elif ok:
            print(f"PASS {args.mta} {case}: {got}")
            passed += 1
        else:
            print(f"FAIL {args.mta} {case}: {where}: expected {truth}, "
                  f"got {got} (peer: {why})")
            failed += 1
    # the other delay warnings: kept for their layouts, not checked
    for case, path in found.items():
        if case.endswith("_delayed") and args.save:
            shutil.copyfile(path, os.path.join(args.save,
                                               f"{args.mta}_{case}.eml"))
    print(f"{args.mta}: {passed} passed, {failed} failed, {kw} known-wrong")
    return 1 if failed else 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="verb", required=True)
    s = sub.add_parser("send")
    s.add_argument("--mta", required=True)
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--dir", required=True)
    s.add_argument("--cases")
    s.add_argument("--extra", help="cases of EXTRA the MTA is set up for")
    s.add_argument("--auth", help="USER:PASSWORD, after STARTTLS")
    s.add_argument("--local", help="a sendmail(1) command line; the "
                   "recipient is appended, the message is its input")
    s.add_argument("--local-cases", default="hops")
    c = sub.add_parser("check")
    c.add_argument("--mta", required=True)
    c.add_argument("--dir", required=True)
    c.add_argument("--peer", required=True)
    c.add_argument("--bouncectl", required=True)
    c.add_argument("--wait", type=float, default=60)
    c.add_argument("--known-wrong", nargs="*", default=[])
    c.add_argument("--save")
    c.add_argument("--delay-warning", action="store_true")
    c.add_argument("--why-not", help="why some cases are not sent")
    args = p.parse_args()
    return send(args) if args.verb == "send" else check(args)


if __name__ == "__main__":
    sys.exit(main())
