/*
 * One case of bouncectl forget for both backends: the rows that name
 * "who@example.org" in every table, and what must be left of them after
 * store_forget() (docs/schema.md, "Forgetting an address"). Included by
 * test_upkeep.c (SQLite) and test_storage.c (PostgreSQL), each of which
 * adds the tables "another helper added later" in its own SQL and its
 * backend's own checks. BLOB(s) writes the text literal s as a blob.
 */
#ifndef BOUNCED_TEST_FORGET_CASE_H
#define BOUNCED_TEST_FORGET_CASE_H

#include <stddef.h>
#include <stdint.h>

#define FORGET_CASE_ROWS(BLOB)                                                 \
	"INSERT INTO messages (id, sha256, source_ref, outcome,"               \
	" processed_at, error) VALUES (1, 's1', 'f1', 'bounce', 1, NULL),"     \
	" (2, 's2', 'f2', 'bounce', 2, 'no <WHO@Example.org> here');"          \
	"INSERT INTO bounces (message, recipient, hard, diagnostic) VALUES"    \
	" (1, 'who@example.org', 1, '550 who@example.org unknown'),"           \
	" (1, 'other@example.org', 1,"                                         \
	"  '550 forwarded from WHO@EXAMPLE.ORG. Bye'),"                        \
	" (2, 'xwho@example.org', 1, 'xwho@example.org;"                       \
	" who@example.org.uk; who@example.organic');"                          \
	"UPDATE bounces SET original_recipient = 'who@example.org'"            \
	" WHERE recipient = 'other@example.org';"                              \
	"INSERT INTO recipients (address, domain, state) VALUES"               \
	" ('who@example.org', 'example.org', 'suppressed'),"                   \
	" ('xwho@example.org', 'example.org', 'suppressed');"                  \
	"INSERT INTO overrides (address, action, at, note) VALUES"             \
	" ('who@example.org', 'suppressed', 1, 'asked'),"                      \
	" ('xwho@example.org', 'suppressed', 1, 'about who@example.org');"     \
	"INSERT INTO resend_originals (id, sha256, body, created_at) VALUES"   \
	" (1, 'o1', " BLOB("'To: who@example.org'") ", 1),"                    \
	" (2, 'o2', " BLOB("'To: list@example.org'") ", 1),"                   \
	" (3, 'o3', " BLOB("'Cc: Who@Example.org'") ", 1);"                    \
	"INSERT INTO resends (id, recipient, message, state, created_at,"      \
	" updated_at, original) VALUES"                                        \
	" (1, 'who@example.org', 1, 'pending', 1, 1, 2),"                      \
	" (2, 'xwho@example.org', 2, 'pending', 1, 1, 3);"                     \
	"INSERT INTO resend_attempts (resend, at, outcome, reply) VALUES"      \
	" (1, 1, 'deferred', '451 who@example.org busy'),"                     \
	" (2, 1, 'deferred', '451 later');"                                    \
	"UPDATE bounces SET resend = 1 WHERE recipient = 'xwho@example.org';"  \
	"INSERT INTO sent_messages (id, sha256, source_ref, indexed_at, body)" \
	" VALUES (1, 'c1', 'r1', 1, " BLOB("'To: a@b.org, who@example.org'")   \
	"), (2, 'c2', 'r2', 1, " BLOB("'To: a@b.org'") ");"                    \
	"INSERT INTO sent_recipients (sent, address) VALUES"                   \
	" (1, 'who@example.org'), (1, 'a@b.org'), (2, 'a@b.org');"             \
	"INSERT INTO suspects VALUES ('x', 'who@example.org,S=1', 1, 1, 1);"   \
	/* the attribution and the person's reason (schema v7), the outbox   \
	 * (v8): every migration has run */                                    \
	"UPDATE messages SET original_from = 'who@example.org',"               \
	" original_sender = 'bounces+k1=who=example.org@ours.example',"        \
	" original_subject = 'Hello who@example.org',"                         \
	" original_headers = '{\"X-To\":\"who@example.org\"}',"                \
	" original_envelope_id = 'who@example.org' WHERE id = 1;"              \
	"UPDATE overrides SET reason = 'who@example.org asked',"               \
	" source = 'crm:who@example.org' WHERE address = 'xwho@example.org';"  \
	"INSERT INTO events (id, uuid, kind, source, address, at, note)"       \
	" VALUES (1, 'u1', 'suppressed', 'bounce', 'who@example.org', 1,"      \
	"  NULL), (2, 'u2', 'suppressed', 'person', 'xwho@example.org', 1,"    \
	"  'like who@example.org');"                                           \
	"INSERT INTO event_sinks VALUES ('webhook', 2, 1);"                    \
	"INSERT INTO event_deliveries (sink, event, state, last_error,"        \
	" updated_at) VALUES ('webhook', 1, 'pending', NULL, 1),"              \
	" ('webhook', 2, 'dead', 'HTTP 400: who@example.org', 1);"

