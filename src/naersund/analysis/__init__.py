"""Analysis of published indicator results: reading and checking a results file before it is
published, the difference between two releases, funnel plots, benchmarking against all
municipalities (spine charts), recent trends and target glide paths.

Pure functions on pandas DataFrames with the columns of ``naersund compute`` (README
"Results"); nothing here imports Django. The web dashboard and the report packs both call these,
so that screen and paper show the same numbers.
"""

from __future__ import annotations

from naersund.analysis.benchmark import (
    MeasureChoice,
    area_name,
    choose_measure,
    comparison_label,
    recent_trend,
    spine_rows,
)
from naersund.analysis.diff import diff_results
from naersund.analysis.funnel import FunnelData, funnel_data
from naersund.analysis.published import PublishedResults
from naersund.analysis.results_file import (
    REQUIRED_META,
    RESULTS_FILE_COLUMNS,
    ResultsFile,
    check_results,
    read_results_file,
)
from naersund.analysis.trend import GlidePath, glide_path, target_status

__all__ = [
    "REQUIRED_META",
    "RESULTS_FILE_COLUMNS",
    "FunnelData",
    "GlidePath",
    "MeasureChoice",
    "PublishedResults",
    "ResultsFile",
    "area_name",
    "check_results",
    "choose_measure",
    "comparison_label",
    "diff_results",
    "funnel_data",
    "glide_path",
    "read_results_file",
    "recent_trend",
    "spine_rows",
    "target_status",
]
