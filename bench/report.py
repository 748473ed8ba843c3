"""The scale benchmark's report (bench/scale.py): Markdown, JSON and a PNG chart.

`run` is the whole benchmark as plain data (JSON-ready): "meta" (date, command line, machine,
server settings, method) and "sizes", one dict per size as bench/scale.py measured it.
"""

from __future__ import annotations

import json
import shutil
from math import nan
from pathlib import Path

# The goals: recompute within 2x the raw aggregate (stated for 1,000,000 members x 20 on
# PostgreSQL); p99 at 32 connections per page.
RATIO_GOAL = 2.0
RATIO_GOAL_SIZE = 1_000_000


def write(run: dict, out: Path, pages: list) -> Path:
    """Write scale-<date>.md/.json/.png into `out`, copy the Markdown to latest.md; return it."""
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"scale-{run['meta']['date']}"
    chart = stem.with_suffix(".png")
    draw_chart(run, pages, chart)
    stem.with_suffix(".json").write_text(json.dumps(run, indent=2, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
    markdown = stem.with_suffix(".md")
    markdown.write_text(render(run, pages, chart.name), encoding="utf-8")
    shutil.copyfile(markdown, out / "latest.md")  # same folder: the chart link still works
    return markdown


# --- Markdown ---------------------------------------------------------------------------------

def _s(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds:.3f} s" if seconds < 10 else f"{seconds:.1f} s"


def _ms(ms: float | None) -> str:
    return "—" if ms is None else f"{ms:.1f} ms" if ms < 100 else f"{ms:,.0f} ms"


def _met(ok: bool | None) -> str:
    return "—" if ok is None else "met" if ok else "**not met**"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]


def render(run: dict, pages: list, chart_name: str) -> str:
    meta = run["meta"]
    lines = [f"# Scale benchmark — {meta['date']}", "",
             "Made by `make bench` (bench/scale.py). Figures, not pass/fail tests.", ""]
    lines += ["## Machine", ""]
    lines += _table(["", ""], [[k, v] for k, v in meta["machine"].items()])
    lines += ["", "## Command", "", "```sh", meta["command"], "```", ""]
    sizes = ", ".join(f"{size['members']:,}" for size in run["sizes"])
    lines += [f"Sizes (members): {sizes}; "
              f"{meta['args']['entries_per_member']} entries per member; year "
              f"{meta['args']['year']}; seed {meta['args']['seed']}; database "
              f"{meta['database']}.", ""]
    lines += ["## Method", ""] + [f"- {line}" for line in meta["method"]] + [""]
    lines += ["## Goals", ""] + _goals(run, pages) + ["", _closed_loop(run, pages), ""]
    for size in run["sizes"]:
        lines += _size_section(size, pages)
    lines += ["## Growth", ""] + _growth(run, pages)
    lines += ["", f"Whole run: {meta['total_s'] / 60:.1f} minutes."]
    lines += ["", f"![time against size]({chart_name})", ""]
    return "\n".join(lines)


def _goals(run: dict, pages: list) -> list[str]:
    rows = []
    for size in run["sizes"]:
        n = f"{size['members']:,}"
        note = "" if size["members"] >= RATIO_GOAL_SIZE else " (goal stated at 1,000,000)"
        rows.append([n, f"recompute ≤ {RATIO_GOAL:g}× raw aggregate{note}",
                     f"{size['recompute_ratio']:.2f}×", _met(size["recompute_ratio_met"])])
        for page in pages:
            figures = size["pages"][page.key]
            if page.goal_ms is not None:
                rows.append([n, f"{page.title}: p99 < {page.goal_ms:g} ms",
                             _ms(figures["p99_ms"]), _met(figures["goal_met"])])
    return _table(["members", "goal", "measured", "verdict"], rows)


def _closed_loop(run: dict, pages: list) -> str:
    """How to read a latency goal under wrk: its connections wait for each answer before asking
    again, so the mean latency is connections ÷ throughput (Little's law)."""
    c = run["meta"]["args"]["connections"]
    needs = ", ".join(f"{page.title} ≥ {c * 1000 / page.goal_ms:,.0f} req/s" for page in pages
                      if page.goal_ms is not None)
    return (f"wrk is a closed loop: each of its {c} connections sends its next request when the "
            f"last one is answered, so the mean latency is {c} ÷ throughput (Little's law), and a "
            f"p99 goal of G ms needs more than {c} × 1000 ÷ G requests per second: {needs}.")


def _size_section(size: dict, pages: list) -> list[str]:
    rows = size["rows"]
    lines = [f"## {size['members']:,} members × {size['entries_per_member']} entries", "",
             f"In the database: {rows['members']:,} members, {rows['entries']:,} ledger entries "
             f"({rows['confirmed_in_year']:,} confirmed in the year, "
             f"{size['raw_aggregate_rows']:,} members with confirmed entries).", ""]
    batch = [
        ["`jifen migrate`", _s(size["migrate_s"]), ""],
        ["`jifen gen_data`", _s(size["gen_data_s"]),
         f"peak RSS {size['gen_data_peak_rss_mb']:,.0f} MB"],
        ["raw aggregate (SQL GROUP BY, all rows fetched)", _s(size["raw_aggregate_s"]),
         "warm, best of " + str(len(size["raw_aggregate_runs"])) + ": "
         + ", ".join(_s(t) for t in size["raw_aggregate_runs"])],
        ["`jifen recompute`, first run (writes every score)", _s(size["recompute_s"]),
         f"peak RSS {size['recompute_peak_rss_mb']:,.0f} MB; it said: "
         + size["recompute_said_first"]],
        ["`jifen recompute` again (nothing changed: nothing rewritten)",
         _s(size["recompute_again_s"]) if size["recompute_again_s"] is not None else "—",
         "best of " + ", ".join(_s(t) for t in size["recompute_runs"][1:]) + "; it said: "
         + size["recompute_said"] if size["recompute_again_s"] is not None else ""],
        ["recompute ÷ raw aggregate", f"{size['recompute_ratio']:.2f}×",
         f"goal ≤ {RATIO_GOAL:g}× — {_met(size['recompute_ratio_met'])}"],
    ]
    lines += _table(["step", "time", "notes"], batch) + [""]
    table = []
    for page in pages:
        f = size["pages"][page.key]
        warn = []
        if f["errors_non_2xx"]:
            warn.append(f"⚠ {f['errors_non_2xx']:,} responses ≥ 400")
        if f["socket_errors"]:
            warn.append(f"⚠ {f['socket_errors']:,} socket errors")
        if f["requests"] < 100:  # a p99 of fewer than 100 requests is their slowest one
            warn.append(f"only {f['requests']:,} requests")
        goal = "—" if page.goal_ms is None else f"p99 < {page.goal_ms:g} ms: {_met(f['goal_met'])}"
        table.append([page.title, f"`{f['path']}`", page.who, f"{f['bytes']:,}",
                      f"{f['requests_per_s']:,.1f}", f"{f['share_of_ceiling']:.1%}",
                      _ms(f["p50_ms"]), _ms(f["p99_ms"]), goal, "; ".join(warn)])
    lines += _table(["page", "URL", "as", "bytes", "req/s", "of ceiling", "p50", "p99", "goal",
                     ""], table)
    return lines + [""]


def _growth(run: dict, pages: list) -> list[str]:
    header = ["members", "entries", "gen_data", "raw aggregate", "recompute", "ratio",
              "recompute again", "recompute RSS"] + [f"p99 {page.title}" for page in pages]
    rows = []
    for size in run["sizes"]:
        rows.append([f"{size['members']:,}", f"{size['rows']['entries']:,}",
                     _s(size["gen_data_s"]), _s(size["raw_aggregate_s"]),
                     _s(size["recompute_s"]), f"{size['recompute_ratio']:.2f}×",
                     _s(size["recompute_again_s"]) if size["recompute_again_s"] is not None
                     else "—", f"{size['recompute_peak_rss_mb']:,.0f} MB"]
                    + [_ms(size["pages"][page.key]["p99_ms"]) for page in pages])
    return _table(header, rows)


# --- chart ------------------------------------------------------------------------------------

def draw_chart(run: dict, pages: list, path: Path) -> None:
    """Two log-log panels against members: the batch steps in seconds, each page's p99 in ms."""
    import matplotlib

    matplotlib.use("Agg")  # no display: render straight to the PNG
    import matplotlib.pyplot as plt

    sizes = [s["members"] for s in run["sizes"]]
    figure, (batch, web) = plt.subplots(1, 2, figsize=(12, 5), constrained_layout=True)
    for key, label in [("gen_data_s", "jifen gen_data"), ("raw_aggregate_s", "raw aggregate"),
                       ("recompute_s", "jifen recompute (first)")]:
        batch.plot(sizes, [s[key] for s in run["sizes"]], marker="o", label=label)
    batch.set(title="Batch steps", xlabel="members", ylabel="seconds")
    for page in pages:
        p99 = [s["pages"][page.key]["p99_ms"] for s in run["sizes"]]
        web.plot(sizes, [nan if ms is None else ms for ms in p99], marker="o", label=page.key)
    for goal in sorted({page.goal_ms for page in pages if page.goal_ms is not None}):
        web.axhline(goal, color="grey", linestyle="--", linewidth=1)  # the p99 goals
    web.set(title=f"p99 at {run['meta']['args']['connections']} connections (wrk)",
            xlabel="members", ylabel="milliseconds")
    for axes in (batch, web):
        axes.set_xscale("log")
        axes.set_yscale("log")
        axes.grid(True, which="both", alpha=0.3)
        axes.legend(fontsize="small")
    figure.suptitle(f"jifen scale benchmark {run['meta']['date']}")
    figure.savefig(path, dpi=100)
    plt.close(figure)
