/*
 * The order families are tried in: specific signatures first, the generic
 * catch-alls last. Adding a family: write legacy_<name>.c, add it here.
 */
#include "legacy.h"

extern const struct legacy_family legacy_family_qmail;
extern const struct legacy_family legacy_family_exim;
extern const struct legacy_family legacy_family_sendmail;
extern const struct legacy_family legacy_family_generic;
extern const struct legacy_family legacy_family_generic_subject;

const struct legacy_family *const legacy_families[] = {
	&legacy_family_qmail,
	&legacy_family_exim,
	&legacy_family_sendmail,
	&legacy_family_generic,
	&legacy_family_generic_subject,
	NULL,
};
