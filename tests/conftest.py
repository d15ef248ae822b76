"""What every test shares: which tests are slow, and the report that checks the fast selection.

`pytest -m "not slow"` leaves out every test that starts LibreOffice, a token (SoftHSM),
PostgreSQL, Chromium or paperflow in another process, or takes over a second for another reason.
Most mark themselves (`pytestmark = pytest.mark.slow`); the ones here are marked by what they use,
so one list says it: a fixture that converts with LibreOffice makes each test using it slow.

`--suite-report PATH` writes, for the tests run, each test's wall and CPU time, the programs it
started, whether it loaded SoftHSM, and which modules of src/paperflow the tests executed (a
function of the module ran during a test; a module without functions counts when imported). The
terminal summary lists the modules no test executed and the fast tests that break the rules
above; tests/test_fast_coverage.py runs the fast selection with it and fails on either.
"""

from __future__ import annotations

import ast
import gc
import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

# (test folder, fixture): the fixture starts LibreOffice (or builds on a fixture that does).
SLOW_FIXTURES = {
    ("deliver", "pdfs"),            # deliver_factory.make_pdfs: one soffice call
    ("render", "pdfs"),             # render/conftest.py: the rendered batch through LibreOffice
    ("serve", "workspace"),         # a real batch made from make_pdfs
    ("serve", "server"),
    ("extract", "documents"),       # extract/conftest.py: docx → PDF by soffice
    ("extract", "files"),           # extract/test_central.py: the seeds' PDFs by soffice
}
# Test files that start LibreOffice, OCR, Chromium, PostgreSQL or several processes in every test.
SLOW_FILES = {
    "convert/test_converter.py", "convert/test_fallback.py", "convert/test_recovery.py",
    "faults/test_fuzz_extract.py",      # hundreds of mutated files through every reader
    "serve/test_browser.py",            # Chromium
    "register/test_postgres.py", "faults/test_workstations.py",     # a PostgreSQL server
    "batch/test_numbered_names.py",     # whole batches, issued and signed again (3-8 s each)
    "acceptance/test_dong_nai.py",      # a province's real lists, read once for the module: 1.3 s
    "register/test_store_group.py",     # every grouping of 9 lists stored and compared: 2 s
    "desk/test_desk_lists.py",          # the focal point's desk on whole workspaces: 0.2-0.6 s
    "desk/test_dossier_receipts.py",
}
# Single tests (`file::name` for all its parameters, or one parametrised id) that start a
# program, wait on the clock, or take more CPU than the fast selection can afford: its budget is
# 30 s for some 600 tests, so each test here took over 0.15 s of CPU (the figure beside it, in
# seconds, measured on the shared 2-core machine; tests/batch's whole batches take 1-3 s).
# tests/batch/test_small_batch.py keeps the batch package in the fast selection.
SLOW_TESTS = {
    # OCR, a benchmark run, processes racing, kill -9, LibreOffice
    "extract/test_central.py::test_393_scan_read_by_ocr",
    "extract/test_documents.py::test_scanned_pdf_is_read_by_ocr_with_lower_confidence",
    "bench/test_bench.py::test_bench_run_gives_its_figures_and_the_last_line",
    "bench/test_bench.py::test_files_are_what_a_focal_point_receives",      # soffice
    "intake/test_watch.py::test_500_files_dropped_at_once_are_each_processed_exactly_once",
    "intake/test_crash.py::test_kill_9_mid_batch_loses_nothing_and_archives_each_file_once",
    "intake/test_take_many.py::test_two_processes_claiming_groups_of_one_inbox_take_each_file_once",
    "register/test_register.py::test_two_processes_never_get_the_same_number",
    "faults/test_hostile_inputs.py::test_hostile_file_is_read_or_rejected_within_bounds",
    "test_portable.py::test_a_claim_is_alive_while_its_process_lives_and_dead_after",    # 1.11
    "test_portable.py::test_the_read_ahead_helper_dies_with_a_killed_parent",           # 3-5 s
    "faults/test_duplicate_race.py::test_a_duplicate_taken_by_two_watchers_at_once_is_set_aside_once",
    # waiting for quiet periods and pauses of the watcher (seconds of wall time)
    "intake/test_arrival.py::test_a_copy_that_pauses_keeping_an_old_mtime_is_not_taken_half_written",
    "intake/test_arrival.py::test_a_file_over_the_reading_budget_is_rejected_and_intake_goes_on",
    "intake/test_watch.py::test_a_failing_batch_does_not_stop_the_watcher",
    "faults/test_hostile_inputs.py::test_a_file_named_rejected_does_not_stop_intake",
    "faults/test_hostile_inputs.py::test_hostile_file_names_stay_inside_the_workspace",
    "test_progress.py::test_intake_reports_a_step_for_every_file_taken_rejected_or_duplicate",
    # whole batches (example inbox, stub converter and token)
    "batch/test_cli_words.py::test_plan_warnings_reach_the_terminal_and_status",           # 1.04
    "batch/test_cli_words.py::test_run_exits_with_the_conversion_code_and_says_which_file",  # 1.43
    "batch/test_cli_words.py::test_run_then_sign_with_no_such_batch_is_a_usage_error",     # 1.59
    "batch/test_quarantine.py::test_a_batch_failing_again_is_quarantined_and_later_runs_complete",
    "batch/test_resume_and_watch.py::test_a_batch_that_died_mid_line_is_produced_again_with_its_plan",
    "batch/test_resume_and_watch.py::test_the_watcher_stops_signing_after_a_refused_login_and_says_so",
    "batch/test_review.py::test_a_decision_that_is_no_action_rejects_the_sheet_naming_the_row",
    "batch/test_review.py::test_a_run_makes_the_review_sheet_and_numbers_and_signs_nothing",
    "batch/test_review.py::test_an_edited_sheet_dropped_back_revises_the_plan_then_approve_signs",
    "batch/test_review.py::test_approve_with_edits_applies_them_and_leaves_signing_for_later",
    "batch/test_review.py::test_each_row_names_its_source_file_and_the_row_a_clerk_finds_it_at",
    "batch/test_review.py::test_status_leaves_out_what_the_clerk_excluded",
    "batch/test_run.py::test_a_batch_another_process_is_producing_is_not_resumed_here",
    "batch/test_run.py::test_a_batch_recorded_again_from_its_manifest_keeps_its_numbered_report",
    "batch/test_run.py::test_a_conversion_failure_keeps_its_class_and_exit_code",
    "batch/test_run.py::test_a_wrong_pin_is_one_failed_login_and_the_batch_stays_drafts",
    "batch/test_run.py::test_one_session_signs_every_document_of_ours_and_only_ours",
    "batch/test_run.py::test_sign_issues_what_waits_from_the_register_then_nothing_waits",
    "batch/test_run.py::test_what_a_reader_warns_about_reaches_the_result",
    "batch/test_run.py::test_without_a_pin_the_batch_is_drafts_and_no_session_is_opened",
    "batch/test_quarantine_grain.py::"
    "test_a_file_that_breaks_rendering_is_quarantined_and_the_rest_is_produced",
    "batch/test_quarantine_grain.py::"
    "test_a_request_whose_document_cannot_be_rendered_is_left_out_of_its_batch",
    "batch/test_quarantine_grain.py::"
    "test_a_resumed_batch_leaves_out_the_file_that_breaks_it_instead_of_being_set_aside",
    "batch/test_quarantine_grain.py::"
    "test_a_file_that_breaks_planning_is_quarantined_and_the_rest_is_planned",
    "batch/test_quarantine_grain.py::"
    "test_a_document_that_cannot_be_converted_is_said_in_the_summary_and_not_retried",
    # reading, planning and rendering whole realistic inputs
    "acceptance/test_decision_wording.py::test_an_annex_sheet_of_units_before_and_after",  # 0.33
    "acceptance/test_decision_wording.py::test_the_damaged_copy_gives_the_same_new_names",  # 0.39
    "acceptance/test_decision_wording.py::"
    "test_the_receiving_department_keeps_its_certificate_and_the_unit_only_changes_o",  # 1.02
    "acceptance/test_decision_wording.py::test_the_unaccented_copy_gives_the_same_plan",   # 1.03
    "acceptance/test_party_expiry_aliases.py::test_party_network_expiry_and_aliases",      # 0.30
    "acceptance/test_party_expiry_aliases.py::test_a_row_whose_serial_was_blank_or_invalid_is_named",
    "deliver/test_mail_encoding.py::"
    "test_a_province_summary_table_is_cut_into_pieces_each_with_its_header",  # 0.35
    "desk/test_letters.py::test_dossier_hand_over_lists_each_dossier_the_register_knows",  # 0.51
    "desk/test_letters.py::test_letters_come_once_per_batch_with_new_requests",            # 0.28
    "desk/test_letters.py::test_the_agency_list_holds_every_agency_after_the_reorganisation",
    "desk/test_letters.py::test_the_focal_point_reports_to_the_provincial_committee",     # 0.58
    "extract/test_form_data_columns.py::test_the_values_are_stored_and_only_what_lacks_is_warned",
    "intake/test_arrival.py::test_a_file_written_to_after_its_claim_is_not_stored_and_is_read_again",
    "plan/test_orgs.py::test_rename_and_dissolve",                                         # 0.33
    "plan/test_reorg_2025.py::test_district_officers_continue_leave_or_wait_for_their_new_agency",
    "plan/test_routing.py::test_focal_point_files_with_the_ca_as_sender",                  # 0.29
    "register/test_numbering.py::test_a_deleted_register_is_refused_then_continues_after_the_outbox_numbers",
    "register/test_numbering.py::test_another_workspaces_register_is_refused",             # 0.28
    "render/test_batch.py::test_a_large_request_names_counts_and_its_list_comes_in_parts",  # 0.27
    "batch/test_quarantine_grain.py::"
    "test_batches_set_aside_before_the_quarantine_table_keep_their_reason",  # 0.20
    "extract/test_reading_report.py::test_a_bad_serial_never_reaches_the_plan",           # 0.16
    "extract/test_reading_report.py::test_reports_become_the_batch_s_when_its_plan_is_recorded",
    "plan/test_routing.py::test_recalled_org_tokens_come_from_the_absorbing_agency_to_the_focal_point",
    "register/test_central.py::test_one_implementing_dispatch_ever",                      # 0.17
    "extract/test_ahead.py::test_ingest_with_a_reading_process_takes_stores_and_quarantines_as_before",
    "extract/test_documents.py::test_old_managing_agency_reaches_the_plan_through_the_register",
    "extract/test_formats.py::test_a_zip_bomb_and_a_crowd_of_members_are_refused",        # 0.54
    "extract/test_hostile.py::test_hostile_file_is_rejected_with_a_reason[bomb.xlsx]",    # 0.32
    "extract/test_reading_report.py::test_a_long_sheet_is_read_whole",                    # 8.3
    "extract/test_reading_report.py::test_control_characters_are_stripped_at_extraction",  # 0.26
    "extract/test_reading_report.py::test_list_rows_and_their_certificate_files_always_meet",
    "plan/test_example.py::test_the_example_plan_shows_the_district_and_province_merge_cases",
    "plan/test_from_documents.py::test_a_decision_docx_through_the_reader_and_the_register",
    "plan/test_from_documents.py::test_a_later_certificate_supersedes_a_request_not_yet_issued",
    "plan/test_from_documents.py::test_the_unaccented_or_ocr_damaged_copy_gives_the_same_plan",
    "plan/test_orgs.py::test_merge_keeping_a_name_keeps_that_certificate_and_revokes_the_other",
    "plan/test_orgs.py::test_person_of_merged_agency_changes_ou_and_retired_one_is_revoked",
    "plan/test_persons.py::test_same_snapshot_gives_identical_plan_json_whatever_the_input_order",
    "plan/test_places.py::test_communes_merged_under_the_official_data",                   # 0.47
    "plan/test_reorg_2025.py::test_a_certificate_read_after_its_list_row_supersedes_or_warns",
    "plan/test_reorg_2025.py::test_every_subject_field_naming_the_old_province_changes_together",
    "plan/test_reorg_2025.py::test_unaccented_and_damaged_inputs_give_the_same_plan",      # 0.32
    "register/test_register.py::test_record_documents_moves_requests_to_generated_then_signed",
    "render/test_batch.py::test_numbers_are_taken_when_issued",                            # 0.32
    "render/test_batch.py::test_one_dispatch_per_sender_route_and_form",                   # 0.59
    "render/test_clerk_ready.py::test_org_list_is_a_dispatch_numbered_in_the_dispatch_series",
    "render/test_clerk_ready.py::test_render_takes_every_recipient_from_the_plan",          # 0.62
    "render/test_tables.py::test_a_long_list_keeps_every_row_in_order_with_the_header_on_each_piece",
}


