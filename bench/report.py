"""The pure half of `make bench`: reading wrk's output, comparing each page
with the ceiling, checking the issue's targets and writing the table. No
Django, no processes, so the tests can feed it text."""

import re
from dataclasses import asdict, dataclass, field

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_DURATION = r"([\d.]+)(us|ms|s|m|h)"

# Throughput floors from the issue, as a share of the ceiling, by page kind:
# with the anonymous page cache off, and with it on (every page).
RATIO_TARGETS = {"article": 0.5, "list": 0.4, "search": 0.25}
CACHED_RATIO_TARGET = 0.9
CACHED_RATIO_TARGETS = dict.fromkeys(
    ("article", "list", "search", "feed", "sitemap"), CACHED_RATIO_TARGET
)
P99_TARGET_MS = 100.0
DEEP_PAGE_LATENCY_FACTOR = 2.0
WORKER_RSS_TARGET_MB = 150.0


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
    }


def ratio(requests_per_second, ceiling_requests_per_second):
    """A page's throughput as a share of the ceiling's; None without a ceiling."""
    if not ceiling_requests_per_second:
        return None
    return requests_per_second / ceiling_requests_per_second


@dataclass
class Result:
    name: str
    path: str
    kind: str  # ceiling, home, list, search, article, feed, sitemap, probe
    expected_status: int = 200
    status: int | None = None
    bytes: int | None = None
    queries_first: int | None = None
    queries_again: int | None = None
    wrk: dict | None = None
    ratio: float | None = None
    # Requests/s of the ceiling runs just before and just after this page.
    nearby_ceilings: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    @property
    def errors(self):
        return sum(self.wrk["socket_errors"].values()) if self.wrk else None

    def check(self):
        """Record what went wrong: a wrong status, failed or errored requests."""
        self.problems = []
        if self.status != self.expected_status:
            self.problems.append(
                f"answered {self.status}, expected {self.expected_status}"
            )
        if self.wrk is None:
            return self.problems
        if not self.wrk["requests"]:
            self.problems.append("no request completed within the run")
        if self.errors:
            self.problems.append(
                f"{self.errors} socket errors {self.wrk['socket_errors']}"
            )
        failed = self.wrk["non_2xx_3xx"]
        if self.expected_status < 400 and failed:
            self.problems.append(f"{failed} responses were 4xx/5xx under load")
        if self.expected_status >= 400 and failed < self.wrk["requests"]:
            self.problems.append("some error-probe responses were not errors")
        return self.problems

    def as_dict(self):
        return {**asdict(self), "errors": self.errors}


def apply_ratios(results, interleaved_ceilings=()):
    """Each page's share of the ceiling runs just before and after it, since
    a machine's speed drifts during a run (other tenants, CPU boost): a page
    is compared with what the machine could do at that time. The ceiling
    runs themselves, and pages without neighbours, are compared with the
    mean of every ceiling run, which is returned."""
    ceilings = [
        r.wrk["requests_per_second"] for r in results if r.kind == "ceiling" and r.wrk
    ] + list(interleaved_ceilings)
    ceiling = sum(ceilings) / len(ceilings) if ceilings else None
    for result in results:
        if not result.wrk:
            continue
        nearby = result.nearby_ceilings if result.kind != "ceiling" else []
        reference = sum(nearby) / len(nearby) if nearby else ceiling
        result.ratio = ratio(result.wrk["requests_per_second"], reference)
    return ceiling


