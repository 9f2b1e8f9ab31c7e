/*
 * The schema, one step per version (PRAGMA user_version). A step that has
 * shipped is never edited: a change is a new step at the end, and
 * STORE_SCHEMA_VERSION in store.h moves with it (docs/schema.md,
 * "Migrations"). Each step runs in its own BEGIN IMMEDIATE transaction
 * and sets user_version inside it, so a crash or a second process leaves
 * the file at a whole version: the header field is part of the database
 * page 1 and commits or rolls back with the DDL
 * (https://www.sqlite.org/pragma.html#pragma_user_version). Opening
 * checks the version and sets the connection up before any step runs.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "store_private.h"
#include "stats_sql.h"

/*
 * Version 1: what the daemon records. Times are Unix seconds; NULL means
 * unknown or never. recipients is WITHOUT ROWID because its key is the
 * address and every access is by address
 * (https://www.sqlite.org/withoutrowid.html). The unique partial index on
 * resends is part of the data's meaning, not a speed-up, so it is here:
 * one pending resend per recipient and original message, NULL Message-IDs
 * included (a NULL is distinct from every other NULL in a UNIQUE index,
 * the COALESCE makes them equal).
 */
static const char schema_v1[] =
    "CREATE TABLE messages ("
    " id INTEGER PRIMARY KEY,"
    " sha256 TEXT NOT NULL UNIQUE,"
    " source_ref TEXT NOT NULL,"
    " message_id TEXT,"
    " outcome TEXT NOT NULL"
    "  CHECK (outcome IN ('bounce', 'not_bounce', 'unparsable')),"
    " error TEXT,"
    " received_at INTEGER,"
    " processed_at INTEGER NOT NULL);"
    "CREATE TABLE bounces ("
    " id INTEGER PRIMARY KEY,"
    " message INTEGER NOT NULL REFERENCES messages(id),"
    " recipient TEXT NOT NULL,"
    " action TEXT,"
    " status TEXT,"
    " reply_code INTEGER,"
    " reason TEXT,"
    " hard INTEGER NOT NULL CHECK (hard IN (0, 1)),"
    " class TEXT,"
    " diagnostic TEXT,"
    " remote_mta TEXT,"
    " original_message_id TEXT,"
    " rule TEXT,"
    " family TEXT,"
    " at INTEGER);"
    "CREATE TABLE recipients ("
    " address TEXT NOT NULL PRIMARY KEY,"
    " domain TEXT NOT NULL,"
    " state TEXT NOT NULL DEFAULT 'active'"
    "  CHECK (state IN ('active', 'soft', 'suppressed')),"
    " reason TEXT,"
    " status TEXT,"
    " bounce_count INTEGER NOT NULL DEFAULT 0,"
    " soft_count INTEGER NOT NULL DEFAULT 0,"
    " soft_since INTEGER,"
    " first_bounce_at INTEGER,"
    " last_bounce_at INTEGER,"
    " suppressed_at INTEGER,"
    " override TEXT CHECK (override IN ('suppressed', 'unsuppressed')),"
    " override_at INTEGER"
    ") WITHOUT ROWID;"
    "CREATE TABLE resends ("
    " id INTEGER PRIMARY KEY,"
    " recipient TEXT NOT NULL,"
    " original_message_id TEXT,"
    " message INTEGER NOT NULL REFERENCES messages(id),"
    " state TEXT NOT NULL DEFAULT 'pending'"
    "  CHECK (state IN ('pending', 'sent', 'deferred', 'failed',"
    "   'gave_up', 'cannot_resend', 'cancelled')),"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " next_attempt_at INTEGER,"
    " last_error TEXT,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL);"
    "CREATE UNIQUE INDEX resends_one_pending"
    " ON resends (recipient, COALESCE(original_message_id, ''))"
    " WHERE state IN ('pending', 'deferred');"
    "PRAGMA user_version = 1;";

/*
 * Version 2: the overrides log, the view for people, and the indexes the
 * bouncectl queries and the resend worker need. Few on purpose: each
 * index costs every insert on the daemon's hot path.
 */
static const char schema_v2[] =
    "CREATE TABLE overrides ("
    " id INTEGER PRIMARY KEY,"
    " address TEXT NOT NULL,"
    " action TEXT NOT NULL CHECK (action IN ('suppressed', 'unsuppressed')),"
    " at INTEGER NOT NULL,"
    " note TEXT);"
    "CREATE INDEX overrides_address ON overrides (address, at);"
    "CREATE INDEX bounces_recipient ON bounces (recipient, at);"
    "CREATE INDEX bounces_at ON bounces (at);"
    "CREATE INDEX recipients_state ON recipients (state, last_bounce_at);"
    "CREATE INDEX recipients_domain ON recipients (domain, state);"
    "CREATE INDEX resends_due ON resends (next_attempt_at)"
    " WHERE state IN ('pending', 'deferred');"
    "CREATE VIEW recipient_status AS SELECT"
    " address, domain, state, reason, status,"
    " bounce_count AS bounces,"
    " soft_count AS soft_bounces,"
    " strftime('%Y-%m-%dT%H:%M:%SZ', first_bounce_at, 'unixepoch')"
    "  AS first_bounce,"
    " strftime('%Y-%m-%dT%H:%M:%SZ', last_bounce_at, 'unixepoch')"
    "  AS last_bounce,"
    " strftime('%Y-%m-%dT%H:%M:%SZ', suppressed_at, 'unixepoch')"
    "  AS suppressed_at,"
    " CASE WHEN override IS NOT NULL THEN 'person' END AS overridden_by,"
    " override,"
    " strftime('%Y-%m-%dT%H:%M:%SZ', override_at, 'unixepoch')"
    "  AS override_at"
    " FROM recipients;"
    "PRAGMA user_version = 2;";

