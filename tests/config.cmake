# config/ (bounced.yaml): the unit test and the fuzz replay. include()d
# from tests/CMakeLists.txt, so paths are relative to tests/.

# test_config loads config/bounced.yaml.example: the example must stay valid
add_executable(test_config unit/test_config.c)
target_link_libraries(test_config PRIVATE bd_config bd_common
	PkgConfig::CMOCKA)
target_compile_definitions(test_config PRIVATE
	BD_EXAMPLE_CONFIG="${CMAKE_SOURCE_DIR}/config/bounced.yaml.example"
	BD_VERP_KEY="${CMAKE_CURRENT_SOURCE_DIR}/fixtures/verp/key")
add_test(NAME config COMMAND test_config)
set_tests_properties(config PROPERTIES LABELS unit)

# Fuzz target (tests/fuzz/fuzz_config.c): replayed over config_inputs/ and
# the example in every build; a libFuzzer binary with BD_FUZZ=ON (clang).
add_executable(fuzz_config fuzz/fuzz_config.c fuzz/replay.c)
target_link_libraries(fuzz_config PRIVATE bd_config bd_common)
file(GLOB BD_FUZZ_CONFIG_INPUTS CONFIGURE_DEPENDS
	${CMAKE_CURRENT_SOURCE_DIR}/fuzz/config_inputs/*)
add_test(NAME fuzz-config-replay COMMAND fuzz_config ${BD_FUZZ_CONFIG_INPUTS}
	${CMAKE_SOURCE_DIR}/config/bounced.yaml.example)
set_tests_properties(fuzz-config-replay PROPERTIES LABELS unit)
if(BD_FUZZ)
	add_executable(fuzz_config_lf fuzz/fuzz_config.c)
	target_compile_definitions(fuzz_config_lf PRIVATE BD_LIBFUZZER)
	target_link_options(fuzz_config_lf PRIVATE -fsanitize=fuzzer)
	target_link_libraries(fuzz_config_lf PRIVATE bd_config bd_common)
endif()
