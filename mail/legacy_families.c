/*
 * The order families are tried in: specific signatures first, the generic
 * catch-alls last. Adding a family: write legacy_<name>.c, add it here.
 */
#include "legacy.h"

extern const struct legacy_family legacy_family_qmail;
extern const struct legacy_family legacy_family_zoho;
extern const struct legacy_family legacy_family_exim;
extern const struct legacy_family legacy_family_sendmail;
extern const struct legacy_family legacy_family_postfix;
extern const struct legacy_family legacy_family_amazonses;
extern const struct legacy_family legacy_family_james;
extern const struct legacy_family legacy_family_interscan;
extern const struct legacy_family legacy_family_kddi;
extern const struct legacy_family legacy_family_notes;
extern const struct legacy_family legacy_family_mailmarshal;
extern const struct legacy_family legacy_family_exchange;
extern const struct legacy_family legacy_family_imail;
extern const struct legacy_family legacy_family_listserv;
extern const struct legacy_family legacy_family_verizon;
extern const struct legacy_family legacy_family_fml;
extern const struct legacy_family legacy_family_googlegroups;
extern const struct legacy_family legacy_family_failedrcpt;
extern const struct legacy_family legacy_family_generic;
extern const struct legacy_family legacy_family_generic_subject;
extern const struct legacy_family legacy_family_generic_announce;

const struct legacy_family *const legacy_families[] = {
	&legacy_family_qmail,
	&legacy_family_zoho, /* before Exim, whose opening it shares */
	&legacy_family_exim,
	&legacy_family_sendmail,
	&legacy_family_postfix,
	&legacy_family_amazonses,
	&legacy_family_verizon, /* its vtext notices look like James's */
	&legacy_family_james,
	&legacy_family_interscan,
	&legacy_family_kddi,
	&legacy_family_notes,
	&legacy_family_mailmarshal,
	&legacy_family_exchange,
	&legacy_family_imail,
	&legacy_family_listserv,
	/* the header names the recipients when no layout above fits */
	&legacy_family_fml,
	&legacy_family_googlegroups,
	&legacy_family_failedrcpt,
	&legacy_family_generic,
	&legacy_family_generic_subject,
	&legacy_family_generic_announce,
	NULL,
};
