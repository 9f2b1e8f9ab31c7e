/*
 * The forgotten addresses' key file (forget_key.h). The kernel's CSPRNG
 * by getrandom(2) makes the key -- what gnutls_rnd() itself reads --
 * and nettle's HMAC-SHA256 (what GnuTLS's own HMAC is built on) hashes:
 * bouncectl does not link GnuTLS, whose loading would cost every short
 * bouncectl run (docs/ARCHITECTURE.md, "libetpan is linked ...").
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/forget_key.h"
#include "common/state_base.h"
#include "common/strutil.h"

#define SUFFIX ".forget-key"

int
forget_key_path(const char *database, char *buf, size_t size)
{
	char base[4096];
	int n;

	if (state_base(database, base, sizeof(base)) == -1)
		return -1;
	n = snprintf(buf, size, "%s" SUFFIX, base);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* Whose the key is: the database file's owner, or the state
 * directory's where the database is a server's. */
static int
owner(const char *database, const char *path, struct stat *sb)
{
	char dir[4096];
	const char *slash;

	if (!database_is_uri(database))
		return stat(database, sb);
	slash = strrchr(path, '/');
	if (slash == NULL || slash == path ||
	    (size_t)(slash - path) >= sizeof(dir))
		return -1;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	return stat(dir, sb);
}

/* 1 and the key, 0 when there is no file, -1 and *why */
static int
read_key(const char *path, unsigned char *key, const char **why)
{
	unsigned char extra;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		if (errno == ENOENT)
			return 0;
		*why = strerror(errno);
		return -1;
	}
	n = read(fd, key, FORGET_KEY_LEN);
	if (n == FORGET_KEY_LEN && read(fd, &extra, 1) == 0) {
		close(fd);
		return 1;
	}
	*why = n < 0 ? strerror(errno) : "not a key of 32 bytes";
	close(fd);
	return -1;
}

/* A new key in a temporary file of the same folder, linked into place. */
static int
make_key(const char *database, const char *path, const char **why)
{
	unsigned char key[FORGET_KEY_LEN];
	char tmp[4200];
	struct stat db;
	int fd, rc = -1;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path,
	    (long)getpid()) >= sizeof(tmp)) {
		*why = "path too long";
		return -1;
	}
	if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key)) {
		*why = strerror(errno);
		return -1;
	}
	(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1) {
		*why = strerror(errno);
		explicit_bzero(key, sizeof(key));
		return -1;
	}
	if (write(fd, key, sizeof(key)) != (ssize_t)sizeof(key) ||
	    fsync(fd) == -1)
		*why = strerror(errno);
	/* the daemon (user bounced) must read what root's bouncectl made */
	else if (geteuid() == 0 && owner(database, path, &db) == 0 &&
	    fchown(fd, db.st_uid, db.st_gid) == -1)
		*why = strerror(errno);
	/* link(2) fails with EEXIST when another creator was first: its
	 * key is the key */
	else if (link(tmp, path) == -1 && errno != EEXIST)
		*why = strerror(errno);
	else
		rc = 0;
	explicit_bzero(key, sizeof(key));
	close(fd);
	(void)unlink(tmp);
	return rc;
}

int
forget_key_load(const char *database, bool create,
    unsigned char key[FORGET_KEY_LEN], const char **why)
{
	char path[4096];
	int rc;

	if (forget_key_path(database, path, sizeof(path)) == -1) {
		*why = "path too long";
		return -1;
	}
	if ((rc = read_key(path, key, why)) != 0 || !create)
		return rc;
	if (make_key(database, path, why) == -1)
		return -1;
	return read_key(path, key, why) == 1 ? 1 : -1;
}

void
forget_hash(const unsigned char key[FORGET_KEY_LEN], const char *address,
    char hex[SHA256_HEX_LEN + 1])
{
	char low[1024];

	snprintf(low, sizeof(low), "%s", address);
	str_lower(low);
	sha256_hmac_hex(key, FORGET_KEY_LEN, low, strlen(low), hex);
}
