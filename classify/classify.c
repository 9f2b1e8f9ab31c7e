/*
 * The decision, in order of trust:
 *   1. the kind of report (complaint, auto-reply) and the DSN Action;
 *   2. a family's own reason (its codes are unambiguous), then the remote
 *      provider's documented codes (provider.c);
 *   3. the candidate: the precise text rules over the diagnostic (text
 *      overrides a generic code, because many MTAs send 5.0.0 or a wrong
 *      code with a precise reason in words), else a specific RFC 3463
 *      code, else the weak text rules (broad words a specific code
 *      outranks);
 *   4. the decision table (decision.h): the SMTP stage, the code and the
 *      reply code may overrule the candidate; without one, its fallback
 *      rows decide by the class of a catch-all code, the reply code, the
 *      Action or the stage; else onhold (the server said something) or
 *      undefined.
 * Every verdict names its rule and its layer.
 */
#include "classify.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/strutil.h"
#include "common/xmalloc.h"
#include "decision.h"
#include "mail/mail_limits.h"
#include "provider.h"
#include "textkey.h"

bool
classify_match(const char *text, size_t len, const char *pattern)
{
	const char *p = pattern, *t = text, *end = text + len;

	/* Each piece is found leftmost after the previous one: that is the
	 * whole search for a '*'-only pattern language, so it is linear and
	 * cannot backtrack. */
	while (*p != '\0') {
		const char *star = strchr(p, '*');
		size_t n = star != NULL ? (size_t)(star - p) : strlen(p);
		const char *hit;

		if (n > 0) {
			/* the text is lower case already: a plain search */
			hit = memmem(t, (size_t)(end - t), p, n);
			if (hit == NULL)
				return false;
			t = hit + n;
		}
		if (star == NULL)
			break;
		p = star + 1;
	}
	return true;
}

static void
set(struct verdict *v, enum reason r, enum decision_layer layer,
    const char *rule, const char *matched)
{
	v->reason = r;
	v->layer = layer;
	v->rule = rule;
	v->matched = matched;
	v->cls = reason_info(r)->cls;
}

static bool
is_action(const struct report_rcpt *r, const char *a)
{
	return r->action != NULL && strcmp(r->action, a) == 0;
}

/* RFC 3463 2: class 4 is a persistent transient failure; RFC 5321 4.2.1:
 * so is a 4yz reply; RFC 3464 2.3.3: "delayed" means it is being retried. */
static bool
temporary(const struct report_rcpt *r)
{
	if (r->status[0] == '4')
		return true;
	if (r->status[0] == '5')
		return false;
	if (r->reply_code >= 400 && r->reply_code < 500)
		return true;
	if (r->reply_code >= 500 && r->reply_code < 600)
		return false;
	return is_action(r, "delayed");
}

/*
 * The diagnostic is lower-cased once for both passes of the rules, with
 * the set of byte pairs it contains (textkey.h); per rule, the key pairs
 * of its pattern, found once: the walk over the pattern's text per rule
 * and diagnostic was most of the rules' cost (issue 16).
 */
struct rule_key {
	struct textkey key;
	unsigned bucket; /* its pass_index bucket, when key.n > 0 */
};
static struct rule_key *rule_keys;
/* the precise rules' indexes and the weak ones', each in table order:
 * a pass reads only its own */
static unsigned *pass_rules[2], pass_n[2];
static pthread_once_t keys_once = PTHREAD_ONCE_INIT;

/*
 * Per pass, its rules by one of their key pairs (hashed into KEY_BUCKETS):
 * a diagnostic visits the buckets of the pairs it has, a hundred or two,
 * instead of every rule of the pass; the candidates are then tried in
 * table order, so the first that matches is the one the whole table
 * would give (test_rule_keys). Rules without a key (a pattern without two
 * bytes in a row) are candidates always. A pass of more than CAND_MAX
 * rules reads them all, as before.
 */
