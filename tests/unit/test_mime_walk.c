/*
 * mail/mime_walk.c through mail_parse(): the parts found in place are
 * the ones libetpan's MIME tree gave (issue 16 item 2). Each case is a
 * message and the parts expected of it: type, depth, in_message, the
 * body's text; line ends LF, CRLF and CR must give the same parts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/mail_limits.h"
#include "mail/message.h"
#include "mail/mime_field.h"
#include "mail/structure.h"
#include "common/strutil.h"
#include "testgen.h"

struct want {
	const char *type;
	int depth, in_message;
	const char *body; /* the body's first bytes, or NULL */
};

struct fixture {
	struct arena arena;
	struct mail_message msg;
};

/* text with '\n' turned into eol ("\n", "\r\n" or "\r") */
static unsigned char *
with_eol(const char *text, const char *eol, size_t *len_r)
{
	size_t n = 0, el = strlen(eol), i;
	unsigned char *out = malloc(strlen(text) * el + 1);

	assert_non_null(out);
	for (i = 0; text[i] != '\0'; i++) {
		if (text[i] == '\n') {
			memcpy(out + n, eol, el);
			n += el;
		} else {
			out[n++] = (unsigned char)text[i];
		}
	}
	*len_r = n;
	return out;
}

static void
parse(struct fixture *f, const char *text, const char *eol)
{
	const char *err;
	size_t len;
	unsigned char *buf = with_eol(text, eol, &len);

	arena_init(&f->arena);
	assert_int_equal(mail_parse(buf, len, &f->arena, &f->msg, &err), 0);
	free(buf);
}

static void
done(struct fixture *f)
{
	mail_message_deinit(&f->msg);
	arena_deinit(&f->arena);
}

static void
check(const char *text, const struct want *w, size_t n)
{
	static const char *const eols[] = {"\n", "\r\n", "\r"};
	size_t e, i;

	for (e = 0; e < 3; e++) {
		struct fixture f;

		parse(&f, text, eols[e]);
		assert_int_equal(f.msg.nparts, n);
		for (i = 0; i < n; i++) {
			const struct mail_part *p = &f.msg.parts[i];

			assert_string_equal(p->type, w[i].type);
			assert_int_equal(p->depth, w[i].depth);
			assert_int_equal(p->in_message, w[i].in_message);
			if (w[i].body != NULL) {
				assert_true(p->body_len >= strlen(w[i].body));
				assert_memory_equal(
				    p->body, w[i].body, strlen(w[i].body));
			}
		}
		done(&f);
	}
}

static void
test_nested(void **state)
{
	static const char m[] =
	    "From: a@example.org\n"
	    "Content-Type: multipart/mixed; boundary=outer\n\n"
	    "preamble\n--outer\n"
	    "Content-Type: multipart/alternative; boundary=inner\n\n"
	    "--inner\nContent-Type: text/plain\n\nplain\n"
	    "--inner\nContent-Type: text/html\n\n<p>html</p>\n"
	    "--inner--\n"
	    "--outer\n"
	    "Content-Type: application/pdf\n"
	    "Content-Disposition: attachment; filename=x.pdf\n\nPDF\n"
	    "--outer--\nepilogue\n";
	static const struct want w[] = {
	    {"text/plain", 2, 0, "plain"},
	    {"text/html", 2, 0, "<p>html</p>"},
	    {"application/pdf", 1, 0, "PDF"},
	};
	struct fixture f;

	(void)state;
	check(m, w, 3);
	parse(&f, m, "\n");
	assert_false(f.msg.parts[0].attachment);
	assert_true(f.msg.parts[2].attachment);
	/* the delimiter's line end is not the part's */
	assert_int_equal(f.msg.parts[0].body_len, 5);
	done(&f);
}

static void
test_no_close_delimiter(void **state)
{
	static const char m[] =
	    "Subject: x\nContent-Type: multipart/mixed; boundary=b\n\n"
	    "--b\nContent-Type: text/plain\n\none\n"
	    "--b\nContent-Type: text/plain\n\ntwo\nand the rest\n";
	static const struct want w[] = {
	    {"text/plain", 1, 0, "one"},
	    {"text/plain", 1, 0, "two\nand the rest"},
	};

	(void)state;
	check(m, w, 2);
}

