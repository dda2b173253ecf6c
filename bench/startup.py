"""Whole process start: spawn `python -m app gui --db PATH` (what `complaintdesk gui --db PATH` runs)
on the offscreen platform with COMPLAINTDESK_PROBE_EXIT_ON_PAINT=1 (ui/startup_probe.py), which ends
the process right after the login window's first paint and prints when that was.

Measured from just before the spawn to the paint (the child's wall clock), and to the process exit.

"First start" means: before the run, the files a start reads (this Python, its site-packages — Qt,
SQLCipher, peewee, ReportLab … — the application's sources and bytecode, and the fonts) are dropped
from the operating system's page cache with posix_fadvise(DONTNEED), as far as an unprivileged user
can: pages that other running processes have mapped stay resident, so this is a cold-ish start, not
a start after a reboot (that needs root: `echo 3 > /proc/sys/vm/drop_caches`). Bytecode caches are
kept, as an installed bundle ships them. "Warm" is the same start again right after.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import sysconfig
import time
from pathlib import Path
from typing import Any

BUDGET = 1.0
PROBE_ENV = "COMPLAINTDESK_PROBE_EXIT_ON_PAINT"  # ui.startup_probe.PROBE_ENV (not imported: no Qt here)
DROP_CACHES = "/proc/sys/vm/drop_caches"
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")


def _start_files() -> list[Path]:
    """Folders whose files a start reads."""
    project = Path(__file__).resolve().parent.parent
    roots = {
        Path(sysconfig.get_paths()["stdlib"]),
        Path(sysconfig.get_paths()["platstdlib"]),
        Path(sysconfig.get_paths()["purelib"]),
        Path(sysconfig.get_paths()["platlib"]),
        *(project / name for name in ("app", "ui", "models", "printing", "resources")),
        *(Path(folder).expanduser() for folder in FONT_DIRS),
    }
    return sorted(root for root in roots if root.is_dir())


def evict_page_cache() -> dict[str, float]:
    """Drop the start's files from the page cache (best effort); returns how many files and MB."""
    if not hasattr(os, "posix_fadvise"):
        return {"files": 0, "mb": 0.0}
    files, size = 0, 0
    for root in _start_files():
        for folder, _dirs, names in os.walk(root):
            for name in names:
                path = os.path.join(folder, name)
                try:
                    fd = os.open(path, os.O_RDONLY)
                except OSError:
                    continue
                try:
                    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                    size += os.fstat(fd).st_size
                    files += 1
                finally:
                    os.close(fd)
    return {"files": files, "mb": size / 1e6}


def spawn_to_paint(path: Path) -> dict[str, Any]:
    """One start: seconds from spawn to the painted login window and to exit, with the probe's line."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", PROBE_ENV: "1"}
    spawned = time.time()
    done = subprocess.run(
        [sys.executable, "-m", "app", "gui", "--db", str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    exited = time.time()
    if done.returncode:
        raise RuntimeError(f"GUI start failed ({done.returncode}):\n{done.stderr[-4000:]}")
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    if probe.get("window") != "LoginDialog":
        raise RuntimeError(f"expected the login window first, got {probe.get('window')}")
    return {**probe, "to_paint": probe["painted_at"] - spawned, "to_exit": exited - spawned}


def drop_page_cache() -> dict[str, float]:
    """The whole page cache (root only; every process on the machine pays for it)."""
    os.sync()
    Path(DROP_CACHES).write_text("1\n")
    return {"files": -1, "mb": 0.0}


def start_lines(path: Path, warm_runs: int = 5, first_runs: int = 2, drop_caches: bool = False) -> list[Any]:
    from bench.harness import Result

    if drop_caches and not os.access(DROP_CACHES, os.W_OK):
        raise SystemExit(f"--drop-caches 需要 root（{DROP_CACHES} 不可写）")
    first, evicted = [], []
    for _ in range(first_runs):
        evicted.append(drop_page_cache() if drop_caches else evict_page_cache())
        first.append(spawn_to_paint(path))
    warm = [spawn_to_paint(path) for _ in range(warm_runs)]

    def note(probes: list[dict[str, Any]]) -> str:
        own = statistics.median(p["since_process_start"] for p in probes)
        out = statistics.median(p["to_exit"] for p in probes)
        return f"进程自报 {own * 1000:.0f} ms，到退出 {out * 1000:.0f} ms；{len(probes)} 次"

    if drop_caches:
        cleared = "；每次先清空系统页面缓存（drop_caches）"
    else:
        cleared = f"；每次先清出 {evicted[0]['files']} 个文件（{evicted[0]['mb']:.0f} MB）的页面缓存"
    return [
        Result(
            "start_first",
            "首次启动：创建进程到登录窗口绘出",
            [p["to_paint"] for p in first],
            BUDGET,
            note=note(first) + cleared,
            extra={"probes": first, "evicted": evicted},
        ),
        Result(
            "start_warm",
            "再次启动：创建进程到登录窗口绘出",
            [p["to_paint"] for p in warm],
            BUDGET,
            note=note(warm),
            extra={"probes": warm},
        ),
    ]
