/*
 * bouncectl parse [--json] [-j N] FILE...  and  bouncectl explain FILE...
 * Reads each file (or stdin for "-"), parses and classifies it, prints one
 * line per recipient. Unreadable or unparsable files are reported on
 * stderr; the others are still processed and the exit status says so.
 * Files are parsed on one thread per CPU (-j), printed in their order.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "classify/classify.h"
#include "cli.h"
#include "common/readfile.h"
#include "json.h"
#include "mail/mail_limits.h"
#include "mail/report_attr.h"
#include "mbox.h"
#include "ordered.h"

/* --labels (issue 17 item 6): the vocabulary reasons are printed in */
static enum reason_labels labels = REASON_LABELS_SISIMAI4;

static void
print_json(FILE *out, const char *file, struct report *rep, size_t i,
    const struct verdict *v, const struct report_attr *at)
{
	const struct report_rcpt *r = &rep->rcpt[i];
	bool first = true;

	fputc('{', out);
	json_key(out, &first, "file");
	json_string(out, file);
	json_key(out, &first, "recipient");
	json_string(out, report_utf8(rep, r->recipient));
	/* RFC 3464 2.3.1: the address as sent, which a list matches on */
	json_key(out, &first, "original_recipient");
	json_string(out, report_utf8(rep, r->original_recipient));
	json_key(out, &first, "actual_recipient");
	json_string(out, report_utf8(rep, r->actual_recipient));
	json_key(out, &first, "recipient_from");
	json_string(out, r->recipient_from);
	json_key(out, &first, "action");
	json_string(out, classify_action(rep, r));
	json_key(out, &first, "status");
	json_string(out, v->status[0] != '\0' ? v->status : NULL);
	json_key(out, &first, "reply_code");
	if (r->reply_code > 0)
		fprintf(out, "%d", r->reply_code);
	else
		fputs("null", out);
	json_key(out, &first, "stage");
	json_string(out, r->stage != STAGE_UNKNOWN ? stage_name(r->stage) : NULL);
	json_key(out, &first, "stage_source");
	json_string(out, r->stage != STAGE_UNKNOWN ?
		stage_source_name(r->stage_by) : NULL);
	json_key(out, &first, "reason");
	json_string(out, reason_label(v->reason, labels));
	json_key(out, &first, "hard");
	fputs(v->hard ? "true" : "false", out);
	json_key(out, &first, "class");
	json_string(out, class_name(v->cls));
	json_key(out, &first, "diagnostic");
	json_string(out, report_utf8(rep, r->diagnostic));
	/* RFC 3464 2.3.6: whose words ("smtp"; "x-unix": a local mailer) */
	json_key(out, &first, "diagnostic_type");
	json_string(out, report_utf8(rep, r->diagnostic_type));
	json_key(out, &first, "remote_mta");
	json_string(out, report_utf8(rep, r->remote_mta));
	json_key(out, &first, "original_message_id");
	json_string(out, report_utf8(rep, rep->original.message_id));
	/* issue 15 item 4: what else identifies the original (the daemon
	 * also keeps the headers attribution.headers names) */
	json_key(out, &first, "original_from");
	json_string(out, at->from);
	json_key(out, &first, "original_sender");
	json_string(out, at->sender);
	json_key(out, &first, "original_envelope_id");
	json_string(out, at->envelope_id);
	json_key(out, &first, "original_subject");
	json_string(out, at->subject);
	json_key(out, &first, "original_list_id");
	json_string(out, at->list_id);
	json_key(out, &first, "rule");
	json_string(out, v->rule);
	json_key(out, &first, "layer");
	json_string(out, decision_layer_name(v->layer));
	json_key(out, &first, "family");
	json_string(out, rep->family);
	fputs("}\n", out);
}

