/*
 * smtp_check: one smtp_send() from the command line, for the shell tests
 * in tests/integration/smtp_*.sh. Prints
 *	outcome=SENT|DEFERRED|FAILED|CONFIG
 *	code=<the last reply code>
 *	reply=<the reply text or our error>
 * and exits 0 when sent, 1 when not, 2 on a usage error.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/readfile.h"
#include "config/config.h"
#include "daemon/outbound/smtp.h"

static const char *const outcome_names[] = {
    [SMTP_SENT] = "SENT",
    [SMTP_DEFERRED] = "DEFERRED",
    [SMTP_FAILED] = "FAILED",
    [SMTP_CONFIG] = "CONFIG",
};

static void
usage(void)
{
	fprintf(stderr,
	    "usage: smtp_check [--host H] --port P [--tls none|starttls|"
	    "implicit]\n"
	    "           [--ca-file F] [--user U --password-file F] "
	    "[--helo NAME]\n"
	    "           [--timeout S] --from ADDR --rcpt ADDR --message FILE\n");
	exit(2);
}

static int
parse_tls(const char *s, enum config_tls *tls_r)
{
	if (strcmp(s, "none") == 0)
		*tls_r = CONFIG_TLS_NONE;
	else if (strcmp(s, "starttls") == 0)
		*tls_r = CONFIG_TLS_STARTTLS;
	else if (strcmp(s, "implicit") == 0)
		*tls_r = CONFIG_TLS_IMPLICIT;
	else
		return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"host", required_argument, NULL, 'h'},
	    {"port", required_argument, NULL, 'p'},
	    {"tls", required_argument, NULL, 't'},
	    {"ca-file", required_argument, NULL, 'c'},
	    {"user", required_argument, NULL, 'u'},
	    {"password-file", required_argument, NULL, 'w'},
	    {"helo", required_argument, NULL, 'e'},
	    {"timeout", required_argument, NULL, 'T'},
	    {"from", required_argument, NULL, 'f'},
	    {"rcpt", required_argument, NULL, 'r'},
	    {"message", required_argument, NULL, 'm'},
	    {NULL, 0, NULL, 0},
	};
	struct config_smtp c = {.host = (char[]){"127.0.0.1"},
	    .port = 0,
	    .tls = CONFIG_TLS_NONE,
	    .timeout = 10};
	const char *from = NULL, *rcpt = NULL, *file = NULL, *error;
	struct smtp_result res;
	unsigned char *msg;
	size_t len;
	int ch;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			c.host = optarg;
			break;
		case 'p':
			c.port = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 't':
			if (parse_tls(optarg, &c.tls) == -1)
				usage();
			break;
		case 'c':
			c.ca_file = optarg;
			break;
		case 'u':
			c.user = optarg;
			break;
		case 'w':
			c.password_file = optarg;
			break;
		case 'e':
			c.helo = optarg;
			break;
		case 'T':
			c.timeout = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'f':
			from = optarg;
			break;
		case 'r':
			rcpt = optarg;
			break;
		case 'm':
			file = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || c.port == 0 || from == NULL || rcpt == NULL ||
	    file == NULL)
		usage();
	if (readfile(file, &msg, &len, &error) == -1) {
		fprintf(stderr, "smtp_check: %s: %s\n", file, error);
		return 2;
	}
	/* smtp.h: the caller ignores SIGPIPE, as main.c does. */
	(void)signal(SIGPIPE, SIG_IGN);
	(void)smtp_send(&c, from, rcpt, (const char *)msg, len, NULL, &res);
	free(msg);
	printf("outcome=%s\ncode=%d\nreply=%s\n", outcome_names[res.outcome],
	    res.code, res.reply);
	return res.outcome == SMTP_SENT ? 0 : 1;
}
