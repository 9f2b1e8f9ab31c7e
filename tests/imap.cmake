# IMAP source against a real Dovecot (issue 4): each test starts its own
# throwaway Dovecot on 127.0.0.1 (tests/integration/dovecot_lib.sh) and
# skips (77) only when Debian's dovecot-imapd is not installed.
set(BD_INTEG ${CMAKE_CURRENT_SOURCE_DIR}/integration)
foreach(t tls drain fallback idle kill ready big uidvalidity poll sent)
	add_test(NAME imap_${t} COMMAND sh ${BD_INTEG}/imap_${t}.sh
		$<TARGET_FILE:bounced> $<TARGET_FILE:bouncectl> ${BD_PYTHON3}
		${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/imap_${t})
	set_tests_properties(imap_${t} PROPERTIES LABELS integration
		TIMEOUT 300 SKIP_RETURN_CODE 77)
endforeach()

# Replies no real server sends (issue 14): a scripted server on loopback
# (tests/integration/imap_peer.py), no Dovecot needed.
add_test(NAME imap_cut COMMAND sh ${BD_INTEG}/imap_cut.sh
	$<TARGET_FILE:bounced> $<TARGET_FILE:bouncectl> ${BD_PYTHON3}
	${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/imap_cut)
set_tests_properties(imap_cut PROPERTIES LABELS integration TIMEOUT 300)

# Issue 19: Dovecot laid out as Courier and Cyrus are ("INBOX." and ".")
# and in its default Maildir++ layout; mailbox names, acknowledgements
# without a second download.
foreach(l prefixed maildirpp)
	add_test(NAME imap_layout_${l} COMMAND sh ${BD_INTEG}/imap_layout.sh
		$<TARGET_FILE:bounced> $<TARGET_FILE:bouncectl> ${BD_PYTHON3}
		${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/imap_layout_${l}
		${l})
	set_tests_properties(imap_layout_${l} PROPERTIES LABELS integration
		TIMEOUT 300 SKIP_RETURN_CODE 77)
endforeach()
add_test(NAME imap_acks COMMAND sh ${BD_INTEG}/imap_acks.sh
	$<TARGET_FILE:bounced> $<TARGET_FILE:bouncectl> ${BD_PYTHON3}
	${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/imap_acks)
set_tests_properties(imap_acks PROPERTIES LABELS integration TIMEOUT 300)

# daemon/sources/imap_names.c, imap_ack.c: mailbox names in the server's
# syntax and which acknowledgement (issue 19 items 1-2), pure
add_executable(test_imap_names unit/test_imap_names.c)
target_link_libraries(test_imap_names PRIVATE bd_imap_names PkgConfig::CMOCKA)
add_test(NAME imap_names COMMAND test_imap_names)
add_executable(test_imap_ack unit/test_imap_ack.c)
target_link_libraries(test_imap_ack PRIVATE bd_imap_names PkgConfig::CMOCKA)
add_test(NAME imap_ack COMMAND test_imap_ack)
set_tests_properties(imap_names imap_ack PROPERTIES LABELS unit)

# Issue 18: the IMAP source into PostgreSQL (a real Dovecot and a real
# PostgreSQL 15): killed after a commit, the next run finds the messages
# recorded by UID and only moves them. Skips (77) when either cannot be
# had here.
add_test(NAME imap_pg COMMAND sh ${BD_INTEG}/imap_pg.sh
	$<TARGET_FILE:bounced> $<TARGET_FILE:bouncectl> ${BD_PYTHON3}
	${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/imap_pg)
set_tests_properties(imap_pg PROPERTIES LABELS "integration;storage"
	TIMEOUT 300 SKIP_RETURN_CODE 77)
