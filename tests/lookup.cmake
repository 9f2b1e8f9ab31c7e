# Issue 15 items 1 and 2: "may I send to X?" at send time. include()d
# from tests/CMakeLists.txt, so paths are relative to tests/.

# lifecycle/send.c alone, and store_recipient_standing() on a real file
add_executable(test_send unit/test_send.c)
target_link_libraries(test_send PRIVATE bd_storage bd_lifecycle bd_reason
	bd_common PkgConfig::CMOCKA)
add_test(NAME send COMMAND test_send)
set_tests_properties(send PROPERTIES LABELS unit)

# A real Postfix refuses the suppressed at RCPT, configured with the lines
# docs/INTEGRATION.md shows (the test reads them from it).
add_test(NAME lookup_postfix COMMAND sh
	${CMAKE_CURRENT_SOURCE_DIR}/integration/lookup_postfix.sh
	$<TARGET_FILE:bounced> $<TARGET_FILE:bouncectl> ${BD_PYTHON3}
	${CMAKE_CURRENT_BINARY_DIR}/lookup_postfix
	${CMAKE_SOURCE_DIR}/docs/INTEGRATION.md
	${CMAKE_CURRENT_SOURCE_DIR}/fixtures/cli_dsn.eml)
set_tests_properties(lookup_postfix PROPERTIES LABELS integration
	TIMEOUT 180 SKIP_RETURN_CODE 77)

# daemon/lookup/lookup_proto.c: the protocols without a socket
add_executable(test_lookup_proto unit/test_lookup_proto.c)
target_link_libraries(test_lookup_proto PRIVATE bd_lookup_proto
	PkgConfig::CMOCKA)
add_test(NAME lookup_proto COMMAND test_lookup_proto)
set_tests_properties(lookup_proto PROPERTIES LABELS unit)

# The responders' edge cases on their real sockets, bouncectl check and
# export --postfix (no MTA needed)
add_test(NAME lookup_edges COMMAND sh
	${CMAKE_CURRENT_SOURCE_DIR}/integration/lookup_edges.sh
	$<TARGET_FILE:bounced> $<TARGET_FILE:bouncectl> ${BD_PYTHON3}
	${CMAKE_CURRENT_BINARY_DIR}/lookup_edges
	${CMAKE_CURRENT_SOURCE_DIR}/fixtures/cli_dsn.eml)
set_tests_properties(lookup_edges PROPERTIES LABELS integration TIMEOUT 120)

# Issue 17 item 7: docs/QUICKSTART.md's Postfix lines and its test bounce
add_test(NAME quickstart COMMAND sh
	${CMAKE_CURRENT_SOURCE_DIR}/integration/quickstart.sh
	$<TARGET_FILE:bounced> $<TARGET_FILE:bouncectl> ${BD_PYTHON3}
	${CMAKE_CURRENT_BINARY_DIR}/quickstart
	${CMAKE_SOURCE_DIR}/docs/QUICKSTART.md)
set_tests_properties(quickstart PROPERTIES LABELS integration TIMEOUT 180
	SKIP_RETURN_CODE 77)

# Issue 18 item 3: a real Postfix refuses the suppressed through a pgsql:
# map on a PostgreSQL of the test's own, with the view, role, map file and
# main.cf line of docs/INTEGRATION.md (the test reads them from it), and
# the view answers what the socketmap answers on the same database. Skip
# (77) only without Postfix, Debian's postfix-pgsql or PostgreSQL.
add_test(NAME lookup_pgsql COMMAND sh
	${CMAKE_CURRENT_SOURCE_DIR}/integration/lookup_pgsql.sh
	$<TARGET_FILE:bounced> $<TARGET_FILE:bouncectl> ${BD_PYTHON3}
	${CMAKE_CURRENT_BINARY_DIR}/lookup_pgsql
	${CMAKE_SOURCE_DIR}/docs/INTEGRATION.md
	${CMAKE_CURRENT_SOURCE_DIR}/fixtures/cli_dsn.eml)
set_tests_properties(lookup_pgsql PROPERTIES LABELS integration
	TIMEOUT 240 SKIP_RETURN_CODE 77)
