#!/usr/bin/env python3
"""Reads drtriage's csv, xlsx, md and prom outputs back with real parsers
(Python's csv, openpyxl, cmark-gfm, promtool) and compares every value with
the JSON report of the same run. Also dumps an output's structure for the
golden cases (compared parsed, not byte for byte).

  verify.py csv REPORT.json FILE.csv TABLE [--excel]
  verify.py xlsx REPORT.json FILE.xlsx
  verify.py md REPORT.json FILE.md
  verify.py prom REPORT.json FILE.prom [SBC_MAX]
  verify.py structure FORMAT FILE          (prints the structure as JSON)

Exit status 0 when everything matches; each mismatch is printed."""
import csv
import html.parser
import math
import io
import json
import re
import subprocess
import sys
import zipfile

FAILURES = []


def fail(message):
    FAILURES.append(message)
    print("  mismatch:", message, file=sys.stderr)


def same(what, got, want):
    if got != want:
        fail(f"{what}: got {got!r}, want {want!r}")


# ---- text as every drtriage escaper cleans it (src/core/escape.c) ----

def hidden(cp):
    return (cp < 0x20 or 0x7F <= cp <= 0x9F or cp in (0x200E, 0x200F)
            or 0x202A <= cp <= 0x202E or 0x2066 <= cp <= 0x2069)


def clean(text):
    out = []
    for ch in text or "":
        if ch in "\t\n\r":
            out.append(" ")
        elif not hidden(ord(ch)):
            out.append(ch)
    return "".join(out)


def formula_risk(text):
    if not text:
        return False
    if text[0] in "\t\r":
        return True
    stripped = text.lstrip(" ")
    return bool(stripped) and stripped[0] in "=+-@"


# ---- the tables of the JSON report, as dt_table.h lays them out ----

ORIGINS = ("sbc", "microsoft", "unknown")
COUNTS = ["calls", "succeeded", "failed", "failed_sbc", "failed_microsoft", "failed_unknown",
          "effective", "ner"]
OTHER_CODES = "(other codes, beyond the table limit)"
OTHER_ROW = "(other, beyond the table limit)"


def counts(row):
    values = [row["calls"], row["succeeded"], row["failed"]]
    values += [row["failed_by_origin"][o] for o in ORIGINS]
    return values + [row["effective"], row["ner"]]


def c_round(value, decimals):
    """Rounded half away from zero, as the C writers do."""
    scale = 10 ** decimals
    return math.floor(value * scale + 0.5) / scale


def share(part, whole):
    return c_round(100.0 * part / whole, 1) if whole else None


MEASURES = ["acd_calls", "acd", "short_calls", "short_share", "to_failure_calls",
            "to_failure_median", "to_failure_p95"]
CONCURRENCY = ["concurrency.peak", "concurrency.at", "concurrency.limit", "concurrency.use",
               "concurrency.near_limit", "concurrency.untracked"]
# the columns that hold UTC times (dates in a workbook)
TIME_KEYS = {"start", "concurrency.at", "totals.first_start", "totals.last_start"}
# the columns a writer rounds to one decimal (the rest of the fractions: two)
ONE_DECIMAL = {"share", "acd", "short_share", "concurrency.use"}
GATE_KEYS = ["verdict", "expr", "metric", "sbc", "value", "limit", "unit", "denominator",
             "judged", "breached", "why"]


def measures(row):
    """A JSON row's measures as the metrics tables lay them out."""
    acd_calls, short = row["acd_calls"], row["short_calls"]
    return [acd_calls, row["acd"] if acd_calls else None, short,
            share(short, acd_calls) if acd_calls is not None else None,
            row["to_failure_calls"], row["to_failure_median"], row["to_failure_p95"]]


def concurrency(row):
    c = row.get("concurrency")
    if not c:
        return [None] * len(CONCURRENCY)
    return [c["peak"], c["at"], c["limit"], share(c["peak"], c["limit"]) if c["limit"] else None,
            c["near_limit"], c["untracked"]]


