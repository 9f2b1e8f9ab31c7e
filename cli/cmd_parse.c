/*
 * bouncectl parse [--json] FILE...  and  bouncectl explain FILE...
 * Reads each file (or stdin for "-"), parses and classifies it, prints one
 * line per recipient. Unreadable or unparsable files are reported on
 * stderr; the others are still processed and the exit status says so.
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

/* --labels (issue 17 item 6): the vocabulary reasons are printed in */
static enum reason_labels labels = REASON_LABELS_SISIMAI4;

static void
print_json(const char *file, struct report *rep, size_t i,
    const struct verdict *v, const struct report_attr *at)
{
	const struct report_rcpt *r = &rep->rcpt[i];
	bool first = true;

	fputc('{', stdout);
	json_key(stdout, &first, "file");
	json_string(stdout, file);
	json_key(stdout, &first, "recipient");
	json_string(stdout, report_utf8(rep, r->recipient));
	/* RFC 3464 2.3.1: the address as sent, which a list matches on */
	json_key(stdout, &first, "original_recipient");
	json_string(stdout, report_utf8(rep, r->original_recipient));
	json_key(stdout, &first, "actual_recipient");
	json_string(stdout, report_utf8(rep, r->actual_recipient));
	json_key(stdout, &first, "recipient_from");
	json_string(stdout, r->recipient_from);
	json_key(stdout, &first, "action");
	json_string(stdout, classify_action(rep, r));
	json_key(stdout, &first, "status");
	json_string(stdout, v->status[0] != '\0' ? v->status : NULL);
	json_key(stdout, &first, "reply_code");
	if (r->reply_code > 0)
		printf("%d", r->reply_code);
	else
		fputs("null", stdout);
	json_key(stdout, &first, "stage");
	json_string(stdout, r->stage != STAGE_UNKNOWN ? stage_name(r->stage) : NULL);
	json_key(stdout, &first, "stage_source");
	json_string(stdout, r->stage != STAGE_UNKNOWN ?
		stage_source_name(r->stage_by) : NULL);
	json_key(stdout, &first, "reason");
	json_string(stdout, reason_label(v->reason, labels));
	json_key(stdout, &first, "hard");
	fputs(v->hard ? "true" : "false", stdout);
	json_key(stdout, &first, "class");
	json_string(stdout, class_name(v->cls));
	json_key(stdout, &first, "diagnostic");
	json_string(stdout, report_utf8(rep, r->diagnostic));
	/* RFC 3464 2.3.6: whose words ("smtp"; "x-unix": a local mailer) */
	json_key(stdout, &first, "diagnostic_type");
	json_string(stdout, report_utf8(rep, r->diagnostic_type));
	json_key(stdout, &first, "remote_mta");
	json_string(stdout, report_utf8(rep, r->remote_mta));
	json_key(stdout, &first, "original_message_id");
	json_string(stdout, report_utf8(rep, rep->original.message_id));
	/* issue 15 item 4: what else identifies the original (the daemon
	 * also keeps the headers attribution.headers names) */
	json_key(stdout, &first, "original_from");
	json_string(stdout, at->from);
	json_key(stdout, &first, "original_sender");
	json_string(stdout, at->sender);
	json_key(stdout, &first, "original_envelope_id");
	json_string(stdout, at->envelope_id);
	json_key(stdout, &first, "original_subject");
	json_string(stdout, at->subject);
	json_key(stdout, &first, "original_list_id");
	json_string(stdout, at->list_id);
	json_key(stdout, &first, "rule");
	json_string(stdout, v->rule);
	json_key(stdout, &first, "layer");
	json_string(stdout, decision_layer_name(v->layer));
	json_key(stdout, &first, "family");
	json_string(stdout, rep->family);
	fputs("}\n", stdout);
}

static void
print_text(const char *file, struct report *rep, size_t i,
    const struct verdict *v)
{
	const struct report_rcpt *r = &rep->rcpt[i];

	printf("%s\t%s\t%s\t%s\t%s\t%s\n", file,
	    r->recipient != NULL ? r->recipient : "-",
	    v->status[0] != '\0' ? v->status : "-",
	    reason_label(v->reason, labels),
	    v->hard ? "hard" : "soft", class_name(v->cls));
}

