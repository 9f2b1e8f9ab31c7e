# IMAP servers besides Dovecot (issue 19 item 4): Debian's packages are
# downloaded (never installed) into imapsrv-debs/ here, unpacked, and run
# as throwaway instances on 127.0.0.1 in a private mount namespace
# (tests/integration/imapsrv_lib.sh). Each test skips (77) with the
# reason when apt, the network or unshare is not available. Two instances
# of one server at once disturb each other (two Cyrus: the kill test's
# server stopped accepting connections, reproduced with ctest -j2), so
# the tests of one server take turns (RESOURCE_LOCK).
set(BD_INTEG ${CMAKE_CURRENT_SOURCE_DIR}/integration)
foreach(s courier cyrus)
	foreach(t drain kill restart)
		add_test(NAME imapsrv_${s}_${t} COMMAND sh
			${BD_INTEG}/imapsrv_${t}.sh
			$<TARGET_FILE:bounced> $<TARGET_FILE:bouncectl>
			${BD_PYTHON3} ${CMAKE_SOURCE_DIR}
			${CMAKE_CURRENT_BINARY_DIR}/imapsrv_${s}_${t} ${s})
		set_tests_properties(imapsrv_${s}_${t} PROPERTIES
			LABELS integration TIMEOUT 300 SKIP_RETURN_CODE 77
			RESOURCE_LOCK imapsrv_${s})
	endforeach()
endforeach()

# The same drain with the mailboxes named as bounced.yaml(5) says
# (Processed, not INBOX.Processed): translated into the server's
# namespace (issue 19 item 1)
foreach(s courier cyrus)
	add_test(NAME imapsrv_${s}_names COMMAND sh
		${BD_INTEG}/imapsrv_drain.sh
		$<TARGET_FILE:bounced> $<TARGET_FILE:bouncectl>
		${BD_PYTHON3} ${CMAKE_SOURCE_DIR}
		${CMAKE_CURRENT_BINARY_DIR}/imapsrv_${s}_names ${s} 100 canonical)
	set_tests_properties(imapsrv_${s}_names PROPERTIES
		LABELS integration TIMEOUT 300 SKIP_RETURN_CODE 77
		RESOURCE_LOCK imapsrv_${s})
endforeach()

# Courier with IMAP_KEYWORDS=0 (issue 19 "done when": a working
# acknowledgement or a non-zero --once naming PERMANENTFLAGS, never a
# silent re-download)
add_test(NAME imapsrv_courier_nokw COMMAND sh ${BD_INTEG}/imapsrv_nokw.sh
	$<TARGET_FILE:bounced> $<TARGET_FILE:bouncectl> ${BD_PYTHON3}
	${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/imapsrv_courier_nokw
	courier)
set_tests_properties(imapsrv_courier_nokw PROPERTIES LABELS integration
	TIMEOUT 300 SKIP_RETURN_CODE 77 RESOURCE_LOCK imapsrv_courier)

# Courier (no MOVE: COPY + UID EXPUNGE): messages left \Deleted by a kill
# between STORE and EXPUNGE are expunged by the next pass, and only ours
add_test(NAME imapsrv_courier_deleted COMMAND sh ${BD_INTEG}/imapsrv_deleted.sh
	$<TARGET_FILE:bounced> $<TARGET_FILE:bouncectl> ${BD_PYTHON3}
	${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/imapsrv_courier_deleted
	courier)
set_tests_properties(imapsrv_courier_deleted PROPERTIES LABELS integration
	TIMEOUT 300 SKIP_RETURN_CODE 77 RESOURCE_LOCK imapsrv_courier)
