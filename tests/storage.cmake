# storage/: real SQLite files in a temporary directory. test_storage also
# runs the example queries of docs/schema.md, so the documentation cannot
# drift from the schema.
add_executable(test_storage unit/test_storage.c)
target_link_libraries(test_storage PRIVATE bd_storage bd_common
	PkgConfig::CMOCKA PkgConfig::SQLITE3)
target_compile_definitions(test_storage PRIVATE
	BD_SCHEMA_DOC="${CMAKE_SOURCE_DIR}/docs/schema.md")
add_test(NAME storage COMMAND test_storage)
set_tests_properties(storage PROPERTIES LABELS unit)

# The sent record (storage/store_sent.c, schema v5)
add_executable(test_store_sent unit/test_store_sent.c)
target_link_libraries(test_store_sent PRIVATE bd_storage bd_common
	PkgConfig::CMOCKA PkgConfig::SQLITE3)
add_test(NAME store_sent COMMAND test_store_sent)
set_tests_properties(store_sent PROPERTIES LABELS unit)

# What a failure of the store means to the daemon (issue 14 item 4)
add_executable(test_store_fault unit/test_store_fault.c)
target_link_libraries(test_store_fault PRIVATE bd_storage bd_common
	PkgConfig::CMOCKA PkgConfig::SQLITE3)
add_test(NAME store_fault COMMAND test_store_fault)
set_tests_properties(store_fault PROPERTIES LABELS unit)

# Issue 15 items 4 and 5 (storage/store_mgmt.c, schema v7): bulk
# decisions, keyset pages, attribution
add_executable(test_store_mgmt unit/test_store_mgmt.c)
target_link_libraries(test_store_mgmt PRIVATE bd_storage bd_common
	PkgConfig::CMOCKA PkgConfig::SQLITE3)
add_test(NAME store_mgmt COMMAND test_store_mgmt)
set_tests_properties(store_mgmt PROPERTIES LABELS unit)
# The same on PostgreSQL 15 (storage_pg.sh's harness), all but the
# migration from SQLite's previous version. Skips (77) only when no
# PostgreSQL can be had or the build has no libpq.
add_test(NAME store_mgmt_pg COMMAND sh
	${CMAKE_CURRENT_SOURCE_DIR}/integration/storage_pg.sh
	${CMAKE_CURRENT_BINARY_DIR}/store_mgmt_pg
	$<TARGET_FILE:test_store_mgmt>)
set_tests_properties(store_mgmt_pg PROPERTIES LABELS "integration;storage"
	TIMEOUT 300 SKIP_RETURN_CODE 77)

# An IMAP mailbox's UIDs in the database (storage/store_imap.c, issue 19)
add_executable(test_store_imap unit/test_store_imap.c)
target_link_libraries(test_store_imap PRIVATE bd_storage bd_common
	PkgConfig::CMOCKA)
add_test(NAME store_imap COMMAND test_store_imap)
set_tests_properties(store_imap PROPERTIES LABELS unit)

# Issue 18's PostgreSQL, from Debian's .debs (never installed), on a Unix
# socket, started and stopped by PID (tests/integration/pg_lib.sh): the
# harness the PostgreSQL back end's tests will use. Skips (77) with the
# reason without apt-get or network.
add_test(NAME pg_server COMMAND sh
	${CMAKE_CURRENT_SOURCE_DIR}/integration/pg_server.sh
	${CMAKE_CURRENT_BINARY_DIR}/pg_server)
set_tests_properties(pg_server PROPERTIES LABELS integration TIMEOUT 180
	SKIP_RETURN_CODE 77)

# Issue 18: storage/db.h's contract, on SQLite here (a file in a temporary
# directory); db_pg runs the same program against a real PostgreSQL.
add_executable(test_db unit/test_db.c)
target_link_libraries(test_db PRIVATE bd_storage bd_common PkgConfig::CMOCKA)
add_test(NAME db COMMAND test_db)
set_tests_properties(db PROPERTIES LABELS unit)

# The same contract on PostgreSQL 15 (pg_lib.sh: Debian's .debs, a Unix
# socket, stopped by PID), FOR UPDATE SKIP LOCKED included. Skips (77)
# only when no PostgreSQL can be had or the build has no libpq.
add_test(NAME db_pg COMMAND sh
	${CMAKE_CURRENT_SOURCE_DIR}/integration/db_pg.sh
	${CMAKE_CURRENT_BINARY_DIR}/db_pg $<TARGET_FILE:test_db>)
set_tests_properties(db_pg PROPERTIES LABELS "integration;storage"
	TIMEOUT 180 SKIP_RETURN_CODE 77)

