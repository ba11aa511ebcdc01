#!/usr/bin/env python3
"""Loads drtriage's HTML report in real headless Chromium (DevTools protocol,
tests/browser/cdp.py) with the network disabled and checks what a reader
gets: no request leaves the page, no console message or error, every KPI and
table equals the JSON report of the same run, the embedded JSON is that
report, every chart has a title, a description and a table of its numbers,
sorting and filtering work, the page reads the same with JavaScript off, and
it prints.

  check_html.py REPORT.json PAGE.html [--hostile] [--screenshot PNG] [--dark PNG]
                [--structure]

--hostile: the input carried markup, script URLs and bidi controls in every
text field; proves that no script of theirs ran and no element was injected.
--structure: prints the page's structure (for the golden case) as JSON."""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "formats"))
from cdp import Browser  # noqa: E402
from verify import (FAILURES, ONE_DECIMAL, SECONDS, TIME_KEYS, clean, duration, fail, same,  # noqa: E402
                    summary_rows as figures, table as json_table, verdict)

BIDI = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def as_value(v, key=""):
    if isinstance(v, float):
        return f"{v:.1f}" if key.split(".")[-1] in ONE_DECIMAL else f"{v:.2f}"
    return None if v is None else str(v)


PAGE_FACTS = r"""(() => {
  const q = s => Array.from(document.querySelectorAll(s));
  const rows = id => { const t = document.getElementById(id);
    return t ? Array.from(t.tBodies[0].rows).map(r => Array.from(r.cells).map(c => c.textContent)) : null; };
  const heads = id => { const t = document.getElementById(id);
    return t ? Array.from(t.tHead.rows[0].cells).map(c => c.dataset.key) : null; };
  return {
    kpis: q('[data-kpi]').map(e => [e.dataset.kpi, e.getAttribute('value'), e.textContent]),
    actions: q('[data-action]').map(e => [e.dataset.action, e.dataset.v]),
    tables: Object.fromEntries(q('table[id]').map(t => [t.id, {keys: heads(t.id), rows: rows(t.id)}])),
    charts: q('figure').map(f => {
      const svg = f.querySelector('svg');
      const section = f.closest('section');
      return {title: svg && svg.querySelector(':scope > title') ? svg.querySelector(':scope > title').textContent : '',
              desc: svg && svg.querySelector(':scope > desc') ? svg.querySelector(':scope > desc').textContent : '',
              labelled: svg ? svg.getAttribute('aria-labelledby') : '',
              tables: section ? section.querySelectorAll('table').length : 0,
              marks: svg ? svg.querySelectorAll('rect, circle, polyline').length : 0};
    }),
    headings: q('h1, h2, h3').map(h => h.tagName + ' ' + h.textContent),
    csp: (document.querySelector('meta[http-equiv="Content-Security-Policy"]') || {}).content || '',
    data: JSON.parse(document.getElementById('report-data').textContent),
    scripts: q('script').map(s => s.type || 'classic'),
    injected: q('img, iframe, object, embed, video, audio, link, base, form, meta[http-equiv="refresh"]').map(e => e.outerHTML),
    handlers: q('*').filter(e => Array.from(e.attributes).some(a => a.name.startsWith('on'))).map(e => e.outerHTML.slice(0, 200)),
    hrefs: q('[href], [src], [xlink\\:href]').map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('xlink:href')),
    pwned: window.__pwned === undefined ? null : String(window.__pwned),
    text: document.body.innerText,
    gate_classes: q('#table-gates tbody tr').map(r => r.className),
    js: document.documentElement.classList.contains('js'),
  };
})()"""


