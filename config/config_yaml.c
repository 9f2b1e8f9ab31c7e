/*
 * The file and its YAML: libyaml's events become config_records (dotted
 * key path, value, position). Nothing here knows which keys exist; the
 * schema decides. The only file that includes yaml.h (STYLE.md 2 and 5).
 *
 * Aliases, anchors and tags are refused: a config has no need of them,
 * and without aliases no "billion laughs" expansion can happen. We never
 * compose a document tree, so even a refused alias costs nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "common/xmalloc.h"
#include "config_private.h"

struct walker {
	yaml_parser_t parser;
	const char *buf; /* borrowed: the input, for reader error offsets */
	size_t len;
	struct config_doc *doc;
	struct config_errors *errs;
};

int
config_read_file(
    const char *path, char **buf_r, size_t *len_r, struct config_errors *e)
{
	char *buf = xmalloc(CONFIG_MAX_SIZE + 1);
	size_t len = 0;
	struct stat st;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		goto fail;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		goto fail;
	}
	/* one byte more than allowed tells "too large" from "just fits" */
	while (len <= CONFIG_MAX_SIZE) {
		n = read(fd, buf + len, CONFIG_MAX_SIZE + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len > CONFIG_MAX_SIZE) {
		config_error(
		    e, 0, 0, "larger than %d KiB", CONFIG_MAX_SIZE / 1024);
		free(buf);
		return -1;
	}
	*buf_r = buf;
	*len_r = len;
	return 0;
fail:
	config_error(e, 0, 0, "%s", strerror(errno));
	if (fd >= 0)
		close(fd);
	free(buf);
	return -1;
}

/* libyaml gives reader errors (bad UTF-8, control characters) as offsets. */
static void
offset_mark(
    const struct walker *w, size_t off, unsigned *line_r, unsigned *col_r)
{
	size_t i;

	*line_r = 1;
	*col_r = 1;
	for (i = 0; i < off && i < w->len; i++) {
		if (w->buf[i] == '\n') {
			(*line_r)++;
			*col_r = 1;
		} else {
			(*col_r)++;
		}
	}
}

/* Is the character at a 1-based line and column a tab? (ASCII lines) */
static bool
tab_at(const struct walker *w, unsigned line, unsigned col)
{
	size_t i = 0;

	for (; line > 1 && i < w->len; i++)
		if (w->buf[i] == '\n')
			line--;
	return i + col - 1 < w->len && w->buf[i + col - 1] == '\t';
}

static void
syntax_error(struct walker *w)
{
	const yaml_parser_t *p = &w->parser;
	const char *problem = p->problem != NULL ? p->problem : "broken YAML";
	unsigned line, col;

	if (p->error == YAML_MEMORY_ERROR) {
		config_error(w->errs, 0, 0, "syntax: out of memory");
		return;
	}
	if (p->error == YAML_READER_ERROR) {
		offset_mark(w, p->problem_offset, &line, &col);
	} else {
		line = (unsigned)p->problem_mark.line + 1;
		col = (unsigned)p->problem_mark.column + 1;
	}
	if (p->error == YAML_SCANNER_ERROR && tab_at(w, line, col))
		config_error(w->errs, line, col,
		    "syntax: %s (a tab; YAML is indented with spaces)",
		    problem);
	else if (p->context == NULL || p->error == YAML_READER_ERROR)
		config_error(w->errs, line, col, "syntax: %s", problem);
	else
		config_error(w->errs, line, col, "syntax: %s (%s at %u:%u)",
		    problem, p->context, (unsigned)p->context_mark.line + 1,
		    (unsigned)p->context_mark.column + 1);
}

static int
next(struct walker *w, yaml_event_t *ev)
{
	if (yaml_parser_parse(&w->parser, ev))
		return 0;
	syntax_error(w);
	return -1;
}

static const char *
node_name(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_MAPPING_START_EVENT:
		return "mapping";
	case YAML_SEQUENCE_START_EVENT:
		return "sequence";
	case YAML_ALIAS_EVENT:
		return "alias";
	default:
		return "scalar";
	}
}

/* Reports an alias, an anchor or a tag on the node ev starts. */
static void
check_node(struct walker *w, const yaml_event_t *ev, const char *where)
{
	const yaml_char_t *anchor = NULL, *tag = NULL;
	unsigned line = (unsigned)ev->start_mark.line + 1;
	unsigned col = (unsigned)ev->start_mark.column + 1;

	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		config_error(w->errs, line, col,
		    "%s: aliases (*%s) are not allowed", where,
		    (const char *)ev->data.alias.anchor);
		return;
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		tag = ev->data.scalar.tag;
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
		break;
	default:
		return;
	}
	if (anchor != NULL)
		config_error(w->errs, line, col,
		    "%s: anchors (&%s) are not allowed", where,
		    (const char *)anchor);
	if (tag != NULL)
		config_error(w->errs, line, col,
		    "%s: tags (%s) are not allowed", where, (const char *)tag);
}

