# BD_SANITIZE=ON: AddressSanitizer + UndefinedBehaviorSanitizer, no recovery.
option(BD_SANITIZE "Build with ASan and UBSan" OFF)
if(BD_SANITIZE)
	add_compile_options(-fsanitize=address,undefined
		-fno-sanitize-recover=all -fno-omit-frame-pointer)
	add_link_options(-fsanitize=address,undefined)
endif()
