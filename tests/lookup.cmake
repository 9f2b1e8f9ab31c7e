# Issue 15 items 1 and 2: "may I send to X?" at send time. include()d
# from tests/CMakeLists.txt, so paths are relative to tests/.

# lifecycle/send.c alone, and store_recipient_standing() on a real file
add_executable(test_send unit/test_send.c)
target_link_libraries(test_send PRIVATE bd_storage bd_lifecycle bd_reason
	bd_common PkgConfig::CMOCKA)
add_test(NAME send COMMAND test_send)
set_tests_properties(send PROPERTIES LABELS unit)
