/*
 * Attribution of a bounce message to what we sent (attribution.h).
 */
#include "daemon/attribution.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail/message.h"

void
attribution_choose(const struct report_attr *ret,
    const struct report_attr *sent, const char *verp_path,
    const char *const *names, size_t n, size_t campaign,
    struct store_attribution *out)
{
	const struct report_attr *src = sent != NULL ? sent : ret;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->from_sent = sent != NULL;
	out->from = src->from;
	out->subject = src->subject;
	out->list_id = src->list_id;
	out->envelope_id = ret->envelope_id;
	if (sent != NULL && sent->sender != NULL)
		out->sender = sent->sender;
	else if (verp_path != NULL && *verp_path != '\0')
		out->sender = verp_path;
	else
		out->sender = ret->sender;
	for (i = 0; i < n && i < STORE_ATTR_HEADERS && i < src->nvalues; i++) {
		out->names[i] = names[i];
		out->values[i] = src->values[i];
	}
	out->nheaders = i;
	if (campaign < out->nheaders)
		out->campaign = out->values[campaign];
}

/* The configured names, the campaign's appended when it is not among
 * them; *campaign_r its index (n: none). */
static size_t
header_names(
    const struct config_attribution *ca, const char **names, size_t *campaign_r)
{
	size_t n = 0, i;

	for (i = 0; i < ca->nheaders && n < ATTR_MAX_HEADERS; i++)
		names[n++] = ca->headers[i];
	*campaign_r = SIZE_MAX;
	for (i = 0; ca->campaign != NULL && i < n; i++)
		if (strcasecmp(names[i], ca->campaign) == 0)
			*campaign_r = i;
	if (ca->campaign != NULL && *campaign_r == SIZE_MAX &&
	    n < ATTR_MAX_HEADERS) {
		*campaign_r = n;
		names[n++] = ca->campaign;
	}
	if (*campaign_r == SIZE_MAX)
		*campaign_r = n;
	return n;
}

/* A copy's bytes as a header block: CR LF to LF, NUL to a space, as
 * mail_parse() normalises a message (mail/message.h). Returns its length. */
static size_t
normalise(unsigned char *b, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		if (b[i] == '\r' && i + 1 < len && b[i + 1] == '\n')
			continue;
		b[o++] = b[i] == '\0' ? ' ' : b[i];
	}
	return mail_header_block_len((const char *)b, o);
}

int
attribution_read(struct store *st, const struct config *conf,
    const struct prepared *pm, struct store_attribution *out,
    unsigned char **copy_r)
{
	struct report *rep = pm->rep;
	const char *names[ATTR_MAX_HEADERS];
	struct report_attr ret, sent;
	unsigned char *copy = NULL;
	size_t n, campaign, clen, hl;
	int found = 0;

	*copy_r = NULL;
	if (rep == NULL || rep->nrcpt == 0)
		return 0;
	n = header_names(&conf->attribution, names, &campaign);
	report_attr(rep, names, n, &ret);
	/* the record is there only while the sent: source feeds it */
	if ((conf->sent.maildir != NULL || conf->sent.mailbox != NULL) &&
	    pm->original_message_id != NULL &&
	    (found = store_sent_head(st, pm->original_message_id,
		 ATTR_SENT_HEAD, &copy, &clen)) == -1)
		return -1;
	if (found == 1) {
		hl = normalise(copy, clen);
		attr_from_header(
		    &rep->arena, (const char *)copy, hl, names, n, &sent);
	}
	attribution_choose(&ret, found == 1 ? &sent : NULL,
	    pm->verp.result == VERP_VALID || pm->verp.result == VERP_EXPIRED
		? pm->verp.path
		: NULL,
	    names, n, campaign, out);
	*copy_r = copy;
	return 1;
}
