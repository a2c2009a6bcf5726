"""What went wrong, in a person's words, and what the queue should do about it.

yt-dlp reports most failures as a DownloadError whose text carries the real cause; the
original exception is kept in `exc_info`. We look at the exception chain first (HTTP
status, errno) and fall back to the text.
"""

from __future__ import annotations

import errno
import re
from dataclasses import dataclass

from yt_dlp.networking.exceptions import HTTPError, TransportError
from yt_dlp.utils import DownloadCancelled, GeoRestrictedError, PostProcessingError

from ytdesk.core.credentials import redact
from ytdesk.core.diskfull import LIBRARY_DISK_FULL, is_library_full

TRANSIENT = "transient"  # retry with backoff
RATE_LIMITED = "rate_limited"  # hold the whole site, then retry
PERMANENT = "permanent"  # fail now; retrying cannot help
LOCAL = "local"  # this machine's problem (disk, permissions): pause the queue

# What a site said that holds all its jobs (Failure.site_answer).
TOO_MANY = "429"
BOT_CHECK = "bot check"
FORBIDDEN = "403"  # holds the site only if it served us before (the runner asks the library)


class JobStopped(DownloadCancelled):
    """Raised from a progress hook when the user paused or cancelled the job, or the app is
    shutting down. yt-dlp stops at once and keeps the .part file for a later resume."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "pause", "cancel" or "shutdown"


class OutsideDownloadDir(Exception):
    """A file name that would land outside the download folder (e.g. a '..' title)."""


# yt-dlp's post-processor keys, as a sentence names the step when it fails.
STEP_WORDS = {
    "Merger": "merging the video and audio",
    "ExtractAudio": "converting to audio",
    "VideoConvertor": "converting the video",
    "VideoRemuxer": "changing the container",
    "ThumbnailsConvertor": "converting the thumbnail",
    "SubtitlesConvertor": "converting the subtitles",
    "EmbedSubtitle": "embedding the subtitles",
    "EmbedThumbnail": "embedding the cover",
    "Metadata": "adding tags and chapters",
    "SponsorBlock": "asking SponsorBlock for segments",
    "ModifyChapters": "cutting out SponsorBlock segments",
    "SplitChapters": "splitting the chapters",
}


class StepFailed(Exception):
    """A step after the download (merging, embedding, converting...) failed; the file it
    worked on is kept, so a retry runs the steps again without downloading."""

    def __init__(self, step: str, detail: str):
        super().__init__(f"The video was downloaded and kept, but {step} failed: {detail} "
                         "Retry to run that step again without downloading.")


class CannotDownload(Exception):
    """A download that cannot run as it was asked (its cookies file is gone, its options
    are refused); the message is the sentence. Retrying cannot help."""


@dataclass(frozen=True)
class Failure:
    kind: str
    sentence: str
    understood: bool = True  # False: no rule matched; the traceback is worth keeping
    site_answer: str = ""  # TOO_MANY, BOT_CHECK or FORBIDDEN: the site is pushing back


_HELD_SENTENCES = {
    TOO_MANY: "The site said too many requests (HTTP 429).",
    BOT_CHECK: "The site asked to confirm you are not a bot.",
    FORBIDDEN: "The site refused downloads it allowed before (HTTP 403).",
}
_WHAT_TO_DO = (" ytdesk leaves it alone for a while; cookies from a browser where you are "
               "signed in to it (or a cookies file) may let it go on sooner.")


def held_sentence(failure: Failure) -> str:
    """What a held site did and what the user can do, for the banner and the tray."""
    said = _HELD_SENTENCES.get(failure.site_answer, failure.sentence)
    return said + _WHAT_TO_DO


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_GEO_SENTENCE = "The site does not show this video in your country."
_PERMANENT_TEXT = [
    (re.compile(r"unsupported url", re.I),
     "ytdesk found no video it can download at this address (the site is not supported)."),
    (re.compile(r"private video|video is private", re.I), "This video is private."),
    (re.compile(r"not made this video available in your country|geo[- ]?restrict|"
                r"not available (from|in) your (location|country)", re.I), _GEO_SENTENCE),
    (re.compile(r"has been removed|video unavailable|no longer available|been terminated", re.I),
     "This video is no longer available on the site."),
    (re.compile(r"requested format is not available", re.I),
     "The site does not offer this video in the chosen quality; pick another quality."),
    (re.compile(r"confirm your age|age[- ]restricted", re.I),
     "The site only shows this video to signed-in adults."),
    (re.compile(r"members[- ]only|join this channel", re.I),
     "This video is for the channel's paying members only."),
    (re.compile(r"outside the download folder", re.I), None),
]
_REDIRECT_LOOP = ("The site keeps redirecting this address in a loop; it cannot be "
                  "downloaded.")
# requests: "(redirect loop detected)"; urllib: "a redirect error that would lead to an
# infinite loop"
_REDIRECT_LOOP_TEXT = re.compile(r"redirect loop|redirect error .*infinite loop", re.I)
_PATH_TOO_LONG = ("The download folder's path is too long for this system to add the video's "
                  "name to it. Choose a shorter download folder, then resume the queue.")
_PATH_TOO_LONG_TEXT = re.compile(r"file ?name too long|filename or extension is too long",
                                 re.I)
_WINDOWS_PATH_TOO_LONG = 206  # ERROR_FILENAME_EXCED_RANGE
_BOT_CHECK_TEXT = re.compile(r"confirm you.?re not a bot", re.I)
_RATE_LIMIT_TEXT = re.compile(r"http error 429|too many requests|rate.?limit", re.I)
_TRANSIENT_TEXT = re.compile(
    r"timed out|connection (reset|refused|aborted)|incompleteread|remote end closed|"
    r"did not get any data|giving up after|temporary failure|broken pipe|"
    r"unable to download (webpage|json)|content too short|read error|"
    r"http error 5\d\d", re.I)


_UNRESOLVED = re.compile(
    r"host='([^']+)'.*?(?:failed to resolve|name or service not known|getaddrinfo failed|"
    r"nodename nor servname|temporary failure in name resolution)", re.I)
_HOST = re.compile(r"host='([^']+)'")
# What went wrong on the way to a site, in the words of urllib3 / the OS -> our sentence
# (the runner adds whether it tries again).
_CONNECTION_TEXT = [
    (re.compile(r"connection refused|actively refused|errno (111|61|10061)\b", re.I),
     "Could not connect to {host} — is the site up?"),
    (re.compile(r"timed out|errno (110|60|10060)\b", re.I),
     "{host} did not answer in time."),
    (re.compile(r"network is unreachable|no route to host|errno (101|113|51|65)\b", re.I),
     "{host} cannot be reached from this computer; is it online?"),
    (re.compile(r"connection (reset|aborted)|remote end closed|broken pipe|incompleteread|"
                r"connection broken", re.I),
     "The connection to {host} broke off."),
]


def clean_message(text: str) -> str:
    text = _ANSI.sub("", str(text)).strip()
    return re.sub(r"^(ERROR|WARNING):\s*", "", text)


def _chain(exc: BaseException):
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        exc_info = getattr(current, "exc_info", None)
        if exc_info and len(exc_info) > 1:
            stack.append(exc_info[1])
        stack.extend([getattr(current, "cause", None), current.__cause__, current.__context__])


def step_failed(exc: BaseException, step: str) -> StepFailed | None:
    """A post-processing failure, named by the step that was running (`step`, its
    post-processor key), or None for any other failure (and for a missing ffmpeg or
    ffprobe, which has its own sentence)."""
    for link in _chain(exc):
        if isinstance(link, PostProcessingError):
            detail = clean_message(str(link.msg if hasattr(link, "msg") else link))
            if re.search(r"\b(ffprobe|ffmpeg) not found", detail, re.I):
                return None
            detail = detail.removeprefix("Postprocessing:").strip() or "no reason was given"
            if not detail.endswith((".", "!", "?")):
                detail += "."
            return StepFailed(STEP_WORDS.get(step, "a step after downloading"), redact(detail))
    return None


def _http_failure(status: int) -> Failure | None:
    if status == 429:
        return Failure(RATE_LIMITED, "The site says too many requests (HTTP 429); "
                                     "ytdesk leaves it alone for a while and tries again.",
                       site_answer=TOO_MANY)
    if status in (404, 410):
        return Failure(PERMANENT, f"The site says there is nothing at this address "
                                  f"(HTTP {status}): the video may have been removed.")
    if status == 401:
        return Failure(PERMANENT, "The site wants you to sign in to see this (HTTP 401).")
    if status >= 500:
        return Failure(TRANSIENT, f"The site had a server error (HTTP {status}).")
    if status == 403:
        # Often an expired signed media URL: a new attempt extracts fresh ones.
        return Failure(TRANSIENT, "The site refused the download (HTTP 403).",
                       site_answer=FORBIDDEN)
    return None


def _os_failure(error: OSError) -> Failure | None:
    if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        where = f" ({error.filename})" if error.filename else ""
        return Failure(LOCAL, f"The disk is full{where}. Free some space, then resume the queue.")
    if error.errno == errno.ENAMETOOLONG or \
            getattr(error, "winerror", None) == _WINDOWS_PATH_TOO_LONG:
        # Names are trimmed to fit (names.py): what is left too long is the folder's path.
        return Failure(LOCAL, _PATH_TOO_LONG)
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        where = f" to {error.filename}" if error.filename else " to the download folder"
        return Failure(LOCAL, f"ytdesk is not allowed to write{where}. Choose another download "
                              "folder or fix its permissions, then resume the queue.")
    if error.errno == errno.ENOTDIR:  # the download folder's path goes through a file
        where = f" {error.filename}" if error.filename else " the download folder"
        return Failure(LOCAL, f"ytdesk cannot make the folder{where}: part of that path is a "
                              "file, not a folder. Choose another download folder or move "
                              "the file, then resume the queue.")
    return None


def _connection_failure(text: str) -> Failure | None:
    """A failure to reach a site, in one sentence naming the site (never the library's
    "HTTPConnection(host=...) ... [Errno 111]" text)."""
    for pattern, sentence in _CONNECTION_TEXT:
        if pattern.search(text):
            found = _HOST.search(text)
            host = found.group(1) if found else "the site"
            return Failure(TRANSIENT, sentence.format(host=host))
    return None


def stalled(seconds: float) -> Failure:
    """A download stopped by the stall watchdog: the site went silent (or nearly)."""
    # No "will try again": the retry's own event says when, and after the last attempt
    # the sentence follows "gave up after N attempts:".
    return Failure(TRANSIENT, f"The site stopped sending data for {seconds:g} s.")


def classify(exc: BaseException) -> Failure:
    """Turn any exception from a job into a kind and one plain sentence."""
    text = redact(clean_message(str(exc)))  # shown and stored: never a password in it
    for link in _chain(exc):
        if isinstance(link, (OutsideDownloadDir, CannotDownload, StepFailed)):
            return Failure(PERMANENT, str(link))
        if isinstance(link, GeoRestrictedError):
            return Failure(PERMANENT, _GEO_SENTENCE)
        if isinstance(link, HTTPError) and link.redirect_loop:
            return Failure(PERMANENT, _REDIRECT_LOOP)
        if isinstance(link, HTTPError):
            found = _http_failure(link.status)
            if found:
                return found
        if isinstance(link, OSError) and not isinstance(link, TransportError):
            found = _os_failure(link)
            if found:
                return found
        elif is_library_full(link):  # SQLite's "database or disk is full"
            return Failure(LOCAL, LIBRARY_DISK_FULL)
    if _REDIRECT_LOOP_TEXT.search(text):
        return Failure(PERMANENT, _REDIRECT_LOOP)
    if _PATH_TOO_LONG_TEXT.search(text):
        return Failure(LOCAL, _PATH_TOO_LONG)
    status = re.search(r"HTTP Error (\d{3})", text)
    if status:
        found = _http_failure(int(status.group(1)))
        if found:
            return found
    missing = re.search(r"\b(ffprobe|ffmpeg) not found", text, re.I)
    if missing:
        return Failure(PERMANENT, f"This download needs {missing.group(1).lower()} for a step "
                                  "after downloading (embedding, chapters, SponsorBlock, "
                                  "converting), and this ytdesk has none; choose a preset "
                                  "without that step.")
    if re.search(r"no space left on device", text, re.I):
        return Failure(LOCAL, "The disk is full. Free some space, then resume the queue.")
    if re.search(r"permission denied|read-only file system", text, re.I):
        return Failure(LOCAL, f"ytdesk is not allowed to write a file: {text}. Choose another "
                              "download folder or fix its permissions, then resume the queue.")
    if _BOT_CHECK_TEXT.search(text):
        return Failure(RATE_LIMITED, "The site asks to confirm you are not a bot; ytdesk "
                                     "leaves it alone for a while and tries again.",
                       site_answer=BOT_CHECK)
    if _RATE_LIMIT_TEXT.search(text):
        return Failure(RATE_LIMITED, "The site is limiting requests; ytdesk leaves it alone "
                                     "for a while and tries again.", site_answer=TOO_MANY)
    for pattern, sentence in _PERMANENT_TEXT:
        if pattern.search(text):
            return Failure(PERMANENT, sentence or text)
    host = _UNRESOLVED.search(text)
    if host:
        return Failure(TRANSIENT, f"Could not reach {host.group(1)}: its name did not resolve. "
                                  "Is this computer online?")
    connection = _connection_failure(text)
    if connection:
        return connection
    if _TRANSIENT_TEXT.search(text) or isinstance(exc, (TransportError, TimeoutError,
                                                        ConnectionError)):
        return Failure(TRANSIENT, f"The connection failed: {text}")
    # Unknown errors are retried: giving up too early loses work, retrying costs only time.
    return Failure(TRANSIENT, text or type(exc).__name__, understood=False)
