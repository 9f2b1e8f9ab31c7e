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
			char path[4096];

			if (forget_key_path(database, path, sizeof(path)) == -1)
				snprintf(path, sizeof(path), "%s", database);
			log_warnx("forget: %s: %s: forgotten addresses are "
			    "not recognised", path, why);
			f->warned = true;
		}
		if (rc != 1)
			return NULL;
		f->have_key = true;
	}
	forget_hash(f->key, address, hash);
	return hash;
}

void
forgotten_batch(struct forgotten *f)
{
	f->no_key = false;
}

int
forgotten_check(struct forgotten *f, struct store *st, const char *database,
    const char *address)
{
	char hash[SHA256_HEX_LEN + 1];

	/* bouncectl forget makes the key before its write transaction, and
	 * that cannot commit a hash while the batch holds the lock: a key
	 * missing at the batch's first look means no hash the batch could
	 * see. One failed open(2) per batch, not one per bounce */
	if (f->no_key)
		return 0;
	if (forgotten_hash(f, database, address, hash) == NULL) {
		f->no_key = true;
		return 0;
	}
	return store_forgotten(st, hash);
}

void
forgotten_wipe(struct forgotten *f)
{
	explicit_bzero(f, sizeof(*f));
}
