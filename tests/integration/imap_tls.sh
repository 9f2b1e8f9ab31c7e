#!/bin/sh
# The IMAP source's three ways to connect, against a real Dovecot: "none"
# (cleartext, loopback only), implicit TLS (RFC 8314) and STARTTLS (RFC
# 3501 6.2.1), each reading five bounces and moving them to Processed.
# Then a server certificate that the configured ca_file did not sign,
# over implicit TLS and over STARTTLS: bounced --once exits non-zero,
# says why, logs in to nothing, fetches and records nothing.
# usage: imap_tls.sh BOUNCED BOUNCECTL PYTHON SRCDIR WORKDIR
bounced=$1 bouncectl=$2 python=$3 src=$4 work=$5
. "$src/tests/integration/lib.sh"
. "$src/tests/integration/dovecot_lib.sh"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
trap 'dovecot_cleanup' EXIT
dovecot_setup "$python"
dovecot_start

rows() {
	sql bounced.db 'SELECT count(*) FROM messages'
}

n=0
for mode in none implicit starttls; do
	case $mode in
	none) imap_yaml $mode.yaml none 127.0.0.1 "$DV_IMAP_PORT" ;;
	implicit) imap_yaml $mode.yaml implicit localhost "$DV_IMAPS_PORT" "$DV_CA" ;;
	starttls) imap_yaml $mode.yaml starttls localhost "$DV_IMAP_PORT" "$DV_CA" ;;
	esac
	printf '  processed_mailbox: Processed\n' >>$mode.yaml
	deliver 5 $((n + 1)) $mode
	"$bounced" --once -c $mode.yaml 2>log.$mode ||
	    { cat log.$mode; dovecot_log; fail "$mode: bounced --once failed"; }
	n=$((n + 5))
	[ "$(rows)" = $n ] || { cat log.$mode; fail "$mode: $(rows) messages rows, want $n"; }
	[ "$(imap_tool count INBOX)" = 0 ] || fail "$mode: INBOX not empty"
	[ "$(imap_tool count Processed)" = $n ] || fail "$mode: Processed has $(imap_tool count Processed), want $n"
	grep -q "logged in as $DV_USER" log.$mode || { cat log.$mode; fail "$mode: no login line"; }
	echo "$mode: 5 bounces read, recorded, moved ($(grep -o 'over [^;]*' log.$mode))"
done

# what Dovecot saw: a TLS session for implicit, "secured" cleartext for
# none, and STARTTLS ("TLS" after the upgrade) -- not just our word for it
grep -q 'method=PLAIN.*, TLS, session' "$DV/dovecot.log" ||
    fail "dovecot logged no login over TLS"

deliver 3 9 wrong
for mode in implicit starttls; do
	if [ $mode = implicit ]; then
		imap_yaml wrong.yaml implicit localhost "$DV_IMAPS_PORT" "$DV_WRONG_CA"
	else
		imap_yaml wrong.yaml starttls localhost "$DV_IMAP_PORT" "$DV_WRONG_CA"
	fi
	printf '  processed_mailbox: Processed\n' >>wrong.yaml
	logins=$(grep -c 'Login: user=' "$DV/dovecot.log" || true)
	if "$bounced" --once -c wrong.yaml 2>log.wrong.$mode; then
		cat log.wrong.$mode
		fail "$mode: bounced accepted a certificate from another CA"
	fi
	grep -q 'certificate refused' log.wrong.$mode ||
	    { cat log.wrong.$mode; fail "$mode: the refusal does not say why"; }
	[ "$(grep -c 'Login: user=' "$DV/dovecot.log")" = "$logins" ] ||
	    fail "$mode: bounced logged in over an unverified connection"
	[ "$(rows)" = $n ] || fail "$mode: something was recorded"
	[ "$(imap_tool count INBOX)" = 3 ] || fail "$mode: INBOX changed"
	[ "$(imap_tool count INBOX SEEN)" = 0 ] || fail "$mode: a message was read"
	echo "$mode, wrong CA: exit non-zero, nothing recorded, INBOX untouched: $(grep -o 'certificate refused.*' log.wrong.$mode | head -n 1)"
done

# the password is in no log line
if grep -F -q "$(head -n 1 "$DV_PWFILE")" log.*; then
	fail "the password appears in the log"
fi
