# Fuzz targets of issue 14 (tests/fuzz/README.md). include()d from
# tests/CMakeLists.txt, so paths are relative to tests/. Each target is
# built twice: fuzz_NAME, the standalone replay.c driver that ctest runs
# over the committed inputs in every build (under ASan in ci-asan), and
# with BD_FUZZ=ON (the "fuzz" preset, clang) fuzz_NAME_lf, the libFuzzer
# binary.
#
# bd_fuzz(NAME SOURCES ... LIBS ... INPUTS globs... WRAP symbols...):
# WRAP links with -Wl,--wrap=SYMBOL, the seam by which fuzz_smtp.c and
# fuzz_imap.c put the input where the daemon expects a server.
function(bd_fuzz name)
	cmake_parse_arguments(F "" "" "SOURCES;LIBS;INPUTS;WRAP" ${ARGN})
	set(wrap)
	foreach(s ${F_WRAP})
		list(APPEND wrap "-Wl,--wrap=${s}")
	endforeach()
	file(GLOB inputs CONFIGURE_DEPENDS ${F_INPUTS})
	add_executable(fuzz_${name} fuzz/fuzz_${name}.c fuzz/replay.c
		${F_SOURCES})
	target_link_libraries(fuzz_${name} PRIVATE ${F_LIBS})
	target_link_options(fuzz_${name} PRIVATE ${wrap})
	add_test(NAME fuzz-${name}-replay COMMAND fuzz_${name} ${inputs})
	set_tests_properties(fuzz-${name}-replay PROPERTIES LABELS unit)
	if(BD_FUZZ)
		add_executable(fuzz_${name}_lf fuzz/fuzz_${name}.c ${F_SOURCES})
		target_compile_definitions(fuzz_${name}_lf PRIVATE BD_LIBFUZZER)
		target_link_options(fuzz_${name}_lf PRIVATE -fsanitize=fuzzer
			${wrap})
		target_link_libraries(fuzz_${name}_lf PRIVATE ${F_LIBS})
	endif()
endfunction()

set(BD_FUZZ_DIR ${CMAKE_CURRENT_SOURCE_DIR}/fuzz)

# mail/rfc3464.c: dsn_parse() and dsn_address() alone
bd_fuzz(dsn LIBS bd_mail bd_common
	INPUTS ${BD_FUZZ_DIR}/dsn_inputs/*)

# daemon/outbound/smtp.c: smtp_send() against a server made of the input
bd_fuzz(smtp SOURCES fuzz/fuzz_stream.c
	LIBS bd_net bd_config bd_common
	INPUTS ${BD_FUZZ_DIR}/smtp_inputs/*
	WRAP connect mailstream_socket_open_timeout
	mailstream_ssl_open_with_callback_timeout)

# daemon/sources/source_imap.c, imap_session.c: passes against a server made of
# the input
bd_fuzz(imap SOURCES fuzz/fuzz_stream.c ${CMAKE_SOURCE_DIR}/daemon/sources/source_imap.c
	${CMAKE_SOURCE_DIR}/daemon/sources/imap_session.c
	${CMAKE_SOURCE_DIR}/daemon/sources/imap_guard.c
	${CMAKE_SOURCE_DIR}/daemon/notify.c
	LIBS bd_imap_filter bd_imap_names bd_storage bd_net bd_config bd_common
	INPUTS ${BD_FUZZ_DIR}/imap_inputs/*
	WRAP connect mailstream_socket_open_timeout
	mailstream_ssl_open_with_callback_timeout)

# libetpan's own leaks (lsan.supp): Debian's libetpan.a has no frame
# pointers, so the slow unwinder is needed to see which function leaked
# (a hang found in libetpan fails the replay in a minute, not at the
# default 25)
set_tests_properties(fuzz-smtp-replay fuzz-imap-replay PROPERTIES TIMEOUT 60
	ENVIRONMENT "LSAN_OPTIONS=fast_unwind_on_malloc=0:suppressions=${BD_FUZZ_DIR}/lsan.supp:print_suppressions=0")

# report_parse() on messages expanded from a skeleton, up to 64 MiB; the
# memory bombs it found before mail/message.c bounded what libetpan is
# given are among the inputs
bd_fuzz(large SOURCES fuzz/skeleton.c LIBS bd_classify bd_mail bd_common
	INPUTS ${BD_FUZZ_DIR}/large_inputs/*)
set_tests_properties(fuzz-large-replay PROPERTIES TIMEOUT 300)

# mail/structure.c: the pre-pass alone on the same skeletons, up to 256 KiB
# (issue 14 item 8: fast enough for 10^7 executions)
bd_fuzz(cut SOURCES fuzz/skeleton.c LIBS bd_mail bd_common
	INPUTS ${BD_FUZZ_DIR}/large_inputs/* ${BD_FUZZ_DIR}/cut_inputs/*)

# daemon/lookup/lookup_proto.c: a client's stream, in reads of any size,
# as the lookup server feeds it (issue 15)
bd_fuzz(lookup LIBS bd_lookup_proto
	INPUTS ${BD_FUZZ_DIR}/lookup_inputs/*)

# daemon/sources/maildir_name.c: a Maildir file name and its info flags,
# as the Maildir source reads and renames them (issue 14 items 7 and 8)
bd_fuzz(maildir LIBS bd_maildir_name bd_common
	INPUTS ${BD_FUZZ_DIR}/maildir_inputs/*)

# common/acmatch.c against ci_find(), pattern by pattern (issue 16 item 1)
bd_fuzz(acmatch LIBS bd_common
	INPUTS ${BD_FUZZ_DIR}/acmatch_inputs/*)