/*
 * Version 3: the resend queue daemon/outbound/resend.c drains. Only ADD
 * COLUMN and new tables and indexes, so that existing rows stay where
 * they are; an added column with REFERENCES must default to NULL while
 * foreign keys are on, and a CHECK on an added column is tested against
 * the rows already there
 * (https://www.sqlite.org/lang_altertable.html#altertabaddcol).
 * The state CHECK of resends already lists every state the worker uses.
 * Originals are stored once per content: a mailing to many recipients
 * that all defer would otherwise store the same body once per recipient.
 */
static const char schema_v3[] =
    "CREATE TABLE resend_originals ("
    " id INTEGER PRIMARY KEY,"
    " sha256 TEXT NOT NULL UNIQUE,"
    " body BLOB NOT NULL,"
    " created_at INTEGER NOT NULL);"
    "ALTER TABLE resends ADD COLUMN reason TEXT;"
    "ALTER TABLE resends ADD COLUMN kind TEXT NOT NULL DEFAULT 'transient'"
    " CHECK (kind IN ('transient', 'confirm'));"
    "ALTER TABLE resends ADD COLUMN original INTEGER"
    " REFERENCES resend_originals(id);"
    "ALTER TABLE resends ADD COLUMN resent_message_id TEXT;"
    "ALTER TABLE resends ADD COLUMN last_reply_code INTEGER;"
    "CREATE INDEX resends_resent_message_id ON resends (resent_message_id)"
    " WHERE resent_message_id IS NOT NULL;"
    /* every failed recipient of every bounce asks whether it is the
     * bounce of a copy we sent: a small index of the sent rows only */
    "CREATE INDEX resends_sent ON resends (recipient) WHERE state = 'sent';"
    "CREATE TABLE resend_attempts ("
    " id INTEGER PRIMARY KEY,"
    " resend INTEGER NOT NULL REFERENCES resends(id),"
    " at INTEGER NOT NULL,"
    " outcome TEXT NOT NULL"
    "  CHECK (outcome IN ('sent', 'deferred', 'failed', 'gave_up',"
    "   'cannot_resend', 'bounced')),"
    " reply_code INTEGER,"
    " reply TEXT,"
    " message INTEGER REFERENCES messages(id));"
    "CREATE INDEX resend_attempts_resend ON resend_attempts (resend);"
    "ALTER TABLE bounces ADD COLUMN resend INTEGER REFERENCES resends(id);"
    "PRAGMA user_version = 3;";

/*
 * Version 4: what the classifier saw besides the reason. The SMTP stage
 * the failure answered and how it is known (RFC 5321 3.3; classify/
 * decision.h), the layer of the decision that gave the reason, the
 * RFC 3464 Original-Recipient, on which list managers match their
 * subscriber, and an ARF report's Feedback-Type (RFC 5965 3.1), which
 * says whether it is a complaint at all. NULL in the rows from before.
 */
static const char schema_v4[] =
    "ALTER TABLE bounces ADD COLUMN original_recipient TEXT;"
    "ALTER TABLE bounces ADD COLUMN stage TEXT"
    " CHECK (stage IN ('connection', 'helo', 'starttls', 'mail', 'rcpt',"
    "  'data', 'end-of-data'));"
    "ALTER TABLE bounces ADD COLUMN stage_source TEXT"
    " CHECK (stage_source IN ('transcript', 'prose', 'status'));"
    "ALTER TABLE bounces ADD COLUMN layer TEXT;"
    "ALTER TABLE bounces ADD COLUMN feedback_type TEXT;"
    "PRAGMA user_version = 4;";

/*
 * Version 5: what proves a bounce concerns mail we sent (issue 13,
 * docs/SECURITY.md). sent_messages holds a copy of each outgoing message
 * the MTA gave us (sent: source), by Message-ID (without <>), with the
 * addresses it was for; it is pruned after sent.keep, so nothing else
 * references it by a foreign key (a resend whose copy is gone cannot be
 * sent, and says so). authenticity is the verdict of that proof per
 * message (its signed return path) and per bounce; effect is what the
 * bounce did to its recipient (lifecycle_effect_name()), so that stats
 * can show the sender's problems apart. resends.sent names the copy a
 * resend is made from. NULL in the rows from before.
 */
static const char schema_v5[] =
    "CREATE TABLE sent_messages ("
    " id INTEGER PRIMARY KEY,"
    " sha256 TEXT NOT NULL UNIQUE,"
    " source_ref TEXT NOT NULL,"
    " message_id TEXT,"
    " sent_at INTEGER,"
    " indexed_at INTEGER NOT NULL,"
    " body BLOB NOT NULL);"
    "CREATE INDEX sent_messages_message_id ON sent_messages (message_id);"
    "CREATE INDEX sent_messages_indexed_at ON sent_messages (indexed_at);"
    "CREATE TABLE sent_recipients ("
    " sent INTEGER NOT NULL,"
    " address TEXT NOT NULL,"
    " PRIMARY KEY (sent, address)) WITHOUT ROWID;"
    "CREATE INDEX sent_recipients_address ON sent_recipients (address);"
    "ALTER TABLE messages ADD COLUMN authenticity TEXT"
    " CHECK (authenticity IN ('verified_tag', 'unverified', 'forged'));"
    "ALTER TABLE bounces ADD COLUMN authenticity TEXT"
    " CHECK (authenticity IN ('verified_tag', 'verified_sent',"
    "  'unverified', 'forged'));"
    "ALTER TABLE bounces ADD COLUMN effect TEXT;"
    "ALTER TABLE resends ADD COLUMN sent INTEGER;"
    "PRAGMA user_version = 5;";