/* "--b-inner" starts with "--b" but is no delimiter of b (RFC 2046 5.1.1) */
static void
test_boundary_prefix(void **state)
{
	static const char m[] =
	    "Subject: x\nContent-Type: multipart/mixed; boundary=b\n\n"
	    "--b\nContent-Type: multipart/mixed; boundary=b-inner\n\n"
	    "--b-inner\nContent-Type: text/plain\n\nin1\n"
	    "--b-inner\nContent-Type: text/plain\n\nin2\n"
	    "--b-inner--\n"
	    "--b\nContent-Type: text/plain\n\nout\n--b--\n";
	static const struct want w[] = {
	    {"text/plain", 2, 0, "in1"},
	    {"text/plain", 2, 0, "in2"},
	    {"text/plain", 1, 0, "out"},
	};

	(void)state;
	check(m, w, 3);
}

/* dashes everywhere but in a delimiter: none of them ends a part */
static void
test_dashes(void **state)
{
	static const char m[] =
	    "Subject: x\nContent-Type: multipart/mixed; boundary=b-b\n\n"
	    "--b-b\nContent-Type: text/plain\n\n"
	    "-- \n---\n-\n--\n--b\n--b-\n--b-c\n-b-b\nx--b-b\n-- b-b\n"
	    "--b-b\nContent-Type: text/plain\n\nsecond -- --b-b\n--b-b--\n";
	static const struct want w[] = {
	    {"text/plain", 1, 0,
		"-- \n---\n-\n--\n--b\n--b-\n--b-c\n-b-b\nx--b-b\n-- b-b"},
	    {"text/plain", 1, 0, "second -- --b-b"},
	};
	struct fixture f;

	(void)state;
	check(m, w, 2);
	parse(&f, m, "\n");
	assert_int_equal(f.msg.parts[0].body_len, strlen(w[0].body));
	assert_int_equal(f.msg.parts[1].body_len, strlen(w[1].body));
	done(&f);
}

static void
test_quoted_boundary(void **state)
{
	static const char m[] =
	    "Subject: x\nContent-Type: multipart/mixed;\n"
	    " boundary=\"=_a b;c:(d)\" ; charset=\"UTF-8\"\n\n"
	    "--=_a b;c:(d)\nContent-Type: text/plain; charset=\"ISO-8859-1\"\n"
	    "\nq\n--=_a b;c:(d)--\n";
	static const struct want w[] = {{"text/plain", 1, 0, "q"}};
	struct fixture f;

	(void)state;
	check(m, w, 1);
	parse(&f, m, "\r\n");
	assert_string_equal(f.msg.parts[0].charset, "iso-8859-1");
	done(&f);
}

static void
test_report_original(void **state)
{
	static const char m[] =
	    "From: MAILER-DAEMON@example.org\n"
	    "Content-Type: multipart/report; report-type=delivery-status;\n"
	    "\tboundary=\"R\"\n\n"
	    "--R\nContent-Type: text/plain\n\nfailed\n"
	    "--R\nContent-Type: message/delivery-status\n\n"
	    "Reporting-MTA: dns; example.org\n\n"
	    "Final-Recipient: rfc822; u@example.net\nStatus: 5.1.1\n"
	    "--R\nContent-Type: message/rfc822\n\n"
	    "From: u@example.org\nSubject: hi\n\nhello\n"
	    "--R--\n";
	static const struct want w[] = {
	    {"text/plain", 1, 0, "failed"},
	    {"message/delivery-status", 1, 0, "Reporting-MTA"},
	    {"message/rfc822", 1, 0, "From: u@example.org"},
	    {"text/plain", 2, 1, "hello"},
	};
	struct fixture f;

	(void)state;
	check(m, w, 4);
	parse(&f, m, "\n");
	assert_int_equal(f.msg.noriginals, 1);
	assert_ptr_equal(f.msg.originals[0], &f.msg.parts[2]);
	assert_int_equal(f.msg.parts[2].hdr_len,
	    strlen("From: u@example.org\nSubject: hi\n"));
	done(&f);
}

/* as libetpan read them: a type is matched as a prefix, and a line of
 * one white space character after a field joins it */
