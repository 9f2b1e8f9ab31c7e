/* Maildir file names and their info flags (maildir_name.h). */
#include <limits.h>
#include <string.h>

#include "daemon/sources/maildir_name.h"

/* The last colon when a version-2 info follows it, else NULL. */
static const char *
info2(const char *name)
{
	const char *p = strrchr(name, ':');

	return p != NULL && p[1] == '2' && p[2] == ',' ? p : NULL;
}

size_t
maildir_name_base_len(const char *name)
{
	const char *p = info2(name);

	return p != NULL ? (size_t)(p - name) : strlen(name);
}

const char *
maildir_name_flags(const char *name, size_t *len_r)
{
	const char *p = info2(name);

	if (p == NULL) {
		*len_r = 0;
		return NULL;
	}
	p += 3;
	*len_r = strcspn(p, ",");
	return p;
}

bool
maildir_name_has_flag(const char *name, char flag)
{
	size_t n;
	const char *f = maildir_name_flags(name, &n);

	return f != NULL && memchr(f, flag, n) != NULL;
}

bool
maildir_name_unseen(const char *name)
{
	return !maildir_name_has_flag(name, 'S') &&
	       !maildir_name_has_flag(name, 'T');
}

static bool
is_letter(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

int
maildir_name_add_flag(const char *name, char flag, char *out, size_t size)
{
	bool set[256] = {false};
	size_t base = maildir_name_base_len(name), nflags, len, i;
	const char *f = maildir_name_flags(name, &nflags);
	const char *rest = f != NULL ? f + nflags : "";
	size_t nrest = strlen(rest);

	if (size > 0)
		*out = '\0';
	if (!is_letter(flag))
		return -1;
	/* a set: each flag once, in ASCII order, whatever order they had */
	set[(unsigned char)flag] = true;
	for (i = 0; i < nflags; i++)
		set[(unsigned char)f[i]] = true;
	for (nflags = 0, i = 0; i < 256; i++)
		nflags += set[i];
	/* base ":2," flags rest NUL; each term is at most strlen(name) */
	len = base + 3 + nflags + nrest;
	if (len >= size || len > INT_MAX)
		return -1;
	memcpy(out, name, base);
	memcpy(out + base, ":2,", 3);
	len = base + 3;
	for (i = 0; i < 256; i++)
		if (set[i])
			out[len++] = (char)i;
	memcpy(out + len, rest, nrest + 1);
	return (int)(len + nrest);
}
