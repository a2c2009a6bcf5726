"""A subscription's filters in the subscription dialog: which of a channel's videos its syncs
download (Shorts, livestreams, length, title patterns, a first date). A title pattern is
checked as it is typed, with the sentence the library gives when it refuses one."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, Qt, Signal, Slot
from PySide6.QtWidgets import (QCheckBox, QDateEdit, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QSpinBox, QWidget)

from ytdesk.core.channels import ChannelError, check_filters

LONGEST_MINUTES = 24 * 60 * 10  # far above any video; 0 is "any length"


def _minutes(name: str, tip: str) -> QSpinBox:
    box = QSpinBox(minimum=0, maximum=LONGEST_MINUTES, suffix=" min")
    box.setSpecialValueText("Any")
    box.setAccessibleName(name)
    box.setToolTip(tip)
    return box


class FiltersBox(QGroupBox):
    problemShown = Signal()  # a sentence about a title pattern appeared (the window may grow)

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Filters", parent)
        self.include_shorts = QCheckBox("Include S&horts")
        self.include_shorts.setAccessibleName("Include Shorts")
        self.include_shorts.setToolTip("Download a channel's short vertical videos too (Alt+H)")
        self.include_live = QCheckBox("Include &livestreams")
        self.include_live.setAccessibleName("Include livestreams")
        self.include_live.setToolTip("Download recorded livestreams too (Alt+L)")
        self.shortest = _minutes("Shortest length", "Videos shorter than this are left out")
        self.longest = _minutes("Longest length", "Videos longer than this are left out")
        self.title_matches = QLineEdit(placeholderText="Any title; or a pattern, such as "
                                       "(?i)recipe")
        self.title_matches.setAccessibleName("Title must match")
        self.title_matches.setToolTip("A regular expression; only videos whose title it "
                                      "matches are downloaded")
        self.title_excludes = QLineEdit(placeholderText="Nothing; or a pattern, such as "
                                        "(?i)trailer")
        self.title_excludes.setAccessibleName("Title must not match")
        self.title_excludes.setToolTip("A regular expression; videos whose title it matches "
                                       "are left out")
        self.pattern_problem = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText,  # type: ignore[call-overload]  # Qt property/signal keywords
                                      objectName="patternProblem")
        self.pattern_problem.setAccessibleName("What is wrong with the title pattern")
        self.pattern_problem.setStyleSheet("#patternProblem { color: #c62828; }")
        self.pattern_problem.hide()
        self.after = QCheckBox("Only &videos published after")
        self.after.setAccessibleName("Only videos published after a date")
        self.after.setToolTip("Leave out videos published before the date (Alt+V)")
        self.after_date = QDateEdit(QDate.currentDate(), calendarPopup=True,  # type: ignore[call-overload]  # Qt property/signal keywords
                                    displayFormat="yyyy-MM-dd")
        self.after_date.setAccessibleName("Published after")
        self.after_date.setEnabled(False)
        self.after.toggled.connect(self.after_date.setEnabled)

        lengths = QHBoxLayout()
        for widget in (self.shortest, QLabel("to"), self.longest):
            lengths.addWidget(widget)
        lengths.addStretch(1)
        self.form = QFormLayout(self)  # the dialog lines its labels up with its other groups
        self.form.addRow("", self._side_by_side(self.include_shorts, self.include_live))
        self.form.addRow("Length:", lengths)
        self.form.addRow("Title &must match:", self.title_matches)
        self.form.addRow("Title must no&t match:", self.title_excludes)
        self.form.addRow("", self.pattern_problem)
        self.form.addRow("", self._side_by_side(self.after, self.after_date))
        self._shown: dict[str, Any] = {}
        self.title_matches.textChanged.connect(self._check_patterns)
        self.title_excludes.textChanged.connect(self._check_patterns)

    @staticmethod
    def _side_by_side(*widgets: QWidget) -> QHBoxLayout:
        line = QHBoxLayout()
        for widget in widgets:
            line.addWidget(widget)
        line.addStretch(1)
        return line

    def show_filters(self, filters: dict[str, Any]) -> None:
        self._shown = dict(filters)
        # As the sync reads them (core/sync_filters.wants_tab): a channel's Shorts and Live
        # tabs are left out unless asked for, and never opened.
        self.include_shorts.setChecked(bool(filters.get("include_shorts")))
        self.include_live.setChecked(bool(filters.get("include_live")))
        for box, name in ((self.shortest, "min_duration_s"), (self.longest, "max_duration_s")):
            box.setValue(round((filters.get(name) or 0) / 60))
        self.title_matches.setText(filters.get("title_matches", ""))
        self.title_excludes.setText(filters.get("title_excludes", ""))
        published = filters.get("published_after")
        self.after.setChecked(bool(published))
        if published:
            self.after_date.setDate(QDate.fromString(published, Qt.DateFormat.ISODate))

    def values(self) -> dict[str, Any]:
        """The filters shown, as check_filters takes them (it checks them)."""
        found: dict[str, Any] = {}
        for check, name in ((self.include_shorts, "include_shorts"),
                            (self.include_live, "include_live")):
            if name in self._shown or check.isChecked():  # absent: left out
                found[name] = check.isChecked()
        for box, name in ((self.shortest, "min_duration_s"), (self.longest, "max_duration_s")):
            seconds = self._shown.get(name)
            # Shown in whole minutes: a length kept as it was unless the user changed it.
            if box.value() != round((seconds or 0) / 60):
                seconds = box.value() * 60 or None
            if seconds:
                found[name] = seconds
        for edit, name in ((self.title_matches, "title_matches"),
                           (self.title_excludes, "title_excludes")):
            if edit.text():
                found[name] = edit.text()
        if self.after.isChecked():
            found["published_after"] = self.after_date.date().toString(Qt.DateFormat.ISODate)
        return found

    @Slot()
    def _check_patterns(self) -> None:
        problem = ""
        for name, edit in (("title_matches", self.title_matches),
                           ("title_excludes", self.title_excludes)):
            try:
                check_filters({name: edit.text()})
            except ChannelError as error:
                problem = problem or str(error)
        shown = self.pattern_problem.text()
        self.pattern_problem.setText(problem)
        self.pattern_problem.setVisible(bool(problem))
        if problem and problem != shown:
            self.problemShown.emit()
