#!/usr/bin/env python3
"""Turns a benchmark run into docs/benchmarks.md (measured vs. targets) and docs/benchmarks.svg (a bar chart).

Reads queue-bench/target/jmh-result.json (JMH) and the side results the benchmarks write next to it
(wakeup-latency.json: the wakeup histograms; bench-load.json: the load average at the end of each trial;
pg-enqueue-phase.json: how long the producer's enqueueAll alone took in the PostgreSQL rows; scheduled-lateness.json:
the scheduled tasks' lateness histograms, the recurring schedule's ticks and the future-rows fill times).

    python3 queue-bench/report.py [--command "the command that produced the run"]
    python3 queue-bench/report.py --run docs/bench-runs/2026-11-27-run2- --run docs/bench-runs/2026-11-27-pg-run1-

--run PREFIX (repeatable) reads PREFIX + "jmh-result.json" and the side files with the same prefix instead, and merges
the runs (a benchmark found in two runs: the later --run wins). So the SQLite rows of one run and the PostgreSQL rows
of another (`-Djmh.benchmarks=Postgres`) make one report, each section headed by its own run's date, load and command.
An optional PREFIX + "run.json" ({"when": "...", "command": "...", "machine": "..."}) gives an archived run's date,
command and machine (a copied file's mtime is not the run's date, and the machine that renders it may not be the one
that ran it).

Standard library only. Every number it writes comes from those files, except the reference figures of other
queues, which are given, not measured here (measured by the project lead on this machine), and labelled as such.
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = os.path.join(HERE, "target")
DOCS = os.path.join(os.path.dirname(HERE), "docs")
PKG = "dev.dbmq.bench."

DEFAULT_COMMAND = "mvn -pl queue-bench -am jmh:benchmark && python3 queue-bench/report.py"

# Given, not measured by this suite (measured by the project lead on this same 2-vCPU machine).
REFERENCE = [
    ("snappea (Python), measured 2026-12-01 (0.35-0.46 s), not in this run", 400.0),
    ("db-scheduler on SQLite, reference", 250.0),
    ("JobRunr on SQLite, reference", 19000.0),
]


def load(name, default=None, prefix=None):
    path = (prefix + name) if prefix is not None else os.path.join(TARGET, name)
    if not os.path.exists(path):
        if default is not None:
            return default
        sys.exit(f"{path} is missing: run `mvn -pl queue-bench -am jmh:benchmark` first")
    with open(path) as f:
        return json.load(f)


class Run:
    """One benchmark run: its JMH results, side results and where/when it was made."""

    def __init__(self, prefix, command):
        self.prefix = prefix
        self.jmh = load("jmh-result.json", prefix=prefix)
        self.wake = load("wakeup-latency.json", {}, prefix=prefix)
        self.loads = load("bench-load.json", {}, prefix=prefix)
        self.enqueue_phase = load("pg-enqueue-phase.json", {}, prefix=prefix)
        self.scheduled = load("scheduled-lateness.json", {}, prefix=prefix)
        self.cold = load("cold-start.json", {}, prefix=prefix)
        meta = load("run.json", {}, prefix=prefix)
        self.keys = {key_of(r) for r in self.jmh}
        jmh_path = (prefix + "jmh-result.json") if prefix is not None else os.path.join(TARGET, "jmh-result.json")
        mtime = os.path.getmtime(jmh_path)
        self.when = meta.get("when") or datetime.datetime.fromtimestamp(
            mtime, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        self.command = meta.get("command") or command
        # the machine the run was made on: an archived run names it, else this machine is assumed
        self.machine = meta.get("machine") or machine()
        self.load1 = [v[0] for k, v in self.loads.items() if v and k in self.keys]
        self.jvm = (f"{self.jmh[0].get('vmName', '')} {self.jmh[0].get('jdkVersion', '')}".strip()
                    if self.jmh else "")
        self.jmh_cfg = ""
        if self.jmh:
            j = self.jmh[0]
            self.jmh_cfg = (f"JMH {j.get('jmhVersion')}, {j.get('forks')} fork, {j.get('warmupIterations')}×"
                            f"{j.get('warmupTime')} warm-up, {j.get('measurementIterations')}×"
                            f"{j.get('measurementTime')} measurement per benchmark")

    def has(self, prefix):
        return any(k.startswith(PKG + prefix) for k in self.keys)

    def source(self):
        return "`queue-bench/target/*.json`" if self.prefix is None else f"`{self.prefix}*.json`"


def key_of(result):
    params = result.get("params") or {}
    name = result["benchmark"]
    if params:
        name += ":" + ",".join(f"{k}={v}" for k, v in params.items())
    return name


def short(benchmark):
    return benchmark[len(PKG):] if benchmark.startswith(PKG) else benchmark


class Results:
    def __init__(self, jmh):
        self.by_key = {}
        for r in jmh:
            self.by_key[key_of(r)] = r

    def get(self, bench, **params):
        k = PKG + bench
        if params:
            k += ":" + ",".join(f"{a}={b}" for a, b in params.items())
        return self.by_key.get(k)

    def median(self, bench, **params):
        """The median in the benchmark's unit: p50 for SampleTime, the median iteration for throughput."""
        r = self.get(bench, **params)
        if r is None:
            return None
        m = r["primaryMetric"]
        if r["mode"] == "sample":
            return m["scorePercentiles"]["50.0"]
        scores = [s for fork in m["rawData"] for s in fork]
        return statistics.median(scores)

    def unit(self, bench, **params):
        r = self.get(bench, **params)
        return r["primaryMetric"]["scoreUnit"] if r else ""


