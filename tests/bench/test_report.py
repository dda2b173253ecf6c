"""The benchmark's results table: runs side by side, budgets judged on the median, groups chosen."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import report
from bench.harness import Result, selected_groups


def _run(cases: int, shared: bool, open_seconds: list[float], load: float) -> dict:
    results = [
        Result("start_warm", "再次启动：创建进程到登录窗口绘出", [0.8, 0.9, 1.3], 1.0, note="5 次"),
        Result("gui_open_officer", "界面：专员在工作台打开案件（含时间线）", open_seconds, 0.1),
        Result("rss", "峰值内存 RSS", [300.0], 350.0, unit="MB"),
    ]
    if shared:
        results = results[1:]
    return {
        "cases": cases,
        "case_count": cases,
        "shared": shared,
        "target": "PostgreSQL（共享模式）" if shared else "本地加密数据库（SQLCipher）",
        "generation": None if shared else {"seconds": 180.0, "peak_rss_mb": 300.0},
        "under_load": load > 1.5,
        "note": "",
        "database_bytes": cases * 3000,
        "environment": {
            "date": "2026-12-05 02:30 UTC",
            "python": "3.11.7",
            "sqlite": "3.46.1",
            "sqlcipher": "4.6.1 community",
            "cpus": 2,
            "memory_gb": 8.0,
            "platform": "Linux",
            "load_average_before": [load, 0, 0],
            "load_average": [load, 0, 0],
        },
        "results": [r.as_dict() for r in results],
    }


def test_runs_render_side_by_side(tmp_path: Path) -> None:
    for run in (
        _run(1_000_000, False, [0.12, 0.2, 0.15], 0.3),
        _run(200_000, True, [0.05, 0.06], 0.2),
        _run(200_000, False, [0.05, 0.07, 0.09], 4.0),
    ):
        name = report.run_name(run["cases"], run["shared"])
        (tmp_path / f"{name}.json").write_text(json.dumps(run, ensure_ascii=False), encoding="utf-8")
    doc = tmp_path / "performance.md"
    assert report.render(tmp_path, doc, kept=None) == doc
    text = doc.read_text(encoding="utf-8")
    header = next(line for line in text.splitlines() if line.startswith("| 操作 |"))
    assert header == "| 操作 | 预算 | 200k 件 · 负载下 | 1M 件 | 200k 件 · PostgreSQL |"
    row = next(line for line in text.splitlines() if line.startswith("| 界面：专员在工作台打开案件"))
    assert (
        row
        == "| 界面：专员在工作台打开案件（含时间线） | 100 ms | 70.0 ms / 90.0 ms OK | 150 ms / 200 ms **OVER** | 55.0 ms / 60.0 ms OK |"
    )
    start = next(line for line in text.splitlines() if line.startswith("| 再次启动"))
    assert start.endswith("| 900 ms / 1.30 s OK | 900 ms / 1.30 s OK |  |")  # not measured on the server
    assert "| 数据库大小 | 600 MB，3.0 KB/件 | 3,000 MB，3.0 KB/件 | 600 MB，3.0 KB/件 |" in text
    assert "| 峰值内存 RSS | 350 MB | 300 MB OK | 300 MB OK | 300 MB OK |" in text


def test_nothing_to_render(tmp_path: Path) -> None:
    assert report.render(tmp_path, tmp_path / "performance.md", kept=None) is None


def test_kept_runs_are_rendered_unless_a_newer_run_of_the_same_name_is_there(tmp_path: Path) -> None:
    out, kept = tmp_path / "out", tmp_path / "kept"
    out.mkdir()
    kept.mkdir()
    shared = _run(200_000, True, [0.05, 0.06], 0.2)
    (kept / f"{report.run_name(200_000, True)}.json").write_text(json.dumps(shared), encoding="utf-8")
    local = _run(200_000, False, [0.05, 0.07, 0.09], 0.2)
    (out / f"{report.run_name(200_000, False)}.json").write_text(json.dumps(local), encoding="utf-8")
    assert [r["shared"] for r in report.load_runs(out, kept)] == [False, True]
    newer = _run(200_000, True, [0.03], 0.2)
    (out / f"{report.run_name(200_000, True)}.json").write_text(json.dumps(newer), encoding="utf-8")
    runs = report.load_runs(out, kept)
    assert [r["results"][0]["samples"] for r in runs if r["shared"]] == [[0.03]]
    assert not (tmp_path / "performance.md").exists()


def test_groups() -> None:
    assert selected_groups("gui,stats", "", shared=False) == {"gui", "stats"}
    assert selected_groups("", "backup,start", shared=False) == {
        "gui",
        "service",
        "stats",
        "reminders",
        "ledger",
    }
    assert selected_groups("", "", shared=True) == {"gui", "service", "stats", "reminders", "rls"}
    with pytest.raises(SystemExit, match="未知的测量组"):
        selected_groups("gui,paint", "", shared=False)
