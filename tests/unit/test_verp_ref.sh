#!/bin/sh
# The Python reference of docs/VERP.md still computes the vectors that
# test_verp.c checks our C against (tests/fixtures/verp/vectors.tsv).
#   test_verp_ref.sh VERP.md VECTORS PYTHON3
set -eu
doc=$1 vectors=$2 python=$3
"$python" - "$doc" "$vectors" <<'PY'
import re, sys
doc = open(sys.argv[1], encoding="utf-8").read()
code = re.search(r"```python\n(.*?)```", doc, re.S).group(1)
ns = {}
exec(code, ns)
n = bad = 0
for line in open(sys.argv[2], encoding="utf-8"):
    if line.startswith("#"):
        continue
    key, tmpl, rcpt, now, want = line.rstrip("\n").split("\t")
    got = ns["verp_sign"](tmpl, key.encode(), rcpt, int(now))
    n += 1
    if got != want:
        bad += 1
        print(f"verp-reference: {rcpt}: {got} != {want}")
print(f"{n - bad} passed, {bad} failed")
sys.exit(1 if bad or n == 0 else 0)
PY
