# Warning set: the union of OpenSMTPD's, fdm's and libssh's, each probed.
include(CheckCCompilerFlag)
set(BD_WARNINGS
	-Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
	-Wmissing-declarations -Wpointer-arith -Wcast-qual -Wwrite-strings
	-Wformat=2 -Wimplicit-fallthrough -Wsign-compare
	-Werror=implicit-function-declaration)
foreach(flag ${BD_WARNINGS})
	string(MAKE_C_IDENTIFIER "HAVE${flag}" var)
	check_c_compiler_flag(${flag} ${var})
	if(${var})
		add_compile_options(${flag})
	endif()
endforeach()
if(BD_WERROR)
	add_compile_options(-Werror)
endif()
# Release hardening (libssh, OpenSMTPD's configure.ac)
if(CMAKE_BUILD_TYPE STREQUAL "Release")
	add_compile_options(-D_FORTIFY_SOURCE=2 -fstack-protector-strong
		-fstack-clash-protection)
	add_link_options(-Wl,-z,relro,-z,now)
endif()
