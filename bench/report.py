"""The pure half of `make bench`: reading wrk's output, comparing each page
with the reference runs beside it, checking the issue's targets and writing
the tables. No Django, no processes, so the tests can feed it text."""

import re
from dataclasses import asdict, dataclass, field

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_DURATION = r"([\d.]+)(us|ms|s|m|h)"

# The targets of issue 10, "Readers' pages at internet scale on real engines".
# Home, /news/ and an organization's list through the edge, as a share of a
# static file of the same size served by nginx.
EDGE_LIST_FLOOR = 0.5
# Article pages (which count views) through the edge, as a share of the
# no-database Django page through gunicorn.
EDGE_ARTICLE_FLOOR = 0.9
# The long tail: each article asked once, through the edge.
LONG_TAIL_FLOOR = 0.3
LONG_TAIL_P99_MS = 100.0
# A mix of public pages with one save every 5 seconds, against the same mix calm.
EDITED_MIX_FLOOR = 0.9
EDITED_MIX_P99_MS = 50.0
# From a committed save to the new title at the edge.
FRESH_WITHIN_SECONDS = 1.0

REFERENCES = {
    "nginx": "static file (nginx)",
    "ceiling": "Django ceiling",
    "calm": "calm mix",
}


class WrkOutputError(ValueError):
    pass


def duration_ms(text):
    """'850.00us', '1.20ms', '2.01s' → milliseconds."""
    match = re.fullmatch(_DURATION, text.strip())
    if not match:
        raise WrkOutputError(f"not a wrk duration: {text!r}")
    return float(match[1]) * _UNITS_MS[match[2]]


def _count(text):
    """wrk abbreviates big counts: '3.12k', '1.50M'."""
    match = re.fullmatch(r"([\d.]+)([kMG]?)", text)
    if not match:
        raise WrkOutputError(f"not a wrk count: {text!r}")
    scale = {"": 1, "k": 1e3, "M": 1e6, "G": 1e9}[match[2]]
    return int(round(float(match[1]) * scale))


def parse_wrk(output):
    """The figures from one `wrk --latency` run."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    total = re.search(r"^\s*(\d+) requests in " + _DURATION, output, re.M)
    if not rps or not total:
        raise WrkOutputError("no 'Requests/sec' or 'N requests in' line in wrk output")
    percentiles = {
        int(float(p)): duration_ms(value)
        for p, value in re.findall(r"^\s+([\d.]+)%\s+(\S+)\s*$", output, re.M)
    }
    if 50 not in percentiles or 99 not in percentiles:
        raise WrkOutputError("no latency distribution: run wrk with --latency")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    socket_errors = dict(
        zip(
            ("connect", "read", "write", "timeout"),
            (int(n) for n in errors.groups()) if errors else (0, 0, 0, 0),
            strict=True,
        )
    )
    past_end = re.search(r"^Requests past the end of the list: (\d+)", output, re.M)
    return {
        "requests": _count(total[1]),
        "seconds": duration_ms(total[2] + total[3]) / 1000,
        "requests_per_second": float(rps[1]),
        "p50_ms": percentiles[50],
        "p75_ms": percentiles.get(75),
        "p90_ms": percentiles.get(90),
        "p99_ms": percentiles[99],
        "non_2xx_3xx": int(non_2xx[1]) if non_2xx else 0,
        "socket_errors": socket_errors,
        "past_end": int(past_end[1]) if past_end else None,
    }


def ratio(requests_per_second, reference_requests_per_second):
    """A throughput as a share of the reference's; None without a reference."""
    if not reference_requests_per_second:
        return None
    return requests_per_second / reference_requests_per_second


def mean(values):
    values = list(values)
    return sum(values) / len(values) if values else None


def median(values):
    values = sorted(values)
    if not values:
        return None
    middle = len(values) // 2
    if len(values) % 2:
        return values[middle]
    return (values[middle - 1] + values[middle]) / 2


def problems(figures, *, each_once=False):
    """What went wrong in one wrk run: no request at all, socket errors,
    failed requests, and (`each_once`) paths asked twice."""
    found = []
    if not figures["requests"]:
        found.append("no request completed within the run")
    errors = sum(figures["socket_errors"].values())
    if errors:
        found.append(f"{errors} socket errors {figures['socket_errors']}")
    if figures["non_2xx_3xx"]:
        found.append(f"{figures['non_2xx_3xx']} responses were 4xx/5xx")
    if each_once and figures.get("past_end"):
        found.append(
            f"{figures['past_end']} requests went past the end of the list "
            "(those paths were asked twice)"
        )
    return found


