# Real MTAs' bounces (Postfix, Exim, OpenSMTPD, Sendmail, chasquid), each
# from Debian's package with its own config and queue on 127.0.0.1 free
# ports, relaying to a scripted peer that refuses the seed's cases; the
# test checks bouncectl's verdict on each bounce the MTA makes. Postfix
# is the machine's; the others run from the .debs scripts/deps.sh
# unpacks into BD_MTA_ROOT (nothing installed). Skips (77) when an MTA
# cannot run here. BD_MTA_SAVE in the environment: a directory that
# receives a copy of every bounce. The no-such-domain case runs each
# MTA's DNS lookups in a network namespace of the test's own, against
# the peer's NXDOMAIN answers: offline, nothing leaves the namespace.
set(BD_MTA_ROOT /var/cache/bounced-test-mtas/root CACHE PATH
	"Where scripts/deps.sh unpacks the MTAs' Debian packages")
set(BD_INTEG ${CMAKE_CURRENT_SOURCE_DIR}/integration)
foreach(t postfix exim opensmtpd sendmail chasquid)
	add_test(NAME mta_${t} COMMAND sh ${BD_INTEG}/mta_${t}.sh
		$<TARGET_FILE:bouncectl> ${BD_PYTHON3}
		${CMAKE_CURRENT_BINARY_DIR}/mta_${t} ${BD_MTA_ROOT})
	set_tests_properties(mta_${t} PROPERTIES LABELS "integration;mta"
		TIMEOUT 180 SKIP_RETURN_CODE 77)
endforeach()
