#!/bin/sh
# Issue 15 items 6 and 7 end to end, on the real bounced and bouncectl:
# - the metrics file of a run over 300 generated bounces and junk parses
#   strictly (prom_check.py) and its numbers are those of SQL and
#   `bouncectl stats`; the outbox's backlog is that of an exec hook's
#   deliveries;
# - `bouncectl forget` leaves no TEXT or BLOB value of any table naming the
#   address (every table and column, read from sqlite_master), a later
#   bounce for it is not recorded and `forgotten` says so; the totals of
#   the metrics do not go down;
# - retention, two days later by the test clock: messages, bounces and
#   the processed files of cur/ and the delivered events go, recipients
#   keep their state, the suppressions of an expiring reason end, the
#   totals stay.
# usage: daemon_upkeep.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
bounced=$1 bouncectl=$2 python=$3 src=$4 work=$5
. "$src/tests/integration/lib.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
mk_maildir md
cat >bounced.yaml <<YAML
database: bounced.db
maildir:
  path: md
metrics:
  file: bounced.prom
events:
  exec: "cat >>events.jsonl"
YAML
# shellcheck disable=SC2046
"$python" "$src/tests/integration/gen_bounces.py" --bouncectl "$bouncectl" \
    --count 300 --junk 3 --out md --keep sent $(templates "$src")
"$bounced" --once -c bounced.yaml 2>log1 || { cat log1; fail "first run"; }
[ -s bounced.prom ] || fail "no metrics file"
ls | grep -q '\.tmp$' && fail "a temporary file was left"

# metric SERIES [FILE]: the value of one series ("" when absent)
check() {
	"$python" "$src/tests/integration/prom_check.py" "${1:-bounced.prom}" >series.json ||
	    fail "the metrics file does not parse"
}
metric() {
	"$python" -c 'import json, sys
d = json.load(open("series.json"))
v = d.get(sys.argv[1])
print("" if v is None else int(v))' "$1"
}
# metric_sum PREFIX: the sum of the series whose key starts with PREFIX
metric_sum() {
	"$python" -c 'import json, sys
d = json.load(open("series.json"))
print(int(sum(v for k, v in d.items() if k.startswith(sys.argv[1]))))' "$1"
}
check
for o in bounce not_bounce unparsable; do
	want=$(sql bounced.db "SELECT count(*) FROM messages WHERE outcome = '$o'")
	got=$(metric "bounced_messages_total{outcome=\"$o\"}")
	[ "$got" = "$want" ] || fail "messages_total{$o} $got, SQL says $want"