#define KEY_BUCKETS 2048
#define CAND_MAX 1024
struct pass_index {
	uint32_t start[KEY_BUCKETS + 1]; /* bucket b: at[start[b]..start[b+1]) */
	uint16_t *at;			 /* positions in pass_rules[] */
	uint16_t *keyless;
	unsigned nkeyless;
	bool usable;
};
static struct pass_index pass_index[2];

static unsigned
key_bucket(unsigned pair)
{
	return (pair * 40503u & 0xffffu) >> 5;
}

/* Of a rule's key pairs, the one fewest rules' keys have: likely rarer in
 * text too, so fewer diagnostics make the rule a candidate. */
static unsigned
index_pair(const struct rule_key *key, const unsigned *uses)
{
	unsigned j, best = key->key.pair[0];

	for (j = 1; j < key->key.n; j++) {
		if (uses[key_bucket(key->key.pair[j])] < uses[key_bucket(best)])
			best = key->key.pair[j];
	}
	return best;
}

static void
index_build(unsigned j)
{
	struct pass_index *x = &pass_index[j];
	unsigned i, k, b, *fill, *uses;

	x->usable = pass_n[j] <= CAND_MAX;
	if (!x->usable)
		return;
	x->at = xcalloc(pass_n[j] + 1, sizeof(*x->at));
	x->keyless = xcalloc(pass_n[j] + 1, sizeof(*x->keyless));
	fill = xcalloc(KEY_BUCKETS + 1, sizeof(*fill));
	uses = xcalloc(KEY_BUCKETS, sizeof(*uses));
	for (k = 0; k < classify_nrules; k++) {
		for (i = 0; i < rule_keys[k].key.n; i++)
			uses[key_bucket(rule_keys[k].key.pair[i])]++;
	}
	for (i = 0; i < pass_n[j]; i++) {
		const struct rule_key *key = &rule_keys[pass_rules[j][i]];

		if (key->key.n > 0)
			x->start[key_bucket(index_pair(key, uses)) + 1]++;
	}
	for (b = 0; b < KEY_BUCKETS; b++)
		x->start[b + 1] += x->start[b];
	/* ascending positions within each bucket */
	for (i = 0; i < pass_n[j]; i++) {
		struct rule_key *key = &rule_keys[pass_rules[j][i]];

		if (key->key.n == 0) {
			x->keyless[x->nkeyless++] = (uint16_t)i;
			continue;
		}
		b = key_bucket(index_pair(key, uses));
		x->at[x->start[b] + fill[b]++] = (uint16_t)i;
		rule_keys[pass_rules[j][i]].bucket = b;
	}
	free(uses);
	free(fill);
}

static void
keys_build(void)
{
	unsigned k, j;

	rule_keys = xcalloc(classify_nrules + 1, sizeof(*rule_keys));
	for (j = 0; j < 2; j++)
		pass_rules[j] = xcalloc(classify_nrules + 1, sizeof(unsigned));
	for (k = 0; k < classify_nrules; k++) {
		j = (classify_rules[k].flags & CR_WEAK) != 0;
		pass_rules[j][pass_n[j]++] = k;
	}
	for (k = 0; k < classify_nrules; k++)
		textkey_of(classify_rules[k].pattern, &rule_keys[k].key);
	index_build(0);
	index_build(1);
}

/* False when the rule needs a byte pair the text lacks. */
static bool
may_match(const struct diagtext *d, unsigned k)
{
	return textkey_may(d, &rule_keys[k].key);
}

bool
classify_rule_candidate(const char *text, size_t len, unsigned k)
{
	static _Thread_local struct diagtext d;
	char *t = xstrndup(text, len);
	bool ok;

	pthread_once(&keys_once, keys_build);
	diagtext_init(&d, t);
	ok = k < classify_nrules && may_match(&d, k);
	/* and by_text() visits its bucket */
	if (ok && rule_keys[k].key.n > 0 &&
	    pass_index[(classify_rules[k].flags & CR_WEAK) != 0].usable) {
		size_t s;

		ok = false;
		for (s = 0; s < d.nseen && !ok; s++)
			ok = key_bucket(d.seen[s]) == rule_keys[k].bucket;
	}
	free(t);
	return ok;
}

