/* Which acknowledgement the server will keep (imap_ack.h). */
#include "daemon/sources/imap_ack.h"

/*
 * Moving is best: the mailbox shows what is left, and nothing depends on
 * flags. COPY + EXPUNGE needs UIDPLUS for UID EXPUNGE (RFC 4315 2.1): a
 * plain EXPUNGE removes every \Deleted message, other clients' too. In
 * place, a keyword is our own mark, not \Seen, which a person reading
 * the mailbox sets too; where keywords are not kept (PERMANENTFLAGS
 * without "\*", RFC 3501 7.1) only a mark of ours -- the highest UID
 * recorded, per mailbox and UIDVALIDITY -- tells what was read.
 */
enum imap_ack_kind
imap_ack_choose(const struct imap_ack_in *in, const char **why_r)
{
	/* RFC 3501 7.1: without PERMANENTFLAGS "the client should assume
	 * that all flags can be changed permanently" */
	bool kw = !in->perm_known || in->perm_keywords;
	bool seen = !in->perm_known || in->perm_seen;
	bool del = !in->perm_known || in->perm_deleted;

	if (in->target && in->target_ok) {
		if (in->has_move) {
			*why_r = "the server has MOVE (RFC 6851)";
			return IMAP_ACK_MOVE;
		}
		if (in->has_uidplus && del) {
			*why_r = "the server has UIDPLUS (RFC 4315) but not "
				 "MOVE";
			return IMAP_ACK_COPY_EXPUNGE;
		}
	}
	if (kw) {
		if (!in->target)
			*why_r = in->perm_known ? "no mailbox to move to is "
			    "set; PERMANENTFLAGS has \\*" : "no mailbox to "
			    "move to is set; no PERMANENTFLAGS (all flags are "
			    "permanent, RFC 3501 7.1)";
		else if (!in->target_ok)
			*why_r = "the target mailbox cannot be used (see the "
				 "warning about it)";
		else if (in->has_uidplus)
			*why_r = "PERMANENTFLAGS lacks \\Deleted: nothing can "
				 "be moved";
		else
			*why_r = "the server has neither MOVE nor UIDPLUS (a "
				 "plain EXPUNGE would remove other clients' "
				 "deleted mail)";
		return IMAP_ACK_KEYWORD;
	}
	if (seen) {
		*why_r = "PERMANENTFLAGS has no \\* (keywords are not kept): "
			 "\\Seen and the highest UID recorded, kept in the "
			 "database";
		return IMAP_ACK_SEEN_MARK;
	}
	*why_r = "PERMANENTFLAGS has neither \\* nor \\Seen: only the highest "
		 "UID recorded, kept in the database";
	return IMAP_ACK_MARK;
}

const char *
imap_ack_name(enum imap_ack_kind k)
{
	switch (k) {
	case IMAP_ACK_MOVE:
		return "MOVE";
	case IMAP_ACK_COPY_EXPUNGE:
		return "COPY + UID EXPUNGE";
	case IMAP_ACK_KEYWORD:
		return "\\Seen + $Bounced";
	case IMAP_ACK_SEEN_MARK:
		return "\\Seen + a UID high-water mark";
	case IMAP_ACK_MARK:
		return "a UID high-water mark";
	}
	return "?";
}
