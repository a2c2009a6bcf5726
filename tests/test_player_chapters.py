"""Chapters and SponsorBlock segments: read from the info JSON a real download stored, listed,
ticked on the seek bar, sought to, and skipped once each."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QToolTip
from support import job, wait_until_idle

from ytdesk.core import library
from ytdesk.core.chapters import Chapter, Segment, chapters_of, segments_of, skipped_notice
from ytdesk.core.models import Video
from ytdesk.ui.player.chapters import ChapterList
from ytdesk.ui.player.seek_bar import PAGE_MS, STEP_MS, SeekBar
from ytdesk.ui.player.segments import SegmentSkipper
from ytdesk.ytdl.ffmpeg import ffmpeg_path, ffprobe_path

TALK_CHAPTERS = [(0, 3, "Welcome"), (3, 7, "The main part"), (7, 10, "Questions")]


@pytest.fixture(scope="module")
def talk(tmp_path_factory) -> Path:
    """10 seconds: SponsorBlock keeps no segment within a second of either end, so the
    site's 3-second clips are too short to carry one in the middle."""
    made = tmp_path_factory.mktemp("talk") / "talk.mp4"
    subprocess.run([ffmpeg_path(), "-v", "error", "-f", "lavfi", "-i",
                    "testsrc=size=160x90:rate=10:duration=10", "-f", "lavfi", "-i",
                    "sine=frequency=440:sample_rate=22050:duration=10", "-c:v", "libx264",
                    "-g", "10", "-c:a", "aac", "-shortest", str(made)], check=True)
    return made


def file_chapters(path: Path) -> list[tuple[float, float, str]]:
    probe = subprocess.run([ffprobe_path(), "-v", "error", "-of", "json", "-show_chapters",
                            str(path)], capture_output=True, text=True, check=True)
    return [(float(c["start_time"]), float(c["end_time"]), c["tags"]["title"])
            for c in json.loads(probe.stdout)["chapters"]]


def test_chapters_and_segments_from_a_real_downloads_info_json(site, home, one_at_a_time,
                                                               qtbot, talk):
    """The shape yt-dlp really stores: the site's chapters, and SponsorBlock's segments
    marked as chapters by --sponsorblock-mark (the fake site's SponsorBlock API)."""
    one_at_a_time.settings.set("sponsorblock_api", site.sponsorblock_api)
    site.add_video("sb1", "Marked talk", media="big", big_file=talk, duration=10,
                   chapters=TALK_CHAPTERS)
    site.add_sponsor_segment("sb1", 4.0, 6.0, "sponsor")
    # (SponsorBlock stretches a segment ending within 1 s of the end to the end, and yt-dlp
    # merges marks shorter than 1 s into their neighbours.)
    site.add_sponsor_segment("sb1", 7.0, 8.5, "selfpromo")
    job_id = one_at_a_time.enqueue("download", site.video_url("sb1"), {
        "preset": "best", "overrides": {"sponsorblock": {"sponsor": "mark",
                                                         "selfpromo": "mark"}}})
    wait_until_idle(qtbot, one_at_a_time)
    assert job(job_id).status == "succeeded", job(job_id).error
    path = Path(job(job_id).output_path)
    info = Video.get(Video.filepath == str(path)).info_json

    chapters = chapters_of(info)
    # The list is the file's own chapters, SponsorBlock's among them.
    assert [(round(c.start, 2), round(c.end, 2), c.title) for c in chapters] == \
        [(round(start, 2), round(end, 2), title) for start, end, title in file_chapters(path)]
    assert [(c.start, c.end, c.label) for c in chapters] == [
        (0, 3, "Welcome"), (3, 4, "The main part"), (4, 6, "Sponsor (SponsorBlock)"),
        (6, 7, "The main part"), (7, 8.5, "Self-promotion (SponsorBlock)"), (8.5, 10, "Questions")]
    assert chapters[2].title == "[SponsorBlock]: Sponsor"
    assert segments_of(info) == [Segment("sponsor", 4.0, 6.0), Segment("selfpromo", 7.0, 8.5)]

    # New metadata from the site later (a refresh: the site's chapters, of the uncut
    # video) keeps the chapters of the file.
    fresh = {**json.loads(info), "title": "Marked talk, renamed",
             "chapters": [{"start_time": s, "end_time": e, "title": t}
                          for s, e, t in TALK_CHAPTERS]}
    assert library.upsert_videos([fresh]).updated == 1
    row = Video.get(Video.filepath == str(path))
    assert row.title == "Marked talk, renamed"
    assert chapters_of(row.info_json) == chapters
    assert segments_of(row.info_json) == segments_of(info)


