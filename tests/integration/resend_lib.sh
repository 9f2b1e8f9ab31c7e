# Shared by the daemon's resend tests (sourced after lib.sh or
# smtp_lib.sh): the messages they send and the bounces they deliver.

# original ID TO...: the message as the sender sent it (a line starting
# with a dot and one with trailing blanks must survive byte for byte)
original() {
	id=$1
	shift
	printf 'From: Example News <news@example.org>\n'
	printf 'To: %s\n' "$(echo "$*" | sed 's/ /, /g')"
	printf 'Subject: Your order %s\n' "$id"
	printf 'Date: Fri, 22 Nov 2024 19:35:08 +0000\n'
	printf 'Message-ID: <%s@app1.example.org>\n' "$id"
	printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n'
	printf 'Hello,\n\n.a line that starts with a dot\ntrailing blanks   \n\n-- \nExample News\n'
}

# dsn FILE RCPT STATUS DIAG ORIGINAL-FILE [headers]: an RFC 3464 report,
# delivered into the Maildir $md (default md). With $VERP_SIGN set (a
# command: "bouncectl -c conf.yaml verp sign"), it comes back to the
# signed return path for RCPT, as a bounce of our own mail does
# (docs/SECURITY.md): resends follow verified bounces only.
dsn() {
	part=message/rfc822
	[ "${6:-}" = headers ] && part=text/rfc822-headers
	{
		[ -z "${VERP_SIGN:-}" ] ||
			printf 'Delivered-To: %s\n' "$($VERP_SIGN "$2")"
		printf 'From: Mail Delivery System <MAILER-DAEMON@relay.example.org>\n'
		printf 'To: bounces@example.org\nSubject: Undelivered Mail Returned to Sender\n'
		printf 'Message-ID: <dsn.%s@relay.example.org>\n' "$(basename "$1")"
		printf 'MIME-Version: 1.0\n'
		printf 'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\n\n'
		printf -- '--b1\nContent-Type: text/plain\n\nYour message could not be delivered.\n\n'
		printf -- '--b1\nContent-Type: message/delivery-status\n\n'
		printf 'Reporting-MTA: dns; relay.example.org\n\n'
		printf 'Final-Recipient: rfc822; %s\nAction: failed\nStatus: %s\n' "$2" "$3"
		printf 'Diagnostic-Code: smtp; %s\n\n' "$4"
		printf -- '--b1\nContent-Type: %s\n\n' "$part"
		if [ "$part" = text/rfc822-headers ]; then
			sed '/^$/q' "$5"
		else
			cat "$5"
		fi
		printf -- '\n--b1--\n'
	} >"${md:-md}/tmp/$(basename "$1")"
	mv "${md:-md}/tmp/$(basename "$1")" "${md:-md}/new/"
}


# verp_setup CONF BOUNCECTL: a verp: section (key verp.key) appended to
# CONF, and VERP_SIGN set for dsn()
verp_setup() {
	printf 'integration test key 0123456789\n' >verp.key
	printf '%s\n' "verp:" "  address: bounces+{tag}@example.org" \
	    "  key_file: verp.key" >>"$1"
	VERP_SIGN="$2 -c $1 verp sign"
}