static void
print_text(FILE *out, const char *file, struct report *rep, size_t i,
    const struct verdict *v)
{
	const struct report_rcpt *r = &rep->rcpt[i];

	fprintf(out, "%s\t%s\t%s\t%s\t%s\t%s\n", file,
	    r->recipient != NULL ? r->recipient : "-",
	    v->status[0] != '\0' ? v->status : "-",
	    reason_label(v->reason, labels),
	    v->hard ? "hard" : "soft", class_name(v->cls));
}

static void
print_explain(FILE *out, const char *file, struct report *rep, size_t i,
    const struct verdict *v)
{
	const struct report_rcpt *r = &rep->rcpt[i];
	const struct reason_info *ri = reason_info(v->reason);

	fprintf(out, "%s: recipient %s (%s report, family %s)\n", file,
	    r->recipient != NULL ? report_utf8(rep, r->recipient) : "(unknown)",
	    rep->kind == REPORT_DSN ? "RFC 3464" :
	    rep->kind == REPORT_FEEDBACK ? "ARF" :
	    rep->kind == REPORT_AUTOREPLY ? "auto-reply" : "free-text",
	    rep->family != NULL ? rep->family : "-");
	if (r->recipient_from != NULL)
		fprintf(out, "  named by:   %s\n", r->recipient_from);
	if (r->original_recipient != NULL)
		fprintf(out, "  original:   %s\n",
		    report_utf8(rep, r->original_recipient));
	if (r->actual_recipient != NULL)
		fprintf(out, "  actual:     %s\n", report_utf8(rep, r->actual_recipient));
	fprintf(out, "  action:     %s\n",
	    classify_action(rep, r) != NULL ? classify_action(rep, r) : "-");
	fprintf(out, "  status:     %s%s\n", v->status[0] ? v->status : "-",
	    v->status_derived ? " (implied by the reason)" : "");
	if (r->reply_code > 0)
		fprintf(out, "  reply code: %d\n", r->reply_code);
	if (r->stage != STAGE_UNKNOWN)
		fprintf(out, "  stage:      %s (from the %s)\n", stage_name(r->stage),
		    r->stage_by == STAGE_BY_TRANSCRIPT ? "session transcript" :
		    r->stage_by == STAGE_BY_PROSE ? "MTA's words" :
						    "status code");
	if (r->diagnostic != NULL)
		fprintf(out, "  diagnostic: %s\n", report_utf8(rep, r->diagnostic));
	if (r->diagnostic_type != NULL)
		fprintf(out, "  diag. type: %s\n", report_utf8(rep, r->diagnostic_type));
	fprintf(out, "  rule:       %s\n", v->rule);
	fprintf(out, "  layer:      %s\n", decision_layer_name(v->layer));
	if (v->matched != NULL)
		fprintf(out, "  matched:    \"%s\"\n", v->matched);
	fprintf(out, "  reason:     %s (%s, %s): %s\n", reason_label(v->reason, labels),
	    v->hard ? "hard" : "soft", class_name(v->cls), ri->what);
	fprintf(out, "  advice:     %s\n", ri->advice);
}

/* What every job of one run shares: read only while the jobs run. */
struct parse_run {
	char **files;
	bool explain, json;
	time_t now;
};

/*
 * One message: its recipients printed on out; 0, or -1 after saying why
 * on err. own: buf is ours to give to the report (parsed without a copy)
 * and is gone after the call.
 */
static int
parse_one(const struct parse_run *run, const char *name, unsigned char *buf,
    size_t len, bool own, FILE *out, FILE *err)
{
	struct report *rep = NULL;
	struct report_attr at;
	const char *why = NULL;
	size_t k;

	/* the daemon's cap (issue 17 item 5): what it quarantines unread
	 * is an error here too, not a silent nothing */
	if (len > MAIL_MAX_MESSAGE) {
		fprintf(err, "bouncectl: %s: larger than %u MiB: not "
		    "parsed (bounced quarantines it)\n", name,
		    MAIL_MAX_MESSAGE >> 20);
		if (own)
			free(buf);
		return -1;
	}
	if ((own ? report_parse_owned(buf, len, &rep, &why)
		 : report_parse(buf, len, &rep, &why)) < 0) {
		fprintf(err, "bouncectl: %s: unparsable: %s\n", name, why);
		return -1;
	}
	report_attr(rep, NULL, 0, &at);
	for (k = 0; k < rep->nrcpt; k++) {
		struct verdict v;

		classify_rcpt(rep, &rep->rcpt[k], run->now, &v);
		if (run->explain)
			print_explain(out, name, rep, k, &v);
		else if (run->json)
			print_json(out, name, rep, k, &v, &at);
		else
			print_text(out, name, rep, k, &v);
	}
	report_free(&rep);
	return 0;
}