def test_segments_cut_out_of_the_file_are_not_there_to_skip(site, home, one_at_a_time, qtbot,
                                                            talk):
    one_at_a_time.settings.set("sponsorblock_api", site.sponsorblock_api)
    site.add_video("sb2", "Cut talk", media="big", big_file=talk, duration=10,
                   chapters=TALK_CHAPTERS)
    site.add_sponsor_segment("sb2", 4.0, 6.0, "sponsor")
    job_id = one_at_a_time.enqueue("download", site.video_url("sb2"), {
        "preset": "best", "overrides": {"sponsorblock": {"sponsor": "remove"}}})
    wait_until_idle(qtbot, one_at_a_time)
    assert job(job_id).status == "succeeded", job(job_id).error
    info = Video.get(Video.filepath == job(job_id).output_path).info_json
    assert json.loads(info).get("sponsorblock_chapters")  # yt-dlp kept them, in old times
    assert segments_of(info) == []
    assert [c.title for c in chapters_of(info)] == ["Welcome", "The main part", "Questions"]
    assert chapters_of(info)[-1].end == pytest.approx(8.0, abs=0.01)


def test_segments_without_marked_chapters_come_from_sponsorblocks_own_list():
    info = {"sponsorblock_chapters": [
        {"start_time": 5, "end_time": 9, "category": "intro", "type": "skip"},
        {"start_time": 2, "end_time": 3, "category": "poi_highlight", "type": "poi"},
        {"start_time": 1, "end_time": 2, "category": "sponsor", "type": "skip"}]}
    assert segments_of(json.dumps(info)) == [Segment("sponsor", 1, 2), Segment("intro", 5, 9)]
    assert chapters_of(info) == []


def test_marks_without_their_keys_are_read_from_the_title():
    info = {"chapters": [{"start_time": 0, "end_time": 4, "title": "Start"},
                         {"start_time": 4, "end_time": 6,
                          "title": "[SponsorBlock]: Unpaid/Self Promotion, Sponsor"}]}
    assert segments_of(info) == [Segment("selfpromo", 4, 6)]


@pytest.mark.parametrize("broken", [None, "", "not json", "[1, 2]", json.dumps({"chapters": 3}),
                                    json.dumps({"chapters": [{"title": "no times"},
                                                             {"start_time": 5, "end_time": 2},
                                                             "text"]})])
def test_missing_or_malformed_chapters_are_none(broken):
    assert chapters_of(broken) == [] and segments_of(broken) == []


def test_the_notice_after_a_skip_names_the_segment():
    assert skipped_notice("sponsor") == "Skipped sponsor segment"
    assert skipped_notice("selfpromo") == "Skipped self-promotion segment"
    assert skipped_notice("something-new") == "Skipped sponsorblock segment"


CHAPTERS = [Chapter(0, 30, "Opening"), Chapter(30, 60, "Middle"), Chapter(60, 120, "End")]