def fmt(x, digits=1):
    if x is None:
        return "n/a"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.{digits}f}"


def verdict(ok):
    if ok is None:
        return "not measured"
    return "**met**" if ok else "**missed**"


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} vCPU ({cpu}), {platform.system()} {platform.release()}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--command", default=DEFAULT_COMMAND)
    ap.add_argument("--run", action="append", metavar="PREFIX",
                    help="read PREFIX + jmh-result.json etc. instead of queue-bench/target/; repeatable, merged")
    args = ap.parse_args()

    runs = [Run(p, args.command) for p in args.run] if args.run else [Run(None, args.command)]
    jmh = [r for run in runs for r in run.jmh]
    wake = {}
    enqueue_phase = {}
    scheduled = {}
    cold = {}
    for run in runs:
        cold.update({k: v for k, v in run.cold.items() if k in run.keys})
        # a histogram's key is its benchmark's, or that plus a suffix (":fromCall")
        wake.update({k: v for k, v in run.wake.items() if k.split(":")[0] in run.keys})
        enqueue_phase.update({k: v for k, v in run.enqueue_phase.items() if k in run.keys})
        scheduled.update({k: v for k, v in run.scheduled.items() if k in run.keys})
    res = Results(jmh)
    run_keys = set(res.by_key)
    # The SQLite sections are headed by the run that holds them; the PostgreSQL section by its own (they may differ).
    # A run of the scheduled-task benchmarks alone holds SQLite and PostgreSQL rows of section 6 only: each section is
    # headed by the run that holds its own rows.
    sqlite_runs = ([run for run in runs if run.has("EnqueueToFinish")]
                   or [run for run in runs if not run.has("Postgres")] or runs)
    pg_runs = ([run for run in runs if run.has("PostgresEnqueueToFinish")]
               or [run for run in runs if run.has("Postgres")])
    scheduled_runs = [run for run in runs if run.has("ScheduledLateness") or run.has("PostgresScheduledLateness")]
    cold_runs = [run for run in runs if run.has("ColdStart")]
    main = sqlite_runs[-1]
    when, jvm, jmh_cfg, load1 = main.when, main.jvm, main.jmh_cfg, main.load1

    rows = []  # (question, measured, target, verdict)
    perf_rows = []  # the performance work's targets, in their own table
    md = []
    md.append("# dbmq benchmarks\n")
    md.append(f"Produced by `{main.command}` on {when}, {main.machine}, {jvm}; {jmh_cfg}.")
    if load1:
        md.append(f"Load average (1 min) at the end of each trial: {min(load1):.2f} to {max(load1):.2f}. It counts "
                  f"the benchmark's own threads (1 to 7 of them) as well as other builds sharing the machine, so "
                  f"absolute figures are noisy; compare ratios, which are measured within one run. "
                  f"synchronous=FULL figures are dominated by fsync, whose latency depends on other I/O on the "
                  f"shared disk.")
    sources = ", ".join(run.source() for run in runs)
    md.append("Medians: SampleTime p50 for timed operations, the median iteration for throughput. "
              f"Generated by `queue-bench/report.py` from {sources}; do not edit by hand.\n")

    # 1. enqueue to finish
    md.append("## 1. 1000 trivial tasks, first enqueue to last handler finished (ms, median)\n")
    md.append("| how | synchronous=NORMAL | synchronous=FULL |")
    md.append("|---|---:|---:|")
    labels = [
        ("inProcess_1000_enqueue", "in-process foreman, 1000 × `enqueue` (one transaction each)"),
        ("inProcess_1000_enqueueAll", "in-process foreman, one `enqueueAll`"),
        ("crossProcess_1000_enqueue", "producer in a second JVM, 1000 × `enqueue`"),
        ("crossProcess_1000_enqueueAll", "producer in a second JVM, one `enqueueAll`"),
        ("producerOnly_1000_enqueue", "the producer's own share: 1000 × `enqueue`, no foreman anywhere"),
        ("rawJdbc_1000_inserts", "floor: 1000 raw JDBC single-row INSERT transactions, no foreman"),
    ]
    for b, label in labels:
        n = res.median("EnqueueToFinishBenchmark." + b, synchronous="NORMAL")
        f = res.median("EnqueueToFinishBenchmark." + b, synchronous="FULL")
        md.append(f"| {label} | {fmt(n)} | {fmt(f)} |")
    md.append("")
    for sync in ("NORMAL", "FULL"):
        ours = res.median("EnqueueToFinishBenchmark.inProcess_1000_enqueue", synchronous=sync)
        raw = res.median("EnqueueToFinishBenchmark.rawJdbc_1000_inserts", synchronous=sync)
        ratio = ours / raw if ours and raw else None
        rows.append((f"1000 × enqueue, in-process, to finished ({sync}) vs. 1000 raw inserts",
                     f"{fmt(ratio, 2)}× ({fmt(ours)} ms vs {fmt(raw)} ms)", "≤ 2.0×",
                     verdict(None if ratio is None else ratio <= 2.0)))
    all_n = res.median("EnqueueToFinishBenchmark.inProcess_1000_enqueueAll", synchronous="NORMAL")
    rows.append(("1000 tasks via one enqueueAll, in-process, to finished (NORMAL)", f"{fmt(all_n)} ms", "< 15 ms",
                 verdict(None if all_n is None else all_n < 15)))
    ours = res.median("EnqueueToFinishBenchmark.inProcess_1000_enqueue", synchronous="NORMAL")
    raw = res.median("EnqueueToFinishBenchmark.rawJdbc_1000_inserts", synchronous="NORMAL")
    ratio = ours / raw if ours and raw else None
    perf_rows.append(("1000 × enqueue, in-process, to finished (NORMAL) vs. 1000 raw inserts",
                      f"{fmt(ratio, 2)}× ({fmt(ours)} ms vs {fmt(raw)} ms)", "≤ 1.5×",
                      verdict(None if ratio is None else ratio <= 1.5)))
    perf_rows.append(("1000 tasks via one enqueueAll, in-process, to finished (NORMAL)", f"{fmt(all_n)} ms",
                      "< 15 ms", verdict(None if all_n is None else all_n < 15)))
    cross_n = res.median("EnqueueToFinishBenchmark.crossProcess_1000_enqueue", synchronous="NORMAL")
    perf_rows.append(("1000 × enqueue from a second JVM, to finished (NORMAL), "
                      "vs. snappea's 350-460 ms (2026-12-01)",
                      f"{fmt(cross_n)} ms" + (f" ({350 / cross_n:.1f}× faster than 350 ms)" if cross_n else ""),
                      "≤ 35 ms (10×)", verdict(None if cross_n is None else cross_n <= 35)))

    # 3. enqueue throughput
    md.append("## 3. Enqueue throughput, one thread, no foreman (enqueues/s, median iteration)\n")
    md.append("| what | synchronous=NORMAL | synchronous=FULL |")
    md.append("|---|---:|---:|")
    for b, label in [("enqueue", "`TaskQueue.enqueue`"),
                     ("rawJdbc_reusedStatement", "floor: raw JDBC, one prepared statement reused"),
                     ("rawJdbc_prepareEachTime", "raw JDBC, statement prepared per insert")]:
        n = res.median("EnqueueThroughputBenchmark." + b, synchronous="NORMAL")
        f = res.median("EnqueueThroughputBenchmark." + b, synchronous="FULL")
        md.append(f"| {label} | {fmt(n)} | {fmt(f)} |")
    md.append("")
    for sync in ("NORMAL", "FULL"):
        ours = res.median("EnqueueThroughputBenchmark.enqueue", synchronous=sync)
        floor = res.median("EnqueueThroughputBenchmark.rawJdbc_reusedStatement", synchronous=sync)
        share = ours / floor if ours and floor else None
        rows.append((f"enqueue rate vs. raw JDBC single insert, reused statement ({sync})",
                     f"{fmt(None if share is None else 100 * share, 0)}%", "≥ 70%",
                     verdict(None if share is None else share >= 0.70)))

    # 2. wakeup latency
    md.append("## 2. Wakeup latency: idle foreman, one enqueue (µs)\n")
    md.append("From `enqueue` returned (task committed, wakeup sent) to the handler started, System.nanoTime in both "
              "JVMs; all measurement samples, exact percentiles. Synchronous=NORMAL.\n")
    md.append("| where the producer runs | samples | p50 | p90 | p99 | p99.9 | max |")
    md.append("|---|---:|---:|---:|---:|---:|---:|")
    for b, label, p50_target in [("inProcess", "same JVM (direct signal)", 50),
                                 ("crossProcess", "second JVM (wakeup file + inotify)", 300)]:
        h = wake.get(PKG + "WakeupLatencyBenchmark." + b) if (PKG + "WakeupLatencyBenchmark." + b) in run_keys else None
        if not h or not h.get("samples"):
            md.append(f"| {label} | 0 | | | | | |")
            rows.append((f"wakeup p50, {label}", "n/a", f"< {p50_target} µs", verdict(None)))
            continue
        md.append(f"| {label} | {h['samples']} | {fmt(h['p50_us'])} | {fmt(h['p90_us'])} | {fmt(h['p99_us'])} | "
                  f"{fmt(h['p99.9_us'])} | {fmt(h['max_us'])} |")
        rows.append((f"wakeup p50, {label}", f"{fmt(h['p50_us'])} µs", f"< {p50_target} µs",
                     verdict(h["p50_us"] < p50_target)))
        rows.append((f"wakeup p99, {label}", f"{fmt(h['p99_us'])} µs", "< 2,000 µs",
                     verdict(h["p99_us"] < 2000)))
    md.append("")
    md.append("From `enqueue` called to the handler started (what a user feels; the commit is included), "
              "the same samples; the foreman idle for at least 5 ms before each:\n")
    md.append("| where the producer runs | samples | p50 | p90 | p99 | p99.9 | max |")
    md.append("|---|---:|---:|---:|---:|---:|---:|")
    for b, label, p50_target, p99_target in [("inProcess", "same JVM (hand-over, or direct signal)", 100, 500),
                                             ("crossProcess", "second JVM (wakeup file + inotify)", 250, 1000)]:
        key = PKG + "WakeupLatencyBenchmark." + b
        h = wake.get(key + ":fromCall") if key in run_keys else None
        if not h or not h.get("samples"):
            md.append(f"| {label} | 0 | | | | | |")
            continue
        md.append(f"| {label} | {h['samples']} | {fmt(h['p50_us'])} | {fmt(h['p90_us'])} | {fmt(h['p99_us'])} | "
                  f"{fmt(h['p99.9_us'])} | {fmt(h['max_us'])} |")
        perf_rows.append((f"wakeup from the call, p50, {label}", f"{fmt(h['p50_us'])} µs", f"< {p50_target} µs",
                          verdict(h["p50_us"] < p50_target)))
        perf_rows.append((f"wakeup from the call, p99, {label}", f"{fmt(h['p99_us'])} µs", f"< {p99_target:,} µs",
                          verdict(h["p99_us"] < p99_target)))
    fl = wake.get(PKG + "WakeupLatencyBenchmark.rawInsertAfterIdle")
    if fl and fl.get("samples") and (PKG + "WakeupLatencyBenchmark.rawInsertAfterIdle") in run_keys:
        md.append(f"| floor: a raw JDBC single-row INSERT transaction after the same 5 ms idle, call to return "
                  f"(no foreman) | {fl['samples']} | {fmt(fl['p50_us'])} | {fmt(fl['p90_us'])} | "
                  f"{fmt(fl['p99_us'])} | {fmt(fl['p99.9_us'])} | {fmt(fl['max_us'])} |")
    md.append("")
    md.append("JMH's own SampleTime for the same benchmarks (whole `enqueue` call, or the command pipe to the "
              "producer JVM, plus the benchmark thread's own wake-up; µs):\n")
    md.append("| benchmark | p50 | p99 | p99.9 |")
    md.append("|---|---:|---:|---:|")
    for b in ("inProcess", "crossProcess", "rawInsertAfterIdle"):
        r = res.get("WakeupLatencyBenchmark." + b)
        if r:
            p = r["primaryMetric"]["scorePercentiles"]
            md.append(f"| {b} | {fmt(p['50.0'])} | {fmt(p['99.0'])} | {fmt(p['99.9'])} |")
    md.append("")

    # 4, 5. PostgreSQL
    if pg_runs:
        postgres_sections(md, rows, res, wake, enqueue_phase, pg_runs)

    # 6. scheduled tasks: run-at lateness, future-dated rows, recurring
    has_scheduled = any(k.startswith(PKG + b) for k in run_keys
                        for b in ("ScheduledLateness", "FutureRows", "Recurring", "PostgresScheduledLateness",
                                  "PostgresFutureRows"))
    if has_scheduled:
        md.append("## 6. Scheduled tasks\n")
        if scheduled_runs:
            sr = scheduled_runs[-1]
            md.append(f"Run: `{sr.command}` on {sr.when}, {sr.jvm}; {sr.jmh_cfg}."
                      + (f" Load average (1 min) at the end of each trial: {min(sr.load1):.2f} to "
                         f"{max(sr.load1):.2f}." if sr.load1 else "") + "\n")
        scheduled_section(md, rows, res, scheduled, run_keys)

    # 7. cold start
    if cold_runs:
        cold_section(md, perf_rows, res, cold, cold_runs[-1])

    # 8. many producers (group commit)
    if any(k.startswith(PKG + "ConcurrentEnqueueBenchmark") for k in run_keys):
        concurrent_section(md, perf_rows, res, runs)

    # 9. blocking handlers on many workers
    if any(k.startswith(PKG + "BlockingWorkersBenchmark") for k in run_keys):
        blocking_section(md, res, runs)

    perf_rows += [r for r in rows if r[0].startswith("PostgreSQL: 10,000 tasks finished with 2 foremen (4 workers")]
    if perf_rows:
        md.append("## Targets of the performance work\n")
        md.append("| target | measured | goal | |")
        md.append("|---|---|---|---|")
        for q, m, t, v in perf_rows:
            md.append(f"| {q} | {m} | {t} | {v} |")
        md.append("")

    # targets
    # the targets set with each part: SQLite throughput and wakeup (the first), PostgreSQL's, the scheduled tasks'
    topics = (["SQLite throughput and wakeup"] + (["PostgreSQL"] if pg_runs else [])
              + (["scheduled tasks"] if has_scheduled else []))
    md.append("## Targets: " + ", ".join(topics) + "\n")
    md.append("| target | measured | goal | |")
    md.append("|---|---|---|---|")
    for q, m, t, v in rows:
        md.append(f"| {q} | {m} | {t} | {v} |")
    md.append("")

    # comparison
    cross = res.median("EnqueueToFinishBenchmark.crossProcess_1000_enqueue", synchronous="NORMAL")
    cross_wake = wake.get(PKG + "WakeupLatencyBenchmark.crossProcess", {})
    md.append("## Beside the seed's documented targets and other queues\n")
    md.append("| | 1000 trivial tasks, enqueue to finished | wakeup of an idle foreman (p50) |")
    md.append("|---|---:|---:|")
    md.append(f"| dbmq, producer in a second JVM (snappea's production shape), measured | {fmt(cross)} ms | "
              f"{fmt(cross_wake.get('p50_us'))} µs |")
    md.append("| snappea's seed (foreman.py, 2024-05), documented | \"a few seconds\" | "
              "\"n·10⁻⁵ s\" (write/inotify/delete only) |")
    md.append("| snappea (Python), measured on this machine 2026-12-01, not in this run "
              "| 350-460 ms | ~1,800 µs |")
    md.append("| db-scheduler on SQLite, reference, not measured by this suite | ~250 ms | |")
    md.append("| JobRunr on SQLite, reference, not measured by this suite | ~19,000 ms | |")
    md.append("")
    md.append("![1000 trivial tasks, enqueue to finished](benchmarks.svg)\n")

    os.makedirs(DOCS, exist_ok=True)
    with open(os.path.join(DOCS, "benchmarks.md"), "w") as f:
        f.write("\n".join(md))

    bars = []
    for b, label in [("inProcess_1000_enqueueAll", "dbmq, in-process, enqueueAll"),
                     ("inProcess_1000_enqueue", "dbmq, in-process, 1000 × enqueue"),
                     ("crossProcess_1000_enqueueAll", "dbmq, second JVM, enqueueAll"),
                     ("crossProcess_1000_enqueue", "dbmq, second JVM, 1000 × enqueue"),
                     ("rawJdbc_1000_inserts", "floor: 1000 raw JDBC inserts")]:
        v = res.median("EnqueueToFinishBenchmark." + b, synchronous="NORMAL")
        if v is not None:
            bars.append((label, v, "measured"))
    bars += [(label, v, "reference") for label, v in REFERENCE]
    with open(os.path.join(DOCS, "benchmarks.svg"), "w") as f:
        f.write(svg(bars, f"1000 trivial tasks, first enqueue to last finished (ms, log scale, median; "
                          f"synchronous=NORMAL) — {when}, {os.cpu_count()} vCPU"))
    print(f"wrote {os.path.join(DOCS, 'benchmarks.md')} and benchmarks.svg")


