/*
 * Fuzz target: daemon/sources/maildir_name.c, the Maildir file name and
 * its info flags (maildir(5)), as the Maildir source reads a name from
 * new/ or cur/ and renames it with S added (issue 14 items 7 and 8).
 *
 * Input: one byte, the flag to add (any byte: a non-letter must be
 * refused); one byte, the output's size (255: the whole buffer); then the
 * name, up to its first NUL (a file name holds none).
 *
 * The contract checked, abort() on a breach:
 * - the base is the name up to its last colon when "2," follows it, else
 *   the whole name;
 * - the flags start after ":2,", hold no comma, and end at one or at the
 *   end; has_flag() and unseen() agree with them;
 * - add_flag() refuses a non-letter and a size too small, leaving "";
 *   otherwise it writes base ":2," the old flags and the new one, each
 *   once in ASCII order, then what followed the flags -- and adding the
 *   same flag again changes nothing (":2,FRS" never becomes ":2,FRSS").
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/sources/maildir_name.h"

#define NAME_MAX_FUZZ 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
breach(const char *what, const char *name)
{
	fprintf(stderr, "fuzz_maildir: %s (name \"%s\")\n", what, name);
	abort();
}

static bool
is_letter(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* the set of bytes in f[0..n) */
static void
flag_set(const char *f, size_t n, bool set[256])
{
	size_t i;

	memset(set, 0, 256 * sizeof(*set));
	for (i = 0; i < n; i++)
		set[(unsigned char)f[i]] = true;
}

static void
check_flags(const char *name, size_t base)
{
	size_t len = strlen(name), n;
	const char *f = maildir_name_flags(name, &n);
	bool set[256];
	unsigned c;

	if ((f == NULL) != (base == len))
		breach("flags without an info, or an info without flags", name);
	if (f == NULL) {
		if (n != 0 || maildir_name_has_flag(name, 'S') ||
		    !maildir_name_unseen(name))
			breach("a flag in a name without an info", name);
		return;
	}
	if (f != name + base + 3 || n > strlen(f) ||
	    (f[n] != ',' && f[n] != '\0') || memchr(f, ',', n) != NULL)
		breach("flags not between \":2,\" and a comma", name);
	flag_set(f, n, set);
	for (c = 1; c < 256; c++)
		if (maildir_name_has_flag(name, (char)c) != set[c])
			breach("has_flag() disagrees with the flags", name);
	if (maildir_name_unseen(name) != (!set['S'] && !set['T']))
		breach("unseen() disagrees with S and T", name);
}

static void
check_base(const char *name, size_t *base_r)
{
	size_t len = strlen(name), base = maildir_name_base_len(name);
	const char *last = strrchr(name, ':');

	if (base > len)
		breach("base beyond the name", name);
	if (base < len && (last != name + base || name[base + 1] != '2' ||
			      name[base + 2] != ','))
		breach("base not at the last colon before \"2,\"", name);
	if (base == len && last != NULL && last[1] == '2' && last[2] == ',')
		breach("a version-2 info missed", name);
	*base_r = base;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char name[NAME_MAX_FUZZ + 1], out[2 * NAME_MAX_FUZZ + 300],
	    again[sizeof(out)];
	size_t len, base, outsize, nf, nout, want, i;
	const char *f, *fo, *rest;
	bool had[256], got[256];
	char flag;
	int r;

	if (size < 2)
		return 0;
	flag = (char)data[0];
	outsize = data[1] == 255 ? sizeof(out) : data[1];
	len = size - 2 < NAME_MAX_FUZZ ? size - 2 : NAME_MAX_FUZZ;
	memcpy(name, data + 2, len);
	name[len] = '\0';

	check_base(name, &base);
	check_flags(name, base);

	memset(out, 'x', sizeof(out));
	r = maildir_name_add_flag(name, flag, out, outsize);
	if (r == -1) {
		if (outsize > 0 && out[0] != '\0')
			breach("a refusal that left text", name);
		if (!is_letter(flag))
			return 0;
		/* refused a letter: only when it would not fit */
		f = maildir_name_flags(name, &nf);
		flag_set(f != NULL ? f : "", f != NULL ? nf : 0, had);
		had[(unsigned char)flag] = true;
		rest = f != NULL ? f + nf : "";
		for (want = base + 3 + strlen(rest), i = 0; i < 256; i++)
			want += had[i];
		if (want < outsize)
			breach("a letter refused though it fits", name);
		return 0;
	}
	if (!is_letter(flag))
		breach("a non-letter added", name);
	if (r < 0 || (size_t)r >= outsize || strlen(out) != (size_t)r)
		breach("the length returned is not the name's", name);
	if (memcmp(out, name, base) != 0 || memcmp(out + base, ":2,", 3) != 0)
		breach("the base or \":2,\" not kept", name);
	check_base(out, &i);
	if (i != base)
		breach("the new name has another base", out);
	check_flags(out, base);

	f = maildir_name_flags(name, &nf);
	fo = maildir_name_flags(out, &nout);
	flag_set(f != NULL ? f : "", f != NULL ? nf : 0, had);
	had[(unsigned char)flag] = true;
	flag_set(fo, nout, got);
	if (memcmp(had, got, sizeof(had)) != 0)
		breach("the flags are not the old ones and the new", out);
	for (i = 1; i < nout; i++)
		if ((unsigned char)fo[i - 1] >= (unsigned char)fo[i])
			breach("flags not each once in ASCII order", out);
	rest = f != NULL ? f + nf : "";
	if (strcmp(fo + nout, rest) != 0)
		breach("what followed the flags not kept", out);

	if (maildir_name_add_flag(out, flag, again, sizeof(again)) != r ||
	    strcmp(again, out) != 0)
		breach("adding the flag again changed the name", out);
	return 0;
}
