#!/bin/sh
# Module boundaries (docs/ARCHITECTURE.md): each library includes only what
# it may use. Fails naming the file and the include that crosses a line.
set -u
top=${1:-$(dirname "$0")/..}
fail=0
check() { # folder, forbidden include pattern, why
	hits=$(grep -EnH "^#[[:space:]]*include[[:space:]]*[<\"]($2)" "$top/$1"/*.[ch] 2>/dev/null)
	if [ -n "$hits" ]; then
		echo "headers: $1/ must not include $2 ($3):"
		echo "$hits"
		fail=1
	fi
}
check common 'libetpan|sqlite3|yaml|systemd|mail/|classify/|storage/|config/|daemon/|cli/' "libc only"
check mail 'sqlite3|yaml|systemd|classify/|storage/|config/|daemon/|cli/' "pure parsers"
check classify 'libetpan|sqlite3|yaml|systemd|storage/|config/|daemon/|cli/|stdio.h|unistd.h|fcntl.h' "pure: no I/O"
# libetpan stays in the MIME walker: the rest of mail/ sees struct mail_message
others=$(grep -lE '^#[[:space:]]*include[[:space:]]*<libetpan' "$top"/mail/*.[ch] | grep -v '/message\.c$')
if [ -n "$others" ]; then
	echo "headers: only mail/message.c may include libetpan: $others"
	fail=1
fi
n=$(ls "$top"/common/*.[ch] "$top"/mail/*.[ch] "$top"/classify/*.[ch] | wc -l)
if [ $fail -eq 0 ]; then
	echo "headers: $n files checked, boundaries hold"
fi
exit $fail