static bool
rule_applies(
    const struct classify_rule *ru, const struct report_rcpt *r, bool weak)
{
	if (((ru->flags & CR_WEAK) != 0) != weak)
		return false;
	if (ru->reply != 0 && ru->reply != r->reply_code)
		return false;
	if (ru->command != NULL && strcmp(ru->command, stage_name(r->stage)) != 0)
		return false;
	if (ru->status != NULL && strcmp(ru->status, r->status) != 0)
		return false;
	return true;
}

/* Rule k of the table when it applies and its pattern occurs. */
static bool
try_rule(const struct report_rcpt *r, const struct diagtext *d, bool weak,
    unsigned k, struct verdict *v)
{
	const struct classify_rule *ru = &classify_rules[k];

	if (!rule_applies(ru, r, weak) || !may_match(d, k))
		return false;
	if (!classify_match(d->buf, d->len, ru->pattern))
		return false;
	set(v, ru->reason, weak ? LAYER_WEAK : LAYER_RULES, ru->name,
	    ru->pattern);
	if (ru->cls >= 0)
		v->cls = (enum bounce_class)ru->cls;
	return true;
}

/* The first rule of one pass (weak or not) whose pattern occurs. */
static bool
by_text(const struct report_rcpt *r, const struct diagtext *d, bool weak,
    struct verdict *v)
{
	const struct pass_index *x = &pass_index[weak];
	uint64_t cand[CAND_MAX / 64];
	unsigned i, w;
	size_t s;

	if (d->len == 0)
		return false;
	pthread_once(&keys_once, keys_build);
	if (!x->usable) {
		for (i = 0; i < pass_n[weak]; i++) {
			if (try_rule(r, d, weak, pass_rules[weak][i], v))
				return true;
		}
		return false;
	}
	/* the pass's rules whose first key pair the text has, and those
	 * without a key, as bits by position: table order */
	memset(cand, 0, sizeof(cand[0]) * ((pass_n[weak] + 63) / 64));
	for (i = 0; i < x->nkeyless; i++)
		cand[x->keyless[i] / 64] |= (uint64_t)1 << (x->keyless[i] % 64);
	for (s = 0; s < d->nseen; s++) {
		unsigned b = key_bucket(d->seen[s]);

		for (i = x->start[b]; i < x->start[b + 1]; i++)
			cand[x->at[i] / 64] |= (uint64_t)1 << (x->at[i] % 64);
	}
	for (w = 0; w < (pass_n[weak] + 63) / 64; w++) {
		while (cand[w] != 0) {
			i = w * 64 + (unsigned)__builtin_ctzll(cand[w]);
			cand[w] &= cand[w] - 1;
			if (try_rule(r, d, weak, pass_rules[weak][i], v))
				return true;
		}
	}
	return false;
}

/*
 * The decision table over the candidate (decision.h). A row that keeps
 * the candidate's reason still names itself: the stage confirmed it.
 */
static void
by_table(const struct report *rep, const struct report_rcpt *r,
    struct verdict *v)
{
	struct decision_in in = { rep, r, v->reason, temporary(r) };
	const struct decision_row *row = decision_find(&in);
	enum bounce_class cls = v->cls;
	bool kept;

	if (row == NULL)
		return;
	kept = row->result == v->reason;
	/* a row that confirms the candidate keeps what its text matched */
	set(v, row->result,
	    (row->flags & DR_FALLBACK) ? LAYER_FALLBACK : LAYER_TABLE,
	    row->name,
	    kept && v->matched != NULL ? v->matched :
	    v->status[0] != '\0'	   ? v->status :
					     row->name);
	/* a class a text rule imposed (a loop is permanent) stands */
	if (kept)
		v->cls = cls;
	if (row->flags & DR_FINAL)
		v->cls = CLASS_PERMANENT;
}

