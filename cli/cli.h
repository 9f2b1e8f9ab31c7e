#ifndef BD_CLI_H
#define BD_CLI_H

#include <stdbool.h>

/* Each verb returns the process exit status. */
int cmd_parse(int argc, char **argv, bool explain);

#endif
