# Issue 15 items 6 and 7: retention, forget, metrics.
add_executable(test_upkeep unit/test_upkeep.c)
target_link_libraries(test_upkeep PRIVATE bd_upkeep bd_storage bd_config
	bd_common PkgConfig::CMOCKA PkgConfig::SQLITE3)
add_test(NAME upkeep COMMAND test_upkeep)
set_tests_properties(upkeep PROPERTIES LABELS unit)

# The daemon on a Maildir of bounces: the metrics file parsed strictly and
# compared with bouncectl and SQL, forget scanned over every column,
# a later bounce for a forgotten address, retention by the test clock.
add_test(NAME daemon_upkeep COMMAND sh ${BD_INTEG}/daemon_upkeep.sh
	$<TARGET_FILE:bounced> $<TARGET_FILE:bouncectl> ${BD_PYTHON3}
	${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/daemon_upkeep)
set_tests_properties(daemon_upkeep PROPERTIES LABELS integration
	TIMEOUT 300 SKIP_RETURN_CODE 77)
