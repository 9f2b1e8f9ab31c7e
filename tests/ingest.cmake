# Issue 16 item 3: the ingest path.
# daemon/workq.c: batched hand-offs between the reader and the main thread
add_executable(test_workq unit/test_workq.c ${CMAKE_SOURCE_DIR}/daemon/workq.c)
target_link_libraries(test_workq PRIVATE Threads::Threads PkgConfig::CMOCKA)
add_test(NAME workq COMMAND test_workq)
set_tests_properties(workq PROPERTIES LABELS unit)
# storage/: bouncectl stats from counters (schema v10) agree with a scan
add_executable(test_stats_counts unit/test_stats_counts.c)
target_link_libraries(test_stats_counts PRIVATE bd_storage bd_common
	PkgConfig::CMOCKA PkgConfig::SQLITE3)
add_test(NAME stats_counts COMMAND test_stats_counts)
set_tests_properties(stats_counts PROPERTIES LABELS unit)
