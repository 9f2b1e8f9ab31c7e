# The pure parts: the lifecycle (injected clock) and SHA-256.
add_executable(test_lifecycle unit/test_lifecycle.c)
target_link_libraries(test_lifecycle PRIVATE bd_lifecycle bd_reason
	PkgConfig::CMOCKA)
add_test(NAME lifecycle COMMAND test_lifecycle)
add_executable(test_sha256 unit/test_sha256.c)
target_link_libraries(test_sha256 PRIVATE bd_common PkgConfig::CMOCKA)
add_test(NAME sha256 COMMAND test_sha256)
# daemon/sources/maildir_name.c: Maildir names and info flags (issue 14 item 7)
add_executable(test_maildir_name unit/test_maildir_name.c)
target_link_libraries(test_maildir_name PRIVATE bd_maildir_name
	PkgConfig::CMOCKA)
add_test(NAME maildir_name COMMAND test_maildir_name)
# daemon/sources/imap_filter.c: what libetpan may read (issue 14 item 8)
add_executable(test_imap_filter unit/test_imap_filter.c)
target_link_libraries(test_imap_filter PRIVATE bd_imap_filter
	PkgConfig::CMOCKA)
add_test(NAME imap_filter COMMAND test_imap_filter)
# daemon/outbound/smtp_filter.c: what libetpan may read of SMTP replies
add_executable(test_smtp_filter unit/test_smtp_filter.c)
target_link_libraries(test_smtp_filter PRIVATE bd_net PkgConfig::CMOCKA)
add_test(NAME smtp_filter COMMAND test_smtp_filter)
# daemon/outbound/stream_guard.c: a refused stream delivers nothing more
add_executable(test_stream_guard unit/test_stream_guard.c
	${CMAKE_SOURCE_DIR}/daemon/sources/imap_guard.c)
target_link_libraries(test_stream_guard PRIVATE bd_net bd_imap_filter
	PkgConfig::CMOCKA)
add_test(NAME stream_guard COMMAND test_stream_guard)
set_tests_properties(lifecycle sha256 maildir_name imap_filter smtp_filter
	stream_guard PROPERTIES
	LABELS unit)

# The real binary on temporary Maildirs (tests/integration/).
set(BD_INTEG ${CMAKE_CURRENT_SOURCE_DIR}/integration)
foreach(t drain watch kill policy xdev verp sent poison special rewatch dbfault
		attribution import shared)
	add_test(NAME daemon_${t} COMMAND sh ${BD_INTEG}/daemon_${t}.sh
		$<TARGET_FILE:bounced> $<TARGET_FILE:bouncectl> ${BD_PYTHON3}
		${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/daemon_${t})
	set_tests_properties(daemon_${t} PROPERTIES LABELS integration
		TIMEOUT 300 SKIP_RETURN_CODE 77)
endforeach()

# Resend end to end: the daemon against a real SMTP sink on loopback.
# daemon_forged: forged bounces against it (issue 13, docs/SECURITY.md).
add_test(NAME daemon_forged COMMAND sh ${BD_INTEG}/daemon_forged.sh
	$<TARGET_FILE:bounced> $<TARGET_FILE:bouncectl> ${BD_PYTHON3}
	${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/daemon_forged)
set_tests_properties(daemon_forged PROPERTIES LABELS integration
	TIMEOUT 300 SKIP_RETURN_CODE 77)
add_test(NAME daemon_resend COMMAND sh ${BD_INTEG}/daemon_resend.sh
	$<TARGET_FILE:bounced> $<TARGET_FILE:bouncectl> ${BD_PYTHON3}
	${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/daemon_resend)
set_tests_properties(daemon_resend PROPERTIES LABELS integration
	TIMEOUT 300 SKIP_RETURN_CODE 77)
add_test(NAME daemon_resend_postfix COMMAND sh
	${BD_INTEG}/daemon_resend_postfix.sh
	$<TARGET_FILE:bounced> $<TARGET_FILE:bouncectl> ${BD_PYTHON3}
	${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/daemon_resend_postfix)
set_tests_properties(daemon_resend_postfix PROPERTIES LABELS integration
	TIMEOUT 300 SKIP_RETURN_CODE 77)
add_test(NAME daemon_resend_loop COMMAND sh
	${BD_INTEG}/daemon_resend_loop.sh
	$<TARGET_FILE:bounced> $<TARGET_FILE:bouncectl> ${BD_PYTHON3}
	${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/daemon_resend_loop)
set_tests_properties(daemon_resend_loop PROPERTIES LABELS integration
	TIMEOUT 120 SKIP_RETURN_CODE 77)
add_test(NAME daemon_resend_now COMMAND sh
	${BD_INTEG}/daemon_resend_now.sh
	$<TARGET_FILE:bounced> $<TARGET_FILE:bouncectl> ${BD_PYTHON3}
	${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/daemon_resend_now)
set_tests_properties(daemon_resend_now PROPERTIES LABELS integration
	TIMEOUT 120 SKIP_RETURN_CODE 77)

# daemon/attribution.c's choice of sources (issue 15 item 4)
add_executable(test_attribution unit/test_attribution.c
	${CMAKE_SOURCE_DIR}/daemon/attribution.c)
target_link_libraries(test_attribution PRIVATE bd_storage bd_config
	bd_classify bd_mail bd_common PkgConfig::CMOCKA)
add_test(NAME attribution COMMAND test_attribution)
set_tests_properties(attribution PROPERTIES LABELS unit)

# The outbox (issue 15 item 3): its decisions, payloads, signature and
# store side.
add_executable(test_events unit/test_events.c)
target_link_libraries(test_events PRIVATE bd_events bd_storage bd_lifecycle
	bd_common PkgConfig::CMOCKA)
add_test(NAME events COMMAND test_events)
set_tests_properties(events PROPERTIES LABELS unit)
# Events out (issue 15 item 3): a webhook receiver in Debian's Python and
# an exec hook, on loopback, through kill -9.
foreach(t events_webhook events_https events_exec)
	add_test(NAME ${t} COMMAND sh ${BD_INTEG}/${t}.sh
		$<TARGET_FILE:bounced> $<TARGET_FILE:bouncectl> ${BD_PYTHON3}
		${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/${t})
	set_tests_properties(${t} PROPERTIES LABELS integration
		TIMEOUT 300 SKIP_RETURN_CODE 77)
endforeach()
