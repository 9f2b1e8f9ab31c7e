#include <stdio.h>

#include "daemon/notify.h"

#ifdef BD_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>

static void
notify_send(const char *state)
{
	/* 0: keep NOTIFY_SOCKET, a reload sends READY=1 again */
	(void)sd_notify(0, state);
}

uint64_t
notify_watchdog_usec(void)
{
	uint64_t usec = 0;

	if (sd_watchdog_enabled(0, &usec) <= 0)
		return 0;
	return usec;
}
#else
static void
notify_send(const char *state)
{
	(void)state;
}

uint64_t
notify_watchdog_usec(void)
{
	return 0;
}
#endif

void
notify_ready(const char *status)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "READY=1\nSTATUS=%s", status);
	notify_send(buf);
}

void
notify_reloading(void)
{
	notify_send("RELOADING=1");
}

void
notify_stopping(void)
{
	notify_send("STOPPING=1");
}

void
notify_status(const char *status)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "STATUS=%s", status);
	notify_send(buf);
}

void
notify_watchdog(void)
{
	notify_send("WATCHDOG=1");
}

void
notify_extend_timeout(uint64_t usec)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "EXTEND_TIMEOUT_USEC=%llu",
	    (unsigned long long)usec);
	notify_send(buf);
}
