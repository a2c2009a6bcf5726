"""The sentences the player shows when a file cannot be played: what is wrong, what to do."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtMultimedia import QMediaPlayer

Error = QMediaPlayer.Error


def missing(path: str) -> str:
    return (f"“{Path(path).name}” is not there any more ({Path(path).parent}). It was moved "
            "or deleted: download the video again, or open the file from where it is now.")


def no_file() -> str:
    return "This video has no file yet: download it first, then play it."


def cannot_play(path: str, error: QMediaPlayer.Error, detail: str) -> str:
    name = Path(path).name
    if error == Error.AccessDeniedError:
        return (f"ytdesk may not read “{name}”: check the file's permissions, or open it "
                "in another player.")
    if error == Error.FormatError and detail and "codec" in detail.lower():
        return (f"“{name}” uses a format ytdesk cannot play ({detail}). Open it in another "
                "player, or download it again with another preset.")
    return (f"“{name}” cannot be played: it is damaged or not a video or sound file. "
            "Download it again, or open it in another player.")