SECONDS = {"acd", "to_failure_median", "to_failure_p95"}


def duration(seconds):
    """A duration as people read it (dt_format_duration)."""
    s = math.floor(seconds + 0.5)
    if seconds < 0:
        return "-"
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h" + ("+" if s >= 86400 else "")


class FilterLine(str):
    """A filter's sentence: the JSON has its option and calls, not the noun of
    its values, so it equals any text that says what the option matched."""

    def __new__(cls, match):
        self = super().__new__(cls, match["option"])
        self.calls = match["calls"]
        return self

    def __eq__(self, other):
        if isinstance(other, str) and formula_risk(str.__str__(self)) and other.startswith("'"):
            other = other[1:]  # CSV neutralises "--sbc" against formula injection
        if not isinstance(other, str) or not other.startswith(clean(str.__str__(self)) + " matched "):
            return False
        n = self.calls
        return other.endswith(f"matched {n} call{'' if n == 1 else 's'}") if n \
            else " matched no call" in other

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = str.__hash__


def verdict(gate):
    return "breached" if gate["breached"] else "passed" if gate["judged"] else "not judged"


def group_keys(report, row):
    n = len(report["group_columns"])
    return [OTHER_ROW] + [""] * (n - 1) if row["other"] else list(row["group"])


def summary_rows(report):
    t, origins = report["totals"], {o["origin"]: o["failed"] for o in report["by_origin"]}
    dated = [r["start"] for r in report["by_time"] if not r["other"]]
    figures = {
        "totals.rows": t["rows"], "totals.call_rows": t["call_rows"],
        "totals.calls": t["calls"], "totals.succeeded": t["succeeded"],
        "totals.failed": t["failed"], "totals.failed_expected": t["failed_expected"],
        "totals.ner": t["ner"], "by_origin.sbc": origins["sbc"],
        "by_origin.microsoft": origins["microsoft"], "by_origin.unknown": origins["unknown"],
        "totals.rejected": t["rejected"], "totals.excluded": t["excluded"],
        "totals.duplicates": t["duplicates"],
        "by_time.first": dated[0] if dated else None, "by_time.last": dated[-1] if dated else None,
        "filters": report["filters"],
        "totals.first_start": t["first_start"], "totals.last_start": t["last_start"],
        "faults": t["failed"] - t["failed_expected"],
        "totals.excluded_calls": t["excluded_calls"], "totals.undated": t["undated"],
        "totals.duplicate_calls": t["duplicate_calls"], "skipped": len(report["skipped"]),
        "totals.acd_calls": t["acd_calls"], "totals.acd": t["acd"] if t["acd_calls"] else None,
        "totals.short_calls": t["short_calls"], "totals.to_failure_calls": t["to_failure_calls"],
        "totals.to_failure_median": t["to_failure_median"],
        "totals.to_failure_p95": t["to_failure_p95"],
        "totals.concurrency.peak": t["concurrency"]["peak"] if t["concurrency"] else None,
        "gates.breached": sum(g["breached"] for g in report["gates"]) if report["gates"] else None,
        "gates.judged": sum(g["judged"] for g in report["gates"]) if report["gates"] else None,
    }
    return figures