/* After the forget: each query's one integer */
static const struct {
	const char *sql;
	int64_t want;
} forget_case_left[] = {
    /* the neighbours are untouched, their mentions redacted */
    {"SELECT count(*) FROM recipients", 1},
    {"SELECT count(*) FROM bounces WHERE diagnostic = 'xwho@example.org;"
     " who@example.org.uk; who@example.organic'", 1},
    {"SELECT count(*) FROM overrides WHERE note = 'about [forgotten]'", 1},
    {"SELECT count(*) FROM messages WHERE error = 'no <[forgotten]> here'",
	1},
    {"SELECT count(*) FROM overrides WHERE reason = '[forgotten] asked'"
     " AND source = 'crm:[forgotten]'", 1},
    {"SELECT count(*) FROM messages WHERE original_from = '[forgotten]'"
     " AND original_subject = 'Hello [forgotten]'", 1},
    /* its events go with their deliveries; the others are redacted */
    {"SELECT count(*) FROM events", 1},
    {"SELECT count(*) FROM events WHERE id = 2 AND note ="
     " 'like [forgotten]'", 1},
    {"SELECT count(*) FROM event_deliveries", 1},
    /* its VERP form, which the sweep cannot see, goes with the envelope
     * of the message that bounced for it */
    {"SELECT count(*) FROM messages WHERE original_sender IS NULL AND"
     " original_envelope_id IS NULL AND id = 1", 1},
    /* its resend, attempts and the originals; the others' survive, less
     * a body naming it (gone whole) */
    {"SELECT count(*) FROM resends", 1},
    {"SELECT count(*) FROM resends WHERE id = 2 AND original IS NULL", 1},
    {"SELECT count(*) FROM resend_originals", 0},
    {"SELECT count(*) FROM resend_attempts", 1},
    {"SELECT count(*) FROM sent_messages", 1},
    {"SELECT count(*) FROM sent_messages WHERE id = 2", 1},
    {"SELECT count(*) FROM sent_recipients", 1},
    {"SELECT count(*) FROM suspects", 1},
    {"SELECT at FROM forgotten", 77},
};

/*
 * forget_case_left[] checked through the test's own query q (one
 * integer), and the later table "outbox" both tests add, redacted.
 * cmocka's fail_msg() on the first that differs.
 */
struct store;
static void
forget_case_check(int64_t (*q)(struct store *st, const char *sql),
    struct store *st)
{
	for (size_t i = 0; i < sizeof(forget_case_left) /
	    sizeof(forget_case_left[0]); i++)
		if (q(st, forget_case_left[i].sql) != forget_case_left[i].want)
			fail_msg("%s: not %lld", forget_case_left[i].sql,
			    (long long)forget_case_left[i].want);
	if (q(st, "SELECT count(*) FROM outbox WHERE payload ="
	    " '{\"recipient\":\"[forgotten]\",\"n\":1}'") != 1)
		fail_msg("outbox: the payload not redacted");
}

#endif