static void
print_explain(const char *file, struct report *rep, size_t i,
    const struct verdict *v)
{
	const struct report_rcpt *r = &rep->rcpt[i];
	const struct reason_info *ri = reason_info(v->reason);

	printf("%s: recipient %s (%s report, family %s)\n", file,
	    r->recipient != NULL ? report_utf8(rep, r->recipient) : "(unknown)",
	    rep->kind == REPORT_DSN ? "RFC 3464" :
	    rep->kind == REPORT_FEEDBACK ? "ARF" :
	    rep->kind == REPORT_AUTOREPLY ? "auto-reply" : "free-text",
	    rep->family != NULL ? rep->family : "-");
	if (r->recipient_from != NULL)
		printf("  named by:   %s\n", r->recipient_from);
	if (r->original_recipient != NULL)
		printf("  original:   %s\n",
		    report_utf8(rep, r->original_recipient));
	if (r->actual_recipient != NULL)
		printf("  actual:     %s\n", report_utf8(rep, r->actual_recipient));
	printf("  action:     %s\n",
	    classify_action(rep, r) != NULL ? classify_action(rep, r) : "-");
	printf("  status:     %s%s\n", v->status[0] ? v->status : "-",
	    v->status_derived ? " (implied by the reason)" : "");
	if (r->reply_code > 0)
		printf("  reply code: %d\n", r->reply_code);
	if (r->stage != STAGE_UNKNOWN)
		printf("  stage:      %s (from the %s)\n", stage_name(r->stage),
		    r->stage_by == STAGE_BY_TRANSCRIPT ? "session transcript" :
		    r->stage_by == STAGE_BY_PROSE ? "MTA's words" :
						    "status code");
	if (r->diagnostic != NULL)
		printf("  diagnostic: %s\n", report_utf8(rep, r->diagnostic));
	if (r->diagnostic_type != NULL)
		printf("  diag. type: %s\n", report_utf8(rep, r->diagnostic_type));
	printf("  rule:       %s\n", v->rule);
	printf("  layer:      %s\n", decision_layer_name(v->layer));
	if (v->matched != NULL)
		printf("  matched:    \"%s\"\n", v->matched);
	printf("  reason:     %s (%s, %s): %s\n", reason_label(v->reason, labels),
	    v->hard ? "hard" : "soft", class_name(v->cls), ri->what);
	printf("  advice:     %s\n", ri->advice);
}

/*
 * One message: its recipients printed; 0, or -1 after saying why. own:
 * buf is ours to give to the report (parsed without a copy) and is gone
 * after the call.
 */
static int
parse_one(const char *name, unsigned char *buf, size_t len, bool own,
    bool explain, bool json, time_t now)
{
	struct report *rep = NULL;
	struct report_attr at;
	const char *err = NULL;
	size_t k;

	/* the daemon's cap (issue 17 item 5): what it quarantines unread
	 * is an error here too, not a silent nothing */
	if (len > MAIL_MAX_MESSAGE) {
		fprintf(stderr, "bouncectl: %s: larger than %u MiB: not "
		    "parsed (bounced quarantines it)\n", name,
		    MAIL_MAX_MESSAGE >> 20);
		if (own)
			free(buf);
		return -1;
	}
	if ((own ? report_parse_owned(buf, len, &rep, &err)
		 : report_parse(buf, len, &rep, &err)) < 0) {
		fprintf(stderr, "bouncectl: %s: unparsable: %s\n", name, err);
		return -1;
	}
	report_attr(rep, NULL, 0, &at);
	for (k = 0; k < rep->nrcpt; k++) {
		struct verdict v;

		classify_rcpt(rep, &rep->rcpt[k], now, &v);
		if (explain)
			print_explain(name, rep, k, &v);
		else if (json)
			print_json(name, rep, k, &v, &at);
		else
			print_text(name, rep, k, &v);
	}
	report_free(&rep);
	return 0;
}

/*
 * A file: one message, or each message of an mbox (RFC 4155), named
 * FILE#N when there are several (issue 17 item 5). 0, or -1 when one
 * could not be parsed (the others are still printed).
 */
static int
parse_file(const char *file, unsigned char *buf, size_t len, bool explain,
    bool json, time_t now)
{
	const unsigned char *m;
	size_t off = 0, ml, n = 0, count;
	char name[4096];
	int rc = 0;

	/* one message: the buffer goes to its report, no second copy */
	if ((count = mbox_count(buf, len)) <= 1)
		return parse_one(file, buf, len, true, explain, json, now);
	while (mbox_next(buf, len, &off, &m, &ml) == 1) {
		snprintf(name, sizeof(name), "%s#%zu", file, ++n);
		if (parse_one(name, buf + (m - buf), ml, false, explain, json,
			now) < 0)
			rc = -1;
	}
	free(buf);
	return rc;
}

int
cmd_parse(int argc, char **argv, bool explain)
{
	bool json = false;
	int i, failed = 0;
	time_t now = time(NULL);

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (strcmp(argv[i], "--labels") == 0 && i + 1 < argc &&
		    reason_labels_from_name(argv[i + 1], &labels) == 0)
			i++;
		else if (strncmp(argv[i], "--labels", 8) == 0) {
			fprintf(stderr, "bouncectl: --labels: sisimai4 or "
			    "sisimai5\n");
			return 2;
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
		    explain ? "explain" : "parse", explain ? "" : " [--json]");
		return 2;
	}
	for (; i < argc; i++) {
		const char *file = argv[i], *err = NULL;
		unsigned char *buf;
		size_t len;

		if (readfile(file, &buf, &len, &err) < 0) {
			fprintf(stderr, "bouncectl: %s: %s\n", file, err);
			failed = 1;
			continue;
		}
		/* parse_file() frees buf */
		if (parse_file(file, buf, len, explain, json, now) < 0)
			failed = 1;
	}
	if (fflush(stdout) != 0) {
		fprintf(stderr, "bouncectl: stdout: %s\n", strerror(errno));
		return 1;
	}
	return failed;
}
