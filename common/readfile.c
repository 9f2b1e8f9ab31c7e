#include "readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * A big file's buffer in transparent huge pages where the kernel allows
 * them (madvise mode, Debian's default): read() into fresh memory takes a
 * page fault per 4 KiB, which cost more than the whole parse of a 50 MB
 * bounce (issue 16); a 2 MiB page takes one. Only the 2 MiB-aligned
 * interior can be advised; the rest keeps small pages. A hint: the
 * kernel may refuse it, and nothing else changes.
 */
#define HUGE_PAGE ((size_t)2 << 20)

static void
advise_huge(unsigned char *buf, size_t cap)
{
#ifdef MADV_HUGEPAGE
	uintptr_t lo = ((uintptr_t)buf + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	uintptr_t hi = ((uintptr_t)buf + cap) & ~(HUGE_PAGE - 1);

	if (cap >= 2 * HUGE_PAGE && hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
	(void)buf;
	(void)cap;
#endif
}

int
readfile(const char *path, unsigned char **buf_r, size_t *len_r,
    const char **error_r)
{
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY);
	unsigned char *buf = NULL, *nb;
	size_t len = 0, cap = 0, size = 0;
	struct stat st;
	ssize_t n;

	if (fd < 0) {
		*error_r = strerror(errno);
		return -1;
	}
	if (fstat(fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			*error_r = strerror(EISDIR);
			goto fail;
		}
		if (S_ISREG(st.st_mode) && st.st_size > 0) {
			size = (size_t)st.st_size;
			cap = size + 1;
		}
	}
	for (;;) {
		if (buf == NULL || len == cap) {
			if (cap > SIZE_MAX / 2) {
				*error_r = strerror(EFBIG);
				goto fail;
			}
			if (buf != NULL || cap == 0)
				cap = cap ? cap * 2 : 65536;
			if ((nb = realloc(buf, cap)) == NULL) {
				*error_r = strerror(ENOMEM);
				goto fail;
			}
			buf = nb;
			advise_huge(buf + len, cap - len);
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*error_r = strerror(errno);
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		/* the whole file as fstat() saw it: no read() more to learn
		 * that it ends (half the system calls of a bouncectl run
		 * over a Maildir); one written to since is read as it was */
		if (size > 0 && len == size)
			break;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	*buf_r = buf;
	*len_r = len;
	return 0;
fail:
	free(buf);
	if (fd != STDIN_FILENO)
		close(fd);
	return -1;
}

int
read_secret(const char *path, char *buf, size_t len, const char **why)
{
	size_t n = 0;
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		*why = strerror(errno);
		return -1;
	}
	while (n < len && (r = read(fd, buf + n, len - n)) != 0) {
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			*why = strerror(errno);
			(void)close(fd);
			return -1;
		}
		n += (size_t)r;
	}
	(void)close(fd);
	if (n == len) {
		explicit_bzero(buf, len);
		*why = "too long";
		return -1;
	}
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	if (n == 0 || strlen(buf) != n || strpbrk(buf, "\r\n") != NULL) {
		explicit_bzero(buf, len);
		*why = n == 0 ? "empty" : "not one line of text";
		return -1;
	}
	return 0;
}
