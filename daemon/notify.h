/*
 * The service manager's side channel (sd_notify(3)): READY=1 once the
 * config is valid, the database migrated and the source armed; STATUS=
 * with counts; WATCHDOG=1 from the main loop; RELOADING=1 and STOPPING=1.
 * Without libsystemd, or outside systemd (no NOTIFY_SOCKET), a no-op.
 */
#ifndef BD_NOTIFY_H
#define BD_NOTIFY_H

#include <stdint.h>

void notify_ready(const char *status);
void notify_reloading(void);
void notify_stopping(void);
void notify_status(const char *status);
void notify_watchdog(void);
/* EXTEND_TIMEOUT_USEC=: the start-up may take usec more from now (while
 * it waits for the database, before READY=1; systemd 236) */
void notify_extend_timeout(uint64_t usec);
/* The watchdog period in microseconds when systemd asks for keep-alives
 * (WATCHDOG_USEC for this pid), else 0. */
uint64_t notify_watchdog_usec(void);

#endif
