/*
 * A TCP connection to a server by name, bounded in time: what the SMTP
 * client and the IMAP source open their libetpan streams on. Not
 * libetpan's mail_tcp_connect_timeout(), which is not in its public
 * headers and says nothing about why a connect failed.
 */
#ifndef BD_TCP_H
#define BD_TCP_H

#include <stddef.h>

/*
 * Resolves host and tries each of its addresses in turn, each connect
 * bounded by timeout seconds (0: none). Returns a blocking descriptor
 * (close-on-exec), or -1 and why in err ("connect to HOST port N: ...").
 */
int tcp_connect(const char *host, unsigned port, unsigned timeout, char *err,
    size_t errlen);

#endif
