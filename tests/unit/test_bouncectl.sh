#!/bin/sh
# bouncectl's query verbs (bouncectl(1): status, history, list, stats,
# suppress, unsuppress, resends, resend-now, cancel) against databases mkdb writes with known content:
# tables, JSON Lines and CSV compared exactly, filters, the database
# search order and the exit statuses 0 1 2 3.
#   test_bouncectl.sh BOUNCECTL MKDB PYTHON3 TMPDIR [DEFAULT_CONFIG]
# DEFAULT_CONFIG: the configuration file bouncectl was built to read when
# nothing names the database.
set -u

BCTL=$1
MKDB=$2
PY=${3:-/usr/bin/python3}
T=$4
DEFCONF=${5:-/etc/bounced/bounced.yaml}
fails=0
CR=$(printf '\r')

# absolute: one check runs from another directory
case $BCTL in /*) ;; *) BCTL=$(pwd)/$BCTL ;; esac
case $T in /*) ;; *) T=$(pwd)/$T ;; esac
[ -x "$BCTL" ] || { echo "no bouncectl at $BCTL"; exit 1; }
[ -x "$MKDB" ] || { echo "no mkdb at $MKDB"; exit 1; }
[ -x "$PY" ] || { echo "no python3 at $PY"; exit 1; }
rm -rf "$T" && mkdir -p "$T" || exit 1
unset BOUNCED_DB
"$MKDB" "$T/db1.db" || { echo "mkdb db1 failed"; exit 1; }
"$MKDB" "$T/db2.db" recent || { echo "mkdb db2 failed"; exit 1; }
"$MKDB" "$T/db3.db" || { echo "mkdb db3 failed"; exit 1; }
DB1=$T/db1.db

ok() { printf 'ok   %s\n' "$1"; }
bad() { printf 'FAIL %s\n' "$1"; fails=$((fails + 1)); }

# run CMD...: runs it, stdout in $T/out, stderr in $T/err, status in $rc
run() {
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
}
# rc_is NAME N: the last run exited N
rc_is() {
	if [ "$rc" -eq "$2" ]; then
		ok "$1: exit $2"
	else
		bad "$1: exit $rc, want $2"
		sed 's/^/    stderr: /' "$T/err"
	fi
}
# out_is NAME: the last run's stdout is exactly stdin
out_is() {
	cat >"$T/want"
	if cmp -s "$T/want" "$T/out"; then
		ok "$1: output"
	else
		bad "$1: output differs (want, got):"
		diff "$T/want" "$T/out" | sed 's/^/    /'
	fi
}
# err_is NAME TEXT: the last run's stderr is exactly TEXT (one line)
err_is() {
	if [ "$(cat "$T/err")" = "$2" ]; then
		ok "$1: stderr"
	else
		bad "$1: stderr is '$(cat "$T/err")', want '$2'"
	fi
}
# err_names NAME PATH: stderr is one line "bouncectl: PATH: why", with
# PATH once (the why is storage's wording, not ours to pin down)
err_names() {
	if [ "$(wc -l <"$T/err")" -eq 1 ] &&
	    [ "$(grep -c "^bouncectl: $2: ." "$T/err")" -eq 1 ] &&
	    [ "$(grep -o "$2" "$T/err" | wc -l)" -eq 1 ]; then
		ok "$1: stderr names $2 once"
	else
		bad "$1: stderr '$(cat "$T/err")'"
	fi
}
# quiet NAME: nothing on stderr
quiet() {
	if [ -s "$T/err" ]; then
		bad "$1: stderr not empty: $(cat "$T/err")"
	else
		ok "$1: stderr empty"
	fi
}
# empty_out NAME: nothing on stdout
empty_out() {
	if [ -s "$T/out" ]; then
		bad "$1: stdout not empty: $(head -c 300 "$T/out")"
	else
		ok "$1: stdout empty"
	fi
}
# usage_error NAME MESSAGE CMD...: exit 2, MESSAGE on stderr first, no output
usage_error() {
	name=$1
	msg=$2
	shift 2
	run "$@"
	rc_is "$name" 2
	empty_out "$name"
	if [ "$(head -n 1 "$T/err")" = "$msg" ]; then
		ok "$name: message"
	else
		bad "$name: message '$(head -n 1 "$T/err")', want '$msg'"
	fi
}

# json_is NAME PYEXPR: stdout is JSON Lines (each line an object) and
# PYEXPR, over the list `rows` of parsed objects, is true
json_is() {
	if "$PY" -c '
import json, sys
rows = []
for line in open(sys.argv[1], encoding="utf-8").read().split("\n")[:-1]:
    o = json.loads(line)
    if not isinstance(o, dict):
        sys.exit("not an object: %r" % line)
    rows.append(o)
if not eval("(" + sys.argv[2] + ")"):
    sys.exit("false: %s\nrows: %r" % (sys.argv[2], rows))
' "$T/out" "$2" 2>"$T/pyerr"; then
		ok "$1: JSON"
	else
		bad "$1: JSON"
		sed 's/^/    /' "$T/pyerr"
	fi
}
# addrs_are NAME ADDR...: JSON rows' "address" values, in order
addrs_are() {
	name=$1
	shift
	want=$(printf '%s ' "$@")
	got=$("$PY" -c '
import json, sys
print(" ".join(json.loads(l)["address"] for l in open(sys.argv[1])), end=" ")
' "$T/out")
	if [ "$got" = "$want" ]; then
		ok "$name: addresses"
	else
		bad "$name: addresses '$got', want '$want'"
	fi
}

# ---- status ----
run "$BCTL" -d "$DB1" status alice@example.com
rc_is "status" 0
quiet "status"
out_is "status (table)" <<'EOF'
address:       alice@example.com
domain:        example.com
state:         suppressed
reason:        userunknown
status:        5.1.1
bounces:       1
soft_bounces:  0
first_bounce:  2026-11-01T10:00:00Z
last_bounce:   2026-11-01T10:00:00Z
suppressed_at: 2026-11-01T10:00:00Z
overridden_by: -
override:      -
override_at:   -
EOF
cp "$T/out" "$T/alice"

run "$BCTL" -d "$DB1" status ALICE@Example.COM
rc_is "status, upper case" 0
if cmp -s "$T/alice" "$T/out"; then ok "status: address lower-cased"
else bad "status: address not lower-cased"; fi

run "$BCTL" -d "$DB1" status --json alice@example.com
rc_is "status --json" 0
out_is "status --json" <<'EOF'
{"address":"alice@example.com","domain":"example.com","state":"suppressed","reason":"userunknown","status":"5.1.1","bounces":1,"soft_bounces":0,"first_bounce":"2026-11-01T10:00:00Z","last_bounce":"2026-11-01T10:00:00Z","suppressed_at":"2026-11-01T10:00:00Z","overridden_by":null,"override":null,"override_at":null}
EOF
json_is "status --json" 'len(rows) == 1 and rows[0]["bounces"] == 1 and rows[0]["override"] is None'

run "$BCTL" -d "$DB1" status --csv carol@example.com
rc_is "status --csv" 0
out_is "status --csv" <<EOF
address,domain,state,reason,status,bounces,soft_bounces,first_bounce,last_bounce,suppressed_at,overridden_by,override,override_at$CR
carol@example.com,example.com,active,expired,4.4.7,1,0,2026-10-20T12:00:00Z,2026-10-20T12:00:00Z,,,,$CR
EOF

run "$BCTL" -d "$DB1" status nobody@example.com
rc_is "status of an unknown address" 1
empty_out "status of an unknown address"
err_is "status of an unknown address" \
	"bouncectl: nobody@example.com: no record"
run "$BCTL" -d "$DB1" status --json nobody@example.com
rc_is "status --json of an unknown address" 1
empty_out "status --json of an unknown address"

# ---- history ----
run "$BCTL" -d "$DB1" history alice@example.com
rc_is "history" 0
quiet "history"
out_is "history (table: subset, diagnostic cut)" <<'EOF'
at                    bounced_at  kind    action  status  reason       class      diagnostic                                                    note  original_from  campaign
2026-11-01T10:00:00Z  -           bounce  failed  5.1.1   userunknown  permanent  550 5.1.1 <alice@example.com>: Recipient address rejected: …  -     -              -
EOF

run "$BCTL" -d "$DB1" history bob@example.org
rc_is "history, two bounces" 0
out_is "history (table: line break blanked, oldest first)" <<'EOF'
at                    bounced_at  kind    action  status  reason       class      diagnostic                               note  original_from  campaign
2026-11-02T09:00:00Z  -           bounce  failed  4.2.2   mailboxfull  transient  452 4.2.2 Mailbox full                   -     -              -
2026-11-03T09:30:00Z  -           bounce  failed  4.2.2   mailboxfull  transient  452 4.2.2 Mailbox full   quota exceeded  -     -              -
EOF

run "$BCTL" -d "$DB1" history --json bob@example.org
rc_is "history --json" 0
json_is "history --json: every column, numbers, the raw diagnostic" '
len(rows) == 2 and list(rows[0]) == ["kind", "at", "bounced_at", "processed_at",
  "action", "status", "reply_code", "reason", "hard", "class",
  "diagnostic", "remote_mta", "original_message_id", "rule", "family",
  "source_ref", "note", "source", "original_from", "original_sender",
  "original_envelope_id", "original_subject", "original_list_id",
  "campaign", "original_headers", "attribution"]
and rows[0]["reply_code"] == 452 and rows[0]["hard"] == 0
and rows[1]["diagnostic"] == "452 4.2.2 Mailbox full\r\n\tquota exceeded"
and rows[1]["at"] == "2026-11-03T09:30:00Z" and rows[1]["note"] is None
and rows[1]["processed_at"] == "2026-11-03T09:30:01Z"'

run "$BCTL" -d "$DB1" history --csv alice@example.com
rc_is "history --csv" 0
out_is "history --csv: quoted comma and quotes" <<EOF
kind,at,bounced_at,processed_at,action,status,reply_code,reason,hard,class,diagnostic,remote_mta,original_message_id,rule,family,source_ref,note,source,original_from,original_sender,original_envelope_id,original_subject,original_list_id,campaign,original_headers,attribution$CR
bounce,2026-11-01T10:00:00Z,,2026-11-01T10:00:01Z,failed,5.1.1,550,userunknown,1,permanent,"550 5.1.1 <alice@example.com>: Recipient address rejected: ""no such user"", sorry",mx.example.net,<original@example.com>,userunknown,rfc3464,1793527200.M2.test,,,,,,,,,,$CR
EOF

run "$BCTL" -d "$DB1" history --csv carol@example.com
rc_is "history --csv, a comma" 0
out_is "history --csv: quoted comma" <<EOF
kind,at,bounced_at,processed_at,action,status,reply_code,reason,hard,class,diagnostic,remote_mta,original_message_id,rule,family,source_ref,note,source,original_from,original_sender,original_envelope_id,original_subject,original_list_id,campaign,original_headers,attribution$CR
bounce,2026-10-20T12:00:00Z,,2026-10-20T12:00:01Z,failed,4.4.7,,expired,0,transient,"Delivery time expired, gave up after 5 days",mx.example.net,<original@example.com>,expired,rfc3464,1792497600.M1.test,,,,,,,,,,$CR
EOF

run "$BCTL" -d "$DB1" history --csv bob@example.org
rc_is "history --csv, line break" 0
if "$PY" -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
assert len(rows) == 3, rows
assert rows[2][10] == "452 4.2.2 Mailbox full\r\n\tquota exceeded", rows[2]
assert all(len(r) == 26 for r in rows), rows
' "$T/out"; then ok "history --csv: a CR LF inside a field, quoted"
else bad "history --csv: a CR LF inside a field, quoted"; fi

run "$BCTL" -d "$DB1" history nobody@example.com
rc_is "history of an unknown address" 1
empty_out "history of an unknown address"
err_is "history of an unknown address" \
	"bouncectl: nobody@example.com: no record"

# ---- list ----
run "$BCTL" -d "$DB1" list
rc_is "list" 0
quiet "list"
out_is "list (table)" <<'EOF'
address            domain       state       reason       status  bounces  last_bounce           last_bounced_at
bob@example.org    example.org  soft        mailboxfull  4.2.2         2  2026-11-03T09:30:00Z  -
alice@example.com  example.com  suppressed  userunknown  5.1.1         1  2026-11-01T10:00:00Z  -
carol@example.com  example.com  active      expired      4.4.7         1  2026-10-20T12:00:00Z  -
dave@example.net   example.net  suppressed  hostunknown  5.1.2         1  2026-10-15T08:00:00Z  -
EOF

run "$BCTL" -d "$DB1" list --csv --state suppressed
rc_is "list --csv" 0
out_is "list --csv --state suppressed" <<EOF
address,domain,state,reason,status,bounces,last_bounce,last_bounced_at$CR
alice@example.com,example.com,suppressed,userunknown,5.1.1,1,2026-11-01T10:00:00Z,$CR
dave@example.net,example.net,suppressed,hostunknown,5.1.2,1,2026-10-15T08:00:00Z,$CR
EOF

run "$BCTL" -d "$DB1" list --json
json_is "list --json" 'len(rows) == 4 and rows[0] == {"address":
  "bob@example.org", "domain": "example.org", "state": "soft", "reason":
  "mailboxfull", "status": "4.2.2", "bounces": 2,
  "last_bounce": "2026-11-03T09:30:00Z", "last_bounced_at": None}'

run "$BCTL" -d "$DB1" list --json --state suppressed
addrs_are "list --state suppressed" alice@example.com dave@example.net
run "$BCTL" -d "$DB1" list --json --state=soft
addrs_are "list --state=soft" bob@example.org
run "$BCTL" -d "$DB1" list --json --reason mailboxfull
addrs_are "list --reason" bob@example.org
run "$BCTL" -d "$DB1" list --json --domain EXAMPLE.com
addrs_are "list --domain (any case)" alice@example.com carol@example.com
run "$BCTL" -d "$DB1" list --json --since 2026-11-01
addrs_are "list --since DATE" bob@example.org alice@example.com
run "$BCTL" -d "$DB1" list --json --since 2026-11-01T10:00:00Z
addrs_are "list --since DATETIME (inclusive)" bob@example.org \
	alice@example.com
run "$BCTL" -d "$DB1" list --json --since 2026-11-01T10:00:01Z
addrs_are "list --since DATETIME" bob@example.org
run "$BCTL" -d "$DB1" list --json --since '2026-10-20 12:00'
addrs_are "list --since 'DATE HH:MM'" bob@example.org alice@example.com \
	carol@example.com
run "$BCTL" -d "$DB1" list --json --state suppressed --domain example.com
addrs_are "list, two filters" alice@example.com

run "$BCTL" -d "$DB1" list --reason vacation
rc_is "list, no match" 0
out_is "list, no match: the header alone" <<'EOF'
address  domain  state  reason  status  bounces  last_bounce  last_bounced_at
EOF
run "$BCTL" -d "$DB1" list --reason vacation --csv
rc_is "list --csv, no match" 0
out_is "list --csv, no match: the header alone" <<EOF
address,domain,state,reason,status,bounces,last_bounce,last_bounced_at$CR
EOF
run "$BCTL" -d "$DB1" list --reason vacation --json
rc_is "list --json, no match" 0
empty_out "list --json, no match"
run "$BCTL" -d "$DB1" list --since 7d --json
rc_is "list --since 7d, all older" 0
empty_out "list --since 7d, all older"

run "$BCTL" -d "$T/db2.db" list --json --since 1d
rc_is "list --since 1d" 0
addrs_are "list --since 1d" erin@example.com
run "$BCTL" -d "$T/db2.db" list --json --since 2h
addrs_are "list --since 2h" erin@example.com
run "$BCTL" -d "$T/db2.db" list --json --since 30m
rc_is "list --since 30m" 0
empty_out "list --since 30m: erin bounced an hour ago"

# ---- stats ----
run "$BCTL" -d "$DB1" stats
rc_is "stats" 0
quiet "stats"
out_is "stats (three tables)" <<'EOF'
reason       bounces  recipients  hard_bounces  sender  unverified
mailboxfull        2           1             0       0           0
expired            1           1             0       0           0
hostunknown        1           1             1       0           0
userunknown        1           1             1       0           0

domain       bounces  recipients  hard_bounces  sender  unverified
example.com        2           2             1       0           0
example.org        2           1             0       0           0
example.net        1           1             1       0           0

day         bounces  recipients  hard_bounces  sender  unverified
2026-10-15        1           1             1       0           0
2026-10-20        1           1             0       0           0
2026-11-01        1           1             1       0           0
2026-11-02        1           1             0       0           0
2026-11-03        1           1             0       0           0
EOF

run "$BCTL" -d "$DB1" stats --by domain --json
rc_is "stats --by domain --json" 0
out_is "stats --by domain --json" <<'EOF'
{"domain":"example.com","bounces":2,"recipients":2,"hard_bounces":1,"sender":0,"unverified":0}
{"domain":"example.org","bounces":2,"recipients":1,"hard_bounces":0,"sender":0,"unverified":0}
{"domain":"example.net","bounces":1,"recipients":1,"hard_bounces":1,"sender":0,"unverified":0}
EOF
json_is "stats --by domain --json" 'sum(r["bounces"] for r in rows) == 5'

run "$BCTL" -d "$DB1" stats --csv --by day --since 2026-11-02
rc_is "stats --by day --since --csv" 0
out_is "stats --by day --since --csv" <<EOF
day,bounces,recipients,hard_bounces,sender,unverified$CR
2026-11-02,1,1,0,0,0$CR
2026-11-03,1,1,0,0,0$CR
EOF

run "$BCTL" -d "$DB1" stats --by reason --since 2027-01-01
rc_is "stats, nothing since" 0
out_is "stats, nothing since: the header alone" <<'EOF'
reason  bounces  recipients  hard_bounces  sender  unverified
EOF

run "$BCTL" -d "$T/db2.db" stats --by reason --since 1d --json
out_is "stats --since 1d" <<'EOF'
{"reason":"blocked","bounces":1,"recipients":1,"hard_bounces":0,"sender":0,"unverified":0}
EOF

# ---- usage errors: exit 2, nothing on stdout ----
usage_error "no verb" "usage: bouncectl parse [--json] FILE...   classify bounces (- reads stdin)" "$BCTL"
usage_error "unknown verb" "bouncectl: frobnicate: unknown command" \
	"$BCTL" -d "$DB1" frobnicate
usage_error "unknown option" "bouncectl: --frob: unknown option" \
	"$BCTL" -d "$DB1" list --frob
usage_error "option of another verb" \
	"bouncectl: --state: not an option of status" \
	"$BCTL" -d "$DB1" status alice@example.com --state soft
usage_error "bad --state" \
	"bouncectl: --state: gone: not one of active, soft, suppressed" \
	"$BCTL" -d "$DB1" list --state gone
usage_error "bad --reason" \
	"bouncectl: --reason: nosuch: no such reason (bouncectl(1) lists them)" \
	"$BCTL" -d "$DB1" list --reason nosuch
usage_error "bad month" \
	"bouncectl: --since: 2026-13-01: not a date (YYYY-MM-DD[THH:MM[:SS]Z], UTC)" \
	"$BCTL" -d "$DB1" list --since 2026-13-01
usage_error "no 30 February" \
	"bouncectl: --since: 2026-02-30: not a date (YYYY-MM-DD[THH:MM[:SS]Z], UTC)" \
	"$BCTL" -d "$DB1" list --since 2026-02-30
usage_error "an offset" \
	"bouncectl: --since: 2026-11-01T10:00:00+01:00: not a date (YYYY-MM-DD[THH:MM[:SS]Z], UTC)" \
	"$BCTL" -d "$DB1" list --since 2026-11-01T10:00:00+01:00
run "$BCTL" -d "$DB1" list --since yesterday
rc_is "neither date nor duration" 2
empty_out "neither date nor duration"
case $(cat "$T/err") in
"bouncectl: --since: yesterday: not a date nor a duration: "*)
	ok "neither date nor duration: message" ;;
*) bad "neither date nor duration: message '$(cat "$T/err")'" ;;
esac
usage_error "stats: bad --since" \
	"bouncectl: --since: 2026-1-01: not a date (YYYY-MM-DD[THH:MM[:SS]Z], UTC)" \
	"$BCTL" -d "$DB1" stats --since 2026-1-01
usage_error "bad --by" \
	"bouncectl: --by: week: not one of reason, domain, day, sender, campaign, remote_mta" \
	"$BCTL" -d "$DB1" stats --by week
# issue 17 item 5: JSON Lines without --by: every grouping, each row
# named by its first key
run "$BCTL" -d "$DB1" stats --json
rc_is "stats --json without --by" 0
json_is "stats --json without --by" \
	'[next(iter(r)) for r in rows] == ["reason"] * 4 + ["domain"] * 3 + ["day"] * 5 and all(isinstance(r["hard_bounces"], int) for r in rows)'
usage_error "stats --csv without --by" \
	"bouncectl: stats: --csv needs --by reason, domain or day" \
	"$BCTL" -d "$DB1" stats --csv
usage_error "status without an address" \
	"bouncectl: status: needs an address" "$BCTL" -d "$DB1" status
usage_error "status with two addresses" \
	"bouncectl: status: takes one address" \
	"$BCTL" -d "$DB1" status a@example.com b@example.com
usage_error "status of no address" \
	"bouncectl: status: alice: not an address" \
	"$BCTL" -d "$DB1" status alice
# an address about to be stored is held to RFC 5321 4.1.2 as the daemon's
# are; check answers 2 for it as for any other non-address
usage_error "suppress of a@b@c" \
	"bouncectl: suppress: a@b@c: not an address" \
	"$BCTL" -d "$DB1" suppress 'a@b@c'
usage_error "suppress of an open literal" \
	"bouncectl: suppress: a@[1.2.3: not an address" \
	"$BCTL" -d "$DB1" suppress 'a@[1.2.3'
usage_error "check of a@b@c" \
	"bouncectl: check: a@b@c: not an address" \
	"$BCTL" -d "$DB1" check 'a@b@c'
usage_error "list with an operand" "bouncectl: list: takes no operand" \
	"$BCTL" -d "$DB1" list alice@example.com
usage_error "-d and -c" "bouncectl: -d, -c: give one or the other" \
	"$BCTL" -d "$DB1" -c "$T/x.yaml" list
usage_error "--json and --csv" \
	"bouncectl: --json, --csv: give one or the other" \
	"$BCTL" -d "$DB1" list --json --csv
usage_error "a value missing" "bouncectl: --since: needs a value" \
	"$BCTL" -d "$DB1" list --since
usage_error "a flag with a value" "bouncectl: --json: takes no value" \
	"$BCTL" -d "$DB1" list --json=yes
usage_error "options before parse" "bouncectl: parse: options go after it" \
	"$BCTL" -d "$DB1" parse x.eml
# a usage error wins over a missing database: checked before opening
usage_error "usage error before the database" \
	"bouncectl: --state: gone: not one of active, soft, suppressed" \
	"$BCTL" -d "$T/missing.db" list --state gone

run "$BCTL" --help
rc_is "--help" 0
quiet "--help"
if grep -q '^exit: 0 done, 1 no record' "$T/out"; then ok "--help: exit codes"
else bad "--help: no exit codes in the usage"; fi
if grep -qF "else $DEFCONF)" "$T/out"; then ok "--help: $DEFCONF"
else bad "--help does not name $DEFCONF"; fi
run "$BCTL" list -h
rc_is "list -h" 0

# ---- database and configuration problems: exit 3 ----
run "$BCTL" -d "$T/missing.db" list
rc_is "missing database" 3
empty_out "missing database"
err_is "missing database" \
	"bouncectl: $T/missing.db: No such file or directory"
run "$BCTL" -d "$T/missing.db" suppress alice@example.com
rc_is "suppress, missing database" 3
if [ -e "$T/missing.db" ]; then bad "suppress created a missing database"
else ok "suppress creates no database"; fi
printf 'this is not an SQLite database, just text\n%.0s' $(seq 1 200) \
	>"$T/junk.db"
run "$BCTL" -d "$T/junk.db" status alice@example.com
rc_is "not a database" 3
err_names "not a database" "$T/junk.db"
"$PY" -c '
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("CREATE TABLE t (x)")
c.execute("PRAGMA user_version = 99")
c.commit()
' "$T/future.db"
run "$BCTL" -d "$T/future.db" list
rc_is "a schema from the future" 3
err_names "a schema from the future" "$T/future.db"
run "$BCTL" -d "$T/future.db" suppress alice@example.com
rc_is "suppress into a schema from the future" 3

# a file of schema 0: read-only verbs refuse it, and leave it alone (a
# read-write open would migrate it)
: >"$T/empty.db"
for verb in "status alice@example.com" "history alice@example.com" list \
    stats resends; do
	# shellcheck disable=SC2086
	run "$BCTL" -d "$T/empty.db" $verb
	rc_is "$verb on an empty file" 3
	if [ ! -s "$T/empty.db" ]; then ok "$verb: the empty file untouched"
	else bad "$verb wrote into the empty file"; fi
done

printf 'database: db1.db\nno_such_key: 1\n' >"$T/bad.yaml"
run "$BCTL" -c "$T/bad.yaml" list
rc_is "bad configuration" 3
empty_out "bad configuration"
if grep -q "^bouncectl: $T/bad.yaml:2:" "$T/err"; then
	ok "bad configuration: file:line on stderr"
else
	bad "bad configuration: stderr '$(cat "$T/err")'"
fi
run "$BCTL" -c "$T/missing.yaml" list
rc_is "missing configuration" 3
if grep -q "^bouncectl: $T/missing.yaml" "$T/err"; then
	ok "missing configuration: named"
else
	bad "missing configuration: stderr '$(cat "$T/err")'"
fi

# ---- where the database comes from ----
printf 'database: db1.db\n' >"$T/bounced.yaml"
(cd / && "$BCTL" -c "$T/bounced.yaml" status alice@example.com) \
	>"$T/out" 2>"$T/err"
rc=$?
rc_is "-c: the database relative to the configuration" 0
if cmp -s "$T/alice" "$T/out"; then ok "-c: the same status"
else bad "-c: another status"; fi
run env BOUNCED_DB="$DB1" "$BCTL" status alice@example.com
rc_is "\$BOUNCED_DB" 0
if cmp -s "$T/alice" "$T/out"; then ok "\$BOUNCED_DB: the same status"
else bad "\$BOUNCED_DB: another status"; fi
run env BOUNCED_DB="$T/missing.db" "$BCTL" -d "$DB1" \
	status alice@example.com
rc_is "-d wins over \$BOUNCED_DB" 0
run env BOUNCED_DB="$T/missing.db" "$BCTL" -c "$T/bounced.yaml" \
	status alice@example.com
rc_is "-c wins over \$BOUNCED_DB" 0
if [ ! -e "$DEFCONF" ] &&
    [ ! -e /var/lib/bounced/bounced.db ]; then
	run "$BCTL" status alice@example.com
	rc_is "the built-in default" 3
	err_is "the built-in default" \
		"bouncectl: /var/lib/bounced/bounced.db: No such file or directory"
else
	echo "skip the built-in default: this machine has a bounced set up"
fi

# ---- options before or after the verb ----
run "$BCTL" status alice@example.com -d "$DB1"
rc_is "options after the verb" 0
if cmp -s "$T/alice" "$T/out"; then ok "options after the verb: output"
else bad "options after the verb: output"; fi
run "$BCTL" --json status -d "$DB1" alice@example.com
json_is "options around the verb" 'rows[0]["address"] == "alice@example.com"'
run "$BCTL" list --state=active --json "-d$DB1"
rc_is "-dDB, --state=S" 0
addrs_are "-dDB, --state=S" carol@example.com
run "$BCTL" -d "$DB1" status -- alice@example.com
rc_is "-- before the address" 0

# ---- suppress, unsuppress ----
DB3=$T/db3.db
run "$BCTL" -d "$DB3" suppress Carol@Example.com --note 'asked by support, "ticket" 7'
rc_is "suppress" 0
quiet "suppress"
for line in "state:         suppressed" "overridden_by: person" \
    "override:      suppressed" "bounces:       1"; do
	if grep -qxF "$line" "$T/out"; then ok "suppress prints '$line'"
	else bad "suppress does not print '$line'"; fi
done
run "$BCTL" -d "$DB3" status carol@example.com --json
json_is "status after suppress" 'rows[0]["state"] == "suppressed" and
  rows[0]["override"] == "suppressed" and
  rows[0]["overridden_by"] == "person" and
  rows[0]["override_at"] is not None and rows[0]["suppressed_at"] is not None'
run "$BCTL" -d "$DB3" list --json --state suppressed
addrs_are "list after suppress" alice@example.com carol@example.com \
	dave@example.net

run "$BCTL" -d "$DB3" unsuppress carol@example.com --json
rc_is "unsuppress --json" 0
json_is "unsuppress prints the new status" 'len(rows) == 1 and
  rows[0]["state"] == "active" and rows[0]["override"] == "unsuppressed"
  and rows[0]["soft_bounces"] == 0'
run "$BCTL" -d "$DB3" status carol@example.com --json
json_is "status after unsuppress" 'rows[0]["state"] == "active" and
  rows[0]["override"] == "unsuppressed"'

run "$BCTL" -d "$DB3" history carol@example.com --json
rc_is "history with overrides" 0
json_is "history shows the overrides, oldest first" '
[r["kind"] for r in rows] == ["bounce", "override", "override"] and
[r["action"] for r in rows] == ["failed", "suppressed", "unsuppressed"] and
[r["note"] for r in rows] == [None, "asked by support, \"ticket\" 7", None]
and rows[1]["at"] <= rows[2]["at"]'
run "$BCTL" -d "$DB3" history carol@example.com
rc_is "history with overrides (table)" 0
if [ "$(sed -n '3p' "$T/out" | awk '{ print $3, $4 }')" = \
    "override suppressed" ] &&
    sed -n '3p' "$T/out" | grep -q 'asked by support, "ticket" 7  *-  *-$'; then
	ok "history (table): the override and its note"
else
	bad "history (table): $(cat "$T/out")"
fi

run "$BCTL" -d "$DB3" suppress new@example.org
rc_is "suppress an address without a record" 0
run "$BCTL" -d "$DB3" status new@example.org --json
json_is "the new record" 'rows[0]["state"] == "suppressed" and
  rows[0]["domain"] == "example.org" and rows[0]["bounces"] == 0'

run "$BCTL" -d "$DB1" unsuppress
rc_is "unsuppress without an address" 2
usage_error "a note for list" "bouncectl: --note: not an option of list" \
	"$BCTL" -d "$DB1" list --note x

# ---- resends, resend-now, cancel ----
run "$BCTL" -d "$DB1" resends
rc_is "resends" 0
quiet "resends"
out_is "resends (table: subset, newest first)" <<'EOF'
id  recipient          state     kind       reason       attempts  next_attempt          original_message_id         last_error
 4  bob@example.org    pending   transient  mailboxfull         0  2026-11-03T10:30:01Z  <original@example.com>      -
 3  bob@example.org    sent      transient  mailboxfull         1  -                     <newsletter-7@example.com>  250 2.0.0 Ok: queued as 4XyZ
 2  alice@example.com  pending   confirm    userunknown         0  2026-11-01T11:00:01Z  <original@example.com>      -
 1  carol@example.com  deferred  transient  expired             1  2026-10-20T15:00:01Z  <original@example.com>      451 4.7.1 Try again later
EOF

run "$BCTL" -d "$DB1" resends --json
rc_is "resends --json" 0
json_is "resends --json: every column, numbers, null" '
len(rows) == 4 and list(rows[0]) == ["id", "recipient",
  "original_message_id", "reason", "kind", "state", "attempts",
  "next_attempt", "created", "updated", "last_error"]
and [r["id"] for r in rows] == [4, 3, 2, 1]
and rows[1]["next_attempt"] is None and rows[1]["attempts"] == 1
and rows[3] == {"id": 1, "recipient": "carol@example.com",
  "original_message_id": "<original@example.com>", "reason": "expired",
  "kind": "transient", "state": "deferred", "attempts": 1,
  "next_attempt": "2026-10-20T15:00:01Z",
  "created": "2026-10-20T12:00:01Z", "updated": "2026-10-20T13:00:01Z",
  "last_error": "451 4.7.1 Try again later"}'

run "$BCTL" -d "$DB1" resends --csv --state sent
rc_is "resends --csv --state sent" 0
out_is "resends --csv --state sent" <<EOF
id,recipient,original_message_id,reason,kind,state,attempts,next_attempt,created,updated,last_error$CR
3,bob@example.org,<newsletter-7@example.com>,mailboxfull,transient,sent,1,,2026-11-02T09:00:01Z,2026-11-02T10:00:01Z,250 2.0.0 Ok: queued as 4XyZ$CR
EOF
run "$BCTL" -d "$DB1" resends --json --state=pending
json_is "resends --state=pending" '[r["id"] for r in rows] == [4, 2]'
run "$BCTL" -d "$DB1" resends --state cancelled
rc_is "resends, none cancelled" 0
out_is "resends, none cancelled: the header alone" <<'EOF'
id  recipient  state  kind  reason  attempts  next_attempt  original_message_id  last_error
EOF

usage_error "resends: bad --state" \
	"bouncectl: --state: soft: not one of pending, deferred, sent, failed, gave_up, cannot_resend, cancelled" \
	"$BCTL" -d "$DB1" resends --state soft
usage_error "resends with an operand" "bouncectl: resends: takes no operand" \
	"$BCTL" -d "$DB1" resends 4
usage_error "resends --reason" "bouncectl: --reason: not an option of resends" \
	"$BCTL" -d "$DB1" resends --reason mailboxfull
usage_error "cancel without an id" "bouncectl: cancel: needs a resend id" \
	"$BCTL" -d "$DB1" cancel
usage_error "cancel with two ids" "bouncectl: cancel: takes one resend id" \
	"$BCTL" -d "$DB1" cancel 1 2
usage_error "cancel x" "bouncectl: cancel: x: not a resend id" \
	"$BCTL" -d "$DB1" cancel x
usage_error "resend-now 0" "bouncectl: resend-now: 0: not a resend id" \
	"$BCTL" -d "$DB1" resend-now 0
usage_error "resend-now -1" "bouncectl: -1: unknown option" \
	"$BCTL" -d "$DB1" resend-now -1
usage_error "resend-now 4x" "bouncectl: resend-now: 4x: not a resend id" \
	"$BCTL" -d "$DB1" resend-now 4x
usage_error "resend-now, too large" \
	"bouncectl: resend-now: 99999999999999999999: not a resend id" \
	"$BCTL" -d "$DB1" resend-now 99999999999999999999
usage_error "resend-now --note" \
	"bouncectl: --note: not an option of resend-now" \
	"$BCTL" -d "$DB1" resend-now 4 --note x
# checked before the database is opened
usage_error "cancel: usage before the database" \
	"bouncectl: cancel: x: not a resend id" \
	"$BCTL" -d "$T/missing.db" cancel x

DB4=$T/db4.db
"$MKDB" "$DB4" || bad "mkdb db4"
before=$(date +%s)
run "$BCTL" -d "$DB4" resend-now 4 --json
rc_is "resend-now" 0
quiet "resend-now"
json_is "resend-now prints the row, due now" 'len(rows) == 1 and
  rows[0]["id"] == 4 and rows[0]["state"] == "pending" and
  rows[0]["next_attempt"] == rows[0]["updated"] and
  rows[0]["next_attempt"] > "2026-11-03T10:30:01Z"'
"$PY" -c '
import sqlite3, sys, time
c = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
(at, up), = c.execute("SELECT next_attempt_at, updated_at FROM resends"
                      " WHERE id = 4")
assert int(sys.argv[2]) <= at <= time.time() and at == up, (at, up)
' "$DB4" "$before" && ok "resend-now: next_attempt_at = now" ||
	bad "resend-now: next_attempt_at"
run "$BCTL" -d "$DB4" resend-now 1
rc_is "resend-now of a deferred resend" 0
if grep -qxF "state:               deferred" "$T/out"; then
	ok "resend-now (table): the record"
else
	bad "resend-now (table): $(cat "$T/out")"
fi

run "$BCTL" -d "$DB4" cancel 2
rc_is "cancel" 0
quiet "cancel"
if grep -qxF "state:               cancelled" "$T/out" &&
    grep -qxF "next_attempt:        -" "$T/out"; then
	ok "cancel: the record, cancelled"
else
	bad "cancel: $(cat "$T/out")"
fi
run "$BCTL" -d "$DB4" cancel 2
rc_is "cancel twice" 1
empty_out "cancel twice"
err_is "cancel twice" "bouncectl: cancel: resend 2: cancelled, not waiting"
run "$BCTL" -d "$DB4" resend-now 2
rc_is "resend-now of a cancelled resend" 1
err_is "resend-now of a cancelled resend" \
	"bouncectl: resend-now: resend 2: cancelled, not waiting"
run "$BCTL" -d "$DB4" cancel 3
rc_is "cancel of a sent resend" 1
err_is "cancel of a sent resend" \
	"bouncectl: cancel: resend 3: sent, not waiting"
run "$BCTL" -d "$DB4" cancel 99
rc_is "cancel of no resend" 1
err_is "cancel of no resend" "bouncectl: cancel: resend 99: no such resend"
run "$BCTL" -d "$DB4" resends --json --state cancelled
json_is "resends after cancel" '[r["id"] for r in rows] == [2]'
run "$BCTL" -d "$T/missing.db" cancel 1
rc_is "cancel, missing database" 3
if [ -e "$T/missing.db" ]; then bad "cancel created a missing database"
else ok "cancel creates no database"; fi
run "$BCTL" -d "$T/future.db" resend-now 1
rc_is "resend-now into a schema from the future" 3
run "$BCTL" -d "$T/future.db" resends
rc_is "resends, a schema from the future" 3
err_names "resends, a schema from the future" "$T/future.db"

# read-only verbs leave the database alone
before=$(cksum <"$DB1")
"$BCTL" -d "$DB1" list >/dev/null 2>&1
"$BCTL" -d "$DB1" stats >/dev/null 2>&1
"$BCTL" -d "$DB1" history alice@example.com >/dev/null 2>&1
"$BCTL" -d "$DB1" resends >/dev/null 2>&1
if [ "$(cksum <"$DB1")" = "$before" ]; then ok "queries do not write"
else bad "a query changed the database file"; fi

if [ "$fails" -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
rm -rf "$T"
echo "all checks passed"
