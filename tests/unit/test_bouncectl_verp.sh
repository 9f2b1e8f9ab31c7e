#!/bin/sh
# bouncectl verp sign / verp check (bouncectl(1), docs/VERP.md): the
# round trip, a changed character (forged), an old tag (expired, the
# clock moved by BOUNCED_TEST_TIME_OFFSET), a foreign address (none),
# and the exit statuses 0 1 2 3.
#   test_bouncectl_verp.sh BOUNCECTL TMPDIR
set -u
BCTL=$1
T=$2
fails=0
case $BCTL in /*) ;; *) BCTL=$(pwd)/$BCTL ;; esac
[ -x "$BCTL" ] || { echo "no bouncectl at $BCTL"; exit 1; }
rm -rf "$T" && mkdir -p "$T" && cd "$T" || exit 1
unset BOUNCED_TEST_TIME_OFFSET

ok() { printf 'ok   %s\n' "$1"; }
bad() { printf 'FAIL %s\n' "$1"; fails=$((fails + 1)); }
run() {
	"$@" >out 2>err
	rc=$?
}
# expect NAME RC PATTERN: the last run exited RC, stdout+stderr match
expect() {
	if [ "$rc" -eq "$2" ] && cat out err | grep -q -- "$3"; then
		ok "$1"
	else
		bad "$1: exit $rc (want $2), output:"
		sed 's/^/    /' out err
	fi
}

printf 'a test key of more than 16 bytes\n' >verp.key
cat >c.yaml <<'Y'
database: b.db
verp:
  address: bounces+{tag}@example.org
  key_file: verp.key
  max_age: 30d
Y

# signing and the age checks must fall on the same UTC day: not within a
# minute of midnight (the checks below take well under a second)
now=$(date -u +%s)
[ $((now % 86400)) -lt 86340 ] || sleep $((86400 - now % 86400 + 1))
run "$BCTL" -c c.yaml verp sign Alice@Example.COM
expect "sign" 0 '^bounces+v1=[a-z2-7]\{10\}=[a-z2-7]\{2\}=alice=example.com@example.org$'
rp=$(cat out)
run "$BCTL" verp check "$rp" -c c.yaml
expect "check: valid" 0 '^valid: alice@example.com, signed 0 days ago'
# MTAs may change the case of a local part
run "$BCTL" -c c.yaml verp check "<$(echo "$rp" | tr a-z A-Z)>"
expect "check: upper case, angle brackets" 0 '^valid: alice@example.com'
BOUNCED_TEST_TIME_OFFSET=$((30 * 86400)) run "$BCTL" -c c.yaml verp check "$rp"
expect "check: 30 days old" 0 '^valid: alice@example.com, signed 30 days ago'
BOUNCED_TEST_TIME_OFFSET=$((31 * 86400)) run "$BCTL" -c c.yaml verp check "$rp"
expect "check: 31 days old" 1 '^expired: alice@example.com, signed 31 days ago'
# one character of the MAC changed: forged
mac=$(echo "$rp" | sed 's/^bounces+v1=\(.\).*/\1/')
[ "$mac" = a ] && to=b || to=a
alt=$(echo "$rp" | sed "s/^bounces+v1=./bounces+v1=$to/")
run "$BCTL" -c c.yaml verp check "$alt"
expect "check: a changed MAC" 1 '^forged:'
alt=$(echo "$rp" | sed 's/=alice=/=alicf=/')
run "$BCTL" -c c.yaml verp check "$alt"
expect "check: a changed recipient" 1 '^forged:'
run "$BCTL" -c c.yaml verp check bob@example.net
expect "check: a foreign address" 1 '^none:'
run "$BCTL" -c c.yaml verp check "bounces+$(printf '%0500d' 0)@example.org"
expect "check: a tag of 500 bytes" 1 '^forged:'

# usage and configuration problems: 2
run "$BCTL" -c c.yaml verp sign
expect "sign without ADDR" 2 'needs sign ADDR'
run "$BCTL" -c c.yaml verp frob x
expect "unknown sub-command" 2 'frob: not sign or check'
run "$BCTL" -c c.yaml verp sign 'not an address'
expect "sign: not an address" 2 'verp sign: not an address'
run "$BCTL" -d b.db verp sign a@example.com
expect "-d refused" 2 'takes -c CONFIG only'
printf 'database: b.db\n' >none.yaml
run "$BCTL" -c none.yaml verp sign a@example.com
expect "no verp: section" 3 'no verp: section'
printf 'short\n' >verp.key
run "$BCTL" -c c.yaml verp sign a@example.com
expect "short key" 3 'verp.key_file: .*verp.key: shorter than 16 bytes'
rm verp.key
run "$BCTL" -c c.yaml verp sign a@example.com
expect "no key file" 3 'verp.key: No such file'
if grep -q 'test key' out err; then bad "the key was printed"; else ok "the key is never printed"; fi

[ $fails -eq 0 ] && echo "bouncectl verp: all passed" || echo "bouncectl verp: $fails failed"
exit $((fails > 0))