def concurrent_section(md, perf_rows, res, runs):
    b = "ConcurrentEnqueueBenchmark."
    cr = [run for run in runs if run.has("ConcurrentEnqueue")]
    md.append("## 8. Many producers: threads of one JVM enqueuing at once, no foreman (enqueues/s, median iteration)\n")
    if cr:
        run = cr[-1]
        md.append(f"Run: `{run.command}` on {run.when}, {run.jvm}; {run.jmh_cfg}."
                  + (f" Load average (1 min) at the end of each trial: {min(run.load1):.2f} to "
                     f"{max(run.load1):.2f}." if run.load1 else "") + "\n")
    md.append("Each `enqueue` returns once its task is committed; producer threads calling at once share a "
              "transaction (group commit). The floor: one thread of raw JDBC single-row INSERTs, one transaction "
              "per row, one prepared statement reused, in the same run.\n")
    md.append("| what | synchronous=NORMAL | × floor | synchronous=FULL | × floor |")
    md.append("|---|---:|---:|---:|---:|")
    floor = {s: res.median(b + "rawJdbc_oneThread", synchronous=s) for s in ("NORMAL", "FULL")}
    for m, label in [("producers01", "1 producer thread"), ("producers04", "4 producer threads"),
                     ("producers16", "16 producer threads"), ("rawJdbc_oneThread", "floor: raw JDBC, one thread")]:
        cells = []
        for sync in ("NORMAL", "FULL"):
            v = res.median(b + m, synchronous=sync)
            f = floor[sync]
            cells += [fmt(v), f"{v / f:.2f}×" if v and f else ""]
        md.append(f"| {label} | " + " | ".join(cells) + " |")
    md.append("")
    for sync in ("NORMAL", "FULL"):
        v = res.median(b + "producers16", synchronous=sync)
        f = floor[sync]
        r = v / f if v and f else None
        perf_rows.append((f"16 producer threads vs. the one-thread raw JDBC floor ({sync})",
                          f"{fmt(r, 2)}× ({fmt(v)} vs {fmt(f)} enqueues/s)", "≥ 3×",
                          verdict(None if r is None else r >= 3.0)))