def table(report, name):
    """(header keys, rows) of a table, values as the JSON has them (None for null)."""
    if name == "actions":
        failed = report["totals"]["failed"]
        return (["action", "title", "owner", "expected", "failed", "share"],
                [[a["action"], a["title"], a["owner"], a["expected"], a["failed"],
                  share(a["failed"], failed)] for a in report["by_action"]])
    if name == "codes":
        rows = []
        for c in report["by_code"]:
            samples = " ".join(s["correlation"] for s in c["samples"]) or None
            rows.append([c["sip"], c["ms"], OTHER_CODES if c["other"] else c["phrase"], c["origin"],
                         c["action"], c["known"], c["level"], c["failed"], samples])
        return ["sip", "ms", "phrase", "origin", "action", "known", "level", "failed", "samples"], rows
    if name == "sbc":
        return (["sbc"] + COUNTS,
                [[OTHER_ROW if r["other"] else r["sbc"]] + counts(r) for r in report["by_sbc"]])
    if name == "time":
        return (["start"] + COUNTS + ["partial"],
                [[OTHER_ROW if r["other"] else r["start"]] + counts(r) + [r["partial"]]
                 for r in report["by_time"]])
    if name == "group":
        return (list(report["group_columns"]) + COUNTS,
                [group_keys(report, r) + counts(r) for r in report["by_group"]])
    if name == "group-time":
        return (list(report["group_columns"]) + ["start"] + COUNTS + ["partial"],
                [group_keys(report, r) + ["" if r["other"] else r["start"]] + counts(r)
                 + [r["partial"]] for r in report["by_group_time"]])
    if name == "gates":
        return GATE_KEYS, [[verdict(g)] + [g[k] for k in GATE_KEYS[1:]] for g in report["gates"]]
    if name == "inputs":
        keys = ["path", "family", "rows", "call_rows", "calls", "rejected", "excluded",
                "duplicates", "skipped"]
        rows = [[i[k] for k in keys[:-1]] + [None] for i in report["inputs"]]
        rows += [[s["path"]] + [None] * 7 + [f"{s['kind']}: {s['reason']}"] for s in report["skipped"]]
        return keys, rows
    if name == "notes":
        rows = [["filter_matches", FilterLine(m), m["calls"]] for m in report["filter_matches"]]
        rows += [["rejected_rows", f"{r['path']}:{r['line']}: {r['reason']}", None]
                 for r in report["rejected_rows"]]
        return ["section", "text", "calls"], rows + [["notes", n, None] for n in report["notes"]]
    if name == "metrics":
        return (["sbc"] + MEASURES + CONCURRENCY,
                [[OTHER_ROW if r["other"] else r["sbc"]] + measures(r) + concurrency(r)
                 for r in report["by_sbc"]])
    if name == "time-metrics":
        return (["start"] + MEASURES,
                [[OTHER_ROW if r["other"] else r["start"]] + measures(r) for r in report["by_time"]])
    if name == "group-metrics":
        return (list(report["group_columns"]) + MEASURES,
                [group_keys(report, r) + measures(r) for r in report["by_group"]])
    if name == "summary":
        figures = summary_rows(report)
        return ["key", "metric", "value"], [[k, None, v] for k, v in figures.items()]
    raise SystemExit(f"unknown table {name}")


# ---- CSV ----

def as_csv_text(value, excel):
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, float):
        text = f"{value:.2f}" if round(value, 1) != value or len(str(value).split(".")[-1]) > 1 else f"{value:.1f}"
        return text.replace(".", ",") if excel else text
    if isinstance(value, int):
        return str(value)
    text = clean(value)
    return "'" + text if formula_risk(value) else text


def check_csv(report, path, name, excel):
    raw = open(path, "rb").read()
    bom = b"\xef\xbb\xbf"
    same("BOM", raw.startswith(bom), excel)
    text = raw[len(bom):].decode("utf-8") if excel else raw.decode("utf-8")
    same("line ends are CRLF", text.count("\r\n"), text.count("\n"))
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";" if excel else ","))
    keys, want = table(report, name)
    same("header", rows[0], [clean(k) for k in keys])
    same("row count", len(rows) - 1, len(want))
    for i, (got, expect) in enumerate(zip(rows[1:], want), 1):
        for k, g, w in zip(keys, got, expect):
            if isinstance(w, FilterLine):
                same(f"row {i} {k} says what {str.__str__(w)} matched", w == g, True)
            elif name == "gates" and k == "limit":
                text = f"{w:.4f}".rstrip("0").rstrip(".")
                same(f"row {i} {k}", g, text.replace(".", ",") if excel else text)
            elif isinstance(w, float) or (k in ONE_DECIMAL and w is not None):
                text = f"{w:.1f}" if k in ONE_DECIMAL else f"{w:.2f}"
                same(f"row {i} {k}", g, text.replace(".", ",") if excel else text)
            else:
                same(f"row {i} {k}", g, as_csv_text(w, excel))


