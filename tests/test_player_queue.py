"""The play queue: its order, next/previous at the ends, "play next" and "add to queue", a
list double-clicked, shuffle and repeat, reordering by drag and by keyboard, and the queue
view a person uses."""

from __future__ import annotations

import random

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QStyleOptionViewItem

from ytdesk.core.play_queue import PlayQueue, QueueItem, RepeatMode
from ytdesk.ui.player.queue_model import IsCurrentRole, ItemRole, QueueModel
from ytdesk.ui.player.queue_view import PLAYING_MARK, QueueView


def videos(*titles: str) -> list[QueueItem]:
    return [QueueItem(title, video_id=n, path=f"/videos/{title}.mp4", duration=60 * n + 5)
            for n, title in enumerate(titles, 1)]


def titles(model: QueueModel) -> list[str]:
    return [item.title for item in model.items()]


def title(item: QueueItem | None) -> str | None:
    return item.title if item else None


@pytest.fixture
def model(qtmodeltester):
    made = QueueModel()
    made.replace(videos("a", "b", "c", "d"), 0)
    yield made
    qtmodeltester.check(made)


def test_next_and_previous_walk_the_queue_and_stop_at_its_ends(model):
    assert title(model.current()) == "a" and not model.has_previous()
    assert title(model.previous()) is None and title(model.current()) == "a"
    assert [title(model.next()) for _ in range(4)] == ["b", "c", "d", None]
    assert title(model.current()) == "d" and not model.has_next()
    assert [title(model.previous()) for _ in range(4)] == ["c", "b", "a", None]


def test_a_double_clicked_list_plays_that_one_and_the_rest_follows(model):
    rows: list[int] = []
    model.currentChanged.connect(rows.append)
    started = model.replace(videos("p", "q", "r", "s"), start_at=2)
    assert title(started) == "r" and rows == [2]
    assert titles(model) == ["p", "q", "r", "s"]
    assert model.data(model.index(2), IsCurrentRole) and not model.data(model.index(0),
                                                                        IsCurrentRole)
    assert [title(model.next()) for _ in range(2)] == ["s", None]
    assert title(model.previous()) == "r" and title(model.previous()) == "q"


def test_play_next_goes_after_the_current_item_and_add_to_the_end(model):
    model.next()  # b plays
    model.play_next(videos("x", "y"))
    model.add(videos("z"))
    assert titles(model) == ["a", "b", "x", "y", "c", "d", "z"]
    assert [title(model.next()) for _ in range(6)] == ["x", "y", "c", "d", "z", None]


def test_the_same_video_queued_twice_is_two_entries(model):
    again = model.item(0)
    model.add([again])
    assert titles(model) == ["a", "b", "c", "d", "a"] and model.current_row() == 0
    model.remove_rows([4])
    assert model.current_row() == 0 and titles(model) == ["a", "b", "c", "d"]


def test_removing_the_current_item_continues_with_the_one_after_it(model):
    model.next()  # b
    model.remove_rows([1])
    assert model.current() is None and model.current_row() == -1
    assert title(model.next()) == "c"
    model.remove_rows([0, 2])  # a and d around the current c
    assert titles(model) == ["c"] and title(model.current()) == "c"
    model.clear()
    assert model.rowCount() == 0 and model.next() is None and model.current() is None


def test_repeat_one_replays_at_the_end_but_next_still_moves_on(model):
    model.set_repeat(RepeatMode.ONE)
    assert title(model.after_end()) == "a" and title(model.after_end()) == "a"
    assert title(model.next()) == "b"


def test_repeat_all_wraps_both_ways(model):
    model.set_repeat("all")
    assert title(model.previous()) == "d"
    assert title(model.next()) == "a"
    assert [title(model.after_end()) for _ in range(5)] == ["b", "c", "d", "a", "b"]


def test_autoplay_off_stops_at_the_end_of_an_item(model):
    assert title(model.after_end()) == "b"
    changes: list[bool] = []
    model.autoplayChanged.connect(changes.append)
    model.set_autoplay(False)
    assert model.after_end() is None and title(model.current()) == "b" and changes == [False]


def test_shuffle_visits_every_item_once_and_off_keeps_the_current_one(qtmodeltester):
    model = QueueModel(queue=PlayQueue(random.Random(7)))
    model.replace(videos(*"abcdefghij"), start_at=3)
    model.set_shuffle(True)
    assert titles(model)[0] == "d" and sorted(titles(model)) == list("abcdefghij")
    assert titles(model) != list("defghijabc")  # really shuffled (seeded)
    played = ["d"] + [title(model.next()) for _ in range(9)]
    assert sorted(played) == list("abcdefghij")  # each once
    assert model.next() is None  # and then the end, with repeat off
    qtmodeltester.check(model)
    now = title(model.current())
    model.set_shuffle(False)
    assert titles(model) == list("abcdefghij") and title(model.current()) == now
    qtmodeltester.check(model)


def test_shuffle_with_repeat_all_plays_all_before_any_repeats(qtmodeltester):
    model = QueueModel(queue=PlayQueue(random.Random(3)))
    model.replace(videos(*"abcde"), 0)
    model.set_repeat(RepeatMode.ALL)
    model.set_shuffle(True)
    played = ["a"] + [title(model.after_end()) for _ in range(9)]
    assert sorted(played[:5]) == list("abcde") and sorted(played[5:]) == list("abcde")


