/*
 * The key of the forgotten addresses (bouncectl forget, docs/SECURITY.md):
 * 32 random bytes in a file next to the database, "<database>.forget-key",
 * mode 0600, owned like the database; for a PostgreSQL database, in the
 * state directory (common/state_base.h), owned like it. Daemons on
 * several hosts that share one database need the same key: a copy of the
 * file on each. The database keeps only
 * HMAC-SHA256(key, address) of an erased address, so that a later bounce
 * for it is still suppressed; without the key a copy of the database
 * cannot be used to test guessed addresses against those hashes (a plain
 * hash could: addresses are guessable, a list of candidates is hashed in
 * seconds).
 */
#ifndef BD_FORGET_KEY_H
#define BD_FORGET_KEY_H

#include <stdbool.h>
#include <stddef.h>

#include "common/sha256.h"

#define FORGET_KEY_LEN 32

/* "<state_base(database)>.forget-key" into buf: 0, or -1 when it does
 * not fit. */
int forget_key_path(const char *database, char *buf, size_t size);

/*
 * Reads the key of database into key. When the file is missing: with
 * create, makes one (getrandom(2); written to a temporary file, fsync'd
 * and linked into place, so that two creators agree on one key and a
 * reader never sees half of it; chown'd to the database's owner when run
 * as root, so that the daemon can read what root's bouncectl made).
 * Returns 1 and the key, 0 when missing and !create, -1 and *why (static
 * or strerror text; never the key). The caller wipes key after use.
 */
int forget_key_load(const char *database, bool create,
    unsigned char key[FORGET_KEY_LEN], const char **why);

/* The hash kept for address: HMAC-SHA256 of its lower-case form, hex. */
void forget_hash(const unsigned char key[FORGET_KEY_LEN], const char *address,
    char hex[SHA256_HEX_LEN + 1]);

#endif
