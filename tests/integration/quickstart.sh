#!/bin/sh
# Issue 17 item 7: docs/QUICKSTART.md's Postfix part, read out of the page
# (the main.cf block and the map), on a real Postfix on loopback: the test
# bounce of its step 4 -- mail from the bounce address to a local user
# that does not exist -- comes back as Postfix's own report, into the
# Maildir through virtual(8) as the Maildir's owner, and bounced --once
# then shows it in bouncectl list, userunknown. The paths of the page
# are moved into the test's directory, and the message goes in over SMTP
# rather than sendmail(1) (this Postfix has no postdrop of its own).
# usage: quickstart.sh BOUNCED BOUNCECTL PYTHON WORKDIR DOC
bounced=$1 bouncectl=$2 python=$3 work=$4 doc=$5
. "$(dirname "$0")/smtp_lib.sh"
rm -rf "$work" && mkdir -p "$work"
work=$(cd "$work" && pwd)
cd "$work"

# doc_block MARKER: the fenced block after "<!-- MARKER -->"
doc_block() {
	awk -v m="<!-- $1 -->" '
	    $0 == m { found = 1; next }
	    found && /^```/ { if (inside) exit; inside = 1; next }
	    inside { print }' "$doc"
}
maincf=$(doc_block "main.cf: quickstart")
map=$(doc_block "map: quickstart")
[ -n "$maincf" ] && [ -n "$map" ] || fail "$doc: a block is missing"
domain=$(printf '%s\n' "$maincf" | sed -n 's/^virtual_mailbox_domains = //p')
[ -n "$domain" ] || fail "$doc: no virtual_mailbox_domains"

# The Maildir beside Postfix's own directories (outside the build tree,
# which its delivery agents may not reach), owned by nobody as the page's
# is by bounced: virtual(8) writes as the uid and gid it is given.
postfix_start pf "local_transport = local
local_recipient_maps =
alias_maps =
virtual_uid_maps = static:$(id -u nobody)
virtual_gid_maps = static:$(id -g nobody)"
# Postfix's directory itself, not the link in the build tree: its
# daemons may not be able to pass through the tree (a clone in /root)
pfdir=$(readlink pf)
mkdir -p "$pfdir/mail/bounces/tmp" "$pfdir/mail/bounces/new" \
    "$pfdir/mail/bounces/cur"
chown -R nobody:"$(id -gn nobody)" "$pfdir/mail/bounces"
printf '%s\n' "$map" >"$pfdir/etc/bounced_mailboxes"
postmap -c "$pfdir/etc" "$pfdir/etc/bounced_mailboxes" || fail "postmap"
# the page's lines, and the local domain (the library's Postfix has none)
moved=$(printf '%s\n' "$maincf" |
    sed -e "s|/var/mail|$pfdir/mail|g" -e "s|/etc/postfix/|$pfdir/etc/|g")
while IFS= read -r line; do
	postconf -c "$pfdir/etc" -e "$line" || fail "postconf -e $line"
done <<LINES
$moved
LINES
postconf -c "$pfdir/etc" -e "mydestination = postfix.test" || fail "postconf"
script -qec "postfix -c '$pfdir/etc' reload" /dev/null >reload.log 2>&1 ||
    { cat reload.log; fail "postfix reload"; }

# step 4: from the bounce address, to a local user that does not exist
"$python" - "$PF_PORT" "bounces@$domain" <<'PYEOF' || fail "submission"
import smtplib, sys
with smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=10) as s:
    s.sendmail(sys.argv[2], ["nosuchuser@postfix.test"],
               b"Subject: bounced test\r\n\r\nA test.\r\n")
PYEOF
md=$pfdir/mail/bounces
wait_for 30 sh -c "ls '$md/new' | grep -q ." ||
    { tail -n 20 pf/maillog; fail "no bounce in the Maildir"; }
grep -q "status=bounced (unknown user: \"nosuchuser\")" pf/maillog ||
    { tail -n 20 pf/maillog; fail "Postfix did not bounce for an unknown user"; }

"$bounced" --once -m "$md" -d db >bounced.log 2>&1 ||
    { cat bounced.log; fail "bounced --once"; }
"$bouncectl" -d db list >list.out 2>&1 || { cat list.out; fail "bouncectl list"; }
grep -q "nosuchuser@postfix.test.*userunknown" list.out ||
    { cat list.out bounced.log; fail "the test bounce is not in bouncectl list"; }
[ -z "$(ls "$md/new")" ] || fail "the bounce was not moved out of new/"
cat list.out
echo "ok"
