"""What every test shares: which tests are slow, and the CLI helpers (tests/clerk.py).

`pytest -m "not slow"` leaves out every test that starts LibreOffice or a token (or takes
seconds for another reason, named below). Most mark themselves (`pytestmark = pytest.mark.slow`);
the ones here are marked by what they use, so one list says it: a fixture that converts with
LibreOffice makes each test using it slow.
"""

from __future__ import annotations

import pytest

# (test folder, fixture): the fixture starts LibreOffice (or builds on a fixture that does).
SLOW_FIXTURES = {
    ("deliver", "pdfs"),            # deliver_factory.make_pdfs: one soffice call
    ("render", "pdfs"),             # render/conftest.py: the rendered batch through LibreOffice
    ("serve", "workspace"),         # a real batch made from make_pdfs
    ("serve", "server"),
}
# Test files that start LibreOffice, OCR or several processes in every test.
SLOW_FILES = {
    "convert/test_converter.py", "convert/test_fallback.py", "convert/test_recovery.py",
    "faults/test_fuzz_extract.py",      # hundreds of mutated files through every reader
}
# Single tests that take seconds: OCR, a benchmark run, processes racing, kill -9.
SLOW_TESTS = {
    "extract/test_central.py::test_393_scan_read_by_ocr",
    "bench/test_bench.py::test_bench_run_gives_its_figures_and_the_last_line",
    "intake/test_watch.py::test_500_files_dropped_at_once_are_each_processed_exactly_once",
    "intake/test_crash.py::test_kill_9_mid_batch_loses_nothing_and_archives_each_file_once",
    "intake/test_take_many.py::test_two_processes_claiming_groups_of_one_inbox_take_each_file_once",
    "register/test_register.py::test_two_processes_never_get_the_same_number",
    "faults/test_hostile_inputs.py::test_hostile_file_is_read_or_rejected_within_bounds",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        rel = item.nodeid.split("tests/", 1)[-1]
        folder = rel.split("/", 1)[0]
        file, _, name = rel.partition("::")
        name = name.split("[", 1)[0]
        fixtures = set(getattr(item, "fixturenames", ()))
        if (file in SLOW_FILES or f"{file}::{name}" in SLOW_TESTS
                or any((folder, f) in SLOW_FIXTURES for f in fixtures)):
            item.add_marker(pytest.mark.slow)
