/*
 * The daemon's side of bouncectl forget (docs/SECURITY.md): before a
 * bounce for an address is recorded, its keyed hash is looked up in
 * forgotten (a primary key). A forgotten address is suppressed and
 * nothing of the bounce for it is written, so it stays forgotten.
 *
 * The key (common/forget_key.h) exists only once something was
 * forgotten; until then the check is one failed open(2) per batch:
 * bouncectl forget makes the key before it writes a hash, and cannot
 * write one while the batch holds the lock (forgotten_batch()).
 */
#ifndef BD_UPKEEP_FORGOTTEN_H
#define BD_UPKEEP_FORGOTTEN_H

#include <stdbool.h>

#include "common/forget_key.h"
#include "storage/store.h"

struct forgotten {
	unsigned char key[FORGET_KEY_LEN]; /* wiped by forgotten_wipe() */
	bool have_key;
	bool no_key; /* looked for in this batch and not there */
	bool warned; /* an unreadable key is said once */
};

/* A new batch: forgotten_check() looks for the key again. */
void forgotten_batch(struct forgotten *f);

/*
 * 1 when address (lower case) was forgotten in the database at path
 * database, 0 when not, -1 when the store failed (store_error()). A key
 * file that cannot be read is logged once and reads as 0. Inside a
 * batch's transaction only: a key missing at its first call is taken
 * as missing until the next forgotten_batch().
 */
int forgotten_check(struct forgotten *f, struct store *st,
    const char *database, const char *address);
/*
 * The keyed hash of address into hash, which is returned; NULL while no
 * key exists (nothing was forgotten), the key read again at the next
 * call -- the first bouncectl forget makes it while the daemon runs. For
 * store_recipient_standing() (the lookup responders).
 */
const char *forgotten_hash(struct forgotten *f, const char *database,
    const char *address, char hash[SHA256_HEX_LEN + 1]);
void forgotten_wipe(struct forgotten *f);

#endif
