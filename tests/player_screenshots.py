"""Pictures of the player during playback, for a person to look at (not a test: run it on
purpose, on a real X display, since the offscreen platform draws no video frames):

    xvfb-run -a -s "-screen 0 1280x800x24" env QT_QPA_PLATFORM=xcb \
        .venv/bin/python tests/player_screenshots.py /work/notes

It plays a video, a sound-only file with its cover and a damaged file from a fresh library,
and grabs the window from the screen (what the X server shows, video frame included).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE / "plugins")]

import conftest  # noqa: E402, F401  # this tree's migrations, whatever install is on the path
from player_media import make_player_media  # noqa: E402
from PySide6.QtCore import QCoreApplication, QEventLoop  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from support import make_home  # noqa: E402


def settle(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)


def shoot(widget, path: Path) -> QImage:
    image = widget.screen().grabWindow(widget.winId()).toImage()
    image.save(str(path))
    print("saved", path, image.width(), "x", image.height())
    return image


def main(out_dir: str) -> None:
    out = Path(out_dir)
    app = QApplication([sys.argv[0]])
    from ytdesk.core.models import Video
    from ytdesk.core.play_queue import QueueItem
    from ytdesk.jobs.manager import JobManager
    from ytdesk.ui.main_window import MainWindow

    with tempfile.TemporaryDirectory() as tmp:
        home = make_home(Path(tmp))
        files = make_player_media(Path(tmp) / "media")
        chapters = json.dumps({"chapters": [
            {"start_time": 0.0, "end_time": 2.0, "title": "Harbour"},
            {"start_time": 2.0, "end_time": 4.0, "title": "[SponsorBlock]: Sponsor",
             "category": "sponsor"},
            {"start_time": 4.0, "end_time": 7.0, "title": "Open sea"},
            {"start_time": 7.0, "end_time": 10.0, "title": "Storm"}]})
        boats = Video.create(extractor="fakesite", video_id="s1", title="Boats at sea",
                             channel="Sea TV", duration=10.0, filepath=str(files["tracks"]),
                             info_json=chapters).id
        night = Video.create(extractor="fakesite", video_id="s3", title="Boats at night",
                             channel="Sea TV", duration=10.0, filepath=str(files["webm"])).id
        shanty = Video.create(extractor="fakesite", video_id="s2", title="Sea shanty",
                              channel="Harbour Choir", duration=10.0,
                              filepath=str(files["m4a"])).id
        manager = JobManager(home.paths, home.settings)
        window = MainWindow(manager, home.settings, home.paths)
        window.resize(1100, 720)
        window.show()
        manager.start()
        settle(0.5)
        window.tabs.setCurrentWidget(window.player_page)
        settle(0.5)
        shoot(window, out / "player-idle.png")
        window.player.play_list([QueueItem("Boats at sea", boats, duration=10.0),
                                 QueueItem("Boats at night", night, duration=10.0),
                                 QueueItem("Sea shanty", shanty, duration=10.0)])
        window.tabs.setCurrentWidget(window.player_page)
        settle(2.5)
        frame = shoot(window, out / "player.png")
        video = window.player.video
        corner = video.mapTo(window, video.rect().center())
        print("middle of the picture:", frame.pixelColor(corner).name())
        window.player.controls.volume.setFocus()
        window.player.play_next()
        window.player.play_next()
        settle(1.5)
        shoot(window, out / "player-audio.png")
        window.play_file(str(files["corrupt"]))
        settle(1.0)
        shoot(window, out / "player-problem.png")
        window.resize(760, 560)
        window.play_video(boats)
        settle(1.5)
        shoot(window, out / "player-760.png")
        window.close()
        manager.shutdown(10)
        window.deleteLater()
        settle(0.3)
    app.quit()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