def blocking_section(md, res, runs):
    b = "BlockingWorkersBenchmark."
    md.append("## 9. Handlers that block: 10,000 tasks sleeping 100 ms each, 1,000 workers (ms, median)\n")
    br = [run for run in runs if run.has("BlockingWorkers")]
    if br:
        run = br[-1]
        md.append(f"Run: `{run.command}` on {run.when}, {run.jvm}; {run.jmh_cfg}.\n")
    md.append("One `enqueueAll` of 10,000 to the last handler finished, in-process, SQLite NORMAL; each handler sleeps "
              "100 ms (a stand-in for waiting on the network). The floor is the sleeping itself: 10 rounds of 100 ms. "
              "Virtual threads need JDK 21+ (JMH's Main run on a newer JDK: docs/performance.md, \"Handlers that block\"); "
              "on JDK 17 that row is n/a.\n")
    md.append("| workers | median | × floor (1,000 ms) |")
    md.append("|---|---:|---:|")
    for m, label in [("platformThreads", "1,000 platform threads (the default factory)"),
                     ("virtualThreads", "1,000 virtual threads (`Thread.ofVirtual().factory()`)")]:
        v = res.median(b + m)
        md.append(f"| {label} | {fmt(v)} | {fmt(v / 1000.0, 2) + '×' if v else ''} |")
    md.append("")


