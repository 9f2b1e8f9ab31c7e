/*
 * The corpus test: runs parse + classify over ../shared/corpus (its README
 * describes expected.tsv) and prints detection, reason, status and hard/soft
 * accuracy; fails below the floors the project promises. Exits 77 (ctest's
 * SKIP_RETURN_CODE) when the corpus is not there: skipped, never passed.
 *
 *   corpus_check [-v] CORPUS_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "classify/classify.h"
#include "common/readfile.h"

#define FLOOR_DETECTED 97.0
#define FLOOR_REASON 93.0

struct row {
	char file[256];
	int index;
	char status[16], reply[8], reason[64];
	int hard;
};

struct result {
	int nrcpt;
	char reasons[64][24];
	char status[64][16];
	int hard[64];
	int reply[64];
	enum decision_layer layer[64];
	char rule[64][48];
	char family[24];
};

static int verbose;

/* Bounded copy that says when it cut (the fields are short; a cut one is
 * a corrupt expected.tsv and simply fails to match). */
static int
copy(char *dst, size_t n, const char *src)
{
	size_t len = strlen(src);

	if (len >= n)
		len = n - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return len == strlen(src) ? 0 : -1;
}

static int
run(const char *dir, const char *file, struct result *res)
{
	char path[1024];
	unsigned char *buf;
	size_t len, i;
	const char *err;
	struct report *rep;

	memset(res, 0, sizeof(*res));
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (readfile(path, &buf, &len, &err) < 0) {
		fprintf(stderr, "corpus: %s: %s\n", path, err);
		return -1;
	}
	if (report_parse(buf, len, &rep, &err) < 0) {
		free(buf);
		return 0;
	}
	snprintf(res->family, sizeof(res->family), "%s",
	    rep->family ? rep->family : "-");
	for (i = 0; i < rep->nrcpt && i < 64; i++) {
		struct verdict v;

		classify_rcpt(rep, &rep->rcpt[i], 0, &v);
		snprintf(res->reasons[i], sizeof(res->reasons[i]), "%s",
		    reason_name(v.reason));
		snprintf(res->status[i], sizeof(res->status[i]), "%s", v.status);
		res->hard[i] = v.hard;
		res->reply[i] = rep->rcpt[i].reply_code;
		res->layer[i] = v.layer;
		snprintf(res->rule[i], sizeof(res->rule[i]), "%s",
		    v.rule != NULL ? v.rule : "-");
	}
	res->nrcpt = (int)i;
	report_free(&rep);
	free(buf);
	return 0;
}

static int
reason_ok(const char *want, const char *got)
{
	char w[64], *tok, *save = NULL;

	snprintf(w, sizeof(w), "%s", want);
	for (tok = strtok_r(w, "|", &save); tok != NULL;
	     tok = strtok_r(NULL, "|", &save)) {
		if (strcmp(tok, got) == 0)
			return 1;
	}
	return 0;
}

static double
pct(int a, int b)
{
	return b > 0 ? 100.0 * a / b : 0.0;
}

