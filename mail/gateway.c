#include "gateway.h"

#include <string.h>

#include "common/strutil.h"

static const struct {
	const char *field;  /* a header field the product adds */
	const char *needle; /* in its value (NULL: presence is enough) */
	const char *name;
} gateways[] = {
	{ "X-NAI-Header", "McAfee", "mcafee" },
	{ "X-Mailer", "SurfControl", "surfcontrol" },
	{ "X-SEF-Processed", NULL, "surfcontrol" },
	{ "X-Mailer", "m-FILTER", "mfilter" },
	{ "Received", "(MAILFOUNDRY)", "mailfoundry" },
};

const char *
gateway_detect(struct report *rep)
{
	const struct mail_message *msg = &rep->msg;
	size_t i;

	for (i = 0; i < sizeof(gateways) / sizeof(gateways[0]); i++) {
		const char *v;

		if (strcmp(gateways[i].field, "Received") == 0) {
			/* any Received line, not just the first */
			if (ci_find(msg->hdr, msg->hdr_len, gateways[i].needle))
				return gateways[i].name;
			continue;
		}
		v = mail_header_index_raw(&rep->arena, &rep->hdr_index,
		    gateways[i].field);
		if (v != NULL && (gateways[i].needle == NULL ||
				     ci_find(v, strlen(v), gateways[i].needle)))
			return gateways[i].name;
	}
	return NULL;
}