def check_tables(report, facts):
    tables = facts["tables"]
    codes, sbcs = tables.get("table-codes"), tables.get("table-sbcs")
    if not codes or not sbcs:
        fail("the code or SBC table is missing")
        return
    same("code table rows", len(codes["rows"]), len(report["by_code"]))
    keys = codes["keys"]
    for i, (row, code) in enumerate(zip(codes["rows"], report["by_code"])):
        cell = dict(zip(keys, row))
        same(f"code row {i} failed", cell["failed"].replace(",", ""), str(code["failed"]))
        same(f"code row {i} ms", cell["ms"], "\u2013" if code["ms"] is None else str(code["ms"]))
        if "samples" in cell:
            same(f"code row {i} samples", cell["samples"],
                 " ".join(s["correlation"] for s in code["samples"]) if code["samples"] else "\u2013")
    same("SBC table rows", len(sbcs["rows"]), len(report["by_sbc"]))
    for i, (row, sbc) in enumerate(zip(sbcs["rows"], report["by_sbc"])):
        cell = dict(zip(sbcs["keys"], row))
        same(f"SBC row {i} calls", cell["calls"].replace(",", ""), str(sbc["calls"]))
        same(f"SBC row {i} NER", cell["ner"], "\u2013" if sbc["ner"] is None else f"{sbc['ner']:.2f}")
    if report["by_time"]:
        same("time table rows", len(tables["table-time"]["rows"]), len(report["by_time"]))
    if report["group_columns"]:
        same("group table rows", len(tables["table-groups"]["rows"]), len(report["by_group"]))
    gates = tables.get("table-gates")
    if report["gates"] or gates:
        if not gates:
            fail("no gates table")
        else:
            same("gate rows", len(gates["rows"]), len(report["gates"]))
            for i, (row, gate) in enumerate(zip(gates["rows"], report["gates"])):
                cell = dict(zip(gates["keys"], row))
                same(f"gate {i} verdict", cell["verdict"], verdict(gate))
                same(f"gate {i} expr", cell["expr"], clean(gate["expr"]))
                same(f"gate {i} why", cell["why"], clean(gate["why"]))
            same("gate rows coloured by verdict", facts["gate_classes"],
                 [verdict(g).replace(" ", "-") for g in report["gates"]])
    for name, tid in (("metrics", "table-sbc-metrics"), ("time-metrics", "table-time-metrics"),
                      ("group-metrics", "table-group-metrics")):
        keys, want = json_table(report, name)
        got = tables.get(tid)
        measured = report["totals"]["acd_calls"] is not None and bool(want)
        same(f"{tid} present", got is not None, measured)
        if not got or not measured:
            continue
        same(f"{tid} rows", len(got["rows"]), len(want))
        for i, (row, expect) in enumerate(zip(got["rows"], want)):
            cell, w = dict(zip(got["keys"], row)), dict(zip(keys, expect))
            for k in ("acd", "to_failure_median", "acd_calls", "concurrency.peak"):
                if k not in cell:
                    continue
                shown = ("\u2013" if w[k] is None else duration(w[k]) if k in SECONDS
                         else f"{w[k]:,}")
                same(f"{tid} row {i} {k}", cell[k], shown)
    if report["by_group_time"]:
        same("group-time rows", len(tables["table-group-times"]["rows"]), len(report["by_group_time"]))
    faults = {a["action"]: a["failed"] for a in report["by_action"] if not a["expected"]}
    same("actions listed", {a: int(v) for a, v in facts["actions"]}, faults)


def check_page(report, facts, hostile):
    want = figures(report)
    seen = set()
    for key, value, text in facts["kpis"]:
        seen.add(key)
        if key not in want:
            fail(f"unknown KPI {key}")
            continue
        if want[key] is None:  # a figure without a value (NER of no calls): a dash
            same(f"KPI {key} value", value, "")
            same(f"KPI {key} as shown", text, "\u2013")
            continue
        same(f"KPI {key} value", value if key != "filters" else text, as_value(want[key], key))
        shown = text.replace(",", "").rstrip("%")
        if key in TIME_KEYS:  # "Tue 2026-11-24 09:58"
            same(f"KPI {key} as shown", text[4:], want[key][:10] + " " + want[key][11:16])
        elif key.split(".")[-1] in SECONDS:
            same(f"KPI {key} as shown", text, duration(want[key]))
        elif key.startswith("by_time."):  # shown as a period label: "11-01 08:00", "2026-11-01"
            start = want[key]
            label = start[:10] if report["by_time"][0]["start"].endswith("T00:00:00Z") and \
                all(r["start"].endswith("T00:00:00Z") for r in report["by_time"] if not r["other"]) \
                else start[5:10] + " " + start[11:16]
            same(f"KPI {key} as shown", text, label)
        elif key != "filters":
            same(f"KPI {key} as shown", shown, as_value(want[key], key))
    for key, value in want.items():
        if value is not None and key not in seen:
            fail(f"KPI {key} is not on the page")
    same("embedded JSON is the report", facts["data"], report)
    csp = facts["csp"]
    for directive in ("default-src 'none'", "script-src 'sha256-", "style-src 'sha256-",
                      "img-src 'none'", "base-uri 'none'", "form-action 'none'"):
        if directive not in csp:
            fail(f"Content-Security-Policy lacks {directive}: {csp}")
    same("scripts", facts["scripts"], ["application/json", "classic"])
    same("no element that loads anything", facts["injected"], [])
    same("no event-handler attribute", facts["handlers"], [])
    for href in facts["hrefs"]:
        if not href.startswith("https://"):
            fail(f"a link or source that is not https: {href!r}")
    same("no script of the input ran", facts["pwned"], None)
    for ch in BIDI:
        if ch in facts["text"]:
            fail(f"bidi control U+{ord(ch):04X} reached the page")
    if not facts["charts"] and report["totals"]["calls"]:
        fail("no chart")
    for chart in facts["charts"]:
        if not chart["title"] or not chart["desc"] or not chart["labelled"]:
            fail(f"a chart without a title, description or label: {chart}")
        if not chart["tables"]:
            fail(f"chart '{chart['title']}' has no table of its numbers")
        if not chart["marks"]:
            fail(f"chart '{chart['title']}' draws nothing")
    check_tables(report, facts)
    if hostile:
        for marker in ("<script>", "onerror=", "javascript:"):
            if marker not in facts["text"]:
                fail(f"the hostile text {marker!r} is not shown as text")


