#!/bin/sh
# Module boundaries (docs/ARCHITECTURE.md): each library includes only what
# it may use. Fails naming the file and the include that crosses a line.
set -u
top=${1:-$(dirname "$0")/..}
fail=0
check() { # folder, forbidden include pattern, why
	# a folder and its subfolders (daemon/sources, daemon/outbound, ...)
	hits=$(grep -rEnH --include='*.[ch]' "^#[[:space:]]*include[[:space:]]*[<\"]($2)" "$top/$1" 2>/dev/null)
	if [ -n "$hits" ]; then
		echo "headers: $1/ must not include $2 ($3):"
		echo "$hits"
		fail=1
	fi
}
check common 'libetpan|sqlite3|yaml|systemd|mail/|classify/|storage/|config/|daemon/|cli/' "libc only"
check mail 'sqlite3|yaml|systemd|classify/|storage/|config/|daemon/|cli/' "pure parsers"
check classify 'libetpan|sqlite3|yaml|systemd|storage/|config/|daemon/|cli/|stdio.h|unistd.h|fcntl.h' "pure: no I/O"
check storage 'libetpan|yaml|systemd|mail/|classify/([^r]|r[^e])|config/|daemon/|cli/' "SQL only: common, sqlite3, the names of classify/reason.h and lifecycle/"
# lifecycle is pure: enums and decisions, the clock passed in; config.h
# and classify/reason.h for their structs and enums only
check lifecycle 'libetpan|sqlite3|yaml|systemd|pthread|unistd|fcntl|time\.h|mail/|storage/|daemon/|cli/|common/' "pure: no I/O, no threads, no SQL"
check config 'libetpan|sqlite3|systemd|mail/|classify/([^r]|r([^e]|e([^a]|a([^s]|s([^o]|o([^n]|n([^.]|\.([^h]|h[^">]))))))))|storage/|daemon/|cli/' "YAML only: common, libyaml and the reason names of classify/reason.h"
check daemon 'sqlite3|yaml' "the daemon calls store.h and config.h, never SQL or YAML itself"
# libetpan in daemon/ only for the network: IMAP, SMTP, TLS verification,
# the guard between the connection and libetpan's readers
others=$(grep -rlE --include='*.[ch]' '^#[[:space:]]*include[[:space:]]*<libetpan' "$top"/daemon |
    grep -vE '/(outbound/(tls|smtp|stream_guard)|sources/(source_imap|imap_[a-z_]+))\.[ch]$')
if [ -n "$others" ]; then
	echo "headers: only daemon/outbound/{tls,smtp,stream_guard}.[ch] and daemon/sources/{source_imap,imap_*}.[ch] may include libetpan: $others"
	fail=1
fi
check cli 'sqlite3|yaml|libetpan|systemd|daemon/' "bouncectl calls store.h and config.h"
# Issue 18: storage/db.h, the statement layer, is storage/'s own; inside
# storage/, sqlite3.h for statements in db_sqlite.c only (store_forget.c
# for its application functions, store_private.h never: the tests that
# reach the connection include it themselves), libpq-fe.h in db_pg.c and
# pq_load.h (which loads libpq) only, and pq_load.h in those two files
mods="common mail classify lifecycle config daemon cli bench tests"
others=$(cd "$top" && grep -rlE --include='*.[ch]' '^#[[:space:]]*include[[:space:]]*"(storage/)?db(_private)?\.h"' $mods 2>/dev/null |
    grep -v '^tests/unit/test_db\.c$')
if [ -n "$others" ]; then
	echo "headers: only storage/ (and tests/unit/test_db.c) may include db.h: $others"
	fail=1
fi
others=$(grep -lE '^#[[:space:]]*include[[:space:]]*<sqlite3\.h>' "$top"/storage/*.[ch] |
    grep -vE '/storage/(db_sqlite|store_forget)\.c$')
if [ -n "$others" ]; then
	echo "headers: in storage/ only db_sqlite.c (and store_forget.c's functions) may include sqlite3.h: $others"
	fail=1
fi
others=$(cd "$top" && grep -rlE --include='*.[ch]' '^#[[:space:]]*include[[:space:]]*<libpq-fe\.h>' storage $mods 2>/dev/null |
    grep -vE '^storage/(db_pg\.c|pq_load\.h)$')
if [ -n "$others" ]; then
	echo "headers: only storage/db_pg.c and pq_load.h may include libpq-fe.h: $others"
	fail=1
fi
others=$(cd "$top" && grep -rlE --include='*.[ch]' '^#[[:space:]]*include[[:space:]]*"(storage/)?pq_load\.h"' storage $mods 2>/dev/null |
    grep -vE '^storage/(db_pg|pq_load)\.c$')
if [ -n "$others" ]; then
	echo "headers: only storage/db_pg.c and pq_load.c may include pq_load.h: $others"
	fail=1
fi
# sqlite3.h only in storage/, yaml.h only in config/config_yaml.c
others=$(grep -lE '^#[[:space:]]*include[[:space:]]*<yaml\.h>' "$top"/config/*.[ch] | grep -v '/config_yaml\.c$')
if [ -n "$others" ]; then
	echo "headers: only config/config_yaml.c may include yaml.h: $others"
	fail=1
fi
# libetpan stays in the MIME walker: the rest of mail/ sees struct mail_message
others=$(grep -lE '^#[[:space:]]*include[[:space:]]*<libetpan' "$top"/mail/*.[ch] | grep -v '/message\.c$')
if [ -n "$others" ]; then
	echo "headers: only mail/message.c may include libetpan: $others"
	fail=1
fi
# nettle only where a hash is made; verp.c is pure: no I/O, the clock passed in
others=$(grep -lE '^#[[:space:]]*include[[:space:]]*<nettle/' "$top"/*/*.[ch] | grep -vE '/common/(verp|sha256)\.c$')
if [ -n "$others" ]; then
	echo "headers: only common/verp.c and common/sha256.c may include nettle: $others"
	fail=1
fi
if grep -EnH '^#[[:space:]]*include[[:space:]]*<(unistd|fcntl|time)\.h>' "$top"/common/verp.[ch]; then
	echo "headers: common/verp.[ch] must stay pure"
	fail=1
fi
n=$(ls "$top"/common/*.[ch] "$top"/mail/*.[ch] "$top"/classify/*.[ch] \
    "$top"/lifecycle/*.[ch] \
    "$top"/storage/*.[ch] "$top"/config/*.[ch] "$top"/daemon/*.[ch] \
    "$top"/daemon/*/*.[ch] "$top"/cli/*.[ch] | wc -l)
if [ $fail -eq 0 ]; then
	echo "headers: $n files checked, boundaries hold"
fi
exit $fail