@pytest.fixture
def chapter_list(qtbot):
    shown = ChapterList()
    qtbot.addWidget(shown)
    shown.set_chapters(CHAPTERS)
    shown.resize(240, 160)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def test_the_chapter_list_seeks_on_click_and_enter(chapter_list, qtbot):
    assert [chapter_list.item(n).text() for n in range(3)] == \
        ["0:00   Opening", "0:30   Middle", "1:00   End"]
    with qtbot.waitSignal(chapter_list.seekRequested) as asked:
        QTest.mouseClick(chapter_list.viewport(), Qt.MouseButton.LeftButton,
                         pos=chapter_list.visualItemRect(chapter_list.item(1)).center())
    assert asked.args == [30_000]
    chapter_list.setFocus()
    chapter_list.setCurrentRow(2)
    with qtbot.waitSignal(chapter_list.seekRequested) as asked:
        QTest.keyClick(chapter_list, Qt.Key.Key_Return)
    assert asked.args == [60_000]


def test_chapter_titles_line_up_when_times_differ_in_length(qtbot):
    shown = ChapterList()
    qtbot.addWidget(shown)
    shown.set_chapters([Chapter(0, 600, "Start"), Chapter(600, 4000, "Middle"),
                        Chapter(4000, 4100, "End")])
    assert [shown.item(n).text() for n in range(3)] == [
        "\u2007\u2007\u20070:00   Start", "\u2007\u200710:00   Middle", "1:06:40   End"]


def test_the_chapter_playing_now_is_bold(chapter_list):
    chapter_list.set_position(45_000)
    assert [chapter_list.item(n).font().bold() for n in range(3)] == [False, True, False]
    chapter_list.set_position(61_000)
    assert [chapter_list.item(n).font().bold() for n in range(3)] == [False, False, True]


@pytest.fixture
def seek_bar(qtbot):
    shown = SeekBar()
    qtbot.addWidget(shown)
    shown.resize(400, 30)
    shown.set_duration(120_000)
    shown.set_chapters(CHAPTERS)
    shown.show()
    qtbot.waitExposed(shown)
    shown.setFocus()
    return shown


def test_the_seek_bar_ticks_each_chapter_where_it_starts(seek_bar):
    ticks = seek_bar.chapter_ticks()
    assert len(ticks) == 2  # none for the chapter at 0:00
    start, end = seek_bar.tick_x(0), seek_bar.tick_x(120_000)
    assert start < ticks[0] < ticks[1] < end
    assert ticks[0] - start == pytest.approx((end - start) / 4, abs=2)  # 0:30 of 2:00
    assert ticks[1] - start == pytest.approx((end - start) / 2, abs=2)  # 1:00 of 2:00
    assert seek_bar.time_at(ticks[1]) == pytest.approx(60_000, abs=600)
    # What a person sees: tick-coloured pixels at the tick, not beside it.
    image = seek_bar.grab().toImage()
    ink = seek_bar.palette().windowText().color().rgb()
    middle = seek_bar.height() // 2
    column = {image.pixel(ticks[1], y) for y in range(middle - 5, middle + 5)}
    assert ink in column
    beside = {image.pixel(ticks[1] + 12, y) for y in range(middle - 5, middle + 5)}
    assert ink not in beside


def test_hovering_says_the_time_and_chapter(seek_bar):
    assert seek_bar.hover_text(seek_bar.tick_x(45_000)) == "0:45  Middle"
    assert seek_bar.hover_text(seek_bar.tick_x(0)) == "0:00  Opening"


def test_the_seek_bar_works_from_the_keyboard(seek_bar, qtbot):
    asked: list[int] = []
    seek_bar.seekRequested.connect(asked.append)
    QTest.keyClick(seek_bar, Qt.Key.Key_Right)
    QTest.keyClick(seek_bar, Qt.Key.Key_Right)
    QTest.keyClick(seek_bar, Qt.Key.Key_Left)
    QTest.keyClick(seek_bar, Qt.Key.Key_PageUp)
    QTest.keyClick(seek_bar, Qt.Key.Key_End)
    QTest.keyClick(seek_bar, Qt.Key.Key_PageDown)
    QTest.keyClick(seek_bar, Qt.Key.Key_Home)
    assert asked == [STEP_MS, 2 * STEP_MS, STEP_MS, STEP_MS + PAGE_MS, 120_000,
                     120_000 - PAGE_MS, 0]


