/*
 * libpq, loaded when a postgresql:// database is first opened (issue 16):
 * linked in, it brought OpenSSL, Kerberos, LDAP and SASL into every start
 * of bouncectl and bounced, 27 shared objects and ~15 ms of relocations
 * and page faults, for the many who keep SQLite. Postfix loads its
 * pgsql: table the same way (dynamicmaps.cf). db_pg.c alone calls these.
 */
#ifndef BD_STORAGE_PQ_LOAD_H
#define BD_STORAGE_PQ_LOAD_H

#include <libpq-fe.h>

/* libpq's soname since PostgreSQL 8.2 (Debian's libpq5) */
#define PQ_SONAME "libpq.so.5"

#define PQ_FUNCS(X)                                                            \
	X(PQclear)                                                             \
	X(PQcmdStatus)                                                         \
	X(PQcmdTuples)                                                         \
	X(PQconnectdbParams)                                                   \
	X(PQconninfoFree)                                                      \
	X(PQconninfoParse)                                                     \
	X(PQdescribePrepared)                                                  \
	X(PQerrorMessage)                                                      \
	X(PQexec)                                                              \
	X(PQexecParams)                                                        \
	X(PQexecPrepared)                                                      \
	X(PQfinish)                                                            \
	X(PQfname)                                                             \
	X(PQfreemem)                                                           \
	X(PQftype)                                                             \
	X(PQgetisnull)                                                         \
	X(PQgetlength)                                                         \
	X(PQgetvalue)                                                          \
	X(PQnfields)                                                           \
	X(PQntuples)                                                           \
	X(PQprepare)                                                           \
	X(PQreset)                                                             \
	X(PQresultErrorField)                                                  \
	X(PQresultErrorMessage)                                                \
	X(PQresultStatus)                                                      \
	X(PQsetNoticeProcessor)                                                \
	X(PQstatus)                                                            \
	X(PQtransactionStatus)                                                 \
	X(PQunescapeBytea)

struct pq_api {
#define PQ_MEMBER(f) __typeof__(f) *f;
	PQ_FUNCS(PQ_MEMBER)
#undef PQ_MEMBER
};

/* Filled by the first successful pq_load(); read only after it. */
extern struct pq_api pq;

/*
 * Loads libpq once per process (thread-safe); 0, or -1 with *error_r a
 * malloc'd text saying what is missing and which package has it.
 */
int pq_load(char **error_r);

#endif
