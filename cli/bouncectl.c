/* bouncectl: the command-line face of bounced. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void
usage(FILE *out)
{
	fputs("usage: bouncectl parse [--json] FILE...   classify bounces "
	      "(- reads stdin)\n"
	      "       bouncectl explain FILE...        show the rule and "
	      "advice per recipient\n",
	    out);
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "parse") == 0)
		return cmd_parse(argc - 1, argv + 1, false);
	if (strcmp(argv[1], "explain") == 0)
		return cmd_parse(argc - 1, argv + 1, true);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "bouncectl: unknown command %s\n", argv[1]);
	usage(stderr);
	return 2;
}
