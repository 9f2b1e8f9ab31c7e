/*
 * Signed return paths: docs/VERP.md is the specification, with a Python
 * reference that tests/unit/test_verp.c's vectors come from. The shape
 * of the tag follows SRS (Shevek, "Sender Rewriting Scheme", 2004: a
 * truncated base32 HMAC and a 10-bit base32 day); the MAC is HMAC-SHA256
 * (RFC 2104, FIPS 180-4) from nettle, the project's hash library.
 */
#include "verp.h"

#include <nettle/hmac.h>
#include <nettle/memops.h>
#include <stdio.h>
#include <string.h>

#include "strutil.h"

/* RFC 4648 6, lower case: the alphabet of the MAC and the day */
static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
/* the MAC's domain separator: a version the tag's "v1=" repeats */
static const char mac_label[] = "bounced-verp-1";
#define TAG_VERSION "v1="
#define DAY_SECS    86400

const char *
verp_result_name(enum verp_result r)
{
	switch (r) {
	case VERP_VALID:
		return "valid";
	case VERP_EXPIRED:
		return "expired";
	case VERP_FORGED:
		return "forged";
	case VERP_NONE:
		break;
	}
	return "none";
}

/* The template's pieces around "{tag}"; tmpl already checked. */
struct tmpl_parts {
	const char *pre, *suf, *domain;
	size_t pre_len, suf_len;
};

int
verp_template_check(const char *tmpl, const char **error_r)
{
	const char *at, *tag, *c;
	size_t n = strnlen(tmpl, VERP_TMPL_MAX + 1);

	if (n > VERP_TMPL_MAX) {
		*error_r = "longer than 256 bytes";
		return -1;
	}
	for (c = tmpl; *c != '\0'; c++) {
		if (*c <= ' ' || *c >= 0x7f) {
			*error_r = "white space, a control or non-ASCII "
				   "character";
			return -1;
		}
	}
	if ((at = strrchr(tmpl, '@')) == NULL || at == tmpl ||
	    at[1] == '\0') {
		*error_r = "not an address (local-part@domain)";
		return -1;
	}
	if ((tag = strstr(tmpl, "{tag}")) == NULL || tag > at) {
		*error_r = "{tag} missing from the local part";
		return -1;
	}
	if (strstr(tag + 1, "{tag}") != NULL) {
		*error_r = "{tag} more than once";
		return -1;
	}
	if (strchr(at + 1, '=') != NULL || strchr(tmpl, '"') != NULL) {
		*error_r = "'=' in the domain or a quoted local part";
		return -1;
	}
	return 0;
}

static void
tmpl_split(const char *tmpl, struct tmpl_parts *p)
{
	const char *tag = strstr(tmpl, "{tag}");
	const char *at = strrchr(tmpl, '@');

	p->pre = tmpl;
	p->pre_len = (size_t)(tag - tmpl);
	p->suf = tag + 5;
	p->suf_len = (size_t)(at - p->suf);
	p->domain = at + 1;
}

/* Today, or any day, as a number of VERP_DAYS (floor, for any sign) */
static unsigned
day_of(int64_t now)
{
	int64_t d = now / DAY_SECS - (now % DAY_SECS < 0);

	return (unsigned)(((d % VERP_DAYS) + VERP_DAYS) % VERP_DAYS);
}

/*
 * The first VERP_MAC_CHARS base32 characters of HMAC-SHA256(key,
 * label NUL day NUL rcpt): RFC 4648 6 takes 5 bits at a time, from the
 * most significant bit of the first byte.
 */
