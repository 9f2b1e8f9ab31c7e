#!/bin/sh
# Every --json line is valid UTF-8 JSON whatever the input (issue 14):
# bouncectl parse --json over tests/fixtures/hostile (invalid UTF-8 in
# headers and DSN fields, NUL inside addresses, 8-bit headers, overlongs,
# surrogates, control characters), a file name that is no UTF-8, and the
# query verbs over a database bounced --once filled from the same files,
# then with ill-formed bytes written into it directly. Each line is read
# by a strict parser: the bytes decoded as UTF-8 (strict), json.loads,
# every string encoded again (no lone surrogate from a \ud800 escape).
# The recipients must be those of expect.tsv: no address is a part of one.
#   test_hostile_json.sh BOUNCECTL BOUNCED PYTHON3 HOSTILE_DIR TMPDIR
set -u

# absolute: the checks run from other directories
abs() { case $1 in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$(pwd)" "$1" ;; esac; }
BCTL=$(abs "$1")
BOUNCED=$(abs "$2")
PY=${3:-/usr/bin/python3}
FIX=$(abs "$4")
T=$(abs "$5")
fails=0

ok() { printf 'ok   %s\n' "$1"; }
bad() { printf 'FAIL %s\n' "$1"; fails=$((fails + 1)); }

[ -x "$BCTL" ] || { echo "no bouncectl at $BCTL"; exit 1; }
[ -x "$BOUNCED" ] || { echo "no bounced at $BOUNCED"; exit 1; }
[ -x "$PY" ] || { echo "no python3 at $PY"; exit 1; }
rm -rf "$T" && mkdir -p "$T" || exit 1
unset BOUNCED_DB

# strict FILE NAME [MIN]: every line of FILE is a JSON object in strict
# UTF-8, its strings hold no lone surrogate; at least MIN lines
strict() {
	if "$PY" -c '
import json, sys
data = open(sys.argv[1], "rb").read()
text = data.decode("utf-8")  # strict: ill-formed bytes raise
lines = text.split("\n")
if lines[-1] != "":
    sys.exit("no newline at the end")
def walk(v):
    if isinstance(v, str):
        v.encode("utf-8")  # strict: a lone surrogate raises
    elif isinstance(v, dict):
        for k, x in v.items():
            walk(k)
            walk(x)
    elif isinstance(v, list):
        for x in v:
            walk(x)
n = 0
for l in lines[:-1]:
    o = json.loads(l)  # strict: raw control characters raise
    if not isinstance(o, dict):
        sys.exit("not an object: %r" % l)
    walk(o)
    n += 1
if n < int(sys.argv[2]):
    sys.exit("%d lines, want at least %s" % (n, sys.argv[2]))
print(n)
' "$1" "${3:-1}" >"$T/n" 2>"$T/pyerr"; then
		ok "$2: $(cat "$T/n") line(s) of strict JSON"
		lines=$((lines + $(cat "$T/n")))
	else
		bad "$2: not strict JSON"
		sed 's/^/    /' "$T/pyerr" | head -5
	fi
}
lines=0

# ---- parse --json, one file at a time and all at once ----
nfiles=0
: >"$T/all.jsonl"
for f in "$FIX"/*.eml; do
	nfiles=$((nfiles + 1))
	name=$(basename "$f")
	if ! (cd "$FIX" && "$BCTL" parse --json "$name") >"$T/one.jsonl" \
	    2>"$T/err"; then
		bad "parse --json $name: exit status"
		sed 's/^/    /' "$T/err"
	fi
	strict "$T/one.jsonl" "parse --json $name"
	cat "$T/one.jsonl" >>"$T/all.jsonl"
done
[ "$nfiles" -ge 20 ] || bad "only $nfiles hostile inputs in $FIX"

# the recipients: exactly those of expect.tsv, in order
if "$PY" -c '
import json, sys
got = []
for l in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(l)
    got.append("\t".join([o["file"]] + [o[k] or "-" for k in
        ("recipient", "original_recipient", "actual_recipient")]))
want = [l.rstrip("\n") for l in open(sys.argv[2], encoding="utf-8")
        if l.strip() and not l.startswith("#")]
if got != want:
    import difflib
    sys.exit("\n".join(difflib.unified_diff(want, got, "want", "got",
                                           lineterm="")))
' "$T/all.jsonl" "$FIX/expect.tsv" 2>"$T/pyerr"; then
	ok "parse --json: the recipients of expect.tsv"
else
	bad "parse --json: recipients differ from expect.tsv"
	sed 's/^/    /' "$T/pyerr"
fi

(cd "$FIX" && "$BCTL" parse --json ./*.eml) >"$T/batch.jsonl" 2>"$T/err"
strict "$T/batch.jsonl" "parse --json, all files in one run" 20
"$BCTL" parse --json - <"$FIX/dsn_surrogate.eml" >"$T/stdin.jsonl" 2>&1
strict "$T/stdin.jsonl" "parse --json - (stdin)"

# a file name that is no UTF-8, with a control character in it
odd=$(printf 'odd-\377\300\257\355\240\200-\001-name.eml')
cp "$FIX/dsn_latin1.eml" "$T/$odd"
(cd "$T" && "$BCTL" parse --json "$odd") >"$T/odd.jsonl" 2>"$T/err"
strict "$T/odd.jsonl" "parse --json on a file name that is no UTF-8"

# ---- the database: bounced --once over the same files ----
MD=$T/maildir
mkdir -p "$MD/new" "$MD/cur" "$MD/tmp"
i=0
for f in "$FIX"/*.eml; do
	i=$((i + 1))
	cp "$f" "$MD/new/1700000000.M$i.hostile"
done
cp "$FIX/dsn_latin1.eml" "$MD/new/1700000001.$odd"
DB=$T/bounced.db
if "$BOUNCED" --once -m "$MD" -d "$DB" 2>"$T/daemon.log"; then
	ok "bounced --once over the hostile inputs"
else
	bad "bounced --once: exit status"
	sed 's/^/    /' "$T/daemon.log" | tail -5
fi
left=$(find "$MD/new" -type f | wc -l)
if [ "$left" -eq 0 ]; then ok "every file processed"
else bad "$left file(s) left in new/"; fi

# every address recorded is one (no tail, no head): none in expect.tsv's
# list of parts, each of RFC 5321's shape
if "$PY" -c '
import sqlite3, sys
c = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
c.text_factory = bytes
parts = {b"er@example.org", b"user@example.or", b"ture.user@example.org",
         b"st@example.org", b"oe@example.org"}
bad = []
for (a,) in c.execute("SELECT recipient FROM bounces UNION"
                      " SELECT address FROM recipients"):
    if a == b"":
        continue
    if a in parts or any(ch < 0x21 or ch in b"<>" for ch in a):
        bad.append(a)
    a.decode("utf-8")
if bad:
    sys.exit("not addresses: %r" % bad)
' "$DB" 2>"$T/pyerr"; then
	ok "the database holds only addresses"
else
	bad "the database holds a part of an address or a bad one"
	sed 's/^/    /' "$T/pyerr"
fi

# query verbs: every --json
query_all() { # query_all DB LABEL
	"$BCTL" -d "$1" list --json >"$T/q.jsonl" 2>"$T/err"
	strict "$T/q.jsonl" "$2: list --json"
	cp "$T/q.jsonl" "$T/list.jsonl"
	for by in reason domain day; do
		"$BCTL" -d "$1" stats --json --by "$by" >"$T/q.jsonl" 2>"$T/err"
		strict "$T/q.jsonl" "$2: stats --json --by $by"
	done
	"$BCTL" -d "$1" resends --json >"$T/q.jsonl" 2>"$T/err"
	strict "$T/q.jsonl" "$2: resends --json" 0
	"$PY" -c '
import json, sys
for l in open(sys.argv[1], encoding="utf-8"):
    sys.stdout.buffer.write(json.loads(l)["address"].encode() + b"\n")
' "$T/list.jsonl" >"$T/addrs"
	n=0
	: >"$T/hist.jsonl"
	: >"$T/status.jsonl"
	while IFS= read -r a; do
		n=$((n + 1))
		"$BCTL" -d "$1" history --json -- "$a" >>"$T/hist.jsonl" 2>"$T/err"
		"$BCTL" -d "$1" status --json -- "$a" >>"$T/status.jsonl" 2>"$T/err"
	done <"$T/addrs"
	strict "$T/hist.jsonl" "$2: history --json of $n addresses" "$n"
	strict "$T/status.jsonl" "$2: status --json of $n addresses" "$n"
}
query_all "$DB" "database"

# ill-formed bytes written into the database directly (another writer, an
# older bounced): the query verbs still print strict JSON
cp "$DB" "$T/raw.db"
"$PY" -c '
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
bad = "CAST(X%s AS TEXT)"
ill = "\x27e9c0afeda080f4908080e282ff01\x27"
c.execute("UPDATE bounces SET diagnostic = " + bad % ill +
          ", remote_mta = " + bad % ill + ", original_message_id = " +
          bad % ill + ", status = " + bad % ill)
c.execute("UPDATE messages SET source_ref = " + bad % ill)
c.execute("UPDATE recipients SET reason = " + bad % ill +
          ", status = " + bad % ill)
c.execute("UPDATE recipients SET domain = " + bad % ill +
          " WHERE address = (SELECT min(address) FROM recipients)")
c.commit()
' "$T/raw.db" || bad "writing ill-formed bytes into the database"
a=$(head -n 1 "$T/addrs")
note=$(printf 'note \377\300\257\355\240\200 \342\200\250 \001 end')
"$BCTL" -d "$T/raw.db" suppress "$a" --note "$note" >/dev/null 2>"$T/err" ||
	bad "suppress --note with ill-formed bytes"
"$BCTL" -d "$T/raw.db" suppress --json "$a" >"$T/q.jsonl" 2>"$T/err"
strict "$T/q.jsonl" "raw database: suppress --json"
query_all "$T/raw.db" "raw database"

echo "$nfiles hostile inputs, $lines JSON lines checked"
if [ "$fails" -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
rm -rf "$T"
echo "all checks passed"
