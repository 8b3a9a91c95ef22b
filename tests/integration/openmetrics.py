#!/usr/bin/python3
"""openmetrics.py: a small, strict parser of OpenMetrics 1.0.0 text.

  openmetrics.py check FILE [--prometheus]   validate; print a summary
  openmetrics.py get FILE SERIES...          validate; print each value
  openmetrics.py same A B [--ignore NAME]... same families; same series
                                             and values but in family NAME
  openmetrics.py selftest                    the parser rejects bad text

FILE may be "-" for stdin.  Exit status 0 when valid, 1 with
"FILE:LINE: message" on stderr when not, 2 on usage errors.

What it checks (OpenMetrics 1.0.0, the ABNF and the MetricFamily rules):
UTF-8; every line ends with LF, no empty lines; "# EOF" is the last line
and appears once; TYPE, UNIT and HELP lines name a valid metric name, at
most one of each per family, before the family's samples; a family's
lines are contiguous (families are not interleaved) and each family is
declared once; every sample belongs to the family declared just before
it (stricter than the spec, which allows untyped samples); sample names
carry the suffix their type requires (counter: _total, or _created;
info: _info; gauge and stateset: none) and a counter's family name does
not itself end in _total; label names are valid, not reserved (__),
unique within a sample; label values and HELP use only the escapes \\\\,
\\" and \\n; numbers are floats, +Inf, -Inf or NaN; counters are
non-negative and not NaN; info samples are 1; stateset samples are 0
or 1 and carry a label named after the family; a histogram's samples
are _bucket (with le, increasing, cumulative, +Inf last), _count (the
+Inf bucket), _sum or _created; a UNIT is the suffix of
its family's name; no two samples are the same series; no family could
produce a sample name another family produces.

With --prometheus the text is the Prometheus text format 0.0.4 instead:
no "# EOF", no UNIT, a counter's TYPE names its samples (x_total), and
info and stateset are not types.
"""
import math
import re
import sys

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*\Z")
LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*\Z")
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
TYPES = {"counter", "gauge", "info", "stateset", "unknown",
         "histogram", "gaugehistogram", "summary"}
SUFFIXES = {
    "counter": ("_total", "_created"),
    "gauge": ("",),
    "info": ("_info",),
    "stateset": ("",),
    "unknown": ("",),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
}


class Invalid(Exception):
    def __init__(self, line, msg):
        Exception.__init__(self, "%s: %s" % (line, msg))
        self.line = line


def unescape(s, line, what):
    """Value of an escaped string: only \\\\, \\" and \\n are escapes."""
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\":
            if i + 1 >= len(s) or s[i + 1] not in '\\"n':
                raise Invalid(line, "bad escape in %s: %r" % (what, s[i:i + 2]))
            out.append({"\\": "\\", '"': '"', "n": "\n"}[s[i + 1]])
            i += 2
        elif c == '"':
            raise Invalid(line, "unescaped quote in %s" % what)
        elif c == "\n":
            raise Invalid(line, "newline in %s" % what)
        else:
            out.append(c)
            i += 1
    return "".join(out)


def parse_labels(s, line):
    """s starts after '{'; returns (dict in order, rest after '}')."""
    labels, i = {}, 0
    if s.startswith("}"):
        return labels, s[1:]
    while True:
        m = re.match(r"([^=]*)=\"", s[i:])
        if not m:
            raise Invalid(line, "expected NAME=\"VALUE\" in labels")
        name = m.group(1)
        if not LABEL.match(name):
            raise Invalid(line, "bad label name %r" % name)
        if name.startswith("__"):
            raise Invalid(line, "reserved label name %r" % name)
        if name in labels:
            raise Invalid(line, "label %r twice" % name)
        i += m.end()
        j = i
        while j < len(s) and s[j] != '"':
            j += 2 if s[j] == "\\" else 1
        if j >= len(s):
            raise Invalid(line, "unterminated label value")
        labels[name] = unescape(s[i:j], line, "label value")
        i = j + 1
        if s[i:i + 1] == "}":
            return labels, s[i + 1:]
        if s[i:i + 1] != ",":
            raise Invalid(line, "expected , or } after a label")
        i += 1
        if s[i:i + 1] == "}":
            return labels, s[i + 1:]


