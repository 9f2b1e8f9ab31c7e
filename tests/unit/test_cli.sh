#!/bin/sh
# bouncectl's command-line contract (docs: `bouncectl parse [--json] FILE...`,
# `bouncectl explain FILE...`), run against the built binary.
#   test_cli.sh BOUNCECTL FIXTURES_DIR PYTHON3
set -u

BCTL=$1
FIX=$2
PY=${3:-/usr/bin/python3}
DSN=$FIX/cli_dsn.eml
NOTB=$FIX/cli_notbounce.eml
fails=0
T=$(mktemp -d "${TMPDIR:-/tmp}/bd-cli.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM

ok() { printf 'ok   %s\n' "$1"; }
bad() { printf 'FAIL %s\n' "$1"; fails=$((fails + 1)); }
check() { # check NAME COMMAND...: passes when COMMAND succeeds
	name=$1
	shift
	if "$@"; then ok "$name"; else bad "$name"; fi
}

[ -x "$BCTL" ] || { echo "no bouncectl at $BCTL"; exit 1; }
[ -x "$PY" ] || { echo "no python3 at $PY"; exit 1; }

# Validates JSON Lines on stdin: exactly $1 lines, each an object with all
# contract keys; the remaining arguments are key=value expectations on the
# first line (value compared as JSON text, prefix* for a prefix match).
json_check() {
	"$PY" -c '
import json, sys
want_lines = int(sys.argv[1])
lines = sys.stdin.read().splitlines()
if len(lines) != want_lines:
    sys.exit("want %d lines, got %d: %r" % (want_lines, len(lines), lines))
keys = ["file", "recipient", "action", "status", "reply_code", "reason",
        "hard", "class", "diagnostic", "remote_mta", "original_message_id",
        "rule", "family", "stage", "stage_source", "layer"]
objs = []
for l in lines:
    o = json.loads(l)
    if not isinstance(o, dict):
        sys.exit("not an object: %r" % l)
    missing = [k for k in keys if k not in o]
    if missing:
        sys.exit("missing keys %s in %r" % (missing, l))
    objs.append(o)
for e in sys.argv[2:]:
    k, v = e.split("=", 1)
    got = objs[0].get(k)
    if v.endswith("*"):
        if not isinstance(got, str) or not got.startswith(v[:-1]):
            sys.exit("%s = %r, want prefix %r" % (k, got, v[:-1]))
    elif got != json.loads(v):
        sys.exit("%s = %r, want %s" % (k, got, v))
' "$@"
}

# 1. parse --json: one line with every key and the right values
"$BCTL" parse --json "$DSN" >"$T/out" 2>"$T/err"
check "parse --json exits 0" test $? -eq 0
check "parse --json writes nothing on stderr" test ! -s "$T/err"
check "parse --json: one JSON line with the contract keys and values" \
	json_check 1 <"$T/out" \
	"file=\"$DSN\"" 'recipient="fixture.user@example.org"' \
	'action="failed"' 'status="5.1.1"' 'reply_code=550' \
	'reason="userunknown"' 'hard=true' 'class="permanent"' \
	'remote_mta="mx.example.org"' \
	'original_message_id="<cli-fixture.original@example.com>"' \
	'rule=userunknown.*' 'family="rfc3464"' 'diagnostic=550 5.1.1 *' \
	'original_recipient="fixture.user@example.org"' \
	'recipient_from="Final-Recipient"' 'diagnostic_type="smtp"' \
	'stage="rcpt"' 'stage_source="status"' 'layer="rules"'
cp "$T/out" "$T/json1"

# 2. "-" reads stdin
"$BCTL" parse --json - <"$DSN" >"$T/out" 2>"$T/err"
check "parse --json - exits 0" test $? -eq 0
check "parse --json - reads stdin" json_check 1 <"$T/out" 'file="-"' \
	'recipient="fixture.user@example.org"' 'reason="userunknown"'

# 3. a message that is no bounce prints nothing and succeeds
"$BCTL" parse --json "$NOTB" >"$T/out" 2>"$T/err"
check "non-bounce exits 0" test $? -eq 0
check "non-bounce prints nothing" test ! -s "$T/out"
check "non-bounce: nothing on stderr" test ! -s "$T/err"

# 4. a missing file: error on stderr, the next file is still processed,
#    non-zero exit at the end
"$BCTL" parse --json "$T/does-not-exist.eml" "$DSN" >"$T/out" 2>"$T/err"
rc=$?
check "missing file: non-zero exit" test $rc -ne 0
check "missing file: named on stderr" grep -q "does-not-exist.eml" "$T/err"
check "missing file: the next file is still processed" \
	json_check 1 <"$T/out" "file=\"$DSN\"" \
	'recipient="fixture.user@example.org"'

# 5. an empty file is no message: error, non-zero exit, others still run
: >"$T/empty.eml"
"$BCTL" parse --json "$T/empty.eml" "$NOTB" "$DSN" >"$T/out" 2>"$T/err"
rc=$?
check "empty file: non-zero exit" test $rc -ne 0
check "empty file: named on stderr" grep -q "empty.eml" "$T/err"
check "empty file: later files processed" json_check 1 <"$T/out" \
	"file=\"$DSN\""

# 5b. bytes that are no mail (no header field first): unparsable, named,
#     non-zero exit, the others still run
printf '\211PNG\r\n\032\n binary' >"$T/junk.eml"
"$BCTL" parse --json "$T/junk.eml" "$DSN" >"$T/out" 2>"$T/err"
rc=$?
check "junk file: non-zero exit" test $rc -ne 0
check "junk file: named as unparsable on stderr" \
	grep -q "junk.eml: unparsable" "$T/err"
check "junk file: later files processed" json_check 1 <"$T/out" \
	"file=\"$DSN\""

# 6. plain parse: one tab-separated line per recipient
"$BCTL" parse "$DSN" >"$T/out" 2>"$T/err"
check "parse (text) exits 0" test $? -eq 0
check "parse (text): one line, 6 fields" test "$(awk -F '\t' \
	'NF == 6 && $2 == "fixture.user@example.org" { n++ } END { print n + 0 }' \
	"$T/out")" = 1

# 7. explain: rule, matched text and advice, consistent with --json
"$BCTL" explain "$DSN" >"$T/out" 2>"$T/err"
check "explain exits 0" test $? -eq 0
check "explain: consistent rule, matched text in the diagnostic, advice" \
	"$PY" -c '
import json, re, sys
j = json.loads(open(sys.argv[1]).read())
t = open(sys.argv[2]).read()
def field(name):
    m = re.search(r"^\s*" + name + r":\s*(.*)$", t, re.M)
    if not m:
        sys.exit("explain has no %s: line:\n%s" % (name, t))
    return m.group(1).strip()
if field("rule") != j["rule"]:
    sys.exit("explain rule %r, --json rule %r" % (field("rule"), j["rule"]))
m = field("matched").strip("\"")
pieces = [p for p in m.split("*") if p]
if not pieces or any(p not in j["diagnostic"].lower() for p in pieces):
    sys.exit("matched %r is not in the diagnostic %r" % (m, j["diagnostic"]))
if len(field("advice")) < 10:
    sys.exit("advice too short: %r" % field("advice"))
if j["reason"] not in field("reason"):
    sys.exit("explain reason %r, --json %r" % (field("reason"), j["reason"]))
' "$T/json1" "$T/out"

# 8. usage errors
"$BCTL" parse --json >"$T/out" 2>"$T/err"
check "parse without files: usage error" test $? -ne 0

if [ "$fails" -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
echo "all checks passed"
