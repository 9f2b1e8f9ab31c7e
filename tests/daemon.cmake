# The daemon's pure parts: policy (injected clock) and SHA-256.
add_executable(test_policy unit/test_policy.c)
target_link_libraries(test_policy PRIVATE bd_policy PkgConfig::CMOCKA)
add_test(NAME policy COMMAND test_policy)
add_executable(test_sha256 unit/test_sha256.c)
target_link_libraries(test_sha256 PRIVATE bd_common PkgConfig::CMOCKA)
add_test(NAME sha256 COMMAND test_sha256)
set_tests_properties(policy sha256 PROPERTIES LABELS unit)

# The real binary on temporary Maildirs (tests/integration/).
set(BD_INTEG ${CMAKE_CURRENT_SOURCE_DIR}/integration)
foreach(t drain watch kill policy xdev verp sent)
	add_test(NAME daemon_${t} COMMAND sh ${BD_INTEG}/daemon_${t}.sh
		$<TARGET_FILE:bounced> $<TARGET_FILE:bouncectl> ${BD_PYTHON3}
		${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/daemon_${t})
	set_tests_properties(daemon_${t} PROPERTIES LABELS integration
		TIMEOUT 300 SKIP_RETURN_CODE 77)
endforeach()

# Resend end to end: the daemon against a real SMTP sink on loopback.
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