static void
test_libetpan_reading(void **state)
{
	static const char m[] =
	    "Subject: x\n \nContent-Type: texts/x\n\nbody\n";
	static const struct want w[] = {{"text/unknown", 0, 0, "body"}};

	(void)state;
	check(m, w, 1);
}

static void
test_field_grammar(void **state)
{
	struct arena a;
	struct mime_ctype ct;
	static const char v[] = "Multipart/Report (c); boundary = \"x  y\"";
	/* libetpan's CFWS takes no white space after a comment */
	static const char odd[] = "multipart/report (c) ; boundary=x";

	(void)state;
	arena_init(&a);
	assert_int_equal(mime_ctype_parse(&a, v, strlen(v), &ct), 0);
	assert_int_equal(ct.kind, MIME_MULTIPART);
	assert_string_equal(ct.minor, "Report");
	assert_string_equal(ct.boundary, "x y");
	assert_int_equal(mime_ctype_parse(&a, odd, strlen(odd), &ct), 0);
	assert_null(ct.boundary);
	assert_int_equal(mime_ctype_parse(&a, "/x", 2, &ct), -1);
	assert_int_equal(mime_cte_parse("BASE64", 6), MAIL_ENC_BASE64);
	assert_int_equal(mime_cte_parse("(x)", 3), -1);
	assert_int_equal(mime_disposition_parse(" Attachment; x=y", 16), 1);
	assert_int_equal(mime_disposition_parse("inline", 6), 0);
	arena_deinit(&a);
}

/* levels of multipart, each closed (RFC 2046 5.1.1 close-delimiter) */
static char *
nested(int levels)
{
	size_t cap = (size_t)levels * 120 + 200, n = 0;
	char *m = malloc(cap);
	int i;

	assert_non_null(m);
	n += (size_t)snprintf(m + n, cap - n, "Subject: deep\n");
	for (i = 0; i < levels; i++)
		n += (size_t)snprintf(m + n, cap - n,
		    "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i,
		    i);
	n += (size_t)snprintf(
	    m + n, cap - n, "Content-Type: text/plain\n\ndeep\n");
	for (i = levels - 1; i >= 0; i--)
		n += (size_t)snprintf(m + n, cap - n, "--b%d--\n", i);
	return m;
}

static void
test_depth_cap(void **state)
{
	char *m = nested(MAIL_MAX_DEPTH + 8);
	struct fixture f;

	(void)state;
	parse(&f, m, "\n");
	assert_true(f.msg.flags & MAIL_F_TRUNCATED_DEPTH);
	done(&f);
	free(m);
	m = nested(MAIL_MAX_DEPTH - 1);
	parse(&f, m, "\r\n");
	assert_false(f.msg.flags & MAIL_F_TRUNCATED_DEPTH);
	assert_int_equal(f.msg.nparts, 1);
	assert_int_equal(f.msg.parts[0].depth, MAIL_MAX_DEPTH - 1);
	done(&f);
	free(m);
}

static void
test_part_cap(void **state)
{
	size_t cap = (MAIL_MAX_PARTS + 200) * 40 + 200, n = 0, i;
	char *m = malloc(cap);
	struct fixture f;

	(void)state;
	assert_non_null(m);
	n += (size_t)snprintf(m + n, cap - n,
	    "Subject: x\nContent-Type: multipart/mixed; boundary=b\n\n");
	for (i = 0; i < MAIL_MAX_PARTS + 200; i++)
		n += (size_t)snprintf(m + n, cap - n, "--b\n\npart %zu\n", i);
	snprintf(m + n, cap - n, "--b--\n");
	parse(&f, m, "\n");
	assert_int_equal(f.msg.nparts, MAIL_MAX_PARTS);
	assert_true(f.msg.flags & MAIL_F_TOO_MANY_PARTS);
	assert_memory_equal(f.msg.parts[999].body, "part 999", 8);
	done(&f);
	free(m);
}

/* many quoted parameters cost their length once, not once each */
static void
test_many_params(void **state)
{
	size_t cap = 40000 * 16 + 200, n = 0, i;
	char *m = malloc(cap);
	struct fixture f;

	(void)state;
	assert_non_null(m);
	n += (size_t)snprintf(
	    m + n, cap - n, "Subject: x\nContent-Type: text/plain");
	for (i = 0; i < 40000; i++)
		n += (size_t)snprintf(m + n, cap - n, ";\n a=\"xxxxx\"");
	snprintf(m + n, cap - n, "; charset=utf-8\n\nbody\n");
	parse(&f, m, "\n");
	assert_int_equal(f.msg.nparts, 1);
	assert_string_equal(f.msg.parts[0].charset, "utf-8");
	assert_true(f.arena.used < 16 * cap);
	done(&f);
	free(m);
}