/*
 * Version 6: robustness (issue 14). suspects are messages the daemon died
 * while parsing (daemon/poison.h): counted per start, deleted when the
 * message is recorded, quarantined or not. messages.caps names the
 * parser's caps a message hit, comma-separated (mail_flags_text():
 * 'parts', 'fields', 'depth', 'recipients', 'header', 'text'), and rcpts_dropped how many recipients lay beyond
 * MAIL_MAX_RCPTS; NULL when none.
 */
static const char schema_v6[] =
    "CREATE TABLE suspects ("
    " sha256 TEXT NOT NULL PRIMARY KEY,"
    " source_ref TEXT NOT NULL,"
    " crashes INTEGER NOT NULL,"
    " first_at INTEGER NOT NULL,"
    " last_at INTEGER NOT NULL) WITHOUT ROWID;"
    "ALTER TABLE messages ADD COLUMN caps TEXT;"
    "ALTER TABLE messages ADD COLUMN rcpts_dropped INTEGER;"
    "PRAGMA user_version = 6;";

/*
 * Version 7 (issue 15 items 4 and 5): attribution and suppression
 * management. What identifies the original message that bounced is one
 * per bounce *message* (every recipient of a report returns the same
 * original), so it goes on messages; bouncectl stats --by sender and
 * --by campaign join bounces to messages by its primary key, and need
 * no index. original_from is the From addr-spec (lower case),
 * original_sender the envelope sender (Return-Path, else our signed
 * return path the bounce came back to), original_envelope_id RFC 3464
 * 2.2.1's Original-Envelope-Id, original_subject the decoded Subject,
 * original_list_id RFC 2919's list-id, campaign the value of the
 * configured campaign header (attribution.campaign) and original_headers
 * a JSON object of the configured headers (attribution.headers);
 * attribution says where they were read: 'sent' (our own copy, the
 * sent: record) or 'returned' (what the bounce returned). overrides
 * gets the reason and source of a person's decision (bouncectl suppress
 * --reason --source, imports), free text.
 */
static const char schema_v7[] =
    "ALTER TABLE messages ADD COLUMN original_from TEXT;"
    "ALTER TABLE messages ADD COLUMN original_sender TEXT;"
    "ALTER TABLE messages ADD COLUMN original_envelope_id TEXT;"
    "ALTER TABLE messages ADD COLUMN original_subject TEXT;"
    "ALTER TABLE messages ADD COLUMN original_list_id TEXT;"
    "ALTER TABLE messages ADD COLUMN campaign TEXT;"
    "ALTER TABLE messages ADD COLUMN original_headers TEXT;"
    "ALTER TABLE messages ADD COLUMN attribution TEXT"
    " CHECK (attribution IN ('sent', 'returned'));"
    "ALTER TABLE overrides ADD COLUMN reason TEXT;"
    "ALTER TABLE overrides ADD COLUMN source TEXT;"
    "PRAGMA user_version = 7;";

/*
 * Version 8: the outbox (issue 15 item 3, docs/INTEGRATION.md "Events").
 * events holds one row per change the applications hear of, written in
 * the transaction of the change itself; uuid is the id a receiver
 * deduplicates by (random: a restored backup reuses row ids, never
 * uuids); not indexed: 122 random bits do not collide, and a unique
 * index of random keys made a million-address import (bench_import.sh)
 * take 103 s instead of 47. AUTOINCREMENT: an id is never reused after a purge, so the
 * sinks' cursors stay meaningful. message, bounce and resend name rows
 * without a foreign key, so that retention may purge either side
 * first. event_sinks is one row per sink the daemon has delivered to
 * (its cursor: the newest event queued for it); event_deliveries the
 * state of each event at each sink. Events are written whether or not a
 * sink is configured; a sink receives those committed after it first
 * ran.
 */
static const char schema_v8[] =
    "CREATE TABLE events ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " uuid TEXT NOT NULL,"
    " kind TEXT NOT NULL CHECK (kind IN ('suppressed', 'unsuppressed',"
    "  'complaint', 'soft_limit', 'resend_sent', 'resend_gave_up')),"
    " source TEXT NOT NULL CHECK (source IN ('bounce', 'person', 'resend')),"
    " address TEXT NOT NULL,"
    " at INTEGER NOT NULL,"
    " state TEXT,"
    " reason TEXT,"
    " status TEXT,"
    " diagnostic TEXT,"
    " message INTEGER,"
    " bounce INTEGER,"
    " resend INTEGER,"
    " message_id TEXT,"
    " original_message_id TEXT,"
    " note TEXT);"
    "CREATE INDEX events_at ON events (at);"
    "CREATE TABLE event_sinks ("
    " name TEXT NOT NULL PRIMARY KEY CHECK (name IN ('exec', 'webhook')),"
    " cursor INTEGER NOT NULL,"
    " created_at INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE event_deliveries ("
    " sink TEXT NOT NULL,"
    " event INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,"
    " state TEXT NOT NULL DEFAULT 'pending'"
    "  CHECK (state IN ('pending', 'delivered', 'dead', 'skipped')),"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " next_attempt_at INTEGER,"
    " last_error TEXT,"
    " updated_at INTEGER NOT NULL,"
    " PRIMARY KEY (sink, event)) WITHOUT ROWID;"
    "CREATE INDEX event_deliveries_pending ON event_deliveries (sink, event)"
    " WHERE state = 'pending';"
    "CREATE INDEX event_deliveries_event ON event_deliveries (event);"
    "PRAGMA user_version = 8;";

