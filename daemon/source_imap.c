/* IMAP source -- being written (issue 4) */
#include <stddef.h>

#include "config/config.h"
#include "source.h"

struct source *
imap_source_new(const struct config_imap *conf, unsigned batch_size)
{
	(void)conf;
	(void)batch_size;
	return NULL;
}
