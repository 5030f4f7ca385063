"""Commands of the history area: backtest, import-letter (see register)."""

import math
import os
import sys
import time
from pathlib import Path
from typing import Annotated, Callable, List, Optional, TextIO

import typer

from ..errors import InputError
from .common import EXIT_INVALID, EXIT_OK, EXIT_PROBLEMS, Guidelines, Rules, emit, load

#: Fewer files than this finish before a progress bar would be worth drawing.
_PROGRESS_MIN_FILES = 20


def _fraction(value: Optional[float]) -> Optional[float]:
    if value is not None and not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise typer.BadParameter(f"{value} is not a fraction between 0 and 1 (for 90% write 0.9)")
    return value


def _cpu_count() -> int:
    # The CPUs this process may use (a container's limit), where the OS says.
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


class Progress:
    """A progress line on stderr: files done, share, and a time estimate.

    The estimate counts from the first file done, not from the start: worker
    processes spend their first second or two loading the rule base, and a
    rate that includes it overstates the rest of the run many times over.
    """

    WIDTH = 24
    REDRAW = 0.1          # seconds between redraws

    def __init__(self, total: int, stream: TextIO, clock: Callable[[], float] = time.monotonic):
        self.total, self.stream, self.clock = total, stream, clock
        self.done = 0
        self.first: float | None = None      # when the first file was done
        self.drawn = -math.inf

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self.stream.write("\r" + " " * len(self.line()) + "\r")
        self.stream.flush()

    def update(self, n: int) -> None:
        self.done += n
        now = self.clock()
        if self.first is None:
            self.first = now
        if now - self.drawn >= self.REDRAW or self.done >= self.total:
            self.drawn = now
            self.stream.write("\r" + self.line())
            self.stream.flush()

    def eta(self) -> float | None:
        """Seconds left at the rate since the first file was done; None until that rate is known."""
        if self.first is None or self.done < 2:
            return None
        elapsed = self.clock() - self.first
        if elapsed <= 0:
            return None
        return (self.total - self.done) * elapsed / (self.done - 1)

    def line(self) -> str:
        share = self.done / self.total if self.total else 1.0
        filled = int(share * self.WIDTH)
        eta = self.eta()
        left = "" if eta is None or self.done >= self.total else f"  eta {_clock(eta)}"
        return f"backtest  [{'#' * filled}{'-' * (self.WIDTH - filled)}]  {self.done}/{self.total}  " \
               f"{100 * share:3.0f}%{left}"


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02}:{seconds % 60:02}"


class _Hidden:
    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass

    def update(self, n: int) -> None:
        pass


def _progress(total: int):
    # Only on a terminal, and only when there is enough to wait for: CI logs
    # and pipes get nothing from the bar at all.
    if total >= _PROGRESS_MIN_FILES and sys.stderr.isatty():
        return Progress(total, sys.stderr)
    return _Hidden()