/*
 * Version 9: retention and erasure (issue 15, item 6), and the totals the
 * metrics keep across purges (item 7); docs/schema.md.
 *
 * forgotten holds the keyed hash (HMAC-SHA256, common/forget_key.h) of
 * each address `bouncectl forget` erased, so that a later bounce for it
 * is still suppressed without any row naming it. purged_counts keeps
 * what retention and forget deleted from messages and bounces, by the
 * labels of the metrics (kind 'messages': a = outcome; kind 'bounces':
 * a = reason, b = class), so that bounced_messages_total and
 * bounced_bounces_total never go down (Prometheus counters are monotonic).
 *
 * The indexes make a purge of 1,000 rows cheap: each deleted parent row
 * makes SQLite look for children by foreign key (bounces.message,
 * resends.message, resend_attempts.message, resends.original,
 * bounces.resend), which is a full scan of the child table without an
 * index on the child key (https://www.sqlite.org/foreignkeys.html#fk_indexes).
 * The partial ones hold only the rows that have a value; the rest are
 * ordered by time, so that "the oldest 1,000 before T" is an index range.
 * recipients_suppressed serves the expiry of suppressions per reason.
 * messages_outcome and bounces_reason_class let the metrics count by
 * group from a covering index instead of reading every row (2.5 times
 * less CPU on 100,000 rows; bench/bench_upkeep.sh).
 */
static const char schema_v9[] =
    "CREATE TABLE forgotten ("
    " hash TEXT NOT NULL PRIMARY KEY,"
    " at INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE purged_counts ("
    " kind TEXT NOT NULL,"
    " a TEXT NOT NULL,"
    " b TEXT NOT NULL DEFAULT '',"
    " n INTEGER NOT NULL,"
    " PRIMARY KEY (kind, a, b)) WITHOUT ROWID;"
    "CREATE INDEX messages_processed_at ON messages (processed_at);"
    "CREATE INDEX bounces_message ON bounces (message);"
    "CREATE INDEX bounces_resend ON bounces (resend)"
    " WHERE resend IS NOT NULL;"
    "CREATE INDEX resends_message ON resends (message);"
    "CREATE INDEX resends_original ON resends (original)"
    " WHERE original IS NOT NULL;"
    "CREATE INDEX resend_attempts_message ON resend_attempts (message)"
    " WHERE message IS NOT NULL;"
    "CREATE INDEX resend_originals_created_at"
    " ON resend_originals (created_at);"
    "CREATE INDEX recipients_suppressed ON recipients (reason, suppressed_at)"
    " WHERE state = 'suppressed';"
    "CREATE INDEX messages_outcome ON messages (outcome);"
    "CREATE INDEX bounces_reason_class ON bounces (reason, class);"
    "PRAGMA user_version = 9;";

/*
 * Issue 19 item 3: an IMAP source asks, before fetching, whether a UID is
 * recorded under this UIDVALIDITY ("mailbox/UIDVALIDITY/UID" is the
 * source_ref), and where keywords are not kept, for the highest UID
 * recorded (its high-water mark): both an index range on source_ref
 * instead of a scan of every message.
 */
static const char schema_v10[] =
    "CREATE INDEX messages_source_ref ON messages (source_ref);"
    "PRAGMA user_version = 10;";

/*
 * Version 11 (issue 17 item 5): the bounce's own date, when the delivery
 * failed by the report's word -- its Last-Attempt-Date, else its
 * Arrival-Date (RFC 3464 2.3.6, 2.2.5), else the bounce's Date: -- beside
 * at, when bounced took the message. NULL: the report says nothing, and
 * for every row from before. stats --by day groups by it where known.
 */
static const char schema_v11[] =
    "ALTER TABLE bounces ADD COLUMN bounced_at INTEGER;"
    "PRAGMA user_version = 11;";

/*
 * Version 12: bouncectl stats from counters (issue 16 item 3). stats
 * grouped the whole of bounces three times (by reason, domain, day):
 * linear in history, 0.35 s of CPU per 100,000 bounces. bounce_stats
 * holds, per grouping and key, what that query computed -- bounces,
 * distinct recipients, hard, sender, unverified. Triggers keep it in the
 * transaction that inserts, deletes (retention, forget) or changes a
 * bounce, so the counters are always those of the rows; the step fills
 * them from the rows there are. A NULL reason or day is the key ''
 * (neither is ever stored as ''; docs/schema.md, Conventions); a domain
 * is never NULL. stats --since still reads bounces. The keys are
 * stats_sql.h's.
 *
 * The distinct count is exact: a recipient counts in a group while it
 * has a bounce there. For a domain (a function of the recipient) and a
 * day that is a probe of bounces_recipient (recipient, at), just written
 * by the insert; for a reason the index cannot say it, so
 * bounce_stats_rcpt counts the bounces of each (reason, recipient): one
 * row per pair, not per bounce, and the fewest the count needs.
 */