/* Skips the rest of a node whose start event was just read. */
static int
skip_rest(struct walker *w, const yaml_event_t *start)
{
	yaml_event_t ev;
	size_t depth = 1;

	if (start->type != YAML_MAPPING_START_EVENT &&
	    start->type != YAML_SEQUENCE_START_EVENT)
		return 0;
	while (depth > 0) {
		if (next(w, &ev) < 0)
			return -1;
		if (ev.type == YAML_MAPPING_START_EVENT ||
		    ev.type == YAML_SEQUENCE_START_EVENT)
			depth++;
		else if (ev.type == YAML_MAPPING_END_EVENT ||
			 ev.type == YAML_SEQUENCE_END_EVENT)
			depth--;
		yaml_event_delete(&ev);
	}
	return 0;
}

static int
skip_node(struct walker *w)
{
	yaml_event_t ev;
	int rc;

	if (next(w, &ev) < 0)
		return -1;
	rc = skip_rest(w, &ev);
	yaml_event_delete(&ev);
	return rc;
}

static bool
is_null(const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	return strcmp(s, "") == 0 || strcmp(s, "~") == 0 ||
	       strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
	       strcmp(s, "NULL") == 0;
}

/*
 * Fills v from a node's first event. A scalar holding a NUL ("\0" in
 * double quotes) would be cut short by every C string after us: refused.
 */
static int
value_of(struct walker *w, const yaml_event_t *ev, const char *where,
    struct config_value *v)
{
	memset(v, 0, sizeof(*v));
	v->line = (unsigned)ev->start_mark.line + 1;
	v->col = (unsigned)ev->start_mark.column + 1;
	if (ev->type == YAML_MAPPING_START_EVENT) {
		v->node = CONFIG_NODE_MAP;
		return 0;
	}
	if (ev->type == YAML_SEQUENCE_START_EVENT) {
		v->node = CONFIG_NODE_SEQ;
		return 0;
	}
	if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length)) {
		config_error(w->errs, v->line, v->col,
		    "%s: contains a NUL character", where);
		return -1;
	}
	v->node = CONFIG_NODE_SCALAR;
	v->text = xstrndup(
	    (const char *)ev->data.scalar.value, ev->data.scalar.length);
	v->null = is_null(ev);
	return 0;
}

/* Collects the items of a sequence; nested nodes are kept as markers. */
static int
walk_items(struct walker *w, const char *path, struct config_record *rec)
{
	yaml_event_t ev;
	size_t cap = 0;
	int rc = 0;

	for (;;) {
		if (next(w, &ev) < 0)
			return -1;
		if (ev.type == YAML_SEQUENCE_END_EVENT)
			break;
		check_node(w, &ev, path);
		if (ev.type != YAML_ALIAS_EVENT) {
			if (rec->nitems == cap) {
				cap = cap ? cap * 2 : 8;
				rec->items = xreallocarray(
				    rec->items, cap, sizeof(*rec->items));
			}
			if (value_of(w, &ev, path, &rec->items[rec->nitems]) ==
			    0)
				rec->nitems++;
		}
		rc = skip_rest(w, &ev);
		yaml_event_delete(&ev);
		if (rc < 0)
			return -1;
	}
	yaml_event_delete(&ev);
	return 0;
}

static struct config_record *
add_record(struct config_doc *doc, const char *path, const yaml_event_t *key)
{
	struct config_record *rec;

	if (doc->n == doc->cap) {
		doc->cap = doc->cap ? doc->cap * 2 : 16;
		doc->rec = xreallocarray(doc->rec, doc->cap, sizeof(*doc->rec));
	}
	rec = &doc->rec[doc->n++];
	memset(rec, 0, sizeof(*rec));
	rec->path = xstrdup(path);
	rec->kline = (unsigned)key->start_mark.line + 1;
	rec->kcol = (unsigned)key->start_mark.column + 1;
	return rec;
}

static int walk_mapping(struct walker *w, const char *prefix, int depth);

/* The value of "path:" whose first event is ev. */
static int
walk_value(struct walker *w, const char *path, const yaml_event_t *key,
    const yaml_event_t *ev, int depth)
{
	struct config_record *rec;
	struct config_value v;

	check_node(w, ev, path);
	if (ev->type == YAML_ALIAS_EVENT || value_of(w, ev, path, &v) < 0)
		return 0;
	rec = add_record(w->doc, path, key);
	rec->v = v;
	if (ev->type == YAML_SEQUENCE_START_EVENT)
		return walk_items(w, path, rec);
	if (ev->type != YAML_MAPPING_START_EVENT)
		return 0;
	if (depth >= CONFIG_MAX_DEPTH)
		return skip_rest(w, ev);
	return walk_mapping(w, path, depth + 1);
}

