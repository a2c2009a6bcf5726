"""Pictures of the Channels tab, for a person to look at (not a test: run it on purpose).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/screenshots_browser.py /work/screenshots

A few channels in groups (one syncing, one whose last sync failed), each with videos in
every state (downloaded, watched, deleted, left out by its sync), their thumbnails and
images drawn here and fetched from the local fake site the way a real site's are.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE / "plugins")]

from fakesite import FakeSite, make_media  # noqa: E402
from PySide6.QtCore import QRect, Qt  # noqa: E402
from PySide6.QtGui import QColor, QFont, QImage, QLinearGradient, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from screenshots import settle, shoot, wait_until  # noqa: E402
from support import make_home  # noqa: E402

CHANNELS = [  # title, group, hue, videos
    ("Bread Lab", "Food", 30, ["Sourdough starter from scratch", "Why your crumb is dense",
                               "Baguettes at home, step by step", "Rye: the sticky truth",
                               "Ten loaves, one dough"]),
    ("Cooking with Ann", "Food", 140, ["Weeknight soups", "Knife skills for beginners"]),
    ("Night Sky Weekly", "Science", 230, ["Saturn at opposition", "Finding Andromeda"]),
    ("Daily News", "", 0, ["Morning bulletin"]),
]
STATES = ["downloaded", "watched", "left out", "deleted", "downloaded"]


def picture(path: Path, hue: int, text: str, size: tuple[int, int]) -> Path:
    image = QImage(size[0], size[1], QImage.Format.Format_RGB32)
    painter = QPainter(image)
    gradient = QLinearGradient(0, 0, size[0], size[1])
    gradient.setColorAt(0, QColor.fromHsl(hue, 150, 110))
    gradient.setColorAt(1, QColor.fromHsl((hue + 40) % 360, 170, 50))
    painter.fillRect(image.rect(), gradient)
    painter.setPen(QColor(255, 255, 255, 230))
    font = QFont()
    font.setPixelSize(size[1] // (2 if size[0] == size[1] else 5))
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(QRect(0, 0, size[0], size[1]), Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    image.save(str(path))
    return path


def main(out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication([sys.argv[0]])
    from ytdesk.core import channels
    from ytdesk.core.db import transaction
    from ytdesk.core.models import Job, Subscription, SubscriptionEntry, Video
    from ytdesk.jobs.manager import JobManager
    from ytdesk.ui.main_window import MainWindow

    root = Path(tempfile.mkdtemp(prefix="ytdesk-browser-shots-"))
    with FakeSite(make_media(root / "media")) as site:
        home = make_home(root / "home")
        drawn = root / "pictures"
        drawn.mkdir()
        number = 0
        for title, group, hue, videos in CHANNELS:
            folder = home.download_dir / title
            folder.mkdir(parents=True)
            avatar = site.add_file(f"avatar{hue}.png",
                                   picture(drawn / f"avatar{hue}.png", hue, title[:1], (88, 88)))
            followed = channels.subscribe(f"https://example.com/c/{hue}", title, group=group)
            Subscription.update(avatar=f"{site.base_url}/files/{avatar}",
                                last_synced_at=time.time() - 3600 * (hue % 7 + 1)).where(
                Subscription.id == followed.id).execute()
            with transaction():
                for n, name in enumerate(reversed(videos)):
                    number += 1
                    state = STATES[n % len(STATES)] if len(videos) > 2 else "downloaded"
                    file = folder / f"{name} [v{number}].mp4"
                    if state in ("downloaded", "watched"):
                        file.write_bytes(b"video")
                    thumb = site.add_file(f"thumb{number}.png", picture(
                        drawn / f"thumb{number}.png", (hue + n * 25) % 360, name.split()[0],
                        (320, 180)))
                    video = Video.insert(
                        extractor="fakesite", video_id=f"v{number}", title=name,
                        duration=180 + number * 97, upload_date=f"2026{n % 9 + 1:02d}1{n}",
                        thumbnail=f"{site.base_url}/files/{thumb}",
                        webpage_url=f"https://example.com/watch/v{number}",
                        filepath=str(file) if file.exists() else None,
                        watched=state == "watched",
                        deleted_at=time.time() if state == "deleted" else None).execute()
                    SubscriptionEntry.insert(
                        subscription=followed.id, video=video,
                        left_out="only the newest 2 of the back catalogue"
                        if state == "left out" else None).execute()
            if title == "Daily News":
                Subscription.update(last_error="The site says there is nothing at this address "
                                    "(HTTP 404): the channel may have moved.").where(
                    Subscription.id == followed.id).execute()
            if title == "Night Sky Weekly":
                [job_id] = channels.queue_syncs([followed.id])
                Job.update(status="running").where(Job.id == job_id).execute()

        manager = JobManager(home.paths, home.settings)  # not started: nothing runs
        window = MainWindow(manager, home.settings, home.paths)
        window.show()
        window.tabs.setCurrentWidget(window.channels_page)
        browser = window.browser
        wait_until(lambda: browser.channels.channel_count() == len(CHANNELS))
        browser.select_channel(Subscription.get(Subscription.title == "Bread Lab").id)
        wait_until(lambda: browser.videos.rowCount() == 5)
        browser.video_view.setCurrentIndex(browser.videos.index(0, 0))
        wait_until(lambda: len(site.requests("/files/thumb")) >= 5)
        settle(1.5)
        shoot(window, out / "browser.png", 1100)
        shoot(window, out / "browser-narrow.png", 760)
        browser.search_now("sour")
        settle()
        shoot(window, out / "browser-search.png", 1100)
        browser.close_down()
        home.db.close()
    app.quit()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
