/*
 * The remote provider's own error codes (what sisimai calls "rhost"): large
 * mailbox providers answer with codes and wordings they document on their
 * postmaster pages ("AUP#CDRBL" at Cox, "OFR004_104" at Orange, "[TSS04]"
 * at Yahoo). Once the provider is identified, its documented meaning of a
 * code is better evidence than the generic words around it ("sender
 * rejected ... AUP#CDRBL" is Cox's temporary IP block, not a refused
 * sender). Pure and linear: case-insensitive substring searches only.
 */
#ifndef BD_PROVIDER_H
#define BD_PROVIDER_H

#include <stdbool.h>
#include <stddef.h>

#include "mail/report.h"
#include "reason.h"

/*
 * The provider documents this code for the phase it is sent in (Yahoo
 * refuses an unknown user at end of DATA): the decision table must not reinterpret
 * the verdict from the failing command or the RFC 3463 subject.
 */
#define PE_FINAL 0x01u

/*
 * One documented code or phrase. Either text (lower case, '*' matches any
 * run of text, as in the generic rules) occurs in the diagnostic, or, when
 * text is NULL, the provider's numeric code (read after one of its
 * num_tags) lies in [lo, hi].
 */
struct provider_entry {
	const char *name; /* "<provider>.<code>", unique */
	const char *text;
	int lo, hi;
	enum reason reason;
	unsigned flags; /* PE_* */
};

struct provider {
	const char *name;
	/* domain suffixes of the provider's hosts ("cox.net" matches
	 * "cox.net" and "mx.example.cox.net") */
	const char *const *hosts;
	/* lower-case codes that only this provider sends: they identify it
	 * from the diagnostic alone ("aup#cdrbl"); NULL-terminated, or NULL */
	const char *const *ids;
	/* where a numeric code stands: the tag, then "NNN", "_NNN" or
	 * "NNN_NNN" (the last number is the code); or NULL */
	const char *const *num_tags;
	const struct provider_entry *entries;
	size_t nentries;
};

extern const struct provider provider_table[];
extern const size_t provider_count;

struct provider_verdict {
	enum reason reason;
	const char *rule;    /* static: the entry's name */
	const char *matched; /* static: the entry's text, or its name */
	unsigned flags;      /* the entry's PE_* flags */
	const struct provider *provider;
};

/*
 * The provider that answered for r: by r->remote_mta; when that names no
 * known provider, by a provider's own code or a host of its named in the
 * diagnostic; when the report has no remote MTA at all, by the reporting
 * MTA. NULL when none is identified.
 */
const struct provider *provider_identify(
    const struct report *rep, const struct report_rcpt *r);

/*
 * The identified provider's documented reason for r's diagnostic, d (its
 * lower-cased text and pairs, textkey.h). False,
 * leaving *pv untouched, when no provider is identified or none of its
 * entries occurs.
 */
struct diagtext;
bool provider_reason(const struct report *rep, const struct report_rcpt *r,
    const struct diagtext *d, struct provider_verdict *pv);

/* The numeric code after one of p's num_tags in s[0..len), or -1. */
int provider_code(const struct provider *p, const char *s, size_t len);

#endif