/* the first second of r's UTC day, as strftime() counts days */
#define STATS_DAY0(r)                                                        \
	"(" STATS_WHEN(r) " - ((" STATS_WHEN(r) " % 86400) + 86400) % 86400)"

/* Whether another bounce than r's row has r's recipient in r's domain
 * (then: r's day); self excludes r's row ("AND id <> new.id") or not */
#define STATS_OTHER_DOMAIN(r, self)                                          \
	"EXISTS (SELECT 1 FROM bounces WHERE recipient = " r ".recipient"    \
	self ")"
#define STATS_OTHER_DAY(r, self)                                             \
	"(CASE WHEN " STATS_WHEN(r) " IS NULL THEN EXISTS (SELECT 1 FROM"    \
	" bounces WHERE recipient = " r ".recipient AND"                     \
	" COALESCE(bounced_at, at) IS NULL" self ")"                         \
	" ELSE EXISTS (SELECT 1 FROM bounces WHERE recipient ="              \
	" " r ".recipient AND COALESCE(bounced_at, at) >= " STATS_DAY0(r)    \
	" AND COALESCE(bounced_at, at) < " STATS_DAY0(r) " + 86400" self     \
	") END)"
#define STATS_NEW_REASON                                                     \
	"(SELECT n = 1 FROM bounce_stats_rcpt WHERE key ="                   \
	" " STATS_KEY_REASON("new") " AND recipient = new.recipient)"
#define STATS_GONE_REASON                                                    \
	"(SELECT n = 1 FROM bounce_stats_rcpt WHERE key ="                   \
	" " STATS_KEY_REASON("old") " AND recipient = old.recipient)"

/* The trigger's new row added to grouping g under key k; isnew: whether
 * its recipient is new to the group */
#define STATS_ADD(g, k, isnew)                                               \
	"INSERT INTO bounce_stats VALUES ('" g "', " k ", 1, 1, new.hard,"   \
	" new.effect IS 'sender', new.effect IS 'unverified')"               \
	" ON CONFLICT DO UPDATE SET bounces = bounces + 1,"                  \
	" hard = hard + excluded.hard, sender = sender + excluded.sender,"   \
	" unverified = unverified + excluded.unverified,"                    \
	" recipients = recipients + (" isnew ");"
/* The trigger's old row taken from grouping g, key k; gone: whether its
 * recipient has no bounce left in the group */
#define STATS_SUB(g, k, gone)                                                \
	"UPDATE bounce_stats SET bounces = bounces - 1,"                     \
	" hard = hard - old.hard, sender = sender - (old.effect IS 'sender'),"\
	" unverified = unverified - (old.effect IS 'unverified'),"           \
	" recipients = recipients - (" gone ")"                              \
	" WHERE grouping = '" g "' AND key = " k ";"                         \
	"DELETE FROM bounce_stats WHERE grouping = '" g "' AND key = " k     \
	" AND bounces <= 0;"
#define STATS_RCPT_ADD                                                       \
	"INSERT INTO bounce_stats_rcpt VALUES (" STATS_KEY_REASON("new") ","  \
	" new.recipient, 1) ON CONFLICT DO UPDATE SET n = n + 1;"
#define STATS_RCPT_SUB                                                       \
	"UPDATE bounce_stats_rcpt SET n = n - 1 WHERE key ="                 \
	" " STATS_KEY_REASON("old") " AND recipient = old.recipient;"        \
	"DELETE FROM bounce_stats_rcpt WHERE key = " STATS_KEY_REASON("old") \
	" AND recipient = old.recipient AND n <= 0;"

/* after an insert: the new row is in bounces */
#define STATS_INSERT                                                         \
	STATS_RCPT_ADD                                                       \
	STATS_ADD("reason", STATS_KEY_REASON("new"), STATS_NEW_REASON)       \
	STATS_ADD("domain", STATS_KEY_DOMAIN("new"),                         \
	    "NOT " STATS_OTHER_DOMAIN("new", " AND id <> new.id"))           \
	STATS_ADD("day", STATS_KEY_DAY("new"),                               \
	    "NOT " STATS_OTHER_DAY("new", " AND id <> new.id"))
/* after a delete: the old row is no longer in bounces */
#define STATS_DELETE                                                         \
	STATS_SUB("reason", STATS_KEY_REASON("old"), STATS_GONE_REASON)      \
	STATS_RCPT_SUB                                                       \
	STATS_SUB("domain", STATS_KEY_DOMAIN("old"),                         \
	    "NOT " STATS_OTHER_DOMAIN("old", ""))                            \
	STATS_SUB("day", STATS_KEY_DAY("old"), "NOT " STATS_OTHER_DAY("old", \
	    ""))
/* after an update: the old row taken, the new added; bounces holds the
 * new one, so a recipient whose domain or day did not change is neither
 * gone from its group nor new to it */
#define STATS_UPDATE                                                         \
	STATS_SUB("reason", STATS_KEY_REASON("old"), STATS_GONE_REASON)      \
	STATS_RCPT_SUB STATS_RCPT_ADD                                        \
	STATS_ADD("reason", STATS_KEY_REASON("new"), STATS_NEW_REASON)       \
	STATS_SUB("domain", STATS_KEY_DOMAIN("old"),                         \
	    "NOT " STATS_OTHER_DOMAIN("old", ""))                            \
	STATS_ADD("domain", STATS_KEY_DOMAIN("new"),                         \
	    "old.recipient IS NOT new.recipient AND NOT "                    \
	    STATS_OTHER_DOMAIN("new", " AND id <> new.id"))                  \
	STATS_SUB("day", STATS_KEY_DAY("old"), "NOT " STATS_OTHER_DAY("old", \
	    ""))                                                             \
	STATS_ADD("day", STATS_KEY_DAY("new"),                               \
	    "NOT (old.recipient IS new.recipient AND " STATS_KEY_DAY("old")  \
	    " = " STATS_KEY_DAY("new") ") AND NOT "                          \
	    STATS_OTHER_DAY("new", " AND id <> new.id"))

