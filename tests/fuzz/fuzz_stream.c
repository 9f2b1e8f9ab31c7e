/*
 * The memory stream of fuzz_stream.h: a mailstream_low driver whose read
 * hands out the next chunk of the buffer and whose write drops the bytes.
 */
#include "fuzz_stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fuzz_stream {
	const uint8_t *data; /* borrowed: the fuzzer's input */
	size_t size, pos, chunk;
};

static ssize_t
fs_read(mailstream_low *s, void *buf, size_t count)
{
	struct fuzz_stream *fs = s->data;
	size_t n = fs->size - fs->pos;

	if (n > count)
		n = count;
	if (n > fs->chunk)
		n = fs->chunk;
	memcpy(buf, fs->data + fs->pos, n);
	fs->pos += n;
	return (ssize_t)n; /* 0 at the end: the server closed */
}

static ssize_t
fs_write(mailstream_low *s, const void *buf, size_t count)
{
	(void)s;
	(void)buf;
	return (ssize_t)count;
}

static int
fs_close(mailstream_low *s)
{
	(void)s;
	return 0;
}

static int
fs_get_fd(mailstream_low *s)
{
	(void)s;
	return -1;
}

static void
fs_free(mailstream_low *s)
{
	free(s->data);
	free(s);
}

static void
fs_cancel(mailstream_low *s)
{
	(void)s;
}

static struct mailstream_cancel *
fs_get_cancel(mailstream_low *s)
{
	(void)s;
	return NULL;
}

static carray *
fs_get_certificate_chain(mailstream_low *s)
{
	(void)s;
	return NULL;
}

static int
fs_idle(mailstream_low *s)
{
	(void)s;
	return -1;
}

static mailstream_low_driver fuzz_driver = {
    .mailstream_read = fs_read,
    .mailstream_write = fs_write,
    .mailstream_close = fs_close,
    .mailstream_get_fd = fs_get_fd,
    .mailstream_free = fs_free,
    .mailstream_cancel = fs_cancel,
    .mailstream_get_cancel = fs_get_cancel,
    .mailstream_get_certificate_chain = fs_get_certificate_chain,
    .mailstream_setup_idle = fs_idle,
    .mailstream_unsetup_idle = fs_idle,
    .mailstream_interrupt_idle = fs_idle,
};

mailstream *
fuzz_stream_new(const uint8_t *data, size_t size, size_t chunk)
{
	struct fuzz_stream *fs = calloc(1, sizeof(*fs));
	mailstream_low *low;
	mailstream *st;

	if (fs == NULL)
		abort();
	fs->data = data;
	fs->size = size;
	fs->chunk = chunk > 0 ? chunk : 1;
	if ((low = mailstream_low_new(fs, &fuzz_driver)) == NULL ||
	    (st = mailstream_new(low, 8192)) == NULL)
		abort();
	return st;
}

size_t
fuzz_stream_chunk(uint8_t b)
{
	static const size_t sizes[] = {4096, 1, 2, 3, 7, 64, 512, 4096};

	return sizes[b & 7];
}

static char pwfile[64];

static void
remove_pwfile(void)
{
	(void)unlink(pwfile);
}

char *
fuzz_password_file(const char *name)
{
	const char *tmp = getenv("TMPDIR");
	int fd;

	if (pwfile[0] != '\0')
		return pwfile;
	(void)snprintf(pwfile, sizeof(pwfile), "%s/%s.XXXXXX",
	    tmp != NULL && strlen(tmp) < 40 ? tmp : "/tmp", name);
	if ((fd = mkstemp(pwfile)) == -1 || write(fd, "secret\n", 7) != 7) {
		perror("fuzz: password file");
		abort();
	}
	(void)close(fd);
	atexit(remove_pwfile);
	return pwfile;
}