def _slow_reason(item: pytest.Item) -> str | None:
    """The entry of the lists above that makes `item` slow, if any."""
    rel = item.nodeid.split("tests/", 1)[-1]
    folder = rel.split("/", 1)[0]
    file, _, name = rel.partition("::")
    base = f"{file}::{name.split('[', 1)[0]}"
    if file in SLOW_FILES:
        return file
    for entry in (rel, base):
        if entry in SLOW_TESTS:
            return entry
    for fixture in getattr(item, "fixturenames", ()):
        if (folder, fixture) in SLOW_FIXTURES:
            return f"{folder}:{fixture}"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    used = config.stash.setdefault(_USED, set())
    for item in items:
        reason = _slow_reason(item)
        if reason is not None:
            used.add(reason)
            item.add_marker(pytest.mark.slow)


_USED = pytest.StashKey[set]()


def stale_entries(used: set[str]) -> list[str]:
    """Entries of SLOW_FILES / SLOW_TESTS that matched no collected test (renamed or removed)."""
    return sorted((SLOW_FILES | SLOW_TESTS) - used)


# ---------------------------------------------------------------- the fast selection's report

SRC = Path(__file__).resolve().parents[1] / "src" / "paperflow"
# Programs a fast test must not start (the rules of the module docstring).
FORBIDDEN = ("soffice", "libreoffice", "soffice.bin", "softhsm2-util", "chromium",
             "chromium-browser", "postgres", "initdb", "pg_ctl", "paperflow")