def check_interaction(page, report):
    """Sorting by the code table's failed column and filtering it."""
    order = page.evaluate(r"""(() => {
      const t = document.getElementById('table-codes');
      const th = Array.from(t.tHead.rows[0].cells).find(c => c.dataset.key === 'failed');
      const idx = th.cellIndex;
      const col = () => Array.from(t.tBodies[0].rows).map(r => parseFloat(r.cells[idx].dataset.v));
      th.click(); const down = col(); th.click(); const up = col();
      return {down, up, sort: th.getAttribute('aria-sort')};
    })()""")
    failed = sorted((c["failed"] for c in report["by_code"]), reverse=True)
    same("sorted by failed, descending", order["down"], [float(f) for f in failed])
    same("sorted by failed, ascending", order["up"], [float(f) for f in reversed(failed)])
    same("aria-sort", order["sort"], "ascending")
    if report["by_code"]:
        phrase = next((c["phrase"] for c in report["by_code"] if c["phrase"]), None)
        if phrase:
            shown = page.evaluate("""(q => {
              const i = document.querySelector('input[data-filter]');
              i.value = q; i.dispatchEvent(new Event('input'));
              return Array.from(document.getElementById('table-codes').tBodies[0].rows)
                .filter(r => !r.hidden).length;
            })(%s)""" % json.dumps(phrase[:12]))
            if not 1 <= shown <= len(report["by_code"]):
                fail(f"filtering by {phrase[:12]!r} shows {shown} rows")


def load(browser, path, scripts=True, dark=False):
    page = browser.new_page()
    page.enable("Page", "Runtime", "Log", "Network")
    page.send("Network.emulateNetworkConditions",
              {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    if not scripts:
        page.send("Emulation.setScriptExecutionDisabled", {"value": True})
    if dark:
        page.send("Emulation.setEmulatedMedia",
                  {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    page.navigate("file://" + os.path.abspath(path))
    return page


def check_quiet(page, path):
    url = "file://" + os.path.abspath(path)
    for e in page.events("Network.requestWillBeSent"):
        if e["params"]["request"]["url"] != url:
            fail(f"a request left the page: {e['params']['request']['url']}")
    for e in page.events("Runtime.consoleAPICalled", "Runtime.exceptionThrown"):
        fail(f"console: {json.dumps(e['params'])[:300]}")
    for e in page.events("Log.entryAdded"):
        fail(f"log: {e['params']['entry'].get('level')}: {e['params']['entry'].get('text')}")


def main(argv):
    report = json.load(open(argv[1], encoding="utf-8"))
    path = argv[2]
    opts = argv[3:]
    hostile = "--hostile" in opts
    shot = opts[opts.index("--screenshot") + 1] if "--screenshot" in opts else None
    dark = opts[opts.index("--dark") + 1] if "--dark" in opts else None
    browser = Browser()
    try:
        page = load(browser, path)
        facts = page.evaluate(PAGE_FACTS)
        check_quiet(page, path)
        same("the script ran", facts["js"], True)
        check_page(report, facts, hostile)
        if "--structure" in opts:
            shape = {"headings": facts["headings"], "kpis": [k for k, _, _ in facts["kpis"]],
                     "tables": {t: {"keys": v["keys"], "rows": len(v["rows"])}
                                for t, v in facts["tables"].items()},
                     "charts": [c["title"] for c in facts["charts"]]}
            print(json.dumps(shape, indent=1, sort_keys=True))
        check_interaction(page, report)
        check_quiet(page, path)
        pdf = page.send("Page.printToPDF", {"printBackground": False})["data"]
        if len(pdf) < 1000:
            fail("printing gave no PDF")
        if shot:
            page.screenshot(shot, width=1200)

        static = load(browser, path, scripts=False)
        facts_off = static.evaluate(PAGE_FACTS)
        same("without JavaScript: the script did not run", facts_off["js"], False)
        same("without JavaScript: the same KPIs", facts_off["kpis"], facts["kpis"])
        same("without JavaScript: the same charts", len(facts_off["charts"]), len(facts["charts"]))
        same("without JavaScript: the same tables",
             {k: len(v["rows"]) for k, v in facts_off["tables"].items()},
             {k: len(v["rows"]) for k, v in facts["tables"].items()})
        check_quiet(static, path)
        if dark:
            night = load(browser, path, dark=True)
            bg = night.evaluate("getComputedStyle(document.body).backgroundColor")
            same("dark background when the reader prefers dark", bg, "rgb(21, 25, 30)")
            night.screenshot(dark, width=1200)
    finally:
        browser.close()
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