def backtest(
    paths: Annotated[List[Path], typer.Argument(
        metavar="PATH", help="Historical case files (YAML/JSON with history), determination letters (.pdf or .txt), or "
                             "folders of them (searched recursively).")],
    rules: Rules = None,
    guidelines: Guidelines = None,
    json_file: Annotated[Optional[Path], typer.Option(
        "--json", metavar="FILE", dir_okay=False, help="Write the report as JSON.")] = None,
    junit_file: Annotated[Optional[Path], typer.Option(
        "--junit", metavar="FILE", dir_okay=False, help="Write JUnit XML: one testcase per historical item.")] = None,
    markdown_file: Annotated[Optional[Path], typer.Option(
        "--markdown", metavar="FILE", dir_okay=False, help="Write a Markdown summary (a pull-request comment).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing output files.")] = False,
    min_agreement: Annotated[Optional[float], typer.Option(
        "--min-agreement", metavar="X", callback=_fraction,
        help="Fail (exit 1) when agreement on covered items is below X (0..1).")] = None,
    min_coverage: Annotated[Optional[float], typer.Option(
        "--min-coverage", metavar="X", callback=_fraction,
        help="Fail (exit 1) when the share of items the rules decide is below X (0..1).")] = None,
    min_overturned_caught: Annotated[Optional[float], typer.Option(
        "--min-overturned-caught", metavar="X", callback=_fraction,
        help="Fail (exit 1) when fewer than X (0..1) of all historically overturned items are drafted as "
             "overturned (recall on overturned, counting undecided items as missed).")] = None,
    min_basis_agreement: Annotated[Optional[float], typer.Option(
        "--min-basis-agreement", metavar="X", callback=_fraction,
        help="Fail (exit 1) when basis agreement (the draft cites a chapter the reviewer cited) is below X.")] = None,
    baseline: Annotated[Optional[Path], typer.Option(
        "--baseline", metavar="FILE", dir_okay=False,
        help="Accept the disagreements listed in FILE: only new ones count against --min-agreement.")] = None,
    write_baseline: Annotated[Optional[Path], typer.Option(
        "--write-baseline", metavar="FILE", dir_okay=False,
        help="Write the current disagreements as a baseline (YAML for .yaml/.yml, else JSON).")] = None,
    jobs: Annotated[Optional[int], typer.Option(
        "--jobs", "-j", min=1, help="Worker processes (default: the CPU count; 1: in this process).")] = None,
):
    """Check the rule base against historical IMR decisions (letters or case files with history)."""
    from ..backtest import Gates, run_backtest
    from ..backtest import baseline as baseline_mod
    from ..backtest import reports
    from ..output import check_writable, write_atomic

    outputs = [(p, render) for p, render in ((json_file, reports.to_json), (junit_file, reports.to_junit),
                                              (markdown_file, reports.to_markdown)) if p]
    # Refuse unwritable outputs before a long run, not after it.
    targets = [p for p, _ in outputs] + ([write_baseline] if write_baseline else [])
    for i, target in enumerate(targets):
        if target.resolve() in [t.resolve() for t in targets[:i]]:
            raise InputError("the same file is given for two outputs", str(target),
                             hint="give each of --json, --junit, --markdown, --write-baseline its own file")
        check_writable(target, force)
    rb = load(rules, guidelines)
    keys, reasons = baseline_mod.load_baseline_with_reasons(str(baseline)) if baseline else (None, None)

    report = run_backtest(
        [str(p) for p in paths], rb,
        # The folders rb was read from, so every worker reads the same ones.
        rules_dir=str(Path(rb.rules_dir).resolve()), guidelines_dir=str(Path(rb.guidelines_dir).resolve()),
        jobs=jobs or _cpu_count(),
        gates=Gates(min_agreement, min_coverage, min_overturned_caught, min_basis_agreement),
        baseline=(str(baseline), keys) if baseline else None, progress=_progress)

    emit(reports.to_text(report.document), nl=False)
    for target, render in outputs:
        write_atomic(target, render(report.document), force)
    if write_baseline:
        write_atomic(write_baseline, baseline_mod.baseline_text(report.records, str(write_baseline), reasons), force)
    if report.errors:
        typer.echo(f"backtest: {len(report.errors)} file(s) could not be used:", err=True)
        for e in report.errors:
            typer.echo(e["message"], err=True)
        raise typer.Exit(EXIT_INVALID)
    raise typer.Exit(EXIT_OK if report.passed else EXIT_PROBLEMS)


def import_letter(
    letters: Annotated[List[Path], typer.Argument(metavar="LETTER...", help="IMR final determination letters (PDF as published, or text).")],
    out_dir: Annotated[Optional[Path], typer.Option(
        "-o", "--output-dir", file_okay=False,
        help="Write DIR/<letter stem>.yaml for each letter (required for several letters; created when "
             "missing).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing case files.")] = False,
    rules: Rules = None,
    guidelines: Guidelines = None,
):
    """Turn determination letters into case files with evidence and history."""
    from ..importing import import_letters
    if out_dir is None and len(letters) > 1:
        raise InputError(f"{len(letters)} letters but no output folder",
                         hint="give -o DIR to write one case file per letter")
    rb = load(rules, guidelines)
    if out_dir is not None:
        _make_folder(out_dir)
    failures = []
    for path, text, error in import_letters([str(p) for p in letters], rb, str(out_dir) if out_dir else None, force):
        if error is not None:
            failures.append(error)
            typer.echo(str(error), err=True)
        elif out_dir is None:
            emit(text, nl=False)
        else:
            typer.echo(f"wrote {text}", err=True)
    if failures:
        typer.echo(f"import-letter: {len(failures)} of {len(letters)} letter(s) not imported: "
                   + ", ".join(e.file or "?" for e in failures), err=True)
        raise typer.Exit(EXIT_INVALID)


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise InputError("output folder is a file", str(folder), hint="give a folder for -o") from None
    except OSError as exc:
        raise InputError(f"cannot create the output folder: {exc.strerror}", str(folder),
                         hint="give a folder you can write to") from None


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `imr-rules` app."""
    app.command()(backtest)
    app.command("import-letter")(import_letter)
