"""Render stage: plan → .docx (docxtpl templates) and .xlsx (openpyxl) in a batch folder.

Templates: the workspace's templates/ first (clerk-edited), then the package defaults (package data
built by scripts/build_templates.py). Every variable a template may use is in templates/README.md.
"""

from __future__ import annotations

from .batch import iter_batch, render_batch
from .engine import install_templates, lint_template, render_docx, template_path, template_tags
from .implementing import render_implementing_dispatch
from .summary import (
    SUMMARY_STEM,
    SummaryMail,
    SummaryRecipient,
    build_summary_docx,
    summary_document,
)

__all__ = ["render_batch", "iter_batch", "render_implementing_dispatch", "install_templates", "lint_template",
           "render_docx", "template_path", "template_tags", "SUMMARY_STEM", "SummaryMail",
           "SummaryRecipient", "build_summary_docx", "summary_document"]