def test_a_list_double_clicked_while_shuffled_starts_with_that_one(qtmodeltester):
    model = QueueModel(queue=PlayQueue(random.Random(5)))
    model.set_shuffle(True)
    assert title(model.replace(videos(*"abcdef"), start_at=4)) == "e"
    assert titles(model)[0] == "e" and sorted(titles(model)) == list("abcdef")
    model.set_shuffle(False)
    assert titles(model) == list("abcdef") and model.current_row() == 4
    qtmodeltester.check(model)


def test_previous_restarts_the_item_once_a_few_seconds_played(model):
    assert model.restarts_instead(0)  # nothing before the first: restart it
    model.next()
    assert not model.restarts_instead(2_999) and model.restarts_instead(3_000)


def test_items_queued_while_shuffled_keep_their_place_when_unshuffled(qtmodeltester):
    model = QueueModel(queue=PlayQueue(random.Random(1)))
    model.replace(videos("a", "b", "c"), 1)
    model.set_shuffle(True)
    model.play_next(videos("n"))
    model.add(videos("z"))
    assert titles(model)[:2] == ["b", "n"] and titles(model)[-1] == "z"
    model.set_shuffle(False)
    assert titles(model) == ["a", "b", "n", "c", "z"] and title(model.current()) == "b"
    qtmodeltester.check(model)


def test_dragged_rows_move_through_the_models_mime_data(model):
    dragged = model.mimeData([model.index(0), model.index(2)])  # a and c
    assert model.canDropMimeData(dragged, Qt.DropAction.MoveAction, 4, 0, QModelIndex())
    assert model.dropMimeData(dragged, Qt.DropAction.MoveAction, 4, 0, QModelIndex())
    assert titles(model) == ["b", "d", "a", "c"]
    assert title(model.current()) == "a" and model.current_row() == 2  # it moved along
    back = model.mimeData([model.index(3)])
    assert model.dropMimeData(back, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert titles(model) == ["c", "b", "d", "a"]
    assert title(model.next()) is None  # a is last now


def test_qlistviews_own_internal_move_goes_through_move_row(model):
    # QListView moves a dragged row with moveRow(parent, row, parent, before_row).
    assert model.moveRow(QModelIndex(), 0, QModelIndex(), 3)
    assert titles(model) == ["b", "c", "a", "d"] and title(model.current()) == "a"
    assert not model.moveRow(QModelIndex(), 1, QModelIndex(), 2)  # onto itself: no move


def test_a_drop_onto_an_item_or_as_a_copy_is_refused(model):
    dragged = model.mimeData([model.index(0)])
    assert not model.dropMimeData(dragged, Qt.DropAction.MoveAction, -1, 0, model.index(2))
    assert not model.dropMimeData(dragged, Qt.DropAction.CopyAction, 3, 0, QModelIndex())
    assert titles(model) == ["a", "b", "c", "d"]


@pytest.fixture
def view(model, qtbot):
    shown = QueueView()
    shown.setModel(model)
    qtbot.addWidget(shown)
    shown.resize(320, 200)
    shown.show()
    qtbot.waitExposed(shown)
    shown.setFocus()
    return shown


def test_alt_up_and_down_move_the_selected_rows(view, model, qtbot):
    view.setCurrentIndex(model.index(1))  # b
    QTest.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert titles(model) == ["a", "c", "b", "d"] and view.currentIndex().row() == 2
    QTest.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    QTest.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)  # already last
    assert titles(model) == ["a", "c", "d", "b"]
    QTest.keyClick(view, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert titles(model) == ["a", "c", "b", "d"] and view.selected_rows() == [2]
    view.selectionModel().select(model.index(3), view.selectionModel().SelectionFlag.Select)
    QTest.keyClick(view, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)  # b and d together
    assert titles(model) == ["a", "b", "d", "c"] and view.selected_rows() == [1, 2]


def test_enter_plays_the_row_and_delete_removes_it(view, model, qtbot):
    view.setCurrentIndex(model.index(2))
    with qtbot.waitSignal(view.playRequested) as asked:
        QTest.keyClick(view, Qt.Key.Key_Return)
    assert asked.args == [2]
    assert title(model.jump_to(asked.args[0])) == "c"
    QTest.keyClick(view, Qt.Key.Key_Delete)
    assert titles(model) == ["a", "b", "d"] and view.currentIndex().row() == 2
    assert model.current() is None and title(model.next()) == "d"


def test_the_current_item_is_marked_with_its_length(view, model):
    model.next()
    delegate = view.itemDelegate()
    marked, plain = QStyleOptionViewItem(), QStyleOptionViewItem()
    delegate.initStyleOption(marked, model.index(1))
    delegate.initStyleOption(plain, model.index(0))
    assert marked.text == PLAYING_MARK + "b" and plain.text == "a"
    assert marked.font.bold() and not plain.font.bold()
    assert model.data(model.index(1), Qt.ItemDataRole.AccessibleTextRole) == "Now playing: b"
    assert "2:05" in model.data(model.index(1), Qt.ItemDataRole.ToolTipRole)
    assert model.data(model.index(1), ItemRole).path == "/videos/b.mp4"


def test_a_queued_item_needs_something_to_play():
    with pytest.raises(ValueError, match="needs a library video or a file path"):
        QueueItem("nothing")
