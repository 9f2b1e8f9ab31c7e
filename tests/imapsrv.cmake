# IMAP servers besides Dovecot (issue 19 item 4): Debian's packages are
# downloaded (never installed) into imapsrv-debs/ here, unpacked, and run
# as throwaway instances on 127.0.0.1 in a private mount namespace
# (tests/integration/imapsrv_lib.sh). Each test skips (77) with the
# reason when apt, the network or unshare is not available. Two instances
# of one server at once disturb each other (two Cyrus: the kill test's
# server stopped accepting connections, reproduced with ctest -j2), so
# the tests of one server take turns (RESOURCE_LOCK).
set(BD_INTEG ${CMAKE_CURRENT_SOURCE_DIR}/integration)
# bd_imapsrv_test(NAME SCRIPT SERVER [ARGS...]): imapsrv_SCRIPT.sh
# against SERVER as test imapsrv_SERVER_NAME, with the script's own
# arguments after the server's
function(bd_imapsrv_test name script server)
	set(t imapsrv_${server}_${name})
	add_test(NAME ${t} COMMAND sh ${BD_INTEG}/imapsrv_${script}.sh
		$<TARGET_FILE:bounced> $<TARGET_FILE:bouncectl>
		${BD_PYTHON3} ${CMAKE_SOURCE_DIR}
		${CMAKE_CURRENT_BINARY_DIR}/${t} ${server} ${ARGN})
	set_tests_properties(${t} PROPERTIES
		LABELS integration TIMEOUT 300 SKIP_RETURN_CODE 77
		RESOURCE_LOCK imapsrv_${server})
endfunction()

foreach(s courier cyrus)
	foreach(t drain kill restart)
		bd_imapsrv_test(${t} ${t} ${s})
	endforeach()
	# the same drain with the mailboxes named as bounced.yaml(5) says
	# (Processed, not INBOX.Processed): translated into the server's
	# namespace (issue 19 item 1)
	bd_imapsrv_test(names drain ${s} 100 canonical)
endforeach()

# Courier with IMAP_KEYWORDS=0 (issue 19 "done when": a working
# acknowledgement or a non-zero --once naming PERMANENTFLAGS, never a
# silent re-download)
bd_imapsrv_test(nokw nokw courier)
# Courier (no MOVE: COPY + UID EXPUNGE): messages left \Deleted by a kill
# between STORE and EXPUNGE are expunged by the next pass, and only ours
bd_imapsrv_test(deleted deleted courier)