static void
mac_of(const struct verp *v, const char day[2], const char *rcpt,
    size_t rcpt_len, char out[VERP_MAC_CHARS])
{
	unsigned char d[SHA256_DIGEST_SIZE];
	struct hmac_sha256_ctx ctx;
	unsigned bit, i, x;

	hmac_sha256_set_key(&ctx, v->key_len, v->key);
	hmac_sha256_update(&ctx, sizeof(mac_label), /* with its NUL */
	    (const uint8_t *)mac_label);
	hmac_sha256_update(&ctx, 2, (const uint8_t *)day);
	hmac_sha256_update(&ctx, 1, (const uint8_t *)"");
	hmac_sha256_update(&ctx, rcpt_len, (const uint8_t *)rcpt);
	hmac_sha256_digest(&ctx, sizeof(d), d);
	for (i = 0; i < VERP_MAC_CHARS; i++) {
		bit = 5 * i;
		x = (unsigned)d[bit / 8] << 8 | d[bit / 8 + 1];
		out[i] = b32[(x >> (11 - bit % 8)) & 31];
	}
	explicit_bzero(&ctx, sizeof(ctx));
	explicit_bzero(d, sizeof(d));
}

/* RFC 5322 3.2.3 atext, and '.' between atoms (dot-atom) */
static int
is_atext(int c)
{
	return bd_isalpha(c) || bd_isdigit(c) ||
	       (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~.", c) != NULL);
}

/* A host name or an address literal's digits: no '=' (the tag's split) */
static int
is_domain_char(int c)
{
	return bd_isalpha(c) || bd_isdigit(c) ||
	       (c != '\0' && strchr("-._[]:", c) != NULL);
}

int
verp_sign(const struct verp *v, const char *rcpt, int64_t now, char *out,
    size_t size, const char **error_r)
{
	char addr[VERP_ADDR_MAX + 1], day[2], mac[VERP_MAC_CHARS];
	size_t n = strnlen(rcpt, VERP_ADDR_MAX + 1), i, at;
	struct tmpl_parts t;
	const char *atp;
	unsigned d;
	int w;

	if (verp_template_check(v->tmpl, error_r) < 0)
		return -1;
	if (v->key_len < VERP_KEY_MIN) {
		*error_r = "key shorter than 16 bytes";
		return -1;
	}
	if (n > VERP_ADDR_MAX) {
		*error_r = "address longer than 320 bytes";
		return -1;
	}
	if ((atp = strrchr(rcpt, '@')) == NULL || atp == rcpt ||
	    atp[1] == '\0') {
		*error_r = "not an address (local-part@domain)";
		return -1;
	}
	at = (size_t)(atp - rcpt);
	for (i = 0; i < n; i++) {
		if (i == at)
			continue;
		if (i < at ? !is_atext(rcpt[i]) : !is_domain_char(rcpt[i])) {
			*error_r = "not a plain ASCII address (dot-atom "
				   "local part, host name)";
			return -1;
		}
		addr[i] = (char)bd_lower((unsigned char)rcpt[i]);
	}
	addr[at] = '@';
	addr[n] = '\0';
	d = day_of(now);
	day[0] = b32[d >> 5];
	day[1] = b32[d & 31];
	mac_of(v, day, addr, n, mac);
	tmpl_split(v->tmpl, &t);
	w = snprintf(out, size, "%.*s" TAG_VERSION "%.*s=%.2s=%.*s=%s%.*s@%s",
	    (int)t.pre_len, t.pre, VERP_MAC_CHARS, mac, day, (int)at, addr,
	    addr + at + 1, (int)t.suf_len, t.suf, t.domain);
	if (w < 0 || (size_t)w >= size) {
		*error_r = "the return path is too long";
		return -1;
	}
	return 0;
}

static int
ci_eq(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (bd_lower((unsigned char)a[i]) != bd_lower((unsigned char)b[i]))
			return 0;
	return 1;
}

static int
all_b32(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == '\0' || strchr(b32, s[i]) == NULL)
			return 0;
	return 1;
}

/*
 * The tag, lower case in buf: "v1=" MAC "=" DAY "=" LOCAL "=" DOMAIN, the
 * local part between the third '=' and the last one (it may hold '=').
 */