FAST_CPU_S = 1.0
# Modules that never run inside paperflow's process, so no test can execute them in-process.
ELSEWHERE = {
    "paperflow.convert._uno_worker": "runs under LibreOffice's Python (uno), as a subprocess; "
                                     "tests/convert/test_converter.py drives it (slow)",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--suite-report", metavar="PATH", default=None,
                     help="write each test's times, the programs it started and the src/paperflow "
                          "modules the tests executed to PATH (JSON); list uncovered modules")


def _modules() -> dict[str, tuple[Path, bool]]:
    """Every module of the package: its file and whether it defines any function."""
    out = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        funcs = any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
                    for n in ast.walk(tree))
        out[name] = (path, funcs)
    return out


def _program(args: object) -> str:
    if isinstance(args, (str, bytes, os.PathLike)):
        first = os.fsdecode(args).split()[0] if os.fsdecode(args).strip() else ""
    else:
        seq = list(args) if args is not None else []
        first = os.fsdecode(seq[0]) if seq else ""
        if Path(first).name.startswith("python") and "-m" in seq[:3]:
            return os.fsdecode(seq[seq.index("-m") + 1])      # python -m paperflow → paperflow
    return Path(first).name


class SuiteReport:
    """Timing, started programs and executed functions, per test; written at the end."""

    CO_NEWLOCALS = 0x2              # set on functions' code, not on module or class bodies

    def __init__(self, path: Path, config: pytest.Config) -> None:
        self.path = path
        self.config = config
        modules = _modules()
        self.files = {str(p): name for name, (p, _f) in modules.items()}
        self.has_functions = {name: f for name, (_p, f) in modules.items()}
        self.with_functions = sum(self.has_functions.values())
        self.executed: set[str] = set()
        self.tests: dict[str, dict] = {}
        self.current: dict | None = None
        self._seen_code: set = set()
        self._softhsm = False
        sys.addaudithook(self._audit)

    # -- started programs (the audit hook cannot be removed: it records only during a test)
    def _audit(self, event: str, args: tuple) -> None:
        if event == "subprocess.Popen" and self.current is not None:
            self.current["started"].append(_program(args[1] if len(args) > 1 else args[0]))

    # -- executed functions: a global trace function that never traces lines
    def _trace(self, frame, event, arg):  # noqa: ANN001
        code = frame.f_code
        if code not in self._seen_code:
            self._seen_code.add(code)
            name = self.files.get(code.co_filename)
            if name is not None and code.co_flags & self.CO_NEWLOCALS:
                self.executed.add(name)
        return None

    def _softhsm_loaded(self) -> bool:
        if self._softhsm:
            return False
        try:
            with open("/proc/self/maps", encoding="utf-8", errors="replace") as f:
                self._softhsm = "softhsm" in f.read()
        except OSError:
            return False
        return self._softhsm

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None) -> Iterator:
        record = {"slow": item.get_closest_marker("slow") is not None, "started": [],
                  "outcome": "passed"}
        self.current = self.tests[item.nodeid] = record
        children = _children_cpu()
        # tracing costs twice the time: it stops once every module has been executed
        trace = self._trace if len(self.executed) < self.with_functions else None
        wall, cpu = time.perf_counter(), time.process_time()
        sys.settrace(trace)
        threading.settrace(trace)           # type: ignore[arg-type]
        try:
            yield
        finally:
            sys.settrace(None)
            threading.settrace(None)        # type: ignore[arg-type]
            record["wall_s"] = round(time.perf_counter() - wall, 3)
            record["cpu_s"] = round(time.process_time() - cpu + _children_cpu() - children, 3)
            record["softhsm"] = self._softhsm_loaded()
            self.current = None

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        record = self.tests.get(report.nodeid)
        if record is not None and (report.failed or report.skipped):
            record["outcome"] = "failed" if report.failed else "skipped"

    def summary(self) -> dict:
        imported = {name for name in self.has_functions if name in sys.modules}
        covered = self.executed | {n for n in imported if not self.has_functions[n]} \
            | set(ELSEWHERE)
        fast = {k: v for k, v in self.tests.items() if not v.get("slow")}
        breaking = {k: sorted({p for p in v.get("started", []) if p in FORBIDDEN})
                    + (["SoftHSM"] if v.get("softhsm") else [])
                    for k, v in fast.items()}
        return {
            "tests": len(self.tests), "fast_tests": len(fast),
            "modules": len(self.has_functions), "covered": len(covered & set(self.has_functions)),
            "uncovered": sorted(set(self.has_functions) - covered),
            "fast_tests_breaking_rules": {k: v for k, v in breaking.items() if v},
            "fast_tests_over_1s_cpu": sorted(k for k, v in fast.items()
                                             if v.get("cpu_s", 0) > FAST_CPU_S),
            "cpu_s": round(sum(v.get("cpu_s", 0) for v in self.tests.values()), 2),
            # meaningful when the whole of tests/ was collected
            "stale_slow_entries": stale_entries(self.config.stash.get(_USED, set())),
            "per_test": self.tests,
        }

    def pytest_terminal_summary(self, terminalreporter) -> None:  # noqa: ANN001
        s = self.summary()
        self.path.write_text(json.dumps(s, indent=1, ensure_ascii=False), encoding="utf-8")
        w = terminalreporter
        w.section("suite report")
        w.line(f"{s['tests']} tests ({s['fast_tests']} not slow), {s['cpu_s']} s CPU in tests; "
               f"modules executed: {s['covered']}/{s['modules']}; written to {self.path}")
        for m in s["uncovered"]:
            w.line(f"  no test executes {m}")
        for t, why in s["fast_tests_breaking_rules"].items():
            w.line(f"  not marked slow but starts {', '.join(why)}: {t}")
        for entry in s["stale_slow_entries"]:
            w.line(f"  tests/conftest.py names a test that was not collected: {entry}")
        for t in s["fast_tests_over_1s_cpu"]:
            w.line(f"  not marked slow but over {FAST_CPU_S:g} s of CPU "
                   f"({s['per_test'][t]['cpu_s']} s): {t}")


def _children_cpu() -> float:
    try:
        import resource
    except ImportError:                     # Windows: the children's time is not counted
        return 0.0
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def pytest_configure(config: pytest.Config) -> None:
    path = config.getoption("--suite-report")
    if path:
        config.pluginmanager.register(SuiteReport(Path(path), config), "paperflow-suite-report")


def pytest_collection(session: pytest.Session) -> None:
    gc.disable()        # collecting imports the package and every test module: nothing to free


def pytest_collection_finish(session: pytest.Session) -> None:
    # What collection made (the package, its dependencies, the test modules) lives to the end:
    # frozen, the garbage collector stops walking it at every full collection during the run
    # and in pytest's last collections (2 s of an empty run).
    gc.freeze()
    gc.enable()