/* The rows there are, counted once at migration */
#define STATS_FILL(g, k)                                                     \
	"INSERT INTO bounce_stats SELECT '" g "', " k ", count(*),"          \
	" count(DISTINCT recipient), sum(hard),"                             \
	" count(CASE WHEN effect = 'sender' THEN 1 END),"                    \
	" count(CASE WHEN effect = 'unverified' THEN 1 END)"                 \
	" FROM bounces GROUP BY 2;"

static const char schema_v12[] =
    "CREATE TABLE bounce_stats ("
    " grouping TEXT NOT NULL CHECK (grouping IN ('reason', 'domain', 'day')),"
    " key TEXT NOT NULL,"
    " bounces INTEGER NOT NULL,"
    " recipients INTEGER NOT NULL,"
    " hard INTEGER NOT NULL,"
    " sender INTEGER NOT NULL,"
    " unverified INTEGER NOT NULL,"
    " PRIMARY KEY (grouping, key)) WITHOUT ROWID;"
    "CREATE TABLE bounce_stats_rcpt ("
    " key TEXT NOT NULL,"
    " recipient TEXT NOT NULL,"
    " n INTEGER NOT NULL,"
    " PRIMARY KEY (key, recipient)) WITHOUT ROWID;"
    "INSERT INTO bounce_stats_rcpt SELECT ifnull(reason, ''), recipient,"
    " count(*) FROM bounces GROUP BY 1, 2;"
    STATS_FILL("reason", "ifnull(reason, '')")
    STATS_FILL("domain", "substr(recipient, length(rtrim(recipient,"
	" replace(recipient, '@', ''))) + 1)")
    STATS_FILL("day", "ifnull(strftime('%Y-%m-%d', COALESCE(bounced_at,"
	" at), 'unixepoch'), '')")
    "CREATE TRIGGER bounce_stats_insert AFTER INSERT ON bounces BEGIN "
    STATS_INSERT "END;"
    "CREATE TRIGGER bounce_stats_delete AFTER DELETE ON bounces BEGIN "
    STATS_DELETE "END;"
    "CREATE TRIGGER bounce_stats_update AFTER UPDATE OF recipient, reason,"
    " hard, effect, at, bounced_at ON bounces BEGIN "
    STATS_UPDATE "END;"
    "PRAGMA user_version = 12;";

/*
 * Version 13 (issue 16 item 3): every CHECK that lists three values or
 * more, written as ORs of equalities. SQLite tests "x IN (a, b, c)" by
 * building a temporary B-tree of the list each time the statement runs
 * (two values are compared in place): a bounce's rows -- its message,
 * bounce, recipient, event and the three stats counters its trigger
 * updates -- built eleven, 15 % of the ingest's main thread. The values
 * allowed are the same, NULL included, so every row stays valid: that
 * is the case in which lang_altertable.html ("Making Other Kinds Of
 * Table Schema Changes") lets the text of sqlite_schema be changed in
 * place instead of copying each table; migrate_in_place() raises the
 * schema version around it as that page says. A file whose text does
 * not match is left as it is, only slower. XXX(#18): SQLite only;
 * PostgreSQL evaluates an IN list in place, and its schema keeps them.
 */
#define CHECK_OR(t, in, ors)                                                 \
	"UPDATE sqlite_master SET sql = replace(sql, '" in "', '" ors "')"   \
	" WHERE type = 'table' AND name = '" t "';"