/*
 * Hyphens inside lines, a delimiter's text inside a line, lines that
 * start with '-' but are no delimiter, and "--b" not at a line start:
 * none ends a part; the real delimiters do (delim_find() steps from a
 * '-' inside a line to the next line).
 */
static void
test_hyphens(void **state)
{
	static const char m[] =
	    "From: a@example.org\n"
	    "Content-Type: multipart/mixed; boundary=b-1\n\n"
	    "--b-1\nContent-Type: text/plain\n\n"
	    "one - two -- three --b-1 four\n"
	    "-b-1 not it\n--b-2 not it\n - --b-1\n"
	    "x-y-z--b-1\n"
	    "--b-1\nContent-Type: text/html\n\n<p>-</p>--b-1-\n"
	    "--b-1--\n";
	static const struct want w[] = {
		{"text/plain", 1, 0, "one - two -- three --b-1 four\n-b-1 "},
		{"text/html", 1, 0, "<p>-</p>--b-1-"},
	};
	struct fixture f;

	(void)state;
	check(m, w, 2);
	parse(&f, m, "\n");
	/* the first part ends at the line before the second delimiter */
	assert_int_equal(f.msg.parts[0].body_len,
	    strlen("one - two -- three --b-1 four\n-b-1 not it\n"
		   "--b-2 not it\n - --b-1\nx-y-z--b-1"));
	done(&f);
}

/* the pre-pass's Content-Type reading as it was first written: a search
 * of the whole value per type */
static int
ref_ctype(const char *v, size_t n)
{
	if (ci_find(v, n, "message/rfc822") != NULL ||
	    ci_find(v, n, "message/global") != NULL)
		return 2;
	if (ci_find(v, n, "multipart/digest") != NULL)
		return 3;
	if (ci_find(v, n, "multipart") != NULL ||
	    ci_find(v, n, "message/") != NULL)
		return 1;
	return 0;
}

/* Random values of the types' pieces in both cases: the one pass over a
 * value answers what the five searches did. */
static void
test_ctype_random(void **state)
{
	static const char *const piece[] = { "message/", "rfc822", "global",
		"multipart", "/digest", "MESSAGE/RFC822", "Multipart/Digest",
		"message/partial", "text/plain", "; ", " ", "x", "message",
		"/", "multi", "part", "Message/Global", "digest" };
	unsigned seed = 2718;
	int round;

	(void)state;
	for (round = 0; round < 20000; round++) {
		char v[200];
		size_t n = 0, k = (seed = seed * 1103515245u + 12345u) % 6, i;
		unsigned char *copy;

		for (i = 0; i < k; i++) {
			const char *p;

			seed = seed * 1103515245u + 12345u;
			p = piece[(seed >> 16) % (sizeof(piece) / sizeof(piece[0]))];
			memcpy(v + n, p, strlen(p));
			n += strlen(p);
		}
		copy = exact_copy(v, n);
		if (mail_structure_ctype((const char *)copy, n) !=
		    ref_ctype((const char *)copy, n))
			fail_msg("\"%.*s\": %d, want %d", (int)n, v,
			    mail_structure_ctype((const char *)copy, n),
			    ref_ctype((const char *)copy, n));
		free(copy);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nested),
	    cmocka_unit_test(test_no_close_delimiter),
	    cmocka_unit_test(test_boundary_prefix),
	    cmocka_unit_test(test_dashes),
	    cmocka_unit_test(test_quoted_boundary),
	    cmocka_unit_test(test_report_original),
	    cmocka_unit_test(test_libetpan_reading),
	    cmocka_unit_test(test_field_grammar),
	    cmocka_unit_test(test_depth_cap),
	    cmocka_unit_test(test_part_cap),
	    cmocka_unit_test(test_many_params),
	    cmocka_unit_test(test_ctype_random),
	    cmocka_unit_test(test_hyphens),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