PG_ETF = "PostgresEnqueueToFinishBenchmark.enqueueAll_toFinished"
PG_WAKE = "PostgresWakeupLatencyBenchmark.notify_otherPool"
PG_WAKE_FLOOR = "PostgresWakeupLatencyBenchmark.rawListen_notifyOnly"


def postgres_sections(md, rows, res, wake, enqueue_phase, pg_runs):
    """Sections 4 and 5 (PostgreSQL) and their target rows."""
    pg = pg_runs[-1]
    md.append("## 4. PostgreSQL: one `enqueueAll` of N trivial tasks to the last handler finished\n")
    sync = "the server's synchronous_commit (on)"
    for r in pg.jmh:
        for a in r.get("jvmArgs") or []:
            if a.startswith("-Ddbmq.pg.synchronousCommit="):
                sync = f"sessions with synchronous_commit={a.split('=', 1)[1]} (a diagnosis run, not the default)"
    md.append(f"Run: `{pg.command}` on {pg.when}, {pg.jvm}; {pg.jmh_cfg}; PostgreSQL on the same machine "
              f"(127.0.0.1), {sync}.")
    if pg.load1:
        md.append(f"Load average (1 min) at the end of each trial: {min(pg.load1):.2f} to {max(pg.load1):.2f}; it "
                  f"counts the PostgreSQL backends and the foremen's threads (up to 2 × 16 workers) as well as other "
                  f"builds on the machine.")
    md.append("Timed: from the producer's `enqueueAll` call (its own pool and TaskQueue) to the last handler finished; "
              "foremen (each its own pool and TaskQueue, as separate hosts) are woken only by the trigger's NOTIFY. "
              "tasks/s = N / median time. `enqueueAll` alone: the median of the producer's call by itself, included "
              "in the total (no foreman starts before its commit). 10,000-task rows rest on few samples (one "
              "invocation outlasts a 2 s iteration).\n")
    md.append("| foremen × workers | 1,000 tasks: ms | tasks/s | 10,000 tasks: ms | tasks/s | "
              "`enqueueAll` alone, 1,000 / 10,000: ms | samples (1,000 / 10,000) |")
    md.append("|---|---:|---:|---:|---:|---:|---:|")
    rates = {}
    for foremen in ("1", "2"):
        for workers in ("4", "16"):
            cells = []
            phases = []
            counts = []
            for tasks in ("1000", "10000"):
                ms = res.median(PG_ETF, foremen=foremen, tasks=tasks, workers=workers)
                rate = int(tasks) / (ms / 1000.0) if ms else None
                rates[(foremen, workers, tasks)] = (ms, rate)
                cells += [fmt(ms), fmt(rate, 0)]
                key = f"{PKG}{PG_ETF}:foremen={foremen},tasks={tasks},workers={workers}"
                ph = enqueue_phase.get(key)
                phases.append(fmt(ph["p50_us"] / 1000.0) if ph and ph.get("samples") else "n/a")
                r = res.get(PG_ETF, foremen=foremen, tasks=tasks, workers=workers)
                hist = r["primaryMetric"].get("rawDataHistogram", []) if r else []
                counts.append(str(int(sum(c for fork in hist for it in fork for _, c in it))))
            md.append(f"| {foremen} × {workers} | {cells[0]} | {cells[1]} | {cells[2]} | {cells[3]} | "
                      f"{' / '.join(phases)} | {' / '.join(counts)} |")
    md.append("")
    for workers, note in (("4", "4 workers each, the default"), ("16", "16 workers each")):
        ms, rate = rates.get(("2", workers, "10000"), (None, None))
        rows.append((f"PostgreSQL: 10,000 tasks finished with 2 foremen ({note})",
                     f"{fmt(rate, 0)} tasks/s ({fmt(ms)} ms)", "≥ 10,000 tasks/s",
                     verdict(None if rate is None else rate >= 10000)))

    md.append("## 5. PostgreSQL wakeup latency: idle foreman, one `enqueue` from a producer on another pool (µs)\n")
    md.append("From `enqueue` returned (committed; the trigger's NOTIFY goes out at commit) to the handler started: "
              "LISTEN connection → foreman thread → claim transaction → worker. All measurement samples, exact "
              "percentiles.\n")
    md.append("| wakeup | samples | p50 | p90 | p99 | p99.9 | max |")
    md.append("|---|---:|---:|---:|---:|---:|---:|")
    h = wake.get(PKG + PG_WAKE)
    if not h or not h.get("samples"):
        md.append("| NOTIFY (LISTEN connection) | 0 | | | | | |")
        rows.append(("PostgreSQL: NOTIFY wakeup p50", "n/a", "< 2,000 µs", verdict(None)))
    else:
        md.append(f"| NOTIFY (LISTEN connection) | {h['samples']} | {fmt(h['p50_us'])} | {fmt(h['p90_us'])} | "
                  f"{fmt(h['p99_us'])} | {fmt(h['p99.9_us'])} | {fmt(h['max_us'])} |")
        rows.append(("PostgreSQL: NOTIFY wakeup p50", f"{fmt(h['p50_us'])} µs", "< 2,000 µs",
                     verdict(h["p50_us"] < 2000)))
    floor = wake.get(PKG + PG_WAKE_FLOOR)
    if floor and floor.get("samples"):
        md.append(f"| floor: raw JDBC, `pg_notify` commit to another connection's `getNotifications` (no trigger, "
                  f"claim or foreman) | {floor['samples']} | {fmt(floor['p50_us'])} | {fmt(floor['p90_us'])} | "
                  f"{fmt(floor['p99_us'])} | {fmt(floor['p99.9_us'])} | {fmt(floor['max_us'])} |")
    r = res.get(PG_WAKE)
    if r:
        p = r["primaryMetric"]["scorePercentiles"]
        md.append("")
        md.append(f"JMH's SampleTime of the same benchmark (the whole `enqueue` call plus the benchmark thread's own "
                  f"wake-up): p50 {fmt(p['50.0'])}, p99 {fmt(p['99.0'])}, p99.9 {fmt(p['99.9'])} µs.")
    md.append("")


