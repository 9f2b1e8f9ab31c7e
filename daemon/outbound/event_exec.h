/*
 * The exec hook (events.exec): the operator's command, run by /bin/sh -c
 * (it comes from the configuration, never from mail; a shell lets it
 * hold a pipeline or arguments, as cron's and systemd's ExecStart= do),
 * with the events on its standard input, one JSON object per line. The
 * payload never goes into its arguments or its environment, so no event
 * text reaches a shell's parser. It runs in a process group of its own,
 * killed as a whole at the timeout; it inherits the daemon's
 * environment, working directory and standard output/error (the
 * journal).
 */
#ifndef BD_EVENT_EXEC_H
#define BD_EVENT_EXEC_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Runs command with input on its stdin, waiting at most timeout seconds
 * (abort: read while waiting; true kills it too). Returns 0 when it
 * exited 0, else -1 and why in err (its status, the signal, the
 * timeout).
 */
int event_exec(const char *command, const char *input, size_t len,
    unsigned timeout, const volatile bool *abort, char *err, size_t errlen);

#endif
