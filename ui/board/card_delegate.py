"""Paints a board card: number (with a padlock when restricted), severity badge, masked
complainant and category, departments and officer, deadline in its colour, and the flags.
A card the viewer may not read shows only the padlock and 受限案件."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.cases.board import REDACTED, CaseCard
from ui.cases.presentation import (
    EMPTY,
    SEVERITY_TONES,
    TONES,
    CardRole,
    deadline_text,
    deadline_tone,
    flag_labels,
    lock_pixmap,
)

Index = QModelIndex | QPersistentModelIndex

GAP = 5  # between cards
PAD = 9  # inside a card
LINE_GAP = 3
BAR = 4  # the deadline colour strip on the left
TEXT = QColor("#1F2933")
MUTED = QColor("#5F6B7A")
BORDER = QColor("#D5DEE7")
SELECTED = QColor("#17669E")
FLAG_TONES = {"暂停": "paused", "已上报": "red", "退改": "amber"}


class CardDelegate(QStyledItemDelegate):
    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802 - Qt override
        line = QFontMetrics(option.font).height()
        return QSize(200, 4 * line + 3 * LINE_GAP + 2 * PAD + GAP)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        card: CaseCard | None = index.data(CardRole)
        if card is None:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = option.rect.adjusted(2, GAP // 2, -2, -(GAP - GAP // 2))
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        focused = selected and bool(option.state & QStyle.StateFlag.State_HasFocus)
        tone = "none" if card.redacted else deadline_tone(card)
        self._frame(painter, rect, tone, selected, focused)
        inner = rect.adjusted(BAR + PAD, PAD, -PAD, -PAD)
        if card.redacted:
            self._redacted(painter, option.font, inner)
        else:
            self._content(painter, option.font, inner, card)
        painter.restore()

    # -- pieces ----------------------------------------------------------------------------------

    def _frame(self, painter: QPainter, rect: QRect, tone: str, selected: bool, focused: bool) -> None:
        painter.setPen(QPen(SELECTED if selected else BORDER, 2 if focused else 1))
        painter.setBrush(QColor("#F3F8FC") if selected else QColor("#FFFFFF"))
        painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(TONES[tone][0]) if tone != "none" else QColor("#C5D0DB"))
        painter.drawRoundedRect(QRectF(rect.left() + 1, rect.top() + 1, BAR + 2, rect.height() - 2), 3, 3)
        painter.setBrush(QColor("#F3F8FC") if selected else QColor("#FFFFFF"))
        painter.drawRect(QRectF(rect.left() + BAR + 1, rect.top() + 1, 3, rect.height() - 2))

    def _redacted(self, painter: QPainter, font: QFont, inner: QRect) -> None:
        lock = lock_pixmap()
        y = inner.top() + (inner.height() - lock.height()) // 2
        painter.drawPixmap(inner.left(), y, lock)
        painter.setFont(font)
        painter.setPen(MUTED)
        text_rect = inner.adjusted(lock.width() + 6, 0, 0, 0)
        painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), REDACTED)

    def _content(self, painter: QPainter, font: QFont, inner: QRect, card: CaseCard) -> None:
        metrics = QFontMetrics(font)
        line = metrics.height()
        rows = [
            QRect(inner.left(), inner.top() + i * (line + LINE_GAP), inner.width(), line) for i in range(4)
        ]

        # 1: number (padlock first when restricted) and the severity badge
        bold = QFont(font)
        bold.setWeight(QFont.Weight.DemiBold)
        x = rows[0].left()
        if card.restricted:
            lock = lock_pixmap()
            painter.drawPixmap(x, rows[0].top() + (line - lock.height()) // 2, lock)
            x += lock.width() + 4
        badge_width = self._badge(
            painter, font, rows[0], card.severity_label, SEVERITY_TONES.get(card.severity, "neutral")
        )
        painter.setFont(bold)
        painter.setPen(TEXT)
        number = QRect(x, rows[0].top(), rows[0].right() - x - badge_width - 6, line)
        painter.drawText(
            number,
            int(Qt.AlignmentFlag.AlignVCenter),
            QFontMetrics(bold).elidedText(card.case_no, Qt.TextElideMode.ElideRight, number.width()),
        )

        # 2: masked complainant · category; 3: departments, officer on the right
        painter.setFont(font)
        who = f"{card.complainant or EMPTY} · {card.category}"
        painter.drawText(
            rows[1],
            int(Qt.AlignmentFlag.AlignVCenter),
            metrics.elidedText(who, Qt.TextElideMode.ElideRight, rows[1].width()),
        )
        painter.setPen(MUTED)
        officer = card.officer or "未指定"
        officer_width = metrics.horizontalAdvance(officer)
        painter.drawText(rows[2], int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight), officer)
        departments = rows[2].adjusted(0, 0, -(officer_width + 10), 0)
        painter.drawText(
            departments,
            int(Qt.AlignmentFlag.AlignVCenter),
            metrics.elidedText(
                card.departments or "未转办", Qt.TextElideMode.ElideRight, departments.width()
            ),
        )

        # 4: the deadline in its colour, then the flags as small chips
        tone = deadline_tone(card)
        painter.setPen(QColor(TONES[tone][0]))
        painter.setFont(bold if tone in ("red", "amber") else font)
        text = deadline_text(card, short=True)
        flags = flag_labels(card)
        flag_space = sum(metrics.horizontalAdvance(f) + 14 for f in flags)
        deadline = rows[3].adjusted(0, 0, -flag_space, 0)
        painter.drawText(
            deadline,
            int(Qt.AlignmentFlag.AlignVCenter),
            QFontMetrics(painter.font()).elidedText(text, Qt.TextElideMode.ElideRight, deadline.width()),
        )
        painter.setFont(font)
        right = rows[3].right()
        for flag in reversed(flags):
            right -= (
                self._badge(
                    painter,
                    font,
                    QRect(rows[3].left(), rows[3].top(), right - rows[3].left(), line),
                    flag,
                    FLAG_TONES[flag],
                )
                + 4
            )

    def _badge(self, painter: QPainter, font: QFont, row: QRect, text: str, tone: str) -> int:
        """A small rounded badge at the right end of `row`; returns its width."""
        small = QFont(font)
        small.setPointSizeF(max(font.pointSizeF() - 1.5, 7.5))
        metrics = QFontMetrics(small)
        width = metrics.horizontalAdvance(text) + 10
        height = metrics.height() + 2
        box = QRectF(row.right() - width + 1, row.top() + (row.height() - height) / 2, width, height)
        fg, bg, border = TONES[tone]
        painter.setPen(QPen(QColor(border), 1))
        painter.setBrush(QColor(bg))
        painter.drawRoundedRect(box, height / 2, height / 2)
        painter.setPen(QColor(fg))
        painter.setFont(small)
        painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), text)
        painter.setFont(font)
        return width
