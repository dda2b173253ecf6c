"""The bulk path's statistics: each replayed case's statistics rows (app/statistics/store.py
`rows_from_values`, the reading the stored rows get) and its part of the monthly cube, made in the
process that plans, from the rows it holds, so the writer neither reads the cases back nor recounts
the cube at the end. The cube is summed with no case a repeat; the writer adds the repeats once every
case is stored (`store.finish_bulk`)."""

from __future__ import annotations

from collections import defaultdict

from app.demo.replay_data import CaseReplay, Rows
from app.demo.workdays import WorkdayTable
from app.sealing import SealingKeys
from app.statistics import cube
from app.statistics import store as stats_store
from app.statistics.facts import CategoryInfo, Workdays
from app.statistics.issues import CaseIssueFacts
from app.statistics.person_keys import PlainKeyer


class ReplayStatistics:
    """Statistics rows per replayed case (into `Rows.stats`) and the cube's cells of all of them."""

    def __init__(
        self, categories: dict[int, CategoryInfo], table: WorkdayTable, sealing: SealingKeys | None = None
    ) -> None:
        """`sealing`: the keys the rows are sealed with (their repeat keys made as such a writer may)."""
        self.categories = categories
        self.keyer = PlainKeyer(sealing)
        self.workdays = Workdays(lambda start, n: table.add_workdays(start, n)[0], table.workdays_between)
        self.cells: cube.Cells = defaultdict(lambda: [0, 0])

    def add(self, r: CaseReplay, complainant: dict, follow_ups: list[dict], rows: Rows) -> None:
        """The rows of one replayed case, its complainant and follow-ups (as inserted)."""
        issue = r.issue
        stat = stats_store.rows_from_values(
            r.case,
            complainant,
            [(e[4], e[5], e[2]) for e in r.events],
            [(f["at"], f["satisfaction"]) for f in follow_ups],
            r.assignments,
            [CaseIssueFacts(issue["seq"], issue["category"], (issue["department"],), issue["finding"] or "")],
            [(route["route"], route["status"]) for route in r.routes],
            self.categories,
            self.workdays,
            self.keyer,
        )
        rows.stats.append(stat)
        cube.contributions(stat, self.cells)

    def plain_cells(self) -> dict:
        """The cells as a plain dict (to pass to the writing process)."""
        return {cell: list(value) for cell, value in self.cells.items()}