def parse_number(s, line):
    if s in ("+Inf", "Inf"):
        return math.inf
    if s == "-Inf":
        return -math.inf
    if s == "NaN":
        return math.nan
    if not NUMBER.match(s):
        raise Invalid(line, "bad number %r" % s)
    return float(s)


def series_key(name, labels):
    return name + "{" + ",".join('%s="%s"' % kv for kv in sorted(labels.items())) + "}"


class Family:
    def __init__(self, name, line):
        self.name, self.line = name, line
        self.type = self.unit = self.help = None
        self.samples = []


def parse(data, prometheus=False, where="-"):
    """Families in order, each with its samples [(name, labels, value)]."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Invalid("%s:?" % where, "not UTF-8: %s" % e)
    if not text.endswith("\n"):
        raise Invalid("%s:end" % where, "the text does not end with a newline")
    lines = text[:-1].split("\n")
    if not prometheus:
        if lines[-1] != "# EOF":
            raise Invalid("%s:%d" % (where, len(lines)), "the last line is not # EOF")
        lines = lines[:-1]
    families, by_name, series = [], {}, {}
    cur = None
    for n, l in enumerate(lines, 1):
        at = "%s:%d" % (where, n)
        if l == "":
            raise Invalid(at, "empty line")
        if l == "# EOF":
            raise Invalid(at, "# EOF before the end")
        if l.startswith("#"):
            m = re.match(r"# (TYPE|HELP|UNIT) (\S+)(?: (.*))?\Z", l, re.S)
            if not m:
                if prometheus:
                    continue            # 0.0.4: other comments are allowed
                raise Invalid(at, "not a TYPE, HELP or UNIT line: %r" % l)
            kind, name, rest = m.group(1), m.group(2), m.group(3)
            if not NAME.match(name):
                raise Invalid(at, "bad metric name %r" % name)
            if cur is None or cur.name != name:
                if name in by_name:
                    raise Invalid(at, "family %s again (first at line %d): "
                                  "families must not be interleaved" % (name, by_name[name].line))
                cur = Family(name, n)
                families.append(cur)
                by_name[name] = cur
            elif cur.samples:
                raise Invalid(at, "%s line of %s after its samples" % (kind, name))
            if kind == "TYPE":
                if cur.type is not None:
                    raise Invalid(at, "second TYPE for %s" % name)
                if rest not in TYPES:
                    raise Invalid(at, "unknown type %r" % rest)
                if rest not in SUFFIXES:
                    raise Invalid(at, "type %s: not supported by this parser" % rest)
                if prometheus and rest in ("info", "stateset"):
                    raise Invalid(at, "type %s is not in the 0.0.4 format" % rest)
                if rest == "counter" and not prometheus and name.endswith("_total"):
                    raise Invalid(at, "counter family %s ends in _total: its "
                                  "samples would be %s_total" % (name, name))
                if rest == "counter" and prometheus and not name.endswith("_total"):
                    raise Invalid(at, "counter %s does not end in _total" % name)
                cur.type = rest
            elif kind == "HELP":
                if cur.help is not None:
                    raise Invalid(at, "second HELP for %s" % name)
                cur.help = unescape(rest or "", at, "HELP") if not prometheus else (rest or "")
            else:
                if prometheus:
                    raise Invalid(at, "UNIT is not in the 0.0.4 format")
                if cur.unit is not None:
                    raise Invalid(at, "second UNIT for %s" % name)
                if not rest or not name.endswith("_" + rest):
                    raise Invalid(at, "unit %r is not the suffix of %s" % (rest, name))
                cur.unit = rest
            continue
        # A sample: name [{labels}] SP value [SP timestamp] [exemplar]
        m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)", l)
        if not m:
            raise Invalid(at, "bad sample line %r" % l)
        name, rest = m.group(1), l[m.end():]
        labels = {}
        if rest.startswith("{"):
            labels, rest = parse_labels(rest[1:], at)
        if not rest.startswith(" "):
            raise Invalid(at, "expected a space before the value")
        exemplar = None
        if " # " in rest:
            rest, exemplar = rest.split(" # ", 1)
        parts = rest[1:].split(" ")
        if len(parts) not in (1, 2) or "" in parts:
            raise Invalid(at, "expected VALUE [TIMESTAMP], got %r" % rest[1:])
        value = parse_number(parts[0], at)
        if len(parts) == 2:
            parse_number(parts[1], at)
        if cur is None or cur.type is None:
            raise Invalid(at, "sample %s before any TYPE line" % name)
        suffixes = SUFFIXES[cur.type] if not prometheus or \
            cur.type == "histogram" else ("",)
        if not any(name == cur.name + s for s in suffixes):
            raise Invalid(at, "sample %s is not of family %s (%s: %s)" % (
                name, cur.name, cur.type, " or ".join(cur.name + s for s in suffixes)))
        if exemplar is not None and not (cur.type == "counter" and name.endswith("_total")):
            raise Invalid(at, "exemplar on a sample that cannot have one")
        if cur.type == "counter" and (math.isnan(value) or value < 0):
            raise Invalid(at, "counter %s is %s" % (name, parts[0]))
        if cur.type == "info" and value != 1:
            raise Invalid(at, "info %s is %s, not 1" % (name, parts[0]))
        if cur.type == "stateset" or (prometheus and cur.name in labels):
            if value not in (0, 1):
                raise Invalid(at, "state %s is %s, not 0 or 1" % (name, parts[0]))
            if cur.name not in labels:
                raise Invalid(at, "stateset %s without a label %s" % (name, cur.name))
        if cur.type == "histogram":
            if name.endswith("_bucket") != ("le" in labels):
                raise Invalid(at, "%s: le belongs on _bucket samples, and only there" % name)
            if value < 0 or math.isnan(value):
                raise Invalid(at, "histogram %s is %s" % (name, parts[0]))
        key = series_key(name, labels)
        if key in series:
            raise Invalid(at, "series %s again (first at line %d)" % (key, series[key]))
        series[key] = n
        cur.samples.append((name, labels, value))
    for f in families:
        if f.type == "histogram":
            check_histogram(f, where)
    # Names a family may produce must not be another family's.
    produced = {}
    for f in families:
        for s in (SUFFIXES.get(f.type, ("",)) if not prometheus else ("",)):
            other = produced.get(f.name + s)
            if other is not None:
                raise Invalid("%s:%d" % (where, f.line), "family %s clashes with %s "
                              "over the name %s" % (f.name, other, f.name + s))
            produced[f.name + s] = f.name
    return families


def check_histogram(f, where):
    """Buckets in increasing le, cumulative, ending at +Inf; _count is the
    +Inf bucket; per label set (le aside)."""
    at = "%s:%d" % (where, f.line)
    groups = {}
    for name, labels, value in f.samples:
        rest = tuple(sorted((k, v) for k, v in labels.items() if k != "le"))
        g = groups.setdefault(rest, {"le": [], "count": None})
        if name.endswith("_bucket"):
            le = labels["le"]
            try:
                bound = float(le)
            except ValueError:
                raise Invalid(at, "%s: le %r is not a number" % (f.name, le))
            g["le"].append((bound, value))
        elif name.endswith("_count"):
            g["count"] = value
    for rest, g in groups.items():
        les = g["le"]
        if not les or les[-1][0] != math.inf:
            raise Invalid(at, "histogram %s has no +Inf bucket last" % f.name)
        for (b0, v0), (b1, v1) in zip(les, les[1:]):
            if b1 <= b0:
                raise Invalid(at, "histogram %s: le not increasing" % f.name)
            if v1 < v0:
                raise Invalid(at, "histogram %s: buckets not cumulative" % f.name)
        if g["count"] is not None and g["count"] != les[-1][1]:
            raise Invalid(at, "histogram %s: _count is not the +Inf bucket" % f.name)


def load(path, prometheus=False):
    data = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()
    return parse(data, prometheus, path)


def values(families):
    return {series_key(n, l): v for f in families for (n, l, v) in f.samples}


def query_key(q):
    """A series as written on the command line: name{a="b",...}."""
    m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)", q)
    if not m:
        raise Invalid("query", "bad series %r" % q)
    labels, rest = {}, q[m.end():]
    if rest.startswith("{"):
        labels, rest = parse_labels(rest[1:], "query")
    if rest:
        raise Invalid("query", "trailing %r in %r" % (rest, q))
    return series_key(m.group(1), labels)


def fmt(v):
    return str(int(v)) if v == int(v) and abs(v) < 2 ** 63 else repr(v)


BAD = [
    ("no EOF", b"# TYPE a gauge\na 1\n"),
    ("EOF twice", b"# TYPE a gauge\na 1\n# EOF\n# EOF\n"),
    ("no final newline", b"# TYPE a gauge\na 1\n# EOF"),
    ("empty line", b"# TYPE a gauge\n\na 1\n# EOF\n"),
    ("sample before TYPE", b"a 1\n# TYPE a gauge\n# EOF\n"),
    ("TYPE after samples", b"# HELP a x\na 1\n# TYPE a gauge\n# EOF\n"),
    ("HELP after samples", b"# TYPE a gauge\na 1\n# HELP a x\n# EOF\n"),
    ("raw quote in HELP", b'# TYPE a gauge\n# HELP a say "x"\na 1\n# EOF\n'),
    ("counter without _total", b"# TYPE a counter\na 1\n# EOF\n"),
    ("counter family named _total", b"# TYPE a_total counter\na_total_total 1\n# EOF\n"),
    ("negative counter", b"# TYPE a counter\na_total -1\n# EOF\n"),
    ("interleaved", b"# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\n# TYPE a gauge\n# EOF\n"),
    ("duplicate series", b'# TYPE a gauge\na{x="1"} 1\na{x="1"} 2\n# EOF\n'),
    ("duplicate label", b'# TYPE a gauge\na{x="1",x="2"} 1\n# EOF\n'),
    ("bad escape", b'# TYPE a gauge\na{x="\\t"} 1\n# EOF\n'),
    ("raw quote", b'# TYPE a gauge\na{x="a"b"} 1\n# EOF\n'),
    ("bad label name", b'# TYPE a gauge\na{1x="1"} 1\n# EOF\n'),
    ("reserved label", b'# TYPE a gauge\na{__x="1"} 1\n# EOF\n'),
    ("bad number", b"# TYPE a gauge\na 1,5\n# EOF\n"),
    ("not UTF-8", b'# TYPE a gauge\na{x="\xff"} 1\n# EOF\n'),
    ("unit not a suffix", b"# TYPE a gauge\n# UNIT a seconds\na 1\n# EOF\n"),
    ("wrong family", b"# TYPE a gauge\nb 1\n# EOF\n"),
    ("info not 1", b'# TYPE a info\na_info{v="1"} 2\n# EOF\n'),
    ("stateset without its label", b"# TYPE a stateset\na 1\n# EOF\n"),
    ("clash", b"# TYPE a counter\na_total 1\n# TYPE a_total gauge\na_total 1\n# EOF\n"),
    ("second TYPE", b"# TYPE a gauge\n# TYPE a gauge\na 1\n# EOF\n"),
    ("unknown comment", b"# hello\n# TYPE a gauge\na 1\n# EOF\n"),
    ("histogram without +Inf", b'# TYPE h histogram\nh_bucket{le="1"} 1\nh_count 1\n# EOF\n'),
    ("histogram not cumulative",
     b'# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\n# EOF\n'),
    ("histogram count", b'# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_count 1\n# EOF\n'),
]
GOOD = [
    b"# EOF\n",
    b'# TYPE a counter\n# HELP a x \\\\ \\n \\"\na_total{x="q\\"\\\\\\n"} 1\na_created 5\n# EOF\n',
    b"# TYPE a_seconds gauge\n# UNIT a_seconds seconds\na_seconds 1.5e3\na_seconds{b=\"\"} NaN\n# EOF\n",
    b'# TYPE s stateset\ns{s="x"} 1\ns{s="y"} 0\n# TYPE i info\ni_info{v="1"} 1\n# EOF\n',
    b"# TYPE a gauge\n# TYPE b gauge\nb -Inf\n# EOF\n",
    b'# TYPE h_seconds histogram\n# UNIT h_seconds seconds\nh_seconds_bucket{le="0.5"} 1\n'
    b'h_seconds_bucket{le="1.0"} 3\nh_seconds_bucket{le="+Inf"} 3\nh_seconds_count 3\n'
    b'h_seconds_sum 1.25\n# EOF\n',
]


def selftest():
    bad = 0
    for what, text in BAD:
        try:
            parse(text)
            print("selftest: accepted %s: %r" % (what, text))
            bad += 1
        except Invalid:
            pass
    for text in GOOD:
        try:
            parse(text)
        except Invalid as e:
            print("selftest: refused valid text %r: %s" % (text, e))
            bad += 1
    try:
        parse(b"# TYPE a_total counter\na_total 1\n# comment\n", prometheus=True)
    except Invalid as e:
        print("selftest: refused 0.0.4 text: %s" % e)
        bad += 1
    print("selftest: %d bad and %d good texts, %d wrong" % (len(BAD), len(GOOD) + 1, bad))
    return 1 if bad else 0


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    cmd, args = argv[1], argv[2:]
    try:
        if cmd == "selftest":
            return selftest()
        if cmd == "check" and len(args) in (1, 2):
            prom = "--prometheus" in args[1:]
            fams = load(args[0], prom)
            print("ok: %d families, %d samples" % (len(fams), sum(len(f.samples) for f in fams)))
            return 0
        if cmd == "get" and len(args) >= 2:
            vals = values(load(args[0]))
            rc = 0
            for q in args[1:]:
                k = query_key(q)
                if k not in vals:
                    sys.stderr.write("openmetrics.py: no series %s\n" % q)
                    print("none")
                    rc = 1
                else:
                    print(fmt(vals[k]))
            return rc
        if cmd == "same" and len(args) >= 2:
            a, b = load(args[0]), load(args[1])
            ignore = set(args[i + 1] for i, x in enumerate(args) if x == "--ignore")
            meta = lambda fs: [(f.name, f.type, f.unit, f.help) for f in fs]
            if meta(a) != meta(b):
                sys.stderr.write("openmetrics.py: families differ:\n  %s\n  %s\n" % (meta(a), meta(b)))
                return 1
            # Ignored families may differ in their series too.
            kept = lambda fs: [f for f in fs if f.name not in ignore]
            va, vb = values(kept(a)), values(kept(b))
            if set(va) != set(vb):
                sys.stderr.write("openmetrics.py: series differ: %s\n" % sorted(set(va) ^ set(vb)))
                return 1
            diff = [k for k in va if
                    not (va[k] == vb[k] or (math.isnan(va[k]) and math.isnan(vb[k])))]
            if diff:
                sys.stderr.write("openmetrics.py: values differ: %s\n" %
                                 ", ".join("%s %s/%s" % (k, va[k], vb[k]) for k in diff))
                return 1
            print("same: %d series" % len(va))
            return 0
    except Invalid as e:
        sys.stderr.write("openmetrics.py: %s\n" % e)
        return 1
    except OSError as e:
        sys.stderr.write("openmetrics.py: %s\n" % e)
        return 2
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