/* Why the name of a scalar key cannot be a key of ours, or NULL. */
static const char *
bad_name(const yaml_event_t *key)
{
	const char *name = (const char *)key->data.scalar.value;

	if (*name == '\0' && key->data.scalar.length == 0)
		return "an empty key name";
	if (strlen(name) != key->data.scalar.length)
		return "unknown key (with a NUL character)";
	/* "maildir.path: x" at the top would pass for the real key */
	if (strchr(name, '.') != NULL)
		return "unknown key (a dotted name; nest the keys instead)";
	return NULL;
}

/* One "key: value" pair inside prefix, key already read. */
static int
walk_pair(
    struct walker *w, const char *prefix, const yaml_event_t *key, int depth)
{
	const char *where = *prefix != '\0' ? prefix : "top level";
	const char *name, *why;
	yaml_event_t ev;
	char *path;
	int rc;

	if (key->type != YAML_SCALAR_EVENT) {
		config_error(w->errs, (unsigned)key->start_mark.line + 1,
		    (unsigned)key->start_mark.column + 1,
		    "%s: a key must be a name, not a%s %s", where,
		    key->type == YAML_ALIAS_EVENT ? "n" : "", node_name(key));
		if (skip_rest(w, key) < 0)
			return -1;
		return skip_node(w);
	}
	name = (const char *)key->data.scalar.value;
	path =
	    *prefix != '\0' ? xasprintf("%s.%s", prefix, name) : xstrdup(name);
	check_node(w, key, path);
	if ((why = bad_name(key)) != NULL) {
		config_error(w->errs, (unsigned)key->start_mark.line + 1,
		    (unsigned)key->start_mark.column + 1, "%s: %s",
		    *name == '\0' ? where : path, why);
		free(path);
		return skip_node(w);
	}
	if ((rc = next(w, &ev)) == 0) {
		rc = walk_value(w, path, key, &ev, depth);
		yaml_event_delete(&ev);
	}
	free(path);
	return rc;
}

static int
walk_mapping(struct walker *w, const char *prefix, int depth)
{
	yaml_event_t key;
	int rc;

	for (;;) {
		if (next(w, &key) < 0)
			return -1;
		if (key.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&key);
			return 0;
		}
		rc = walk_pair(w, prefix, &key, depth);
		yaml_event_delete(&key);
		if (rc < 0)
			return -1;
	}
}

/* The document's root node: a mapping, or nothing at all. */
static int
walk_root(struct walker *w)
{
	yaml_event_t ev;
	int rc = 0;

	if (next(w, &ev) < 0)
		return -1;
	check_node(w, &ev, "top level");
	if (ev.type == YAML_MAPPING_START_EVENT) {
		rc = walk_mapping(w, "", 1);
	} else if (ev.type != YAML_SCALAR_EVENT || !is_null(&ev)) {
		config_error(w->errs, (unsigned)ev.start_mark.line + 1,
		    (unsigned)ev.start_mark.column + 1,
		    "top level: a mapping (\"key: value\" lines) expected, "
		    "not a%s %s",
		    ev.type == YAML_ALIAS_EVENT ? "n" : "", node_name(&ev));
		rc = skip_rest(w, &ev);
	}
	yaml_event_delete(&ev);
	return rc;
}

static int
walk_stream(struct walker *w)
{
	yaml_event_t ev;
	yaml_event_type_t type;
	int ndocs = 0, rc = 0;

	do {
		if (next(w, &ev) < 0)
			return -1;
		type = ev.type;
		if (ev.type == YAML_DOCUMENT_START_EVENT && ndocs++ > 0)
			config_error(w->errs, (unsigned)ev.start_mark.line + 1,
			    (unsigned)ev.start_mark.column + 1,
			    "syntax: a second document; the configuration "
			    "is one");
		if (ev.type == YAML_DOCUMENT_START_EVENT)
			rc = ndocs == 1 ? walk_root(w) : skip_node(w);
		yaml_event_delete(&ev);
		if (rc < 0)
			return -1;
	} while (type != YAML_STREAM_END_EVENT);
	return 0;
}

int
config_yaml_read(const char *buf, size_t len, struct config_doc *doc,
    struct config_errors *e)
{
	struct walker w = {.buf = buf, .len = len, .doc = doc, .errs = e};
	int rc;

	if (!yaml_parser_initialize(&w.parser)) {
		config_error(e, 0, 0, "syntax: out of memory");
		return -1;
	}
	yaml_parser_set_input_string(
	    &w.parser, (const unsigned char *)buf, len);
	rc = walk_stream(&w);
	yaml_parser_delete(&w.parser);
	return rc;
}

void
config_doc_free(struct config_doc *doc)
{
	size_t i, j;

	for (i = 0; i < doc->n; i++) {
		for (j = 0; j < doc->rec[i].nitems; j++)
			free(doc->rec[i].items[j].text);
		free(doc->rec[i].items);
		free(doc->rec[i].v.text);
		free(doc->rec[i].path);
	}
	free(doc->rec);
	memset(doc, 0, sizeof(*doc));
}
