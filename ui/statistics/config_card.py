"""统计与考核 settings (system administrator): the targets the analysis compares against, the alert
minimum and the 考核 points per figure; saved in one audited change (app.statistics.config)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.session import Session
from app.statistics import config
from ui.operations import Change, Kind, run

TARGETS = (
    ("completion_target", "按时办结率目标"),
    ("satisfaction_target", "满意率目标"),
    ("upheld_watch", "成立率关注线"),
)


def _percent() -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(0, 100)
    spin.setDecimals(1)
    spin.setSuffix(" %")
    spin.setMaximumWidth(120)
    return spin


class StatisticsConfigCard(QFrame):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.session = session
        title = QLabel("统计与考核")
        title.setObjectName("sectionTitle")
        note = QLabel("分析报告对照的目标、月度报警的最少件数，以及科室考核每件扣的分值。")
        note.setWordWrap(True)
        note.setObjectName("pageSubtitle")
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.targets = {key: _percent() for key, _ in TARGETS}
        for key, label in TARGETS:
            form.addRow(label, self.targets[key])
        self.alert_minimum = QSpinBox()
        self.alert_minimum.setRange(1, 1000)
        self.alert_minimum.setMaximumWidth(120)
        form.addRow("报警最少件数", self.alert_minimum)
        self.weights: dict[str, QDoubleSpinBox] = {}
        for key, label in config.SCORE_ITEMS.items():
            spin = QDoubleSpinBox()
            spin.setRange(-100, 100)
            spin.setDecimals(1)
            spin.setSuffix(" 分/件")
            spin.setMaximumWidth(120)
            self.weights[key] = spin
            form.addRow(f"考核：{label}", spin)
        self.save_button = QPushButton("保存统计设置")
        self.save_button.clicked.connect(self.save)
        self.notice = QLabel()
        self.notice.setObjectName("noticeLabel")
        self.notice.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(title)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.notice)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)
        self.load()

    def load(self) -> None:
        outcome = run(self, config.load)
        if not outcome:
            return
        cfg = outcome.value
        for key, spin in self.targets.items():
            spin.setValue(getattr(cfg, key) * 100)
        self.alert_minimum.setValue(cfg.alert_minimum)
        for key, spin in self.weights.items():
            spin.setValue(cfg.weights.get(key, 0.0))

    def current(self) -> config.StatisticsConfig:
        targets = {key: round(spin.value() / 100, 4) for key, spin in self.targets.items()}
        weights = {key: spin.value() for key, spin in self.weights.items()}
        return replace(
            config.StatisticsConfig(), alert_minimum=self.alert_minimum.value(), weights=weights, **targets
        )

    def save(self) -> None:
        cfg = self.current()
        if run(self, lambda: config.save(self.session, cfg), changed=Change(Kind.SETTINGS)):
            self.notice.setText("统计设置已保存。")
            self.notice.show()
