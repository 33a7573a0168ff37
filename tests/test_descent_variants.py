"""The variants benchmark's bookkeeping (``benchmarks/descent_variants.py``):
its readings and its sections of the report (no solve here)."""

from __future__ import annotations

from pathlib import Path

from benchmark_support import load_benchmark

variants = load_benchmark("descent_variants")


def test_a_reading_is_the_last_plan_found_within_the_time() -> None:
    trace = [(0.5, 300.0), (7.0, 280.0), (20.0, 270.0), (33.0, 260.0)]
    assert variants.reading(trace, 0.1) is None
    assert variants.reading(trace, 19.9) == 280.0
    assert variants.reading(trace, 20.0) == 270.0
    assert variants.reading(trace, 60.0) == 260.0


def test_a_run_replaces_its_own_section_and_keeps_the_others(tmp_path: Path) -> None:
    report = tmp_path / "variants.md"
    report.write_text(variants.TITLE + "\nan earlier run, by hand\n", encoding="utf-8")
    variants.write_section("first A\n", "350 a b / 0", report)
    variants.write_section("only B\n", "350 c / 0 1", report)
    text = variants.write_section("second A\n", "350 a b / 0", report)
    assert "an earlier run, by hand" in text and "only B" in text
    assert "second A" in text and "first A" not in text
    assert text.index("second A") < text.index("only B")  # replaced where it was
