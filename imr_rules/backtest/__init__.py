"""Backtesting the rule base against historical IMR decisions.

Historical cases (case files with ``history``, or determination letters) are
run through the rule base; every historical item is compared with the draft
(decision and basis) and the comparisons are summarized with per-outcome
recall, coverage and Cohen's kappa, never with one agreement number alone.

Data flows one way: ``corpus`` finds files -> ``workers`` loads and decides
them (in process or in a pool) and ``compare`` turns each item into a small
record -> ``metrics`` summarizes the records -> ``baseline`` and the gates in
``run`` judge them -> ``reports`` renders them.
"""

from .run import BacktestReport, Gates, run_backtest

__all__ = ["BacktestReport", "Gates", "run_backtest"]
