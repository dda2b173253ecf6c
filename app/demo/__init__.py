"""Demo and benchmark databases with synthetic complaints.

* `database` — a demo database: one demo user per role, optionally filled with cases
  (`create_demo_database`, used by `complaintdesk demo` and the GUI's demo mode).
* `generator` — `DemoGenerator` plans each complaint deterministically (the same seed, "now" and
  dictionaries give the same cases): complainant, patient, narrative, 诉求, channel, severity,
  category (`people`, `slots`, `templates` with the texts of resources/demo/ read by `texts`), and
  every step of its life (`life`, `plans`: 受理, 转办, 签收, 反馈, 拟稿, 审批, 答复, 回访, 销项, holds,
  extensions, 保密, 合并, 不予受理, 再处理, external routes, 归档) with the moment it happens. Cases
  received over the last two years are mostly closed; those of the last weeks are spread over every
  board state, some overdue or nearly due, some on hold, with pending or approved extensions. Due
  dates come from `workdays.WorkdayTable`, a precomputed table of the database's calendar.
* `fill` — writes the plans one of two ways, which the test suite checks write the same rows
  (case tables, reply-date promises, draft revisions, issued letters, audit entries):
  `service_fill` (every step through the real services, up to 2,000 cases) or `bulk` (the plans
  replayed in memory — `replay` one method per step, `replay_core` the operation frame and the
  bookkeeping services share, `replay_data` the rows — with the services' own timeline wording and
  constants; audit entries chained in the service path's order by `audit_stream`; statistics rows
  and the monthly cube's cells by `replay_stats`; identifiers and restricted cases sealed as the
  services seal them by `replay_sealing`; 处理结果告知书
  rendered by `letters`; inserted with prepared statements; local databases only).

The generator's modules are imported only when cases are wanted (`from app.demo import fill`).
"""

from app.demo.database import (
    DEMO_HOSPITAL,
    DEMO_NAMES,
    DemoInfo,
    create_demo_database,
    database_files,
    demo_password,
)

__all__ = [
    "DEMO_HOSPITAL",
    "DEMO_NAMES",
    "DemoInfo",
    "create_demo_database",
    "database_files",
    "demo_password",
]