done
[ "$(metric 'bounced_messages_total{outcome="unparsable"}')" = 3 ] || fail "3 junk messages"
for s in active soft suppressed; do
	want=$(sql bounced.db "SELECT count(*) FROM recipients WHERE state = '$s'")
	[ "$(metric "bounced_recipients{state=\"$s\"}")" = "$want" ] || fail "recipients{$s}"
done
total=$(sql bounced.db 'SELECT count(*) FROM bounces')
[ "$(metric_sum bounced_bounces_total)" = "$total" ] || fail "bounces_total sum is not $total"
# per reason, as bouncectl stats counts them; per reason and class, as SQL
"$bouncectl" -d bounced.db stats --by reason --csv | tail -n +2 >stats.csv
[ "$(wc -l <stats.csv)" -gt 3 ] || fail "bouncectl stats gave $(wc -l <stats.csv) reasons"
while IFS=, read -r reason n _rest; do
	got=$(metric_sum "bounced_bounces_total{reason=\"$reason\",")
	[ "$got" = "$n" ] || fail "bouncectl stats: $reason $n, metrics $got"
done <stats.csv
sql bounced.db "SELECT COALESCE(reason, 'none') || ',' || COALESCE(class, 'none') || ',' || count(*) FROM bounces GROUP BY reason, class" >groups.csv
[ "$(wc -l <groups.csv)" -gt 3 ] || fail "SQL gave $(wc -l <groups.csv) groups"
[ "$(wc -l <groups.csv)" = "$(grep -c '^bounced_bounces_total{' bounced.prom)" ] ||
    fail "not one series per reason and class"
while IFS=, read -r reason class n; do
	got=$(metric "bounced_bounces_total{reason=\"$reason\",class=\"$class\"}")
	[ "$got" = "$n" ] || fail "bounces_total{$reason,$class} $got, SQL $n"
done <groups.csv
[ "$(metric bounced_forgotten_addresses)" = 0 ] || fail "forgotten before any forget"
start=$(metric bounced_start_time_seconds)
last=$(metric bounced_last_pass_success_timestamp_seconds)
[ -n "$start" ] && [ "$last" -ge "$start" ] || fail "start $start, last pass $last"
# the outbox: --once delivered to the hook before the file was written
nev=$(sql bounced.db "SELECT count(*) FROM events")
[ "$nev" -gt 0 ] && [ "$(wc -l <events.jsonl)" = "$nev" ] || fail "$nev events, the hook had $(wc -l <events.jsonl)"
[ "$(metric 'bounced_events{sink="exec",state="delivered"}')" = "$nev" ] &&
    [ "$(metric 'bounced_events{sink="exec",state="pending"}')" = 0 ] &&
    [ "$(metric 'bounced_events{sink="exec",state="dead"}')" = 0 ] ||
    fail "bounced_events: $(grep bounced_events bounced.prom)"
[ -z "$(metric 'bounced_events_oldest_pending_timestamp_seconds{sink="exec"}')" ] ||
    fail "an oldest pending event when none is"
echo "metrics: $(grep -vc '^#' bounced.prom) series parse and match SQL and bouncectl stats"

# forget an address whose bounce names it in its diagnostic too
who=$(sql bounced.db "SELECT recipient FROM bounces WHERE diagnostic LIKE '%' || recipient || '%' LIMIT 1")
[ -n "$who" ] || fail "no bounce whose diagnostic names its recipient"
# scan: every TEXT/BLOB value of every table, as a whole address, any case
scan() {
	"$python" - bounced.db "$1" <<'PY'
import re, sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
pat = re.compile(rb"(?<![A-Za-z0-9!#$%&'*+/=?^_`{|}~.-])" +
                 re.escape(sys.argv[2].encode()) + rb"(?![A-Za-z0-9-]|\.[A-Za-z0-9])",
                 re.IGNORECASE)
hits = 0
for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
    for col in db.execute('SELECT name FROM pragma_table_info(?)', (t,)):
        q = 'SELECT "%s" FROM "%s"' % (col[0].replace('"', '""'), t.replace('"', '""'))
        for (v,) in db.execute(q):
            b = v.encode() if isinstance(v, str) else v if isinstance(v, bytes) else None
            if b is not None and pat.search(b):
                hits += 1
                print("%s.%s names it" % (t, col[0]), file=sys.stderr)
print(hits)
PY
}
before=$(scan "$who" 2>/dev/null)
[ "$before" -gt 2 ] || fail "the scan finds $who only $before times before forget"
upper=$(echo "$who" | tr a-z A-Z)
"$bouncectl" -d bounced.db forget "$upper" >forget.out || fail "forget"
grep -q "^$who: forgotten" forget.out || fail "forget said: $(cat forget.out)"
[ "$(scan "$who")" = 0 ] || fail "rows still name $who after forget"
[ -f bounced.db.forget-key ] || fail "no key file"
[ "$(stat -c %a bounced.db.forget-key)" = 600 ] || fail "key file mode"
grep -q "$who" bounced.db.forget-key && fail "the key file names the address"
"$bouncectl" -d bounced.db forgotten "$who" >/dev/null || fail "forgotten says no"
other=$(sql bounced.db "SELECT address FROM recipients LIMIT 1")
"$bouncectl" -d bounced.db forgotten "$other" >/dev/null && fail "forgotten says yes for $other"
# and refused at send time (bouncectl check's rule is the responders')
rc=0; "$bouncectl" -d bounced.db check --csv "$upper" >check.out || rc=$?
[ $rc = 1 ] && grep -q "^$who,suppressed,forgotten," check.out ||
    fail "check of a forgotten address: $rc $(cat check.out)"
echo "forget: $before values named $who, none after ($(cat forget.out | cut -c1-160))"

# a later bounce for it: suppressed by the hash, nothing of it written
orig=$(grep -lF "$who" sent/* | head -n 1)
[ -n "$orig" ] || fail "no generated bounce for $who"
{ printf 'X-Again: 1\n'; cat "$orig"; } >md/new/1999999999.M1P1.again
"$bounced" --once -c bounced.yaml 2>log2 || { cat log2; fail "second run"; }
grep -q "a forgotten address: suppressed, not recorded" log2 || fail "no log line for the forgotten address"
grep -q "$who" log2 && fail "the log names the forgotten address"
[ "$(scan "$who")" = 0 ] || fail "a later bounce wrote $who again"
check
[ "$(metric_sum bounced_bounces_total)" = "$total" ] || fail "bounces_total went from $total to $(metric_sum bounced_bounces_total)"
[ "$(metric bounced_forgotten_addresses)" = 1 ] || fail "forgotten_addresses"
echo "a later bounce for $who: suppressed, not recorded; totals kept"

# retention, two days later
msgs=$(metric 'bounced_messages_total{outcome="bounce"}')
states=$(sql bounced.db "SELECT group_concat(address || state, ',') FROM (SELECT * FROM recipients WHERE reason <> 'userunknown' OR reason IS NULL ORDER BY address)")
cat >>bounced.yaml <<YAML
retention:
  messages: 1d
  processed: 1h
  events: 1d
  suppressions:
    userunknown: 1d
YAML
nsup=$(sql bounced.db "SELECT count(*) FROM recipients WHERE state = 'suppressed' AND reason = 'userunknown' AND override IS NULL")
[ "$nsup" -gt 0 ] || fail "no userunknown suppression to expire"
nev=$(sql bounced.db "SELECT count(*) FROM events")
[ "$nev" -gt 0 ] || fail "no events in the outbox to purge"
[ "$(count_files md/cur)" -gt 0 ] || fail "cur/ is empty"
BOUNCED_TEST_TIME_OFFSET=$((2 * 86400)) "$bounced" --once -c bounced.yaml 2>log3 ||
    { cat log3; fail "retention run"; }
[ "$(sql bounced.db 'SELECT count(*) FROM messages')" = 0 ] || fail "messages left"
[ "$(sql bounced.db 'SELECT count(*) FROM bounces')" = 0 ] || fail "bounces left"
[ "$(count_files md/cur)" = 0 ] || fail "processed files left in cur/: $(count_files md/cur)"
# the events of two days ago go (no sink: none is waiting for them); the
# expiries just now are new events, kept
[ "$(sql bounced.db "SELECT count(*) FROM events WHERE at < unixepoch() + 86400")" = 0 ] ||
    fail "old events left"
grep -q "retention: events: $nev rows older than 86400s removed" log3 || fail "no retention log line for events"
[ "$(count_files md/.Quarantine/new)" = 3 ] || fail "the quarantine was touched"
grep -q "retention: messages: [0-9]* rows older than 86400s removed" log3 || fail "no retention log line"
[ "$(grep -c 'long enough, active again' log3)" = "$nsup" ] || fail "not $nsup expiries logged"
[ "$(sql bounced.db "SELECT count(*) FROM recipients WHERE state = 'suppressed' AND reason = 'userunknown' AND override IS NULL")" = 0 ] ||
    fail "userunknown suppressions left"
[ "$(sql bounced.db "SELECT group_concat(address || state, ',') FROM (SELECT * FROM recipients WHERE reason <> 'userunknown' OR reason IS NULL ORDER BY address)")" = "$states" ] ||
    fail "the other recipients' state changed"
check
[ "$(metric 'bounced_messages_total{outcome="bounce"}')" = "$msgs" ] || fail "messages_total went down"
[ "$(metric_sum bounced_bounces_total)" = "$total" ] || fail "bounces_total went down"
[ "$(sql bounced.db 'SELECT count(*) FROM pragma_foreign_key_check')" = 0 ] || fail "foreign keys broken"
echo "retention: messages, bounces, $nev events and cur/ purged, $nsup suppressions expired, states and totals kept"

# the daemon (not --once): it purges at its start what is old by then, and
# rewrites the metrics file on its timer with the totals grown
sed -i 's/^  file: bounced.prom$/  file: bounced.prom\n  interval: 5s/' bounced.yaml
grep -q 'interval: 5s' bounced.yaml || fail "no interval in the configuration"
check
tot0=$(metric_sum bounced_messages_total)
# whole numbers for the shell's own arithmetic (bc is no part of a
# minimal Debian: a fresh machine failed here)
n0=$(sql bounced.db "SELECT CAST(total(n) AS INTEGER) FROM purged_counts WHERE kind = 'messages'")
for f in $(ls sent | head -n 5); do
	{ printf 'X-Third: 1\n'; cat "sent/$f"; } >"md/tmp/$f" && mv "md/tmp/$f" "md/new/$f"
done
# recorded now; the daemon started two days later purges them at once
"$bounced" --once -c bounced.yaml 2>log4 || { cat log4; fail "fourth run"; }
[ "$(sql bounced.db 'SELECT count(*) FROM messages')" = 5 ] || fail "5 new messages not recorded"
BOUNCED_TEST_TIME_OFFSET=$((2 * 86400)) "$bounced" -c bounced.yaml 2>log5 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
wait_for 20 grep -q 'started' log5 || fail "the daemon did not start"
purged() {
	[ "$(sqlite3 -readonly bounced.db "SELECT CAST(total(n) AS INTEGER) FROM purged_counts WHERE kind = 'messages'")" = $((n0 + 5)) ]
}
wait_for 30 purged || fail "the 5 new messages were not purged by the running daemon"
rewritten() {
	check && [ "$(metric_sum bounced_messages_total)" = $((tot0 + 5)) ] &&
	    [ "$(metric_sum bounced_bounces_total)" -gt "$total" ]
}
wait_for 30 rewritten || fail "the metrics file was not rewritten with the new totals"
[ "$(sql bounced.db 'SELECT count(*) FROM messages')" = 0 ] || fail "messages left"
first=$(stat -c %Y bounced.prom)
wait_for 15 sh -c "[ \$(stat -c %Y bounced.prom) -gt $first ]" ||
    fail "the metrics file was not written again within 15 s (interval 5s)"
check
kill "$pid"
wait "$pid" || fail "the daemon did not stop cleanly"
trap - EXIT
grep -q 'retention: processed: 5 files older than 3600s removed' log5 || fail "cur/ not purged by the daemon"
echo "daemon: 5 messages recorded, then purged by the running daemon; metrics rewritten on its timer"
