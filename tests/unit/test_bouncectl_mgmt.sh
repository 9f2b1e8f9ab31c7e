#!/bin/sh
# bouncectl suppression list management (issue 15 item 5): suppress and
# unsuppress --from FILE|- (a plain list, Mailgun's CSV exports, our own
# columns, hostile lines), and list --limit N --after CURSOR, against a
# database mkdb writes.
#   test_bouncectl_mgmt.sh BOUNCECTL MKDB PYTHON3 TMPDIR FIXTURES
set -u

BCTL=$1
MKDB=$2
PY=${3:-/usr/bin/python3}
T=$4
FIX=$5
fails=0

rm -rf "$T" && mkdir -p "$T" || exit 1
unset BOUNCED_DB
"$MKDB" "$T/db.db" || { echo "mkdb failed"; exit 1; }
DB=$T/db.db

ok() { printf 'ok   %s\n' "$1"; }
bad() { printf 'FAIL %s\n' "$1"; fails=$((fails + 1)); }
run() {
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
}
rc_is() {
	if [ "$rc" -eq "$2" ]; then ok "$1: exit $2"
	else
		bad "$1: exit $rc, want $2"
		sed 's/^/    stderr: /' "$T/err"
	fi
}
out_is() {
	cat >"$T/want"
	if cmp -s "$T/want" "$T/out"; then ok "$1: output"
	else
		bad "$1: output differs (want, got):"
		diff "$T/want" "$T/out" | sed 's/^/    /'
	fi
}
err_is() {
	cat >"$T/want"
	if cmp -s "$T/want" "$T/err"; then ok "$1: stderr"
	else
		bad "$1: stderr differs (want, got):"
		diff "$T/want" "$T/err" | sed 's/^/    /'
	fi
}
# sql NAME EXPECTED SQL: one value of the database, read with Python's
# sqlite3 (what bouncectl does not show)
sql() {
	got=$("$PY" -c '
import sqlite3, sys
r = sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()
print("" if r is None else "|".join("NULL" if v is None else str(v) for v in r))
' "$DB" "$3")
	if [ "$got" = "$2" ]; then ok "$1"
	else bad "$1: '$got', want '$2'"; fi
}

# ---- Mailgun's bounces export: header, quotes, CRLF, bad lines ----
run "$BCTL" -d "$DB" suppress --from "$FIX/mailgun_bounces.csv" \
    --source mailgun --reason "mailgun bounce"
rc_is "suppress --from a Mailgun export with bad lines" 1
out_is "suppress --from: the summary" <<'EOF'
8 rows: 4 suppressed, 1 already so, 3 invalid (not imported)
EOF
err_is "suppress --from: each bad line by number" <<EOF
bouncectl: $FIX/mailgun_bounces.csv:7: a quote inside an unquoted field: not imported
bouncectl: $FIX/mailgun_bounces.csv:8: no address: not imported
bouncectl: $FIX/mailgun_bounces.csv:9: not an address: not-an-address: not imported
EOF
sql "lower case, the code and error as the note" \
    "suppressed|550 5.1.1 no such user, sorry|mailgun bounce|mailgun" \
    "SELECT r.state, o.note, o.reason, o.source FROM recipients r
     JOIN overrides o ON o.address = r.address
     WHERE r.address = 'ann@example.com'"
sql "a quoted address, \"\" inside quotes" '550 a "quoted" word' \
    "SELECT note FROM overrides WHERE address = 'quoted@example.net'"
sql "a line break inside quotes, blanked" "550 two lines" \
    "SELECT note FROM overrides WHERE address = 'multi@example.net'"
sql "empty cells: the defaults, no note" "NULL|mailgun bounce" \
    "SELECT note, reason FROM overrides WHERE address = 'ben@example.org'"
sql "a second row of one address writes nothing" "1" \
    "SELECT count(*) FROM overrides WHERE address = 'ann@example.com'"

# run twice: nothing new
run "$BCTL" -d "$DB" suppress --from "$FIX/mailgun_bounces.csv" --json
rc_is "the same file again" 1
out_is "the same file again: all already so (JSON)" <<'EOF'
{"rows":8,"suppressed":0,"already":5,"invalid":3}
EOF

# ---- unsubscribes export (tags), our own columns, a plain list ----
run "$BCTL" -d "$DB" suppress --from "$FIX/mailgun_unsubscribes.csv"
rc_is "Mailgun's unsubscribes" 0
sql "tags * is no note" "NULL" \
    "SELECT note FROM overrides WHERE address = 'unsub@example.org'"
sql "other tags are" "tags: newsletter" \
    "SELECT note FROM overrides WHERE address = 'tagged@example.org'"
run "$BCTL" -d "$DB" suppress --from "$FIX/own_columns.csv" \
    --reason default-reason --note default-note
rc_is "our own columns" 0
sql "a row's columns win" "complaint|helpdesk|ticket 9" \
    "SELECT reason, source, note FROM overrides
     WHERE address = 'own@example.org'"
sql "empty cells: the options" "default-reason|NULL|default-note" \
    "SELECT reason, source, note FROM overrides
     WHERE address = 'own2@example.org'"
run "$BCTL" -d "$DB" suppress --from "$FIX/plain.txt" --csv
rc_is "a plain list" 1
out_is "a plain list: the summary (CSV)" <<EOF
rows,suppressed,already,invalid$(printf '\r')
5,2,1,2$(printf '\r')
EOF
err_is "a plain list: bad lines" <<EOF
bouncectl: $FIX/plain.txt:6: not an address: bad address@example.org: not imported
bouncectl: $FIX/plain.txt:7: more than one field in a plain list (a CSV file needs a header naming "address"): not imported
EOF
sql "white space and case" "suppressed" \
    "SELECT state FROM recipients WHERE address = 'plain2@example.org'"

# ---- standard input, unsuppress --from ----
printf 'plain1@example.org\nfresh@example.org\n' |
    "$BCTL" -d "$DB" unsuppress --from - --reason resubscribed \
    >"$T/out" 2>"$T/err"
rc=$?
rc_is "unsuppress --from -" 0
out_is "unsuppress --from -: the summary" <<'EOF'
2 rows: 2 unsuppressed, 0 already so, 0 invalid (not imported)
EOF
sql "unsuppressed, with the reason" "active|unsuppressed|resubscribed" \
    "SELECT r.state, r.override, o.reason FROM recipients r
     JOIN overrides o ON o.address = r.address AND o.action = 'unsuppressed'
     WHERE r.address = 'plain1@example.org'"

# ---- hostile lines: NUL, ill-formed UTF-8, a huge record ----
{
	printf 'address,note\n'
	printf 'nul@exa\000mple.org,x\n'
	printf 'utf@example.org,caf\351 \001bell\n'
	printf 'esc\033[2J@example.org,x\n'
	printf 'big@example.org,'
	head -c 70000 /dev/zero | tr '\0' a
	printf '\nafter@example.org,fine\n'
} >"$T/hostile.csv"
run "$BCTL" -d "$DB" suppress --from "$T/hostile.csv"
rc_is "hostile lines" 1
err_is "hostile lines: reported" <<EOF
bouncectl: $T/hostile.csv:2: NUL byte: not imported
bouncectl: $T/hostile.csv:4: not an address: not imported
bouncectl: $T/hostile.csv:5: record longer than 64 KiB: not imported
EOF
sql "ill-formed UTF-8 replaced, controls blanked" "caf? bell" \
    "SELECT note FROM overrides WHERE address = 'utf@example.org'"
sql "the line after a huge one" "fine" \
    "SELECT note FROM overrides WHERE address = 'after@example.org'"

# ---- usage ----
run "$BCTL" -d "$DB" suppress a@example.org --from "$FIX/plain.txt"
rc_is "--from and an address" 2
run "$BCTL" -d "$DB" suppress --from "$T/missing.txt"
rc_is "--from a missing file" 2
run "$BCTL" -d "$DB" suppress ctl@example.org --reason "$(printf 'a\tb\377')"
rc_is "--reason with a control character, ill-formed UTF-8" 0
sql "--reason mended" "a b?" \
    "SELECT reason FROM overrides WHERE address = 'ctl@example.org'"
run "$BCTL" -d "$DB" suppress a@example.org --note "$(head -c 1001 /dev/zero | tr '\0' n)"
rc_is "--note too long" 2
run "$BCTL" -d "$DB" suppress single@example.org --reason "by hand" \
    --source cli --json
rc_is "suppress ADDR --reason --source" 0
sql "suppress ADDR: reason and source" "by hand|cli" \
    "SELECT reason, source FROM overrides
     WHERE address = 'single@example.org'"
run "$BCTL" -d "$DB" history single@example.org --json
if "$PY" -c '
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
assert r[-1]["kind"] == "override" and r[-1]["reason"] == "by hand"
assert r[-1]["source"] == "cli", r
' "$T/out"; then ok "history shows the reason and source"
else bad "history: $(cat "$T/out")"; fi

# ---- list --limit --after: every row once, the cursor to loop ----
total=$("$BCTL" -d "$DB" list --csv | tail -n +2 | wc -l)
: >"$T/seen"
after=
pages=0
while :; do
	if [ -n "$after" ]; then
		"$BCTL" -d "$DB" list --limit 3 --after "$after" --csv \
		    >"$T/page" 2>"$T/err" || { bad "list page"; break; }
	else
		"$BCTL" -d "$DB" list --limit 3 --csv >"$T/page" 2>"$T/err" ||
		    { bad "list page"; break; }
	fi
	tail -n +2 "$T/page" | cut -d, -f1 >>"$T/seen"
	pages=$((pages + 1))
	after=$(sed -n 's/^next-after: //p' "$T/err")
	[ -n "$after" ] || break
	[ "$pages" -lt 100 ] || { bad "list pages: no end"; break; }
	# a row added between pages, after the cursor: seen later
	[ "$pages" -eq 1 ] && "$BCTL" -d "$DB" suppress zzz@example.org \
	    >/dev/null 2>&1
done
if [ "$(wc -l <"$T/seen")" -eq $((total + 1)) ] &&
    [ "$(sort -u "$T/seen" | wc -l)" -eq $((total + 1)) ] &&
    sort -c "$T/seen" 2>/dev/null; then
	ok "list pages: $((total + 1)) rows once each, in address order"
else
	bad "list pages: $(wc -l <"$T/seen") rows for $total + 1"
fi
run "$BCTL" -d "$DB" list --limit 2 --json
if [ "$(tail -n 1 "$T/out")" = '{"next_after":"alice@example.com"}' ] &&
    [ "$(wc -l <"$T/out")" -eq 3 ]; then ok "list --json: the cursor last"
else bad "list --json: $(cat "$T/out")"; fi
run "$BCTL" -d "$DB" list --limit 100000 --after zzz@example.org --json
if [ "$(cat "$T/out")" = '{"next_after":null}' ]; then
	ok "list --json: the end"
else bad "list --json end: $(cat "$T/out")"; fi
run "$BCTL" -d "$DB" list --after a@example.org
rc_is "--after without --limit" 2
run "$BCTL" -d "$DB" list --limit 0
rc_is "--limit 0" 2
run "$BCTL" -d "$DB" list --limit 2 --state suppressed --csv
if [ "$(tail -n +2 "$T/out" | cut -d, -f3 | sort -u)" = suppressed ]; then
	ok "a page with a filter"
else bad "a page with a filter: $(cat "$T/out")"; fi

# ---- parse --json shows the attribution (issue 15 item 4) ----
run "$BCTL" parse --json "$FIX/../attr/dsn_rfc822.eml"
rc_is "parse --json" 0
if "$PY" -c '
import json, sys
r = json.loads(open(sys.argv[1]).read())
want = {"original_from": "news@example.com",
        "original_sender": "bounces-7@example.com",
        "original_envelope_id": "ENV-2026-42",
        "original_subject": "Gr\u00fc\u00dfe aus Berlin und mehr",
        "original_list_id": "news.example.com"}
assert all(r[k] == v for k, v in want.items()), r
' "$T/out"; then ok "parse --json: From, sender, ENVID, Subject, List-Id"
else bad "parse --json: $(cat "$T/out")"; fi

if [ "$fails" -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
rm -rf "$T"
echo "all checks passed"