static const char schema_v13[] =
    CHECK_OR("messages",
	"CHECK (outcome IN (''bounce'', ''not_bounce'', "
	"''unparsable''))",
	"CHECK (outcome = ''bounce'' OR outcome = ''not_bounce''"
	" OR outcome = ''unparsable'')")
    CHECK_OR("messages",
	"CHECK (authenticity IN (''verified_tag'', "
	"''unverified'', ''forged''))",
	"CHECK (authenticity = ''verified_tag''"
	" OR authenticity = ''unverified''"
	" OR authenticity = ''forged'')")
    CHECK_OR("bounces",
	"CHECK (stage IN (''connection'', ''helo'', "
	"''starttls'', ''mail'', ''rcpt'',  ''data'', "
	"''end-of-data''))",
	"CHECK (stage = ''connection'' OR stage = ''helo''"
	" OR stage = ''starttls'' OR stage = ''mail''"
	" OR stage = ''rcpt'' OR stage = ''data''"
	" OR stage = ''end-of-data'')")
    CHECK_OR("bounces",
	"CHECK (stage_source IN (''transcript'', ''prose'', "
	"''status''))",
	"CHECK (stage_source = ''transcript''"
	" OR stage_source = ''prose''"
	" OR stage_source = ''status'')")
    CHECK_OR("bounces",
	"CHECK (authenticity IN (''verified_tag'', "
	"''verified_sent'',  ''unverified'', ''forged''))",
	"CHECK (authenticity = ''verified_tag''"
	" OR authenticity = ''verified_sent''"
	" OR authenticity = ''unverified''"
	" OR authenticity = ''forged'')")
    CHECK_OR("recipients",
	"CHECK (state IN (''active'', ''soft'', ''suppressed''))",
	"CHECK (state = ''active'' OR state = ''soft''"
	" OR state = ''suppressed'')")
    CHECK_OR("resends",
	"CHECK (state IN (''pending'', ''sent'', ''deferred'', "
	"''failed'',   ''gave_up'', ''cannot_resend'', "
	"''cancelled''))",
	"CHECK (state = ''pending'' OR state = ''sent''"
	" OR state = ''deferred'' OR state = ''failed''"
	" OR state = ''gave_up'' OR state = ''cannot_resend''"
	" OR state = ''cancelled'')")
    CHECK_OR("resend_attempts",
	"CHECK (outcome IN (''sent'', ''deferred'', ''failed'', "
	"''gave_up'',   ''cannot_resend'', ''bounced''))",
	"CHECK (outcome = ''sent'' OR outcome = ''deferred''"
	" OR outcome = ''failed'' OR outcome = ''gave_up''"
	" OR outcome = ''cannot_resend''"
	" OR outcome = ''bounced'')")
    CHECK_OR("events",
	"CHECK (kind IN (''suppressed'', ''unsuppressed'', "
	" ''complaint'', ''soft_limit'', ''resend_sent'', "
	"''resend_gave_up''))",
	"CHECK (kind = ''suppressed'' OR kind = ''unsuppressed''"
	" OR kind = ''complaint'' OR kind = ''soft_limit''"
	" OR kind = ''resend_sent'' OR kind = ''resend_gave_up'')")
    CHECK_OR("events",
	"CHECK (source IN (''bounce'', ''person'', ''resend''))",
	"CHECK (source = ''bounce'' OR source = ''person''"
	" OR source = ''resend'')")
    CHECK_OR("event_deliveries",
	"CHECK (state IN (''pending'', ''delivered'', ''dead'', "
	"''skipped''))",
	"CHECK (state = ''pending'' OR state = ''delivered''"
	" OR state = ''dead'' OR state = ''skipped'')")
    CHECK_OR("bounce_stats",
	"CHECK (grouping IN (''reason'', ''domain'', ''day''))",
	"CHECK (grouping = ''reason'' OR grouping = ''domain''"
	" OR grouping = ''day'')")
    "PRAGMA user_version = 13;";

/*
 * Version 14 (issue 16 item 3): a bounce's counters added once per
 * transaction instead of by a trigger per row. The insert trigger was a
 * third of the ingest's SQLite time: four statements per bounce, three
 * of them upserts of the same few bounce_stats rows, each paid again for
 * every row of a batch, and a statement journal for the insert.
 * store_bounce_add() now notes the first id its transaction inserted and
 * store_commit() adds the sums of the rows from there (store_stats.c):
 * the same counters at every commit. Deletes and changes keep their
 * triggers; store_purge() adds what is pending first. A bounce inserted
 * by other means than store_bounce_add() is not counted.
 * XXX(#18): SQLite only; on PostgreSQL the trigger stays (its counters
 * are per writer, migrate_pg.c), and the version moves with no change.
 */
static const char schema_v14[] =
    "DROP TRIGGER bounce_stats_insert;"
    "PRAGMA user_version = 14;";

/* steps[i] takes a file from version i to version i + 1 */
static const char *const steps[] = {
    schema_v1,
    schema_v2,
    schema_v3,
    schema_v4,
    schema_v5,
    schema_v6,
    schema_v7,
    schema_v8,
    schema_v9,
    schema_v10,
    schema_v11,
    schema_v12,
    schema_v13,
    schema_v14,
};

_Static_assert(sizeof(steps) / sizeof(steps[0]) == STORE_SCHEMA_VERSION,
    "one migration step per schema version");

/*
 * SQLite only, like the rest of the connection's setup below and the
 * version in PRAGMA user_version; XXX(#18): PostgreSQL needs none of
 * these settings, and keeps the version in a table.
 *
 * WAL lets bouncectl read while the daemon writes
 * (https://www.sqlite.org/wal.html). The mode is stored in the file; the
 * answer says whether it took.
 */
static int
set_wal(struct store *st)
{
	struct db_stmt *stmt;
	const char *mode = NULL;
	int ok;

	if (db_prepare(st->db, "PRAGMA journal_mode = WAL", 0, &stmt) != 0)
		return store_fail(st, "PRAGMA journal_mode");
	if (db_step(stmt) == DB_ROW)
		mode = db_column_text(stmt, 0);
	ok = mode != NULL && strcmp(mode, "wal") == 0;
	if (mode == NULL)
		store_fail(st, "PRAGMA journal_mode = WAL");
	else if (!ok)
		store_failx(st, "journal mode stays %s, not wal", mode);
	db_finalize(&stmt);
	return ok ? 0 : -1;
}