int
main(int argc, char **argv)
{
	char path[1024], line[2048], last[256] = "";
	int nrows = 0, rreason = 0, rstatus = 0, rhard = 0, nfiles = 0, ndet = 0;
	int nfp = 0, nneg = 0, nmismatch_le = 0, fail = 0, seen_rows = 0;
	/* per decision layer: rows it decided, and rightly (the layer that
	 * overfits shows as a low share) */
	int lay_n[LAYER_COUNT] = { 0 }, lay_ok[LAYER_COUNT] = { 0 };
	int l;
	struct result res, base;
	const char *dir;
	FILE *f;
	clock_t t0 = clock();

	while (argc > 1 && strcmp(argv[1], "-v") == 0) {
		verbose++;
		argc--;
		argv++;
	}
	dir = argc > 1 ? argv[1] : "../shared/corpus";
	snprintf(path, sizeof(path), "%s/expected.tsv", dir);
	if ((f = fopen(path, "r")) == NULL) {
		printf("corpus: %s not found: SKIPPED (the shared corpus is "
		       "not on this machine)\n",
		    path);
		return 77;
	}
	memset(&res, 0, sizeof(res));
	while (fgets(line, sizeof(line), f) != NULL) {
		struct row r;
		char *fld[8], *save = NULL, *p;
		int n = 0;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\n")] = '\0';
		/* strtok would merge empty fields: split by hand */
		for (p = line; n < 8; n++) {
			fld[n] = p;
			p = strchr(p, '\t');
			if (p == NULL) {
				n++;
				break;
			}
			*p++ = '\0';
		}
		(void)save;
		if (n < 6)
			continue;
		memset(&r, 0, sizeof(r));
		copy(r.file, sizeof(r.file), fld[0]);
		r.index = atoi(fld[1]);
		copy(r.status, sizeof(r.status), fld[2]);
		copy(r.reply, sizeof(r.reply), fld[3]);
		copy(r.reason, sizeof(r.reason), fld[4]);
		r.hard = atoi(fld[5]);
		if (strcmp(r.file, last) != 0) {
			copy(last, sizeof(last), r.file);
			if (run(dir, r.file, &res) < 0) {
				fail = 1;
				continue;
			}
			nfiles++;
			if (res.nrcpt > 0)
				ndet++;
			else if (verbose)
				printf("MISS %s (family %s)\n", r.file, res.family);
			/* the dos/ and mac/ copies must agree with bsd/ */
			if (strncmp(r.file, "maildir/bsd/", 12) == 0) {
				char alt[2048];
				const char *v[] = { "dos", "mac" };
				int k, j;

				for (k = 0; k < 2; k++) {
					FILE *t;

					if (snprintf(alt, sizeof(alt), "%s/maildir/%s/%s",
						dir, v[k], r.file + 12) >= (int)sizeof(alt) ||
					    (t = fopen(alt, "r")) == NULL)
						continue;
					fclose(t);
					if (snprintf(alt, sizeof(alt), "maildir/%s/%s",
						v[k], r.file + 12) >= (int)sizeof(alt))
						continue;
					run(dir, alt, &base);
					if (base.nrcpt != res.nrcpt) {
						nmismatch_le++;
						if (verbose)
							printf("LINE-END %s: %d vs %d recipients\n", alt, base.nrcpt, res.nrcpt);
						continue;
					}
					for (j = 0; j < res.nrcpt; j++) {
						if (strcmp(base.reasons[j], res.reasons[j]) != 0) {
							nmismatch_le++;
							if (verbose)
								printf("LINE-END %s: %s vs %s\n", alt, base.reasons[j], res.reasons[j]);
							break;
						}
					}
				}
			}
		}
		nrows++;
		seen_rows++;
		if (r.index >= 1 && r.index <= res.nrcpt) {
			int i = r.index - 1;

			lay_n[res.layer[i]]++;
			if (reason_ok(r.reason, res.reasons[i])) {
				rreason++;
				lay_ok[res.layer[i]]++;
			} else if (verbose)
				printf("REASON %s #%d: want %s got %s (family %s, "
				       "rule %s)\n",
				    r.file, r.index, r.reason, res.reasons[i],
				    res.family, res.rule[i]);
			if (strcmp(r.status, res.status[i]) == 0)
				rstatus++;
			else if (verbose > 1)
				printf("STATUS %s #%d: want %s got %s\n", r.file,
				    r.index, r.status, res.status[i]);
			if (r.hard == res.hard[i])
				rhard++;
			else if (verbose)
				printf("HARD %s #%d: want %s got %s (reason %s)\n",
				    r.file, r.index, r.hard ? "hard" : "soft",
				    res.hard[i] ? "hard" : "soft", res.reasons[i]);
		} else if (verbose && res.nrcpt > 0) {
			printf("RCPT %s #%d: only %d recipients found\n", r.file,
			    r.index, res.nrcpt);
		}
	}
	fclose(f);

	snprintf(path, sizeof(path), "%s/negatives.txt", dir);
	if ((f = fopen(path, "r")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL) {
			line[strcspn(line, "\n")] = '\0';
			if (line[0] == '\0' || line[0] == '#')
				continue;
			nneg++;
			if (run(dir, line, &res) == 0 && res.nrcpt > 0) {
				nfp++;
				printf("FALSE POSITIVE %s: %d recipients (family %s)\n",
				    line, res.nrcpt, res.family);
			}
		}
		fclose(f);
	}

	printf("corpus: %d messages, %d recipient rows, %d negatives\n", nfiles,
	    nrows, nneg);
	printf("  detected:       %6.2f%% (%d/%d messages; floor %.0f%%)\n",
	    pct(ndet, nfiles), ndet, nfiles, FLOOR_DETECTED);
	printf("  reason right:   %6.2f%% (%d/%d recipients; floor %.0f%%)\n",
	    pct(rreason, nrows), rreason, nrows, FLOOR_REASON);
	printf("  by layer:      ");
	for (l = 0; l < LAYER_COUNT; l++) {
		if (lay_n[l] > 0)
			printf(" %s %d/%d", decision_layer_name(l), lay_ok[l],
			    lay_n[l]);
	}
	printf("\n");
	printf("  status right:   %6.2f%% (%d/%d)\n", pct(rstatus, nrows),
	    rstatus, nrows);
	printf("  hard/soft right:%6.2f%% (%d/%d)\n", pct(rhard, nrows), rhard,
	    nrows);
	printf("  false positives: %d of %d negatives (floor 0)\n", nfp, nneg);
	printf("  LF/CRLF/CR copies differing: %d (floor 0)\n", nmismatch_le);
	printf("  time: %.3f s CPU\n", (double)(clock() - t0) / CLOCKS_PER_SEC);

	if (pct(ndet, nfiles) < FLOOR_DETECTED || pct(rreason, nrows) < FLOOR_REASON ||
	    nfp > 0 || nmismatch_le > 0 || fail) {
		printf("corpus: FAILED: below a floor\n");
		return 1;
	}
	printf("corpus: passed\n");
	return 0;
}