/*
 * An ARF report (RFC 5965 3.1) is a complaint when its type says the
 * recipient did not want the mail: abuse, fraud, virus, other (and a
 * report without a type). RFC 6430 "not-spam" says the opposite, and
 * RFC 6591 "auth-failure" is about our SPF/DKIM, not the recipient's
 * wish: both are recorded, never held against the recipient.
 */
static void
feedback(const struct report_rcpt *r, struct verdict *v)
{
	const char *type = r->feedback_type != NULL ? r->feedback_type : "abuse";

	if (strcmp(type, "not-spam") == 0) {
		set(v, REASON_FEEDBACK, LAYER_KIND, "arf.not-spam", type);
		v->cls = CLASS_IGNORE;
	} else if (strcmp(type, "auth-failure") == 0) {
		set(v, REASON_FEEDBACK, LAYER_KIND, "arf.auth-failure", type);
		v->cls = CLASS_IGNORE;
	} else {
		set(v, REASON_FEEDBACK, LAYER_KIND, "arf.feedback-report",
		    type);
	}
}

static void
decide(const struct report *rep, const struct report_rcpt *r, struct verdict *v)
{
	struct diagtext d;
	enum reason sr;

	if (rep->kind == REPORT_FEEDBACK) {
		feedback(r, v);
		return;
	}
	if (rep->kind == REPORT_AUTOREPLY) {
		set(v, REASON_VACATION, LAYER_KIND, "rfc3834.auto-reply",
		    "auto-reply");
		return;
	}
	if (is_action(r, "delivered") || is_action(r, "relayed") ||
	    is_action(r, "expanded")) {
		set(v, REASON_DELIVERED, LAYER_KIND, "dsn.action-success",
		    r->action);
		return;
	}
	if (r->hint != NULL) {
		enum reason h = reason_from_name(r->hint);

		if (h != REASON_COUNT) {
			set(v, h, LAYER_FAMILY, "family.hint", r->hint);
			return;
		}
	}
	diagtext_init(&d, r->diagnostic);
	{
		/* the remote provider's own documented code (provider.h) */
		struct provider_verdict pv;

		if (provider_reason(rep, r, &d, &pv)) {
			set(v, pv.reason, LAYER_PROVIDER, pv.rule, pv.matched);
			if ((pv.flags & PE_FINAL) != 0)
				return;
			goto table;
		}
	}
	if (by_text(r, &d, false, v))
		goto table;
	sr = status_reason(r->status);
	if (sr != REASON_COUNT) {
		set(v, sr, LAYER_STATUS, "rfc3463.status", v->status);
		goto table;
	}
	if (by_text(r, &d, true, v))
		goto table;
	set(v, REASON_UNDEFINED, LAYER_NONE, "none", NULL);
table:
	by_table(rep, r, v);
	/*
	 * Nothing decided, but the server said something: the bounce is
	 * held for a person to read rather than called undefined (sisimai's
	 * convention, so that results compare).
	 */
	if (v->reason == REASON_UNDEFINED && r->diagnostic != NULL &&
	    r->diagnostic[0] != '\0')
		set(v, REASON_ONHOLD, LAYER_FALLBACK, "none.onhold", NULL);
	else if (v->reason == REASON_UNDEFINED)
		v->layer = LAYER_FALLBACK;
}

/*
 * The remote server's own code, when the report's Status differs from it.
 * A reporting MTA may put its own summary in Status (4.4.7 when it gave up
 * on a 4.7.1, 5.1.0 for any address error) while the diagnostic quotes
 * the server: a code right after the server's reply code ("550 5.2.2",
 * "550-5.7.1") is the better evidence. Its class must agree with the
 * reply code's (RFC 3463 2: class and reply code say the same thing).
 */