# ---- XLSX ----

SHEETS = {"Summary": "summary", "Inputs": "inputs", "Gates": "gates", "Actions": "actions", "Codes": "codes",
          "SBCs": "sbc", "SBC metrics": "metrics", "Time series": "time",
          "Time metrics": "time-metrics", "Groups": "group", "Group metrics": "group-metrics",
          "Group series": "group-time", "Notes": "notes"}


def check_xlsx(report, path):
    import datetime
    import openpyxl
    book = openpyxl.load_workbook(path)
    same("sheets", book.sheetnames, list(SHEETS))
    for title, name in SHEETS.items():
        ws = book[title]
        keys, want = table(report, name)
        same(f"{title}: frozen header", ws.freeze_panes, "A2")
        same(f"{title}: autofilter", ws.auto_filter.ref,
             f"A1:{openpyxl.utils.get_column_letter(len(keys))}{len(want) + 1}")
        header = [c.value for c in ws[1]]
        same(f"{title}: header", header, [clean(k) for k in keys])
        same(f"{title}: bold header", all(c.font.b for c in ws[1]), True)
        same(f"{title}: rows", ws.max_row - 1 if want else 0, len(want))
        for letter, dim in ws.column_dimensions.items():
            if dim.width is not None and not 8 <= dim.width <= 61:
                fail(f"{title}: column {letter} width {dim.width}")
        for i, expect in enumerate(want, 2):
            cells = ws[i]
            for k, cell, w in zip(keys, cells, expect):
                where = f"{title}!{cell.coordinate} ({k})"
                if name == "summary" and k == "metric":
                    continue
                if cell.data_type == "f":
                    fail(f"{where} is a formula")
                if w is None:
                    same(where, cell.value, None)
                elif (k in TIME_KEYS or (name == "summary" and k == "value"
                                         and expect[0] in TIME_KEYS)) and w != OTHER_ROW:
                    want_time = datetime.datetime.strptime(w, "%Y-%m-%dT%H:%M:%SZ")
                    same(where, cell.value, want_time)
                    same(f"{where} is a date", cell.is_date, True)
                elif isinstance(w, bool):
                    same(where, cell.value, w)
                elif isinstance(w, (int, float)):
                    same(f"{where} is a number", cell.data_type, "n")
                    same(where, cell.value, w)
                elif isinstance(w, FilterLine):
                    same(f"{where} says what {str.__str__(w)} matched", w == cell.value, True)
                else:
                    same(f"{where} is a string", cell.data_type, "s")
                    same(where, cell.value, clean(w))
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        if report["by_time"]:
            same("charts of the time series", len(charts), 2)
            for c in charts:
                xml = z.read(c).decode()
                if "'Time series'!" not in xml or "<c:lineChart>" not in xml:
                    fail(f"{c} is not a line chart of the time series")
        else:
            same("charts without a time series", charts, [])


# ---- Markdown, rendered by cmark-gfm ----