# Issue 18: test_storage's tests of behaviour (exactly-once, round trips,
# overrides, resends, decay, queries, stats counters) on PostgreSQL 15,
# the same server harness as db_pg; SQLite's own (WAL, pragmas, files,
# migrations) stay in ctest storage. Skips (77) only when no PostgreSQL
# can be had or the build has no libpq.
add_test(NAME storage_pg COMMAND sh
	${CMAKE_CURRENT_SOURCE_DIR}/integration/storage_pg.sh
	${CMAKE_CURRENT_BINARY_DIR}/storage_pg $<TARGET_FILE:test_storage>)
set_tests_properties(storage_pg PROPERTIES LABELS "integration;storage"
	TIMEOUT 300 SKIP_RETURN_CODE 77)

# Issue 18: bounced --once into PostgreSQL and into SQLite from the same
# example Maildir; bouncectl's answers compared (the daemon's own times
# put aside), exactly once on a second run, a password in the URI
# refused. Skips (77) only when no PostgreSQL can be had.
add_test(NAME daemon_pg COMMAND sh
	${CMAKE_CURRENT_SOURCE_DIR}/integration/daemon_pg.sh
	$<TARGET_FILE:bounced> $<TARGET_FILE:bouncectl> ${CMAKE_SOURCE_DIR}
	${CMAKE_CURRENT_BINARY_DIR}/daemon_pg)
set_tests_properties(daemon_pg PROPERTIES LABELS "integration;storage"
	TIMEOUT 300 SKIP_RETURN_CODE 77)

# Issue 18, many writers: two daemons on one PostgreSQL, each on its own
# Maildir and then both on one shared Maildir, killed -9 at random while
# the bounces arrive: one messages row per file, the bounces bouncectl
# parse finds. And a PostgreSQL restarted twice under a running daemon:
# nothing lost, no person needed. Skip (77) only without a PostgreSQL.
add_test(NAME pg_daemons_kill COMMAND sh
	${CMAKE_CURRENT_SOURCE_DIR}/integration/pg_daemons_kill.sh
	$<TARGET_FILE:bounced> $<TARGET_FILE:bouncectl> ${BD_PYTHON3}
	${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/pg_daemons_kill)
add_test(NAME pg_restart COMMAND sh
	${CMAKE_CURRENT_SOURCE_DIR}/integration/pg_restart.sh
	$<TARGET_FILE:bounced> $<TARGET_FILE:bouncectl> ${BD_PYTHON3}
	${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/pg_restart)
set_tests_properties(pg_daemons_kill pg_restart PROPERTIES
	LABELS "integration;storage" TIMEOUT 600 SKIP_RETURN_CODE 77)

# Issue 18 item 2: two daemons with resending and a webhook sink on one
# PostgreSQL, against a slow SMTP server and webhook receiver the script
# starts on loopback: each due resend sent once, each event posted once
# (the claims, FOR UPDATE SKIP LOCKED). Skip (77) without a PostgreSQL or
# aiosmtpd.
add_test(NAME pg_claim COMMAND sh
	${CMAKE_CURRENT_SOURCE_DIR}/integration/pg_claim.sh
	$<TARGET_FILE:bounced> $<TARGET_FILE:bouncectl> ${BD_PYTHON3}
	${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/pg_claim)
set_tests_properties(pg_claim PROPERTIES LABELS "integration;storage"
	TIMEOUT 300 SKIP_RETURN_CODE 77)
# ... and the same two daemons on one SQLite file (BEGIN IMMEDIATE
# serialises the claims).
add_test(NAME daemon_claim COMMAND sh
	${CMAKE_CURRENT_SOURCE_DIR}/integration/pg_claim.sh
	$<TARGET_FILE:bounced> $<TARGET_FILE:bouncectl> ${BD_PYTHON3}
	${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/daemon_claim 24 sqlite)
set_tests_properties(daemon_claim PROPERTIES LABELS integration
	TIMEOUT 300 SKIP_RETURN_CODE 77)

# Issue 16: libpq is loaded at the first postgresql:// open, not linked:
# no NEEDED entry for it (or OpenSSL, Kerberos, LDAP), a SQLite run never
# maps it, a URI does, and with libpq hidden (unshare -m, root) a URI is
# refused at once with exit 3 and the package's name. Skips (77) only
# when libpq cannot be hidden; the rest has run by then.
add_test(NAME pq_load COMMAND sh
	${CMAKE_CURRENT_SOURCE_DIR}/integration/pq_load.sh
	$<TARGET_FILE:bounced> $<TARGET_FILE:bouncectl> ${CMAKE_SOURCE_DIR}
	${CMAKE_CURRENT_BINARY_DIR}/pq_load)
set_tests_properties(pq_load PROPERTIES LABELS "integration;storage"
	TIMEOUT 60 SKIP_RETURN_CODE 77)