SCHED_LATE = "ScheduledLatenessBenchmark.dueAt_toHandlerStart"
PG_SCHED_LATE = "PostgresScheduledLatenessBenchmark.dueAt_toHandlerStart"
FUTURE = "FutureRowsBenchmark.enqueueAll_1000_toFinished"
PG_FUTURE = "PostgresFutureRowsBenchmark.enqueueAll_1000_toFinished"
RECURRING = "RecurringBenchmark.every100ms"


def scheduled_section(md, rows, res, scheduled, run_keys):
    """Section 6 (scheduled tasks): lateness of a task due at T, future-dated rows, a recurring schedule; and their
    targets."""
    md.append("### Lateness: a task due at T on an idle foreman, from T to its handler's start (µs)\n")
    md.append("T is the instant given to `Enqueue.at(T)`, a whole epoch millisecond 30 ms after the enqueue, so the "
              "foreman has handled the enqueue's wakeup and sleeps until T; the end is `Instant.now()` read first "
              "thing in the handler (the system clock, the queue's clock too; microseconds). All measurement samples, "
              "exact percentiles. \"Asleep\": samples where the foreman went idle before T, as intended; the others "
              "(still busy with the wakeup at T, under load) are included in the percentiles. SQLite: producer and "
              "foreman share the TaskQueue; PostgreSQL: the producer has its own pool, the foreman learns of the task "
              "by NOTIFY.\n")
    md.append("| database | samples (asleep) | p50 | p90 | p99 | p99.9 | max |")
    md.append("|---|---:|---:|---:|---:|---:|---:|")
    for bench, label, p50_target, p99_target in [(SCHED_LATE, "SQLite", 1000, 5000),
                                                  (PG_SCHED_LATE, "PostgreSQL", 5000, None)]:
        h = scheduled.get(PKG + bench) if (PKG + bench) in run_keys else None
        if not h or not h.get("samples"):
            md.append(f"| {label} | 0 | | | | | |")
            rows.append((f"{label}: task due at T, handler start − T, p50", "n/a", f"< {fmt(p50_target)} µs",
                         verdict(None)))
            if p99_target:
                rows.append((f"{label}: task due at T, handler start − T, p99", "n/a", f"< {fmt(p99_target)} µs",
                             verdict(None)))
            continue
        md.append(f"| {label} | {h['samples']} ({h.get('asleep', 'n/a')}) | {fmt(h['p50_us'])} | "
                  f"{fmt(h['p90_us'])} | {fmt(h['p99_us'])} | {fmt(h['p99.9_us'])} | {fmt(h['max_us'])} |")
        rows.append((f"{label}: task due at T, handler start − T, p50", f"{fmt(h['p50_us'])} µs",
                     f"< {fmt(p50_target)} µs", verdict(h["p50_us"] < p50_target)))
        if p99_target:
            rows.append((f"{label}: task due at T, handler start − T, p99", f"{fmt(h['p99_us'])} µs",
                         f"< {fmt(p99_target)} µs", verdict(h["p99_us"] < p99_target)))
    md.append("")

    md.append("### Future-dated rows: 1000 due tasks, one `enqueueAll` to the last handler finished (ms, median)\n")
    md.append("With `future` tasks of the same name pending, due in 30 days (written once per trial, untimed, "
              "`enqueueAll` in chunks of 10,000), against none, in the same run. Foreman of 4 workers; SQLite: same "
              "JVM and TaskQueue, synchronous=NORMAL; PostgreSQL: producer on its own pool, NOTIFY wakeups, and "
              "200,000 future rows, not 1,000,000 (the fill alone takes ~25 s there).\n")
    md.append("| database | future rows | median | samples | fill (untimed) | ratio to none |")
    md.append("|---|---:|---:|---:|---:|---:|")
    for bench, label in [(FUTURE, "SQLite"), (PG_FUTURE, "PostgreSQL")]:
        counts = sorted({int(r["params"]["future"]) for k, r in res.by_key.items()
                         if k.startswith(PKG + bench + ":")})
        base = res.median(bench, future="0")
        for n in counts:
            ms = res.median(bench, future=str(n))
            r = res.get(bench, future=str(n))
            hist = r["primaryMetric"].get("rawDataHistogram", []) if r else []
            samples = int(sum(c for fork in hist for it in fork for _, c in it))
            fill = scheduled.get(f"{PKG}{bench}:future={n}", {}).get("fill_ms")
            ratio = ms / base if ms and base else None
            md.append(f"| {label} | {n:,} | {fmt(ms)} | {samples} | "
                      f"{'n/a' if fill is None else fmt(fill / 1000.0) + ' s'} | {fmt(ratio, 2)}× |")
            if n:
                rows.append((f"{label}: 1000 tasks to finished with {n:,} future-dated rows vs. none",
                             f"{fmt(ratio, 2)}× ({fmt(ms)} ms vs {fmt(base)} ms)", "≤ 1.10×",
                             verdict(None if ratio is None else ratio <= 1.10)))
        if not counts:
            md.append(f"| {label} | | n/a | | | |")
            rows.append((f"{label}: 1000 tasks to finished with future-dated rows vs. none", "n/a", "≤ 1.10×",
                         verdict(None)))
    md.append("")

    md.append("### Recurring: `Schedule.every(100 ms)` over one window (SQLite)\n")
    rec = scheduled.get(PKG + RECURRING) if (PKG + RECURRING) in run_keys else None
    if not rec:
        md.append("Not measured in this run.\n")
        rows.append(("recurring every 100 ms: ticks run / expected, none missed", "n/a", "all", verdict(None)))
        return
    lat = rec["lateness"]
    md.append(f"A window of {rec['window_ms'] / 1000:.0f} s (the measurement iteration's time), after the foreman has "
              f"run 3 ticks (so its start-up is not timed); the ticks due in the window count, the first of them "
              f"anchors the grid. Missed: grid points (first tick + k × 100 ms, up to the window's end) that got no "
              f"tick. Off the grid (drift): ticks whose `ctx.scheduledAt()` is not a whole number of periods after "
              f"the first's. Lateness: `Instant.now()` first thing in the handler minus `ctx.scheduledAt()`.\n")
    md.append("| expected | ticks run | missed | off the grid (max off) | duplicates | lateness p50 | p90 | p99 | max |")
    md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    md.append(f"| {rec['expected']} | {rec['ticks']} | {rec['missed']} | {rec['off_grid']} "
              f"({rec['max_off_grid_ms']} ms) | {rec['duplicates']} | {fmt(lat.get('p50_us'))} µs | "
              f"{fmt(lat.get('p90_us'))} µs | {fmt(lat.get('p99_us'))} µs | {fmt(lat.get('max_us'))} µs |")
    md.append("")
    rows.append(("recurring every 100 ms: ticks run / expected, missed",
                 f"{rec['ticks']} / {rec['expected']}, {rec['missed']} missed", "all, none missed",
                 verdict(rec["missed"] == 0 and rec["ticks"] >= rec["expected"])))
    rows.append(("recurring every 100 ms: ticks off the 100 ms grid (drift)", f"{rec['off_grid']}", "0",
                 verdict(rec["off_grid"] == 0)))
    rows.append(("recurring every 100 ms: lateness per tick p50 / p99 / max",
                 f"{fmt(lat.get('p50_us'))} / {fmt(lat.get('p99_us'))} / {fmt(lat.get('max_us'))} µs", "(no target)",
                 ""))