class Tree(html.parser.HTMLParser):
    """Tables (header and rows of cell texts), links and every element seen."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables, self.links, self.tags = [], [], []
        self.cell = None
        self.row = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = []
        elif tag == "a":
            self.links.append(dict(attrs).get("href"))

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append("".join(self.cell))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[-1].append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def render_markdown(path):
    out = subprocess.run(["cmark-gfm", "-e", "table", "-e", "autolink", "-e", "tagfilter",
                          "-e", "strikethrough", path], check=True, capture_output=True)
    tree = Tree()
    tree.feed(out.stdout.decode())
    return tree


# The tables a Markdown report has: the first two headings that find it, the
# columns it shows.
MD_TABLES = {"codes": (("SIP", "Microsoft code"), ["sip", "ms", "phrase", "origin", "action", "failed"]),
             "sbc": (("SBC", "Calls"), ["sbc", "calls", "failed", "failed_sbc", "failed_microsoft", "ner"]),
             "gates": (("Verdict", "Gate"), ["verdict", "expr", "value", "limit", "unit", "denominator",
                                             "why"]),
             "metrics": (("SBC", "Answered"), ["sbc", "acd_calls", "acd", "short_share",
                                               "to_failure_calls", "to_failure_median",
                                               "to_failure_p95"])}


def md_text(value, column=None):
    if value is None:
        return "(no SBC)" if column == "sbc" else "-"
    if value is True or value is False:
        return "yes" if value else "no"
    if column in SECONDS:
        return duration(value)
    if column == "limit":
        return f"{value:.4f}".rstrip("0").rstrip(".")
    if column in ONE_DECIMAL:
        return f"{value:.1f}"
    if isinstance(value, float):
        return f"{value:.2f}"
    return clean(str(value))


def check_md(report, path):
    tree = render_markdown(path)
    allowed = {"h1", "h2", "h3", "p", "ul", "li", "strong", "a", "table", "thead", "tbody", "tr",
               "th", "td", "em", "pre", "code"}
    unexpected = sorted(set(tree.tags) - allowed)
    if unexpected:
        fail(f"elements input text may have created: {unexpected}")
    for href in tree.links:
        if not (href or "").startswith("https://"):
            fail(f"a link that is not a rules' https link: {href!r}")
    by_header = {tuple(t[0]): t[1:] for t in tree.tables if t}
    for name, (heads, columns) in MD_TABLES.items():
        keys, want = table(report, name)
        if name == "gates" and any(g["sbc"] for g in report["gates"]):
            columns = columns[:2] + ["sbc"] + columns[2:]  # shown when a gate has an SBC
        idx = [keys.index(c) for c in columns]
        matching = [rows for header, rows in by_header.items() if header[:2] == heads]
        if name == "gates" and not report["gates"]:
            same("no gates table without gates", matching, [])
            continue
        if name == "metrics" and report["totals"]["acd_calls"] is None:
            same("no metrics table when nothing was measured", matching, [])
            continue
        if not matching and not want:
            continue  # "None."
        if not matching:
            fail(f"no {name} table")
            continue
        rows = matching[0]
        same(f"{name} rows", len(rows), len(want))
        for i, (got, expect) in enumerate(zip(rows, want), 1):
            for j, k in zip(range(len(columns)), idx):
                column = None if name == "gates" and columns[j] == "sbc" else columns[j]
                same(f"{name} row {i} {columns[j]}", got[j], md_text(expect[k], column))
    summary = [t for t in tree.tables if t and t[0] == ["Metric", "Value"]]
    if not summary:
        fail("no summary table")
    else:
        values = {row[0]: row[1] for row in summary[0][1:]}
        same("summary: calls", values.get("Calls analysed"), str(report["totals"]["calls"]))
        same("summary: NER", values.get("NER %"),
             None if report["totals"]["ner"] is None else md_text(report["totals"]["ner"]))


# ---- Prometheus ----

SAMPLE = re.compile(r'^([a-z_][a-z0-9_]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-z_]+)="((?:[^"\\]|\\.)*)"')


def parse_prom(path):
    samples, helps, types = {}, set(), set()
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("# HELP "):
            helps.add(line.split()[2])
        elif line.startswith("# TYPE "):
            types.add(line.split()[2])
        elif line:
            m = SAMPLE.match(line)
            if not m:
                fail(f"unparsable sample line {line!r}")
                continue
            labels = tuple((k, v.replace('\\"', '"').replace("\\\\", "\\"))
                           for k, v in LABEL.findall(m.group(2) or ""))
            samples[(m.group(1), labels)] = float(m.group(3))
    return samples, helps, types


def check_prom(report, path, sbc_max=50):
    checked = subprocess.run(["promtool", "check", "metrics"], stdin=open(path, "rb"),
                             capture_output=True, text=True)
    same("promtool check metrics", (checked.returncode, checked.stdout + checked.stderr), (0, ""))
    samples, helps, types = parse_prom(path)
    names = {name for name, _ in samples}
    same("every metric has HELP and TYPE", names <= helps and names <= types, True)
    same("prefix", all(n.startswith("drtriage_") for n in names), True)
    t = report["totals"]
    for name, want in [("drtriage_calls", t["calls"]), ("drtriage_calls_failed", t["failed"]),
                       ("drtriage_rows", t["rows"]), ("drtriage_rows_calls", t["call_rows"]),
                       ("drtriage_rows_rejected", t["rejected"]),
                       ("drtriage_rows_excluded", t["excluded"]),
                       ("drtriage_rows_duplicates", t["duplicates"])]:
        same(name, samples.get((name, ())), float(want))
    expected = {a["action"] for a in report["by_action"] if a["expected"]}
    for a in report["by_action"]:
        key = ("drtriage_action_faults", (("action", a["action"]), ("owner", a["owner"] or "unknown")))
        same(f"action {a['action']}", samples.get(key), None if a["expected"] else float(a["failed"]))
    total_faults = sum(a["failed"] for a in report["by_action"] if a["action"] not in expected)
    origin_faults = sum(samples.get(("drtriage_faults", (("origin", o),)), 0) for o in ORIGINS)
    same("faults by origin add up to the faults by action", origin_faults, float(total_faults))
    same("faults + expected = failed", origin_faults + t["failed_expected"], float(t["failed"]))
    # SBC series: the first sbc_max names (cleaned), the rest summed as "other".
    series = {}
    for i, r in enumerate(report["by_sbc"]):
        label = clean(r["sbc"] or "")[:255] if not r["other"] else "other"
        if label == "other" or (label not in series and len(series) >= sbc_max):
            label = "other" if label not in series else label
        series.setdefault(label, [0, 0])
        series[label][0] += r["calls"]
        series[label][1] += r["effective"]
    got_calls = {dict(l)["sbc"]: v for (n, l), v in samples.items() if n == "drtriage_sbc_calls"}
    same("SBC labels", sorted(got_calls), sorted(series))
    if len([k for k in got_calls if k != "other"]) > sbc_max:
        fail(f"more than {sbc_max} SBC labels")
    for label, (calls, effective) in series.items():
        same(f"calls of sbc={label!r}", got_calls.get(label), float(calls))
        ner = samples.get(("drtriage_ner_ratio", (("sbc", label),)))
        if calls:
            if ner is None or abs(ner - effective / calls) > 0.00005:
                fail(f"NER ratio of sbc={label!r}: {ner} vs {effective / calls}")
    check_prom_measures(report, samples, series)
    for r in report["by_sbc"]:
        if not r["other"] and r["ner"] is not None and clean(r["sbc"] or "") in series \
                and series[clean(r["sbc"] or "")][0] == r["calls"]:
            ner = samples.get(("drtriage_ner_ratio", (("sbc", clean(r["sbc"] or "")),)))
            if ner is None or abs(ner * 100 - r["ner"]) > 0.006:
                fail(f"NER of {r['sbc']!r}: {ner} vs the JSON's {r['ner']}")


def check_prom_measures(report, samples, series):
    """Gates, filter matches and the Health Dashboard's measures per SBC."""
    gates = report["gates"]
    for v in ("breached", "passed", "not judged"):
        want = float(sum(verdict(g) == v for g in gates)) if gates else None
        same(f"gates {v}", samples.get(("drtriage_gates", (("verdict", v),))), want)
    for g in gates:
        labels = (("gate", clean(g["expr"])),) + ((("sbc", clean(g["sbc"])),) if g["sbc"] else ())
        same(f"gate {g['expr']} {g['sbc']}", samples.get(("drtriage_gate_breached", labels)),
             (1.0 if g["breached"] else 0.0) if g["judged"] else None)
    for m in report["filter_matches"]:
        same(f"filter {m['option']}",
             samples.get(("drtriage_filter_matched_calls", (("filter", clean(m["option"])),))),
             float(m["calls"]))
    same("inputs skipped", samples.get(("drtriage_inputs_skipped", ())), float(len(report["skipped"])))
    one = {}  # label -> the JSON row when the series has one row
    count = {}
    for r in report["by_sbc"]:
        label = "other" if r["other"] else clean(r["sbc"] or "")[:255]
        label = label if label in series else "other"
        count[label] = count.get(label, 0) + 1
        one[label] = r
    measured = report["totals"]["acd_calls"] is not None
    for label in series:
        rows = [r for r in report["by_sbc"]
                if ("other" if r["other"] else clean(r["sbc"] or "")[:255]) == label]
        key = (("sbc", label),)
        if not measured:
            same(f"no ACD of {label!r} unmeasured", samples.get(("drtriage_acd_seconds", key)), None)
            continue
        if not rows or count[label] != len(rows):
            continue  # folded into "other": its sums are checked through the calls
        answered = sum(r["acd_calls"] for r in rows)
        talk = sum(r["acd"] * r["acd_calls"] for r in rows if r["acd_calls"])
        same(f"answered calls of {label!r}", samples.get(("drtriage_sbc_answered_calls", key)),
             float(answered))
        got = samples.get(("drtriage_acd_seconds", key))
        if answered and (got is None or abs(got - talk / answered) > 0.06):
            fail(f"ACD of {label!r}: {got} vs {talk / answered}")
        if count[label] == 1:
            r = one[label]
            same(f"median to failure of {label!r}",
                 samples.get(("drtriage_time_to_failure_median_seconds", key)),
                 None if r["to_failure_median"] is None else float(r["to_failure_median"]))
            same(f"p95 to failure of {label!r}",
                 samples.get(("drtriage_time_to_failure_p95_seconds", key)),
                 None if r["to_failure_p95"] is None else float(r["to_failure_p95"]))
            c = r["concurrency"]
            same(f"peak of {label!r}", samples.get(("drtriage_concurrent_calls_peak", key)),
                 float(c["peak"]) if c else None)
            same(f"session limit of {label!r}", samples.get(("drtriage_session_limit", key)),
                 float(c["limit"]) if c and c["limit"] else None)
            same(f"near limit of {label!r}", samples.get(("drtriage_concurrency_near_limit", key)),
                 (1.0 if c["near_limit"] else 0.0) if c and c["limit"] else None)


