"""整改: corrective actions from 成立 / 部分成立 findings or a statistics alert, their verification and
closure (app.rectification.items), the 整改通知单 (notice), the recurrence check (recurrence) and
the list and figures (queries)."""