def test_the_player_moving_it_asks_no_seek_and_a_click_jumps(seek_bar, qtbot):
    asked: list[int] = []
    seek_bar.seekRequested.connect(asked.append)
    seek_bar.set_position(30_000)
    assert asked == [] and seek_bar.value() == 30_000
    QTest.mouseClick(seek_bar, Qt.MouseButton.LeftButton,
                     pos=QPoint(seek_bar.tick_x(90_000), seek_bar.height() // 2))
    assert len(asked) >= 1 and asked[0] == pytest.approx(90_000, abs=600)


def test_the_seek_bar_is_named_and_says_its_value(seek_bar):
    seek_bar.set_position(83_000)
    interface = QAccessible.queryAccessibleInterface(seek_bar)
    assert interface.text(QAccessible.Text.Name) == "Position"
    assert interface.text(QAccessible.Text.Description) == "1:23 of 2:00"
    assert "Home/End" in seek_bar.toolTip() and "PageUp" in seek_bar.toolTip()


def test_the_skipper_skips_each_segment_once(qtbot):
    skipper = SegmentSkipper()
    skipper.set_segments([Segment("sponsor", 4, 6), Segment("intro", 8, 9)])
    skips: list[tuple[int, str]] = []
    skipper.skipTo.connect(lambda ms, category: skips.append((ms, category)))
    for ms in range(0, 10_000, 250):
        skipper.update_position(ms)
    assert skips == []  # auto-skip is off by default
    skipper.set_auto_skip(True)
    for ms in (3_900, 4_000, 4_250, 4_500, 6_000, 8_100, 8_200):
        skipper.update_position(ms)
    assert skips == [(6_000, "sponsor"), (9_000, "intro")]
    skipper.update_position(5_000)  # the person went back to watch it
    assert len(skips) == 2
    skipper.set_segments([Segment("sponsor", 4, 6)])  # the next video
    skipper.update_position(4_100)
    assert skips[-1] == (6_000, "sponsor")
    assert skipper.notice("sponsor") == "Skipped sponsor segment"


def test_a_segment_nearly_over_is_let_play_out(qtbot):
    skipper = SegmentSkipper()
    skipper.set_auto_skip(True)
    skipper.set_segments([Segment("outro", 4, 6)])
    skips: list[int] = []
    skipper.skipTo.connect(lambda ms, category: skips.append(ms))
    skipper.update_position(5_800)
    skipper.update_position(4_000)
    assert skips == []


# The hover tooltip is a window the offscreen platform cannot raise.
@pytest.mark.qt_log_ignore(r"This plugin does not support raise\(\)")
def test_dragging_the_handle_seeks_once_where_it_is_let_go(seek_bar, qtbot):
    asked: list[int] = []
    seek_bar.seekRequested.connect(asked.append)
    seek_bar.set_position(30_000)
    middle = seek_bar.height() // 2
    QTest.mousePress(seek_bar, Qt.MouseButton.LeftButton,
                     pos=QPoint(seek_bar.tick_x(30_000), middle))
    QTest.mouseMove(seek_bar, QPoint(seek_bar.tick_x(60_000), middle))
    seek_bar.set_position(31_000)  # the player's ticks do not pull the held handle back
    QTest.mouseMove(seek_bar, QPoint(seek_bar.tick_x(90_000), middle))
    assert asked == []  # no seek while dragging
    assert QToolTip.text() == "1:30  End"  # the time under the pointer, and its chapter
    QTest.mouseRelease(seek_bar, Qt.MouseButton.LeftButton,
                       pos=QPoint(seek_bar.tick_x(90_000), middle))
    assert len(asked) == 1 and asked[0] == pytest.approx(90_000, abs=600)