# ---- structure, for the golden cases ----

def structure(fmt, path):
    if fmt == "md":
        tree = render_markdown(path)
        return {"tables": tree.tables, "links": tree.links, "tags": sorted(set(tree.tags))}
    if fmt == "csv":
        return list(csv.reader(open(path, encoding="utf-8", newline="")))
    if fmt == "prom":
        samples, helps, types = parse_prom(path)
        return sorted([n, [list(l) for l in labels], v] for (n, labels), v in samples.items()
                      if n != "drtriage_report_timestamp_seconds")
    if fmt == "xlsx":
        import openpyxl
        book = openpyxl.load_workbook(path)
        return {ws.title: [[str(c.value) if c.value is not None else None for c in row]
                           for row in ws.iter_rows()] for ws in book.worksheets}
    raise SystemExit(f"no structure for {fmt}")


def main(argv):
    kind = argv[1]
    if kind == "structure":
        json.dump(structure(argv[2], argv[3]), sys.stdout, indent=1, ensure_ascii=False,
                  sort_keys=True)
        print()
        return 0
    report = json.load(open(argv[2], encoding="utf-8"))
    if kind == "csv":
        check_csv(report, argv[3], argv[4], "--excel" in argv[5:])
    elif kind == "xlsx":
        check_xlsx(report, argv[3])
    elif kind == "md":
        check_md(report, argv[3])
    elif kind == "prom":
        check_prom(report, argv[3], int(argv[4]) if len(argv) > 4 else 50)
    else:
        raise SystemExit(__doc__)
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
