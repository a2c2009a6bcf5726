"""The progress column, drawn into a picture and looked at pixel by pixel: the bar fills from
left to right and its text stands beside it, never under the moving edge."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import (QColor, QFontMetrics, QImage, QPainter, QPalette, QStandardItem,
                           QStandardItemModel)
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem, QTableView

from ytdesk.core import jobstates as st
from ytdesk.core.jobviews import JobRow
from ytdesk.ui.models.job_table import JobRole, PhaseRole, ProgressRole
from ytdesk.ui.progress_delegate import ProgressDelegate

WIDTH, HEIGHT = 160, 24


def row(status: str) -> JobRow:
    return JobRow(id=1, kind="download", status=status, url="https://e.com/v", title=None,
                  priority=0, attempts=1, progress=None, downloaded_bytes=None,
                  total_bytes=None, error=None, result=None, output_path=None, parent_id=None,
                  created_at=0.0, started_at=None, finished_at=None, scheduled_at=0.0)


@pytest.fixture
def view(qtbot):
    made = QTableView()
    qtbot.addWidget(made)
    palette = made.palette()
    palette.setColor(QPalette.ColorRole.Base, QColor("white"))
    palette.setColor(QPalette.ColorRole.Text, QColor("black"))
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#1e6fd9"))
    made.setPalette(palette)
    return made


def draw(view, fraction: float, text: str, phase: str = "", status: str = st.RUNNING,
         width: int = WIDTH) -> QImage:
    model = QStandardItemModel(1, 1)
    item = QStandardItem(text)
    item.setData(fraction, ProgressRole)
    item.setData(phase, PhaseRole)
    item.setData(row(status), JobRole)
    model.setItem(0, 0, item)
    view.setModel(model)
    option = QStyleOptionViewItem()
    option.rect = QRect(0, 0, width, HEIGHT)
    option.palette = view.palette()
    option.font = view.font()
    option.fontMetrics = QFontMetrics(view.font())
    option.widget = view
    option.state = QStyle.StateFlag.State_Enabled
    image = QImage(width, HEIGHT, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    ProgressDelegate(view).paint(painter, option, model.index(0, 0))
    painter.end()
    return image


def pixels(image: QImage, wanted) -> list[tuple[int, int]]:
    return [(x, y) for x in range(image.width()) for y in range(image.height())
            if wanted(image.pixelColor(x, y))]


def is_fill(colour: QColor) -> bool:
    return colour.blue() > 150 and colour.red() < 120  # the highlight, #1e6fd9


def is_drawn(colour: QColor) -> bool:
    return colour != QColor("white")


@pytest.mark.parametrize("fraction", [0.05, 0.5, 0.95])
def test_the_bar_fills_left_to_right_and_the_text_stands_beside_it(view, fraction):
    # "100%" keeps the text's room whatever the number, so the bar alone is drawn without
    # text, and the text is what the drawing with text adds.
    bar_only = draw(view, fraction, "")
    with_text = draw(view, fraction, f"{fraction * 100:.0f}%")
    bar, fill = pixels(bar_only, is_drawn), pixels(bar_only, is_fill)
    text = [(x, y) for x, y in pixels(with_text, is_drawn)
            if with_text.pixelColor(x, y) != bar_only.pixelColor(x, y)]
    assert bar and fill and text
    bar_left, bar_right = min(x for x, _ in bar), max(x for x, _ in bar)
    filled_to = max(x for x, _ in fill)
    # Horizontal: the fill reaches as far right as the fraction says, in a thin band.
    assert filled_to - bar_left == pytest.approx(
        max(fraction * (bar_right - bar_left), 6), abs=3)
    assert max(y for _, y in bar) - min(y for _, y in bar) < HEIGHT / 2
    # The text never shares a column with the bar: no edge ever runs through it.
    assert bar_right < min(x for x, _ in text)


def test_a_phase_after_the_download_shows_its_word_beside_a_full_bar(view):
    image = draw(view, -1.0, "Merging…", phase="merging")
    fill = pixels(image, is_fill)
    text = pixels(image, lambda c: c.lightness() < 100 and c.saturation() < 40)
    assert fill and text and max(x for x, _ in fill) < min(x for x, _ in text)
    assert image.pixelColor(min(x for x, _ in fill) + 10, fill[0][1]) == \
        image.pixelColor(max(x for x, _ in fill) - 10, fill[0][1])  # full: one colour across


def test_no_progress_known_draws_no_bar(view):
    assert not pixels(draw(view, -1.0, ""), is_drawn)


def test_a_narrow_cell_keeps_the_text_and_drops_the_bar(view):
    narrow = draw(view, 0.5, "50%", width=44)
    assert pixels(narrow, is_drawn) and not pixels(narrow, is_fill)


def test_failed_and_finished_bars_say_how_they_ended(view):
    done = draw(view, 1.0, "100%", status=st.SUCCEEDED)
    assert pixels(done, lambda c: c.green() > 130 and c.red() < 90 and c.blue() < 110)
    failed = draw(view, 0.4, "40%", status=st.FAILED)
    assert pixels(failed, lambda c: c.red() > 180 and c.green() < 90)