/*
 * synchronous=FULL: in WAL mode NORMAL may lose the last commits on power
 * loss (https://www.sqlite.org/pragma.html#pragma_synchronous), and the
 * daemon moves a message away once its result is committed; the WAL fsync
 * is shared by all the messages of one transaction.
 *
 * cache_size: a batch of 200 messages dirties about one leaf page per
 * message in the sha256 and address indexes (random keys); 8 MiB instead
 * of the default 2 MiB keeps more of them between batches
 * (pragma.html#pragma_cache_size). Not more: the daemon's whole peak RSS
 * must stay under 32 MiB, and 32 MiB of cache alone took it to 34 MiB on
 * bench/bench_ingest.sh.
 *
 * wal_autocheckpoint 16000 pages (64 MiB) instead of 1000: at thousands
 * of messages a second the default copies the WAL back (and fsyncs the
 * database) every few batches; bench/bench_ingest.sh measured 10-25 %
 * more messages/s at 4000, and 16000 took another 5 % of the CPU of
 * 100,000 bounces (issue 16): a leaf rewritten by many batches is copied
 * once per checkpoint, and each checkpoint's two fsyncs are paid a
 * quarter as often. The WAL file keeps its largest size (64 MiB and a
 * batch) on disk; the wal-index in memory is 32 KiB per 4096 pages
 * (pragma.html#pragma_wal_autocheckpoint).
 *
 * temp_store MEMORY: a bounce's insert fires the stats triggers (schema
 * v10), and its statement journal -- the pages it changed, kept to undo
 * the statement alone -- outgrew the 64 KiB SQLite keeps in memory and
 * went to a temporary file: 22 writes per message, half the ingest's
 * time (https://www.sqlite.org/tempfiles.html#stmtjrnl). In memory it
 * is a few pages per statement.
 *
 * PERSIST_WAL: -wal and -shm stay when the daemon closes, so that
 * bouncectl run by a user who may read the files but not create any next
 * to them can still open the database
 * (https://www.sqlite.org/wal.html#readonly).
 */
int
store_configure(struct store *st)
{
	if (set_wal(st) == -1)
		return -1;
	if (db_exec(st->db,
		"PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
		" PRAGMA cache_size = -8192; PRAGMA wal_autocheckpoint = 16000;"
		" PRAGMA temp_store = MEMORY;") != 0)
		return store_fail(st, "PRAGMA synchronous, foreign_keys");
	if (db_sqlite_persist_wal(st->db) == -1)
		return store_fail(st, "SQLITE_FCNTL_PERSIST_WAL");
	return 0;
}

int
store_check_version(struct store *st, int target)
{
	int v;

	if (store_read_version(st, &v) == -1)
		return -1;
	if (v > target)
		return store_failx(st,
		    "schema version %d is newer than this program"
		    " (it knows %d)",
		    v, target);
	if (st->mode == STORE_RDONLY && v != target)
		return store_failx(st,
		    "schema version %d, this bouncectl knows %d:"
		    " run bounced to migrate",
		    v, target);
	return 0;
}

/*
 * A version-0 file is ours only when it is empty: adding our tables to
 * someone else's database would be worse than refusing it.
 */
static int
check_empty(struct store *st)
{
	struct db_stmt *stmt;
	int rc, n;

	if (db_prepare(st->db, "SELECT count(*) FROM sqlite_master", 0, &stmt) != 0)
		return store_fail(st, "read schema");
	rc = db_step(stmt);
	n = rc == DB_ROW ? db_column_int64(stmt, 0) : -1;
	if (rc != DB_ROW)
		store_fail(st, "read schema");
	db_finalize(&stmt);
	if (n > 0)
		return store_failx(st,
		    "schema version 0 but %d tables or indexes:"
		    " not a bounced database",
		    n);
	return n < 0 ? -1 : 0;
}

/*
 * A step that changes the text of sqlite_schema in place (schema_v13),
 * in lang_altertable.html's order: writable_schema on, the text, the
 * schema version one higher -- so that every connection, this one
 * included, parses the schema again -- and writable_schema off, all in
 * the step's transaction. XXX(#18): SQLite only.
 */
static int
migrate_in_place(struct store *st, const char *script)
{
	struct db_stmt *stmt;
	int64_t v = -1;
	char sql[64];

	if (db_prepare(st->db, "PRAGMA schema_version", 0, &stmt) != 0)
		return -1;
	if (db_step(stmt) == DB_ROW)
		v = db_column_int64(stmt, 0);
	db_finalize(&stmt);
	if (v < 0)
		return -1;
	snprintf(sql, sizeof(sql), "PRAGMA schema_version = %lld",
	    (long long)v + 1);
	if (db_exec(st->db, "PRAGMA writable_schema = ON") != 0)
		return -1;
	if (db_exec(st->db, script) != 0 || db_exec(st->db, sql) != 0) {
		(void)db_exec(st->db, "PRAGMA writable_schema = OFF");
		return -1;
	}
	return db_exec(st->db, "PRAGMA writable_schema = OFF");
}

static int
apply(struct store *st, int from)
{
	char what[32];
	int rc;

	if (from == 0 && check_empty(st) == -1)
		return -1;
	if (steps[from] == schema_v13)
		rc = migrate_in_place(st, steps[from]);
	else
		rc = db_exec(st->db, steps[from]);
	if (rc != 0) {
		snprintf(what, sizeof(what), "migrate to version %d", from + 1);
		return store_fail(st, what);
	}
	return 0;
}

int
store_migrate(struct store *st, int target)
{
	int v;

	for (;;) {
		/* IMMEDIATE: the version read and the step are one writer's */
		if (store_begin(st) == -1)
			return -1;
		if (store_read_version(st, &v) == -1)
			goto fail;
		if (v >= target) {
			store_rollback(st);
			return 0;
		}
		if (v < 0) {
			store_failx(
			    st, "schema version %d: not a bounced database", v);
			goto fail;
		}
		if (apply(st, v) == -1 || store_commit(st) == -1)
			goto fail;
	}
fail:
	store_rollback(st);
	return -1;
}
