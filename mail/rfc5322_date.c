/*
 * A date-time (RFC 5322 3.3, with 4.3's obsolete forms) into seconds
 * since the epoch, UTC: the bounce's own date (issue 17 item 5), from a
 * report's Arrival-Date and Last-Attempt-Date (RFC 3464 2.2.5, 2.3.6:
 * "date-time" of RFC 822, whose syntax 5322 keeps) or its Date: field.
 * Pure and lenient: a comment, extra white space, a missing day of the
 * week or seconds and two-digit years (4.3: 00-49 as 20xx, 50-99 as 19xx)
 * are taken; anything else gives 0.
 */
#include <string.h>

#include "common/strutil.h"
#include "rfc5322_date.h"

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's
 * days_from_civil). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static const char *
skip_space(const char *p)
{
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (*p != '(') /* CFWS: a comment, one level deep */
			return p;
		while (*p != '\0' && *p != ')')
			p++;
		if (*p == ')')
			p++;
	}
}

/* Up to max digits into *v: the digits read, 0 for none. */
static int
digits(const char **pp, int max, int *v)
{
	const char *p = *pp;
	int n = 0;

	*v = 0;
	while (n < max && bd_isdigit(*p)) {
		*v = *v * 10 + (*p++ - '0');
		n++;
	}
	*pp = p;
	return n;
}

static int
month(const char *p)
{
	static const char names[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	char m[4];
	int i;

	for (i = 0; i < 3; i++) {
		if (p[i] == '\0')
			return 0;
		m[i] = (char)(p[i] | 0x20);
	}
	m[3] = '\0';
	for (i = 0; i < 12; i++)
		if (memcmp(names + i * 3, m, 3) == 0)
			return i + 1;
	return 0;
}

/* The zone's offset east of UTC in seconds; RFC 5322 4.3's names. */
static int
zone(const char *p)
{
	static const struct {
		const char *name;
		int hours;
	} obs[] = {{"UT", 0}, {"GMT", 0}, {"Z", 0}, {"EST", -5}, {"EDT", -4},
	    {"CST", -6}, {"CDT", -5}, {"MST", -7}, {"MDT", -6}, {"PST", -8},
	    {"PDT", -7}};
	int hhmm, sign;
	size_t i;

	if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		p++;
		if (digits(&p, 4, &hhmm) != 4 || hhmm % 100 > 59)
			return 0;
		return sign * ((hhmm / 100) * 3600 + (hhmm % 100) * 60);
	}
	for (i = 0; i < sizeof(obs) / sizeof(obs[0]); i++)
		if (strncmp(p, obs[i].name, strlen(obs[i].name)) == 0)
			return obs[i].hours * 3600;
	return 0; /* -0000 or unknown: UTC (RFC 5322 4.3) */
}

int64_t
mail_parse_date(const char *s)
{
	const char *p = skip_space(s), *comma;
	int day, mon, year, hh, mm, ss = 0, n;

	/* [ day-of-week "," ] */
	if ((comma = strchr(p, ',')) != NULL && comma - p <= 9)
		p = skip_space(comma + 1);
	if (digits(&p, 2, &day) == 0 || day < 1 || day > 31)
		return 0;
	p = skip_space(p);
	if ((mon = month(p)) == 0)
		return 0;
	p = skip_space(p + 3);
	if ((n = digits(&p, 4, &year)) < 2)
		return 0;
	if (n == 2)
		year += year < 50 ? 2000 : 1900;
	else if (n == 3)
		year += 1900;
	p = skip_space(p);
	if (digits(&p, 2, &hh) == 0 || *p++ != ':' || digits(&p, 2, &mm) == 0)
		return 0;
	if (*p == ':') {
		p++;
		if (digits(&p, 2, &ss) == 0)
			return 0;
	}
	if (hh > 23 || mm > 59 || ss > 60 || year < 1970)
		return 0;
	return days_from_civil(year, (unsigned)mon, (unsigned)day) * 86400 +
	       hh * 3600 + mm * 60 + ss - zone(skip_space(p));
}