/*
 * Job i, ordered.h: file i read, then one message, or each message of an
 * mbox (RFC 4155), named FILE#N when there are several (issue 17 item 5).
 * 0, or -1 when it could not be read or one could not be parsed (the
 * others are still printed).
 */
static int
parse_file(void *arg, size_t i, FILE *out, FILE *err)
{
	const struct parse_run *run = arg;
	const char *file = run->files[i], *why = NULL;
	const unsigned char *m;
	unsigned char *buf;
	size_t len, off = 0, ml, n = 0;
	char name[4096];
	int rc = 0;

	if (readfile(file, &buf, &len, &why) < 0) {
		fprintf(err, "bouncectl: %s: %s\n", file, why);
		return -1;
	}
	/* one message: the buffer goes to its report, no second copy */
	if (mbox_count(buf, len) <= 1)
		return parse_one(run, file, buf, len, true, out, err);
	while (mbox_next(buf, len, &off, &m, &ml) == 1) {
		snprintf(name, sizeof(name), "%s#%zu", file, ++n);
		if (parse_one(run, name, buf + (m - buf), ml, false, out,
			err) < 0)
			rc = -1;
	}
	free(buf);
	return rc;
}

/* -j N: 0 for one thread per CPU; a number, or -1 */
static int
jobs_arg(const char *s)
{
	char *end;
	long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	v = strtol(s, &end, 10);
	return *end == '\0' && v <= 64 ? (int)v : -1;
}

int
cmd_parse(int argc, char **argv, bool explain)
{
	struct parse_run run = { .explain = explain, .now = time(NULL) };
	int i, jobs = 0;
	size_t failed;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		if (strcmp(argv[i], "--json") == 0)
			run.json = true;
		else if (strcmp(argv[i], "--labels") == 0 && i + 1 < argc &&
		    reason_labels_from_name(argv[i + 1], &labels) == 0)
			i++;
		else if (strncmp(argv[i], "--labels", 8) == 0) {
			fprintf(stderr, "bouncectl: --labels: sisimai4 or "
			    "sisimai5\n");
			return 2;
		} else if (strcmp(argv[i], "-j") == 0 ||
		    strcmp(argv[i], "--jobs") == 0) {
			if ((jobs = jobs_arg(i + 1 < argc ? argv[i + 1] :
							    NULL)) < 0) {
				fprintf(stderr, "bouncectl: %s: a number of "
				    "threads, 0 to 64 (0: one per CPU)\n",
				    argv[i]);
				return 2;
			}
			i++;
		} else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else {
			fprintf(stderr, "bouncectl: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	if (i >= argc) {
		fprintf(stderr, "usage: bouncectl %s%s FILE...\n",
		    explain ? "explain" : "parse",
		    explain ? " [-j N]" : " [--json] [-j N]");
		return 2;
	}
	run.files = argv + i;
	/* the files are read and parsed on threads, printed in order: the
	 * same bytes as -j 1 (tests/integration/parse_jobs.sh) */
	failed = ordered_run((size_t)(argc - i),
	    jobs > 0 ? (unsigned)jobs : ordered_default_threads(), parse_file,
	    &run);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "bouncectl: stdout: %s\n", strerror(errno));
		return 1;
	}
	return failed > 0;
}