COLD = "ColdStartBenchmark.firstCommit"


def cold_section(md, rows, res, cold, run):
    """Section 7 (cold start): a fresh JVM to its first committed task, dbmq against raw JDBC; and its targets."""
    md.append("## 7. Cold start: a fresh JVM to its first committed task (ms, median)\n")
    md.append(f"Run: `{run.command}` on {run.when}, {run.jvm}; {run.jmh_cfg}."
              + (f" Load average (1 min) at the end of each trial: {min(run.load1):.2f} to {max(run.load1):.2f}."
                 if run.load1 else "") + "\n")
    md.append("Each invocation starts a child JVM (same java and classpath) that opens the file and commits one task: "
              "dbmq `TaskQueue.open` and one `enqueue`; raw JDBC with the same SQLite settings (WAL), `CREATE TABLE` "
              "on a new file, one `INSERT` in autocommit. **Child**: the child's own figure, from the first line of "
              "its `main()` to the task committed (the measure); **process**: JMH's single shot, from starting the "
              "process to reading the child's report line (adds the JVM's own start-up). Existing file: made once "
              "per trial by an untimed new-file run, so dbmq's is at the current schema with a task pending.\n")
    md.append("| file | dbmq, child | raw JDBC, child | ratio | dbmq, process | raw JDBC, process | "
              "dbmq open alone (child) | samples |")
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    for file in ("new", "existing"):
        ours = cold.get(f"{PKG}{COLD}:client=dbmq,file={file}") or {}
        raw = cold.get(f"{PKG}{COLD}:client=rawJdbc,file={file}") or {}
        o, r = ours.get("p50_ms"), raw.get("p50_ms")
        ratio = o / r if o and r else None
        po = res.median(COLD, client="dbmq", file=file)
        pr = res.median(COLD, client="rawJdbc", file=file)
        md.append(f"| {file} | {fmt(o)} | {fmt(r)} | {fmt(ratio, 2)}× | {fmt(po)} | {fmt(pr)} | "
                  f"{fmt(ours.get('open_p50_ms'))} | {ours.get('samples', 0)} / {raw.get('samples', 0)} |")
        rows.append((f"cold start to the first committed task, {file} file, dbmq vs. raw JDBC (child's figure)",
                     f"{fmt(ratio, 2)}× ({fmt(o)} ms vs {fmt(r)} ms)", "≤ 2.0×",
                     verdict(None if ratio is None else ratio <= 2.0)))
    md.append("")


