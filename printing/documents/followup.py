"""回访记录: the follow-up call or visit after the reply."""

from __future__ import annotations

from reportlab.platypus import Flowable

from printing.base import DocumentRenderer
from printing.data import FOLLOW_UP_METHODS, SATISFACTION_LEVELS, FollowUpData
from printing.formatting import cn_datetime, esc, esc_or_dash


class FollowUpRenderer(DocumentRenderer[FollowUpData]):
    """回访记录."""

    kind = "followup"
    title = "投诉回访记录"
    data_type = FollowUpData

    def story(self) -> list[Flowable]:
        d, kit = self.data, self.kit
        fields = kit.kv_table(
            [
                [("案件编号", esc(d.case_no)), ("投诉人", esc_or_dash(d.complainant_name))],
                [("联系方式", esc_or_dash(d.contact)), ("回访时间", cn_datetime(d.followed_at))],
                [("回访方式", kit.choices(FOLLOW_UP_METHODS, d.method))],
                [("满意度", kit.choices(SATISFACTION_LEVELS, d.satisfaction))],
                [("回访人", esc_or_dash(d.officer_name))],
            ]
        )
        return [
            fields,
            kit.section("回访情况记录", kit.paragraphs(d.remarks, "text")),
            *self._routes(),
            kit.space(16),
            kit.signature_row([("回访人签名：", None), ("日期：", d.followed_at)]),
            kit.space(14),
            kit.signature_row([("办公室负责人：", None), ("日期：", None)]),
        ]

    def _routes(self) -> list[Flowable]:
        """外部途径: each route the complainant took, its status and outcome."""
        kit = self.kit
        if not self.data.routes:
            return []
        rows = [
            kit.para(f"{esc(route)}：{esc(status)}" + (f"。{esc(outcome)}" if outcome.strip() else ""))
            for route, status, outcome in self.data.routes
        ]
        return [kit.space(6), kit.section("外部途径", rows)]
