/*
 * A libetpan stream over a byte buffer, for the fuzz targets of what the
 * daemon reads from servers (fuzz_smtp.c, fuzz_imap.c): the server's
 * side of the dialogue is the fuzzer's input, read in chunks of a chosen
 * size (libetpan's line and literal reassembly is exercised at every
 * split); what the client writes is counted and dropped. No sockets, no
 * threads, no timeouts: the end of the input is the server closing.
 */
#ifndef BD_FUZZ_STREAM_H
#define BD_FUZZ_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include <libetpan/libetpan.h>

/*
 * A stream reading data[0..size) (borrowed: it must outlive the stream)
 * at most chunk bytes per read. Freed by mailstream_close() as any.
 */
mailstream *fuzz_stream_new(const uint8_t *data, size_t size, size_t chunk);

/* A read chunk size from one input byte: 1, 2, 3, 7, 64, ... 4096. */
size_t fuzz_stream_chunk(uint8_t b);

/*
 * A password file holding "secret", made once per process under $TMPDIR
 * (or /tmp) and removed at exit; its path, static. name: the target's.
 */
char *fuzz_password_file(const char *name);

#endif
