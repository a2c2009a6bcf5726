"""The player: a picture (or a cover, or the sentence saying why a file cannot play), the
controls under it, the keyboard, and what it remembers of each video.

Files are looked up on the reader thread (`play_video`, `play_file`); positions, plays and
"watched" are written on the writer thread (PlayMemory). `shutdown` is the only way out:
it saves where the video was and releases QtMultimedia safely (Engine.release)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from ytdesk.core import playback
from ytdesk.core.paths import Paths
from ytdesk.core.play_queue import QueueItem
from ytdesk.core.playback import PlayItem
from ytdesk.core.settings import Settings
from ytdesk.jobs.manager import JobManager
from ytdesk.jobs.reader import Reader

from . import keys, problems
from .controls import Controls
from .cover import CoverView, ProblemView, load_cover
from .engine import Engine
from .memory import PlayMemory
from .queue_model import QueueModel
from .segments import SegmentSkipper
from .side_panel import SidePanel
from .tracks import TrackMenu, tracks_from

Status = QMediaPlayer.MediaStatus
State = QMediaPlayer.PlaybackState
IDLE_TEXT = ("Nothing is playing.\n\nDouble-click a video in Channels, or a finished "
             "download, to play it here.")
PICTURE, COVER, PROBLEM = range(1, 4)  # the pages; 0 says nothing is playing
READ_KEY = "player-open"
NOTICE_MS = 3_000  # how long "Skipped sponsor segment" shows


class PlayerWidget(QWidget):
    watched = Signal(int)  # a video just counted as watched (committed)
    nowPlaying = Signal(object)  # the PlayItem opened

    def __init__(self, manager: JobManager, reader: Reader, paths: Paths, settings: Settings,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("player")
        self._reader = reader
        self._paths = paths
        self._settings = settings
        self._manager = manager
        self.queue = QueueModel(self)
        self.queue.set_autoplay(bool(settings.get("autoplay_next")))
        self.skipper = SegmentSkipper(self)
        self.item: PlayItem | None = None
        self._resume_ms = 0
        self._volume_before_mute = 80
        self._closed = False
        self.memory = PlayMemory(manager, self)
        self.memory.watched.connect(self.watched)

        # The stage is what goes fullscreen: picture and controls, not what sits beside it.
        self.stage = QWidget(self)
        self.stage.setObjectName("playerStage")
        self.stage.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.stage.setAccessibleName("Player")
        self.title = QLabel()
        self.title.setObjectName("playerTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setStyleSheet("font-size: 14px; font-weight: 600; padding: 4px 8px;")
        self.pages = QStackedWidget()
        idle = QLabel(IDLE_TEXT, alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        idle.setObjectName("playerIdle")
        idle.setStyleSheet("color: palette(placeholder-text); font-size: 15px;")
        self.video = QVideoWidget()
        self.video.setAccessibleName("Picture")
        self.video.setToolTip(f"Double-click: fullscreen ({keys.FULLSCREEN})")
        self.video.installEventFilter(self)
        self.cover = CoverView()
        self.problem = ProblemView()
        for page in (idle, self.video, self.cover, self.problem):
            self.pages.addWidget(page)
        self.controls = Controls(self.stage)
        # A short note over nothing else: "Skipped sponsor segment", then gone.
        self.notice = QLabel()
        self.notice.setObjectName("playerNotice")
        self.notice.setAccessibleName("Player notice")
        self.notice.setStyleSheet("padding: 3px 8px; color: palette(highlighted-text); "
                                  "background: palette(highlight); border-radius: 3px;")
        self.notice.hide()
        self._notice_timer = QTimer(self, singleShot=True, interval=NOTICE_MS)
        self._notice_timer.timeout.connect(self.notice.hide)
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 8, 0)
        header.addWidget(self.title, 1)
        header.addWidget(self.notice)
        stage_column = QVBoxLayout(self.stage)
        stage_column.setContentsMargins(0, 0, 0, 0)
        stage_column.setSpacing(0)
        stage_column.addLayout(header)
        stage_column.addWidget(self.pages, 1)
        stage_column.addWidget(self.controls)
        self.side = SidePanel(self.queue)
        self.side.autoplayToggled.connect(self._autoplay_chosen)
        self.side.queue_view.playRequested.connect(self.play_row)
        self.side.chapters.seekRequested.connect(self.seek_to)
        self._split = QSplitter(Qt.Orientation.Horizontal)
        self._split.setChildrenCollapsible(False)
        self._split.addWidget(self.stage)
        self._split.addWidget(self.side)
        self._split.setStretchFactor(0, 1)
        self._split.setSizes([820, 280])
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self._split)

        self.engine = Engine(self.video, self)
        player = self.engine.player
        player.mediaStatusChanged.connect(self._status_changed)
        player.errorOccurred.connect(self._failed)
        player.positionChanged.connect(self._position_changed)
        player.durationChanged.connect(self._duration_changed)
        player.playbackStateChanged.connect(self._state_changed)
        player.hasVideoChanged.connect(self._has_video_changed)
        player.tracksChanged.connect(self._tracks_changed)
        self.engine.audio.mutedChanged.connect(self.controls.show_muted)
        self.engine.audio.volumeChanged.connect(self._volume_shown)
        self.engine.audio.setVolume(self._volume_before_mute / 100)
        self.controls.show_volume(self._volume_before_mute)
        c = self.controls
        c.playPauseClicked.connect(self.play_pause)
        c.nextClicked.connect(self.play_next)
        c.previousClicked.connect(self.play_previous)
        c.muteClicked.connect(self.toggle_mute)
        c.volumeChanged.connect(self.set_volume)
        c.speedChanged.connect(player.setPlaybackRate)
        c.fullscreenClicked.connect(self.toggle_fullscreen)
        c.seek_bar.seekRequested.connect(self.seek_to)
        c.audio_menu.trackChosen.connect(self._audio_chosen)
        c.subtitle_menu.trackChosen.connect(self._subtitle_chosen)
        self.skipper.skipTo.connect(self._skip_segment)
        self.controls.set_playable(False)  # nothing to play yet
        self._add_keys()

    def _add_keys(self) -> None:
        # Each set works while the focus is inside its part (the stage is its own window
        # in fullscreen): the queue and chapter lists keep their arrows and Space, the
        # picture and its controls take the player's.
        letters = [
            (keys.BACK_LONG, self.skip_back_long), (keys.FORWARD_LONG, self.skip_forward_long),
            (keys.MUTE, self.toggle_mute), (keys.NEXT, self.play_next),
            (keys.PREVIOUS, self.play_previous), (keys.FULLSCREEN, self.toggle_fullscreen),
            (keys.SHUFFLE, self.side.shuffle.toggle), (keys.REPEAT, self.side.next_repeat)]
        stage_only = [
            (keys.PLAY_PAUSE, self.play_pause), (keys.BACK, self.skip_back),
            (keys.FORWARD, self.skip_forward), (keys.VOLUME_UP, self.volume_up),
            (keys.VOLUME_DOWN, self.volume_down), (keys.LEAVE_FULLSCREEN, self.leave_fullscreen),
            (keys.AUDIO_TRACKS, self.controls.audio_button.showMenu),
            (keys.SUBTITLES, self.controls.subtitle_button.showMenu)]
        for owner, table in ((self.stage, letters + stage_only), (self.side, letters)):
            for key, handler in table:
                shortcut = QShortcut(QKeySequence(key), owner)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(handler)

    # -- opening -------------------------------------------------------------------------------
    def play_video(self, video_id: int) -> None:
        """Play the library's video (its file, title, channel, cover, saved position)."""
        self._reader.submit(playback.item_for_video, video_id, self._paths.thumbnails,
                            done=self._video_read, latest=READ_KEY)

    def play_file(self, path: str) -> None:
        """Play any local file; as the library's video when the library knows the path."""
        self._reader.submit(playback.item_for_file, path, self._paths.thumbnails,
                            done=self.open_item, latest=READ_KEY)

    def play_list(self, items: list[QueueItem], start: int = 0) -> None:
        """A list opened at one of its entries: that one plays, the rest follows it."""
        self.play_queued(self.queue.replace(items, start))

    def play_row(self, row: int) -> None:
        self.play_queued(self.queue.jump_to(row))

    def play_queued(self, entry: QueueItem | None) -> None:
        if entry is None:
            return
        if entry.video_id is not None:
            self.play_video(entry.video_id)
        elif entry.path:
            self.play_file(entry.path)

    def _video_read(self, item: PlayItem | None) -> None:
        if self._closed:
            return
        if item is None:
            self._leave_current()
            self.item = None
            self.title.setText("")
            self._show_problem(problems.no_file())
            return
        self.open_item(item)

    def open_item(self, item: PlayItem) -> None:
        if self._closed:  # an answer that arrived after the player was closed
            return
        self._leave_current()
        self.item = item
        self._follow_in_queue(item)
        self.side.show_chapters(item.chapters)
        self.controls.seek_bar.set_chapters(list(item.chapters))
        self.controls.seek_bar.set_segments(list(item.segments))
        self.skipper.set_segments(list(item.segments))
        self.skipper.set_auto_skip(bool(self._settings.get("skip_sponsor_segments")))
        self.title.setText(f"{item.title} — {item.channel}" if item.channel else item.title)
        self.title.setToolTip(item.path)
        self.controls.show_time(0, 0)
        self.controls.seek_bar.set_duration(0)
        self.nowPlaying.emit(item)
        if item.missing:
            self._show_problem(problems.missing(item.path))
            self.memory.missing(item)
            return
        self.memory.opened(item)
        self._resume_ms = int(item.resume_at * 1000)
        self.cover.show_cover(item.title, item.channel, None)
        if item.cover:
            self._reader.submit(load_cover, item.cover, done=self._cover_loaded,
                                latest="player-cover")
        self.pages.setCurrentIndex(PICTURE)
        self.controls.set_playable(True)
        self.engine.open(item.path)
        self.engine.player.play()

    def _follow_in_queue(self, item: PlayItem) -> None:
        """A file opened from elsewhere (a download, --play) goes into the queue after what
        plays, and becomes what plays: the queue always shows the truth."""
        current = self.queue.current()
        if current is not None and item.same_as(current.video_id, current.path):
            return
        self.queue.play_next([QueueItem(item.title, item.video_id, item.path, item.duration,
                                        item.channel)])
        self.queue.next()

    def _cover_loaded(self, image) -> None:
        if self.item is not None and image is not None:
            self.cover.show_cover(self.item.title, self.item.channel, image)

    def _leave_current(self) -> None:
        """Before another file: remember where this one was."""
        if self.item is not None and self.pages.currentIndex() in (PICTURE, COVER):
            self.memory.save(self.item, self.engine.player.position() / 1000)
        self.engine.clear()

    def _show_problem(self, sentence: str) -> None:
        self.engine.clear()
        self.problem.setText(sentence)
        self.pages.setCurrentIndex(PROBLEM)
        self.controls.show_playing(False)
        self.controls.set_playable(False)

    # -- what QtMultimedia says ----------------------------------------------------------------
    def _status_changed(self, status: QMediaPlayer.MediaStatus) -> None:
        if self.item is None:
            return
        if status == Status.LoadedMedia:
            # Sound only: hasVideoChanged does not fire for a value that stays False.
            self._has_video_changed(self.engine.player.hasVideo())
            if self._resume_ms > 0:
                self.engine.player.setPosition(self._resume_ms)
                self._resume_ms = 0
            self._tracks_changed()
        elif status == Status.InvalidMedia:
            self._show_problem(problems.cannot_play(
                self.item.path, self.engine.player.error(), self.engine.player.errorString()))
        elif status == Status.EndOfMedia:
            self.memory.finished(self.item)
            again = self.queue.after_end()  # repeat one, autoplay and repeat all decide
            if again is not None and self.item.same_as(again.video_id, again.path):
                self.engine.player.setPosition(0)
                self.engine.player.play()
            else:
                self.play_queued(again)

    def _failed(self, error: QMediaPlayer.Error, detail: str) -> None:
        if self.item is not None and error != QMediaPlayer.Error.NoError:
            self._show_problem(problems.cannot_play(self.item.path, error, detail))

    def _has_video_changed(self, has_video: bool) -> None:
        if self.pages.currentIndex() in (PICTURE, COVER):
            self.pages.setCurrentIndex(PICTURE if has_video else COVER)

    def _position_changed(self, ms: int) -> None:
        duration = self.engine.player.duration()
        self.controls.show_time(ms, duration)
        self.side.chapters.set_position(ms)
        self.skipper.update_position(ms)
        if self.item is not None and self.pages.currentIndex() in (PICTURE, COVER):
            self.memory.playing_at(self.item, ms / 1000, duration / 1000 if duration > 0
                                   else self.item.duration)

    def _duration_changed(self, ms: int) -> None:
        self.controls.seek_bar.set_duration(ms)
        self.controls.show_time(self.engine.player.position(), ms)

    def _state_changed(self, state: QMediaPlayer.PlaybackState) -> None:
        self.controls.show_playing(state == State.PlayingState)
        if state == State.PausedState and self.item is not None \
                and self.pages.currentIndex() in (PICTURE, COVER):
            self.memory.save(self.item, self.engine.player.position() / 1000)

    # -- tracks: listed, and put back as chosen for this video ------------------------------
    def _tracks_changed(self) -> None:
        if self.item is None:
            return
        player, c = self.engine.player, self.controls
        c.audio_menu.set_tracks(tracks_from(player.audioTracks()), player.activeAudioTrack())
        c.subtitle_menu.set_tracks(tracks_from(player.subtitleTracks()),
                                   player.activeSubtitleTrack())
        for kind, menu in (("audio", c.audio_menu), ("subtitle", c.subtitle_menu)):
            index = menu.restore(self.item.tracks.get(kind))
            if index is not None:
                self._use_track(kind, index)
        c.show_tracks()

    def _use_track(self, kind: str, index: int) -> None:
        player = self.engine.player
        if kind == "audio" and index != player.activeAudioTrack():
            player.setActiveAudioTrack(index)
        elif kind == "subtitle" and index != player.activeSubtitleTrack():
            player.setActiveSubtitleTrack(index)

    def _audio_chosen(self, index: int) -> None:
        self._track_chosen("audio", self.controls.audio_menu, index)

    def _subtitle_chosen(self, index: int) -> None:
        self._track_chosen("subtitle", self.controls.subtitle_menu, index)

    def _track_chosen(self, kind: str, menu: TrackMenu, index: int) -> None:
        """Picked from a menu: used now, and remembered for this video (by language and
        title, so another download of it finds the same track)."""
        self._use_track(kind, index)
        if self.item is not None:
            self.item = replace(self.item, tracks={**self.item.tracks, kind: menu.choice()})
            self.memory.track_chosen(self.item, kind, menu.choice())

    # -- segments -----------------------------------------------------------------------------
    def _skip_segment(self, end_ms: int, category: str) -> None:
        self.seek_to(end_ms)
        self.notice.setText(self.skipper.notice(category))
        self.notice.show()
        self._notice_timer.start()

    def _autoplay_chosen(self, on: bool) -> None:
        self._manager.save_settings({"autoplay_next": on})

    # -- what a person does ----------------------------------------------------------------------
    def play_pause(self) -> None:
        if self.item is None or self.pages.currentIndex() not in (PICTURE, COVER):
            return
        player = self.engine.player
        if player.playbackState() == State.PlayingState:
            player.pause()
        else:
            player.play()

    def pause(self) -> None:
        """Paused (which saves where it was), if it was playing."""
        if not self._closed and self.engine.player.playbackState() == State.PlayingState:
            self.engine.player.pause()

    def seek_to(self, ms: int) -> None:
        player = self.engine.player
        if player.isSeekable():
            player.setPosition(max(0, min(int(ms), max(0, player.duration()))))

    def skip(self, delta_ms: int) -> None:
        self.seek_to(self.engine.player.position() + delta_ms)

    def skip_back(self) -> None:
        self.skip(-keys.SHORT_SKIP_MS)

    def skip_forward(self) -> None:
        self.skip(keys.SHORT_SKIP_MS)

    def skip_back_long(self) -> None:
        self.skip(-keys.LONG_SKIP_MS)

    def skip_forward_long(self) -> None:
        self.skip(keys.LONG_SKIP_MS)

    def set_volume(self, percent: int) -> None:
        self.engine.audio.setVolume(max(0, min(100, percent)) / 100)
        if percent > 0:
            self.engine.audio.setMuted(False)

    def _volume_shown(self, volume: float) -> None:
        self.controls.show_volume(round(volume * 100))

    def volume_up(self) -> None:
        self.set_volume(self.controls.volume.value() + keys.VOLUME_STEP)

    def volume_down(self) -> None:
        self.set_volume(self.controls.volume.value() - keys.VOLUME_STEP)

    def toggle_mute(self) -> None:
        self.engine.audio.setMuted(not self.engine.audio.isMuted())

    def play_next(self) -> None:
        self.play_queued(self.queue.next())

    def play_previous(self) -> None:
        # A few seconds in, "previous" starts this one again, as players do.
        if self.item is not None and self.queue.restarts_instead(self.engine.player.position()):
            self.seek_to(0)
        else:
            self.play_queued(self.queue.previous())

    # -- fullscreen ----------------------------------------------------------------------------
    @property
    def fullscreen(self) -> bool:
        return self.stage.isWindow()

    def toggle_fullscreen(self) -> None:
        if self.fullscreen:
            self.leave_fullscreen()
        else:
            self.stage.setParent(None)  # out of the splitter, a window of its own
            self.stage.setWindowFlags(Qt.WindowType.Window)
            self.stage.showFullScreen()
            self.stage.activateWindow()  # its keys (Esc) work at once
            self.stage.setFocus()

    def leave_fullscreen(self) -> None:
        if not self.fullscreen:
            return
        sizes = self._split.sizes()
        self._split.insertWidget(0, self.stage)
        self.stage.setWindowFlags(Qt.WindowType.Widget)
        self.stage.showNormal()
        self._split.setSizes([max(sizes[0], 400), *sizes[1:]])
        self.activateWindow()
        self.stage.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.video and event.type() == QEvent.Type.MouseButtonDblClick:
            self.toggle_fullscreen()
            return True
        return super().eventFilter(watched, event)

    # -- the end -------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Save where the video was, then let go of QtMultimedia safely. The widget plays
        nothing afterwards."""
        if self._closed:
            return
        self.leave_fullscreen()
        if self.item is not None and self.pages.currentIndex() in (PICTURE, COVER):
            self.memory.save(self.item, self.engine.player.position() / 1000)
        self.item = None
        self._closed = True
        self.engine.release()
