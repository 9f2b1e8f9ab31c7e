# Resend over SMTP against real servers (issue 5)

# smtp_check: one smtp_send() from the command line (tests/net/).
add_executable(smtp_check net/smtp_check.c)
target_link_libraries(smtp_check PRIVATE bd_net bd_config bd_common)

# Each script starts its own servers on 127.0.0.1 (aiosmtpd through
# tests/integration/smtp_sink.py, Postfix with its own config directory),
# on free ports, in a per-test directory, and stops them by PID.
set(BD_INTEG ${CMAKE_CURRENT_SOURCE_DIR}/integration)
foreach(t plain starttls badca hostname down postfix auth timeout flood)
	add_test(NAME smtp_${t} COMMAND sh ${BD_INTEG}/smtp_${t}.sh
		$<TARGET_FILE:smtp_check> ${BD_PYTHON3}
		${CMAKE_CURRENT_BINARY_DIR}/smtp_${t})
	set_tests_properties(smtp_${t} PROPERTIES LABELS integration
		TIMEOUT 120 SKIP_RETURN_CODE 77)
endforeach()
