/* Retention's decisions, pure (plan.h). */
#include "daemon/upkeep/plan.h"

static const char *const names[UPKEEP_TASK_COUNT] = {
    [UPKEEP_MESSAGES] = "messages",
    [UPKEEP_BOUNCES] = "bounces",
    [UPKEEP_ORIGINALS] = "originals",
    [UPKEEP_SENT] = "sent",
    [UPKEEP_PROCESSED] = "processed",
    [UPKEEP_EVENTS] = "events",
    [UPKEEP_SUPPRESSIONS] = "suppressions",
};

const char *
upkeep_task_name(enum upkeep_task t)
{
	return (unsigned)t < UPKEEP_TASK_COUNT ? names[t] : "?";
}

unsigned
upkeep_keep(const struct config *conf, enum upkeep_task t, enum reason r)
{
	switch (t) {
	case UPKEEP_MESSAGES:
		return conf->retention.messages;
	case UPKEEP_BOUNCES:
		return conf->retention.bounces;
	case UPKEEP_ORIGINALS:
		return conf->retention.originals;
	case UPKEEP_SENT:
		/* the copies exist only with a sent: source */
		return conf->sent.maildir != NULL || conf->sent.mailbox != NULL
		    ? conf->sent.keep : 0;
	case UPKEEP_PROCESSED:
		/* files of a Maildir source; an IMAP server keeps its own */
		return conf->imap.host == NULL ? conf->retention.processed : 0;
	case UPKEEP_EVENTS:
		return conf->retention.events;
	case UPKEEP_SUPPRESSIONS:
		return (unsigned)r < REASON_COUNT ?
		    conf->retention.suppressions[r] : 0;
	case UPKEEP_TASK_COUNT:
		break;
	}
	return 0;
}

bool
upkeep_next(const struct config *conf, const struct upkeep_plan *p,
    int64_t now, struct upkeep_job *job, int64_t *wake_r)
{
	int64_t wake = INT64_MAX;
	unsigned keep;
	int t, r;

	for (t = 0; t < UPKEEP_TASK_COUNT; t++) {
		for (r = 0; r < (t == UPKEEP_SUPPRESSIONS ? REASON_COUNT : 1);
		     r++) {
			int64_t due = t == UPKEEP_SUPPRESSIONS ?
			    p->reason_due[r] : p->due[t];

			if ((keep = upkeep_keep(conf, (enum upkeep_task)t,
			    (enum reason)r)) == 0)
				continue;
			if (due <= now) {
				job->task = (enum upkeep_task)t;
				job->reason = (enum reason)r;
				job->before = now - (int64_t)keep;
				return true;
			}
			if (due < wake)
				wake = due;
		}
	}
	*wake_r = wake;
	return false;
}

void
upkeep_done(struct upkeep_plan *p, const struct upkeep_job *job, int64_t n,
    bool failed, int64_t now)
{
	int64_t next = failed ? now + UPKEEP_RETRY
	    : n >= UPKEEP_LIMIT ? now : now + UPKEEP_EVERY;

	if (job->task == UPKEEP_SUPPRESSIONS) {
		if ((unsigned)job->reason < REASON_COUNT)
			p->reason_due[job->reason] = next;
	} else if ((unsigned)job->task < UPKEEP_TASK_COUNT) {
		p->due[job->task] = next;
	}
}
