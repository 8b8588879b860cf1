"""Reports: PDF score reports (成績報告) for one candidate, for the cohort of one form, and a form's
technical report (試卷技術報告) for examiners.

Data first, layout second. ``data`` builds plain dicts (JSON-able and picklable, so they travel
to worker processes) from snapshots, rules and responses; ``candidate`` and ``cohort`` turn such
a dict into PDF bytes with ReportLab; ``batch`` writes many on all cores; ``fonts`` finds a
Traditional-Chinese font. This package takes typed values only and never opens a database
(``delivery.results`` reads attempts and hands their data here). Every text in a PDF is
Traditional Chinese as written in Taiwan.
"""

from questionbank.reports.batch import Progress, report_filenames, write_reports
from questionbank.reports.candidate import candidate_report
from questionbank.reports.cohort import cohort_report
from questionbank.reports.data import candidate_data, candidates_report_data, cohort_report_data, form_header, published_header, technical_report_data
from questionbank.reports.fonts import CID_FONT, ReportFont, find_cjk_font
from questionbank.reports.technical import technical_report

__all__ = [
    "CID_FONT",
    "Progress",
    "ReportFont",
    "candidate_data",
    "candidate_report",
    "candidates_report_data",
    "cohort_report",
    "cohort_report_data",
    "find_cjk_font",
    "form_header",
    "published_header",
    "report_filenames",
    "technical_report",
    "technical_report_data",
    "write_reports",
]
