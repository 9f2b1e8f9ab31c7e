# tests for bouncectl: the query verbs against a database mkdb writes
# through store.h (tests/unit/mkdb.c), and the man page.
add_executable(mkdb unit/mkdb.c)
target_link_libraries(mkdb PRIVATE bd_storage bd_common)
add_test(NAME bouncectl COMMAND sh
	${CMAKE_CURRENT_SOURCE_DIR}/unit/test_bouncectl.sh
	$<TARGET_FILE:bouncectl> $<TARGET_FILE:mkdb> ${BD_PYTHON3}
	${CMAKE_CURRENT_BINARY_DIR}/bouncectl.tmp ${BD_CLI_CONFIG_FILE})
set_tests_properties(bouncectl PROPERTIES LABELS unit)

# bouncectl(1) renders without a groff warning (-ww: all of them).
find_program(BD_GROFF groff)
if(BD_GROFF)
	add_test(NAME bouncectl-man COMMAND sh -c
		"out=$(\"$0\" -man -ww -z -Tutf8 \"$1\" 2>&1) && test -z \"$out\" || { echo \"$out\"; exit 1; }"
		${BD_GROFF} ${CMAKE_SOURCE_DIR}/docs/bouncectl.1)
	set_tests_properties(bouncectl-man PROPERTIES LABELS unit)
endif()

# bouncectl verp sign / check: signed return paths (docs/VERP.md)
add_test(NAME bouncectl-verp COMMAND sh
	${CMAKE_CURRENT_SOURCE_DIR}/unit/test_bouncectl_verp.sh
	$<TARGET_FILE:bouncectl> ${CMAKE_CURRENT_BINARY_DIR}/bouncectl-verp.tmp)
set_tests_properties(bouncectl-verp PROPERTIES LABELS unit)

# suppress/unsuppress --from FILE, list --limit --after (issue 15 item 5)
add_test(NAME bouncectl-mgmt COMMAND sh
	${CMAKE_CURRENT_SOURCE_DIR}/unit/test_bouncectl_mgmt.sh
	$<TARGET_FILE:bouncectl> $<TARGET_FILE:mkdb> ${BD_PYTHON3}
	${CMAKE_CURRENT_BINARY_DIR}/bouncectl-mgmt.tmp
	${CMAKE_CURRENT_SOURCE_DIR}/fixtures/import)
set_tests_properties(bouncectl-mgmt PROPERTIES LABELS unit)

# issue 17 items 4-6: --version, parse of an mbox and past the cap,
# sisimai 5 names and --labels, status and JSON types
add_test(NAME bouncectl-operator COMMAND sh
	${CMAKE_CURRENT_SOURCE_DIR}/unit/test_bouncectl_operator.sh
	$<TARGET_FILE:bounced> $<TARGET_FILE:bouncectl> ${BD_PYTHON3}
	${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/bouncectl-operator.tmp)
set_tests_properties(bouncectl-operator PROPERTIES LABELS unit)

# issue 16: parse/explain -j N print what -j 1 prints, in file order,
# errors and exit status included, with a slow first file (a FIFO)
add_test(NAME bouncectl-jobs COMMAND sh
	${CMAKE_CURRENT_SOURCE_DIR}/unit/test_bouncectl_jobs.sh
	$<TARGET_FILE:bouncectl> ${CMAKE_SOURCE_DIR}
	${CMAKE_CURRENT_BINARY_DIR}/bouncectl-jobs.tmp)
set_tests_properties(bouncectl-jobs PROPERTIES LABELS unit TIMEOUT 120)