def target_verdicts(results, worker_rss_mb=(), ratio_targets=None):
    """(target, measured, passed) for each of the issue's numeric targets
    that this run can check; `ratio_targets` maps page kinds to their floor
    (RATIO_TARGETS unless given)."""
    if ratio_targets is None:
        ratio_targets = RATIO_TARGETS
    verdicts = []
    by_name = {r.name: r for r in results}
    for result in results:
        if not result.wrk or result.kind == "ceiling" or result.problems:
            continue
        floor = ratio_targets.get(result.kind)
        if floor is not None and result.ratio is not None:
            verdicts.append(
                (
                    f"{result.name}: ≥ {floor:.2f} of the ceiling",
                    f"{result.ratio:.2f}",
                    result.ratio >= floor,
                )
            )
        if result.kind != "probe":
            p99 = result.wrk["p99_ms"]
            verdicts.append(
                (
                    f"{result.name}: p99 < {P99_TARGET_MS:.0f} ms",
                    f"{p99:.1f} ms",
                    p99 < P99_TARGET_MS,
                )
            )
    first, deep = by_name.get("news"), by_name.get("news deep page")
    measured = [r for r in (first, deep) if r and r.wrk and r.wrk["requests"]]
    if len(measured) == 2 and not first.problems and not deep.problems:
        factor = deep.wrk["p50_ms"] / first.wrk["p50_ms"]
        verdicts.append(
            (
                f"{deep.path} p50 within {DEEP_PAGE_LATENCY_FACTOR:.0f}× of page 1",
                f"{factor:.2f}×",
                factor <= DEEP_PAGE_LATENCY_FACTOR,
            )
        )
    if worker_rss_mb:
        largest = max(worker_rss_mb)
        verdicts.append(
            (
                f"worker memory < {WORKER_RSS_TARGET_MB:.0f} MB",
                f"{largest:.0f} MB",
                largest < WORKER_RSS_TARGET_MB,
            )
        )
    return verdicts


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


def _fmt(value, spec):
    return "–" if value is None else format(value, spec)


def table(results):
    """The results as a Markdown table (readable as plain text too)."""
    header = (
        "| page | URL | status | KiB | req/s | p50 ms | p99 ms | non-2xx/3xx "
        "| errors | queries 1st/again | ceiling beside, req/s | × ceiling |"
    )
    lines = [header, "|" + "---|" * (header.count("|") - 1)]
    for r in results:
        w = r.wrk or {}
        status = _fmt(r.status, "d")
        if r.status != r.expected_status:
            status += f" (want {r.expected_status})"
        queries = (
            f"{_fmt(r.queries_first, 'd')}/{_fmt(r.queries_again, 'd')}"
            if r.queries_first is not None
            else "–"
        )
        lines.append(
            "| "
            + " | ".join(
                [
                    r.name,
                    f"`{r.path}`",
                    status,
                    _fmt(r.bytes / 1024 if r.bytes is not None else None, ".1f"),
                    _fmt(w.get("requests_per_second"), ",.0f"),
                    _fmt(w.get("p50_ms"), ".1f"),
                    _fmt(w.get("p99_ms"), ".1f"),
                    _fmt(w.get("non_2xx_3xx"), "d"),
                    _fmt(r.errors, "d"),
                    queries,
                    " / ".join(f"{rps:,.0f}" for rps in r.nearby_ceilings) or "–",
                    _fmt(r.ratio, ".2f"),
                ]
            )
            + " |"
        )
    return "\n".join(lines)


@dataclass
class Phase:
    """One run of every page under one server configuration."""

    title: str
    description: str
    results: list
    verdicts: list = field(default_factory=list)
    memory: dict = field(default_factory=dict)
    server_problems: list = field(default_factory=list)

    @property
    def failed(self):
        return bool(self.server_problems) or any(r.problems for r in self.results)


def markdown(meta, phases):
    """The whole report: what ran where, then for each phase the table, its
    problems, the targets and the workers' memory."""
    lines = [f"# Newsroom bench, {meta['started']} ({meta['vendor']})", ""]
    lines += [f"- {key}: {value}" for key, value in meta.items()]
    for phase in phases:
        lines += ["", f"## {phase.title}", "", phase.description, ""]
        lines += [table(phase.results), ""]
        problems = [(r.name, p) for r in phase.results for p in r.problems]
        problems += [("server log", problem) for problem in phase.server_problems]
        if problems:
            lines += ["### Problems", ""]
            lines += [f"- {name}: {problem}" for name, problem in problems]
            lines.append("")
        if phase.verdicts:
            lines += [
                "### Targets (issue 6)",
                "",
                "| target | measured | |",
                "|---|---|---|",
            ]
            lines += [
                f"| {target} | {measured} | {'pass' if ok else 'FAIL'} |"
                for target, measured, ok in phase.verdicts
            ]
            lines.append("")
        lines += ["### Gunicorn workers", ""]
        lines += [f"- {key}: {value}" for key, value in phase.memory.items()]
    return "\n".join(lines) + "\n"
