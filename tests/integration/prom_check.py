#!/usr/bin/python3
"""A strict reader of the Prometheus text exposition format 0.0.4.

  prom_check.py FILE   prints {"name{label=\\"v\\",...}": value, ...} as JSON,
                       or exits 1 naming the first line that breaks the format

What it holds the file to (https://prometheus.io/docs/instrumenting/
exposition_formats/#text-based-format): every line ends in LF, the last too;
a comment line is "# HELP name docstring" (escapes \\\\ and \\n only),
"# TYPE name type" with a known type, or other text after "# "; HELP and
TYPE at most once per name, TYPE before the family's first sample; a
family's samples are contiguous; a sample is name, optional {labels},
value, optional integer timestamp, separated by one space; names and label
names match their regular expressions, label values are double-quoted
with only \\\\, \\" and \\n as escapes, no label twice; a counter's name ends in
_total and its value is not negative; no series twice. Standard library
only; run with Debian's /usr/bin/python3.
"""
import json
import math
import re
import sys

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


def die(n, line, why):
    sys.exit("prom_check: line %d: %s: %r" % (n, why, line))


def parse_value(n, line, s):
    if s in ("+Inf", "-Inf", "NaN"):
        return float(s.replace("Inf", "inf").replace("NaN", "nan"))
    if not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", s):
        die(n, line, "not a float")
    return float(s)


def parse_labels(n, line, s, i):
    """s[i] is after '{'; returns (labels, index after '}')"""
    labels = []
    while True:
        if s[i] == "}":
            return labels, i + 1
        m = LABEL.match(s, i)
        if not m:
            die(n, line, "bad label name")
        name = m.group(0)
        i = m.end()
        if s[i:i + 2] != '="':
            die(n, line, "label without =\"")
        i += 2
        val = []
        while True:
            if i >= len(s):
                die(n, line, "unterminated label value")
            c = s[i]
            if c == "\\":
                if i + 1 >= len(s) or s[i + 1] not in '\\"n':
                    die(n, line, "bad escape in a label value")
                val.append({"\\": "\\", '"': '"', "n": "\n"}[s[i + 1]])
                i += 2
            elif c == '"':
                i += 1
                break
            elif c == "\n":
                die(n, line, "line feed in a label value")
            else:
                val.append(c)
                i += 1
        if name in [k for k, _ in labels]:
            die(n, line, "label twice")
        labels.append((name, "".join(val)))
        if s[i] == ",":
            i += 1
        elif s[i] != "}":
            die(n, line, "labels not separated by ,")


def main():
    data = open(sys.argv[1], "rb").read()
    if not data.endswith(b"\n"):
        sys.exit("prom_check: the last line has no LF")
    text = data.decode("utf-8")
    helps, types, done, series = {}, {}, set(), {}
    current = None
    for n, line in enumerate(text.split("\n")[:-1], 1):
        if line == "":
            continue
        if line.startswith("#"):
            parts = line.split(" ", 3)
            if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
                name = parts[2]
                if not NAME.fullmatch(name):
                    die(n, line, "bad metric name")
                if parts[1] == "HELP":
                    if name in helps:
                        die(n, line, "HELP twice")
                    doc = parts[3] if len(parts) > 3 else ""
                    if re.search(r"\\[^\\n]", doc):
                        die(n, line, "bad escape in HELP")
                    helps[name] = doc
                else:
                    if name in types:
                        die(n, line, "TYPE twice")
                    if len(parts) != 4 or parts[3] not in TYPES:
                        die(n, line, "unknown type")
                    if name in done or current == name and series:
                        die(n, line, "TYPE after samples")
                    types[name] = parts[3]
            continue
        m = NAME.match(line)
        if not m:
            die(n, line, "bad metric name")
        name, i = m.group(0), m.end()
        labels = []
        if i < len(line) and line[i] == "{":
            labels, i = parse_labels(n, line, line, i + 1)
        rest = line[i:]
        if not rest.startswith(" ") or "  " in rest:
            die(n, line, "fields not separated by one space")
        fields = rest[1:].split(" ")
        if len(fields) not in (1, 2):
            die(n, line, "extra fields")
        value = parse_value(n, line, fields[0])
        if len(fields) == 2 and not re.fullmatch(r"-?\d+", fields[1]):
            die(n, line, "bad timestamp")
        if name != current:
            if name in done:
                die(n, line, "family not contiguous")
            if current is not None:
                done.add(current)
            current = name
        if name not in types:
            die(n, line, "sample before its TYPE")
        if types[name] == "counter":
            if not name.endswith("_total"):
                die(n, line, "counter not named *_total")
            if value < 0 or math.isnan(value):
                die(n, line, "counter below 0")
        key = name + ("{" + ",".join('%s="%s"' % (k, v.replace("\\", "\\\\")
                      .replace('"', '\\"').replace("\n", "\\n"))
                      for k, v in labels) + "}" if labels else "")
        if key in series:
            die(n, line, "series twice")
        series[key] = value
    print(json.dumps(series, sort_keys=True))


main()