def svg(bars, title):
    """A horizontal bar chart on a log scale, hand-written SVG."""
    import math
    left, width, bar_h, gap, top = 250, 460, 22, 8, 40
    lo, hi = 1.0, 100000.0
    height = top + len(bars) * (bar_h + gap) + 40

    def x(v):
        return left + width * (math.log10(max(v, lo)) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 220}" height="{height}" '
           f'font-family="sans-serif" font-size="12">',
           f'<text x="10" y="20" font-size="13" font-weight="bold">{esc(title)}</text>']
    for decade in range(0, 6):
        v = 10 ** decade
        out.append(f'<line x1="{x(v):.1f}" y1="{top - 5}" x2="{x(v):.1f}" y2="{height - 30}" stroke="#ddd"/>')
        out.append(f'<text x="{x(v):.1f}" y="{height - 15}" text-anchor="middle" fill="#555">'
                   f'{v:,} ms</text>')
    for i, (label, v, kind) in enumerate(bars):
        y = top + i * (bar_h + gap)
        color = "#2b7bb9" if kind == "measured" else ("#999" if kind == "reference" else "#2b7bb9")
        if label.startswith("floor"):
            color = "#6a9f3a"
        out.append(f'<text x="{left - 8}" y="{y + bar_h * 0.7:.1f}" text-anchor="end">{esc(label)}</text>')
        out.append(f'<rect x="{left}" y="{y}" width="{max(1.0, x(v) - left):.1f}" height="{bar_h}" '
                   f'fill="{color}"/>')
        out.append(f'<text x="{x(v) + 4:.1f}" y="{y + bar_h * 0.7:.1f}">{fmt(v)} ms</text>')
    out.append(f'<text x="10" y="{height - 2}" fill="#555" font-size="10">blue: dbmq, measured; green: raw '
               f'JDBC floor, measured in the same run; grey: reference figures given by the project lead, not '
               f'measured by this suite</text>')
    out.append("</svg>\n")
    return "\n".join(out)


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


if __name__ == "__main__":
    main()
