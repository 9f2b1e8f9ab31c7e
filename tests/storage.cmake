# storage/: real SQLite files in a temporary directory. test_storage also
# runs the example queries of docs/schema.md, so the documentation cannot
# drift from the schema.
add_executable(test_storage unit/test_storage.c)
target_link_libraries(test_storage PRIVATE bd_storage bd_common
	PkgConfig::CMOCKA PkgConfig::SQLITE3)
target_compile_definitions(test_storage PRIVATE
	BD_SCHEMA_DOC="${CMAKE_SOURCE_DIR}/docs/schema.md")
add_test(NAME storage COMMAND test_storage)
set_tests_properties(storage PROPERTIES LABELS unit)