@dataclass
class Comparison:
    """One run of a page beside runs of its reference (a static file of the
    same size, or the Django ceiling) just before and just after it: the
    machine's speed drifts during a run, so a page is compared with what the
    machine could do at that time."""

    name: str
    path: str
    reference: str  # what it is compared with: "nginx" or "ceiling"
    floor: float | None = None  # the least share of the reference
    p99_limit_ms: float | None = None
    status: int | None = None
    bytes: int | None = None
    figures: dict | None = None
    references: list = field(default_factory=list)  # wrk figures beside it
    each_once: bool = False  # a walk of paths that must each be asked once

    @property
    def reference_rps(self):
        return mean(r["requests_per_second"] for r in self.references)

    @property
    def ratio(self):
        if not self.figures:
            return None
        return ratio(self.figures["requests_per_second"], self.reference_rps)

    def problems(self):
        found = [] if self.status == 200 else [f"answered {self.status}, not 200"]
        if self.figures is not None:
            found += problems(self.figures, each_once=self.each_once)
        for figures in self.references:
            found += [f"{self.reference} run: {p}" for p in problems(figures)]
        return found

    def verdicts(self):
        """(target, measured, passed) for this page's targets."""
        found = []
        if self.floor is not None and self.ratio is not None:
            found.append(
                (
                    f"{self.name}: ≥ {self.floor:.1f} of the "
                    f"{REFERENCES[self.reference]}",
                    f"{self.ratio:.2f}",
                    self.ratio >= self.floor,
                )
            )
        if self.p99_limit_ms is not None and self.figures:
            p99 = self.figures["p99_ms"]
            found.append(
                (
                    f"{self.name}: p99 < {self.p99_limit_ms:.0f} ms",
                    f"{p99:.1f} ms",
                    p99 < self.p99_limit_ms,
                )
            )
        return found

    def as_dict(self):
        return {**asdict(self), "ratio": self.ratio, "problems": self.problems()}


def freshness_verdicts(delays):
    """`delays`: for each save, {page: seconds until the edge showed it, or
    None if it never did within the wait}."""
    seconds = [value for save in delays for value in save.values()]
    stale = [value for value in seconds if value is None]
    worst = None if stale or not seconds else max(seconds)
    return [
        (
            f"a save shows through the edge within {FRESH_WITHIN_SECONDS:.0f} s",
            f"max {worst:.3f} s" if worst is not None else f"{len(stale)} never fresh",
            worst is not None and worst <= FRESH_WITHIN_SECONDS,
        )
    ]


def _fmt(value, spec):
    return "–" if value is None else format(value, spec)


def comparison_table(comparisons):
    """Each page beside its reference runs, as a Markdown table."""
    header = (
        "| page | URL | status | KiB | req/s | p50 ms | p99 ms | compared with "
        "| its req/s before / after | × it | target | load before → after |"
    )
    lines = [header, "|" + "---|" * (header.count("|") - 1)]
    for c in comparisons:
        figures = c.figures or {}
        lines.append(
            "| "
            + " | ".join(
                [
                    c.name,
                    f"`{c.path}`",
                    _fmt(c.status, "d"),
                    _fmt(c.bytes / 1024 if c.bytes is not None else None, ".1f"),
                    _fmt(figures.get("requests_per_second"), ",.0f"),
                    _fmt(figures.get("p50_ms"), ".1f"),
                    _fmt(figures.get("p99_ms"), ".1f"),
                    REFERENCES[c.reference],
                    " / ".join(f"{r['requests_per_second']:,.0f}" for r in c.references)
                    or "–",
                    _fmt(c.ratio, ".2f"),
                    f"≥ {c.floor:.1f}" if c.floor is not None else "–",
                    " → ".join(f"{n:.1f}" for n in figures.get("load", ())) or "–",
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def freshness_table(delays):
    """One row per page: each save's delay, then the median and the max."""
    pages = list(delays[0]) if delays else []
    header = (
        "| page | "
        + " | ".join(f"save {n}" for n in range(1, len(delays) + 1))
        + " | median | max |"
    )
    lines = [header, "|" + "---|" * (header.count("|") - 1)]
    for page in pages:
        seconds = [save[page] for save in delays]
        known = [s for s in seconds if s is not None]
        worst = max(known) if len(known) == len(seconds) else None
        lines.append(
            f"| `{page}` | "
            + " | ".join(_fmt(s, ".3f") if s is not None else "stale" for s in seconds)
            + f" | {_fmt(median(known), '.3f')} | "
            + (_fmt(worst, ".3f") if worst is not None else "stale")
            + " |"
        )
    return "\n".join(lines)


def targets_table(verdicts):
    lines = ["| target (issue 10) | measured | |", "|---|---|---|"]
    lines += [
        f"| {target} | {measured} | {'pass' if ok else 'FAIL'} |"
        for target, measured, ok in verdicts
    ]
    return "\n".join(lines)


def markdown(meta, sections, verdicts, problems_found):
    """The whole report: what ran where and how, every target with its
    verdict, then each measurement's table."""
    lines = [f"# Newsroom bench, {meta['started']} ({meta['vendor']})", ""]
    lines += [f"- {key}: {value}" for key, value in meta.items() if key != "commands"]
    lines += ["", "## Targets", "", targets_table(verdicts), ""]
    if problems_found:
        lines += ["## Problems", ""]
        lines += [f"- {problem}" for problem in problems_found]
        lines.append("")
    for title, description, table in sections:
        lines += [f"## {title}", "", description, "", table, ""]
    if meta.get("commands"):
        lines += ["## Commands", "", "```"]
        lines += meta["commands"]
        lines += ["```", ""]
    return "\n".join(lines)


_LOG_EVENTS = {
    "worker timeouts (killed by gunicorn)": "WORKER TIMEOUT",
    "500 responses logged": "Internal Server Error:",
    "503 responses logged": "Service Unavailable:",
    "workers booted": "Booting worker with pid",
}


def server_log_summary(text):
    """How often the server log records each event worth knowing about."""
    return {label: text.count(marker) for label, marker in _LOG_EVENTS.items()}


def server_log_problems(summary):
    """The failures among those events (booting a worker is not one)."""
    return [
        f"{count} {label}"
        for label, count in summary.items()
        if count and label != "workers booted"
    ]