static enum verp_result
check_tag(const struct verp *v, const char *buf, size_t n, int64_t now,
    char *rcpt_r, unsigned *age_r)
{
	const size_t head = sizeof(TAG_VERSION) - 1 + VERP_MAC_CHARS + 1 + 3;
	const char *mac = buf + sizeof(TAG_VERSION) - 1;
	const char *day = mac + VERP_MAC_CHARS + 1;
	const char *local = day + 3, *eq;
	char addr[VERP_ADDR_MAX + 1], want[VERP_MAC_CHARS];
	size_t local_len, dom_len;
	unsigned d, age;
	int same;

	if (n <= head || memcmp(buf, TAG_VERSION, 3) != 0 ||
	    mac[VERP_MAC_CHARS] != '=' || day[2] != '=' ||
	    !all_b32(mac, VERP_MAC_CHARS) || !all_b32(day, 2))
		return VERP_FORGED;
	eq = memrchr(local, '=', n - head);
	if (eq == NULL || eq == local || eq + 1 == buf + n)
		return VERP_FORGED;
	local_len = (size_t)(eq - local);
	dom_len = (size_t)(buf + n - (eq + 1));
	if (local_len + 1 + dom_len > VERP_ADDR_MAX)
		return VERP_FORGED;
	memcpy(addr, local, local_len);
	addr[local_len] = '@';
	memcpy(addr + local_len + 1, eq + 1, dom_len);
	addr[local_len + 1 + dom_len] = '\0';
	mac_of(v, day, addr, local_len + 1 + dom_len, want);
	/* constant time: a timing oracle must not guess the MAC bytewise */
	same = memeql_sec(want, mac, VERP_MAC_CHARS);
	explicit_bzero(want, sizeof(want));
	if (!same)
		return VERP_FORGED;
	d = (unsigned)(strchr(b32, day[0]) - b32) << 5 |
	    (unsigned)(strchr(b32, day[1]) - b32);
	age = (day_of(now) + VERP_DAYS - d) % VERP_DAYS;
	if (rcpt_r != NULL)
		memcpy(rcpt_r, addr, local_len + 1 + dom_len + 1);
	if (age_r != NULL)
		*age_r = age;
	return age > v->max_age_days ? VERP_EXPIRED : VERP_VALID;
}

enum verp_result
verp_check(const struct verp *v, const char *path, size_t len, int64_t now,
    char *rcpt_r, unsigned *age_r)
{
	char buf[VERP_TAG_MAX + 1];
	struct tmpl_parts t;
	const char *at, *tag, *err;
	size_t dom_len, local_len, tag_len, i;

	if (v->key_len < VERP_KEY_MIN || verp_template_check(v->tmpl, &err) < 0)
		return VERP_NONE;
	while (len > 0 && (bd_isspace((unsigned char)*path) || *path == '<')) {
		path++;
		len--;
	}
	while (len > 0 && (bd_isspace((unsigned char)path[len - 1]) ||
			      path[len - 1] == '>'))
		len--;
	if (len > VERP_PATH_MAX || (at = memrchr(path, '@', len)) == NULL)
		return VERP_NONE;
	tmpl_split(v->tmpl, &t);
	dom_len = (size_t)(path + len - (at + 1));
	local_len = (size_t)(at - path);
	if (dom_len != strlen(t.domain) || !ci_eq(at + 1, t.domain, dom_len) ||
	    local_len < t.pre_len + t.suf_len ||
	    !ci_eq(path, t.pre, t.pre_len) ||
	    !ci_eq(at - t.suf_len, t.suf, t.suf_len))
		return VERP_NONE;
	tag = path + t.pre_len;
	tag_len = local_len - t.pre_len - t.suf_len;
	if (tag_len == 0 || tag_len > VERP_TAG_MAX)
		return VERP_FORGED;
	/* MTAs may change the case of a local part: compare lower case */
	for (i = 0; i < tag_len; i++) {
		if (tag[i] <= ' ' || tag[i] >= 0x7f)
			return VERP_FORGED;
		buf[i] = (char)bd_lower((unsigned char)tag[i]);
	}
	buf[tag_len] = '\0';
	return check_tag(v, buf, tag_len, now, rcpt_r, age_r);
}