static bool
reply_status(const struct report_rcpt *r, char out[16])
{
	const char *d = r->diagnostic, *p, *end;

	if (d == NULL)
		return false;
	end = d + strlen(d);
	while ((p = find_status_code(d, (size_t)(end - d), out)) != NULL) {
		size_t n = strlen(out);

		d = p + n;
		/* "NNN D.S.N", "NNN-D.S.N", "NNN-'D.S.N" */
		if (p - r->diagnostic < 4)
			continue;
		if (p[-1] == '\'')
			p--;
		if (p[-1] != ' ' && p[-1] != '-')
			continue;
		if (!bd_isdigit((unsigned char)p[-2]) ||
		    !bd_isdigit((unsigned char)p[-3]) || p[-4] != out[0])
			continue;
		if (p - r->diagnostic > 4 && bd_isdigit((unsigned char)p[-5]))
			continue;
		if (strcmp(out + 1, ".0.0") == 0 || strcmp(out, r->status) == 0)
			continue;
		if (r->reply_code != 0 && r->reply_code / 100 != out[0] - '0')
			continue;
		return true;
	}
	return false;
}

void
classify_rcpt(const struct report *rep, const struct report_rcpt *r0,
    time_t now, struct verdict *v)
{
	struct report_rcpt rr = *r0, *r = &rr;
	char code[16];
	const char *st;

	(void)now; /* XXX: Will-Retry-Until against now, for delayed DSNs */
	memset(v, 0, sizeof(*v));
	if (reply_status(r, code))
		memcpy(r->status, code, sizeof(r->status));
	/* before decide(): the rules that decide by the code point at it */
	memcpy(v->status, r->status, sizeof(v->status));
	decide(rep, r, v);

	if (v->status[0] == '\0' &&
	    (st = reason_status(v->reason, temporary(r)))[0] != '\0') {
		strncpy(v->status, st, sizeof(v->status) - 1);
		v->status_derived = true;
	}
	switch (reason_info(v->reason)->hard) {
	case HARD_ALWAYS:
		v->hard = true;
		break;
	case HARD_IF_PERMANENT:
		/* a domain that takes no mail is dead unless the server
		 * said to try again (sisimai SMTP/Failure.pm likewise) */
		v->hard = !temporary(r);
		break;
	case HARD_NEVER:
		v->hard = false;
		break;
	}
	/*
	 * A temporary failure (4yz, 4.x.x) on a reason that is permanent by
	 * default: the server itself says a retry may succeed (RFC 5321
	 * 4.2.1), e.g. a greylisted or rate-limited IP, a "421 deferred"
	 * for reputation. Not for a hard bounce, and not where a rule chose
	 * the class (a loop stays permanent).
	 */
	if (v->cls == CLASS_PERMANENT && !v->hard && temporary(r) &&
	    reason_info(v->reason)->cls == CLASS_PERMANENT)
		v->cls = CLASS_TRANSIENT;
	/* RFC 3464 2.3.3: the MTA is still trying; never a failure */
	if (r->action != NULL && strcmp(r->action, "delayed") == 0)
		v->cls = CLASS_IGNORE;
}

const char *
classify_action(const struct report *rep, const struct report_rcpt *r)
{
	if (r->action != NULL)
		return r->action;
	if (rep->kind == REPORT_FEEDBACK || rep->kind == REPORT_AUTOREPLY)
		return NULL;
	return "failed";
}

static const char *const layer_names[LAYER_COUNT] = {
	[LAYER_NONE] = "none",
	[LAYER_KIND] = "kind",
	[LAYER_FAMILY] = "family",
	[LAYER_PROVIDER] = "provider",
	[LAYER_RULES] = "rules",
	[LAYER_TABLE] = "table",
	[LAYER_STATUS] = "status",
	[LAYER_WEAK] = "weak",
	[LAYER_FALLBACK] = "fallback",
};

const char *
decision_layer_name(enum decision_layer l)
{
	return (unsigned)l < LAYER_COUNT ? layer_names[l] : "none";
}
