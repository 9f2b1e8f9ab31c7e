/* The forgotten addresses' check on the recording path (forgotten.h). */
#include <string.h>

#include "common/log.h"
#include "daemon/upkeep/forgotten.h"

const char *
forgotten_hash(struct forgotten *f, const char *database, const char *address,
    char hash[SHA256_HEX_LEN + 1])
{
	const char *why = NULL;
	int rc;

	if (!f->have_key) {
		/* created by the first bouncectl forget; read once */
		rc = forget_key_load(database, false, f->key, &why);
		if (rc == -1 && !f->warned) {
			log_warnx("forget: %s.forget-key: %s: forgotten "
			    "addresses are not recognised", database, why);
			f->warned = true;
		}
		if (rc != 1)
			return NULL;
		f->have_key = true;
	}
	forget_hash(f->key, address, hash);
	return hash;
}

int
forgotten_check(struct forgotten *f, struct store *st, const char *database,
    const char *address)
{
	char hash[SHA256_HEX_LEN + 1];

	if (forgotten_hash(f, database, address, hash) == NULL)
		return 0;
	return store_forgotten(st, hash);
}

void
forgotten_wipe(struct forgotten *f)
{
	explicit_bzero(f, sizeof(*f));
}
