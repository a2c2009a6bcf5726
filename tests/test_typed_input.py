"""Whatever a person types or pastes: addresses are found and checked (http and https only),
and searches treat every character as text, never as syntax (FTS5 operators, LIKE's %, _ and
\\), against a real migrated library DB. Property-based: hypothesis makes the inputs."""

from __future__ import annotations

import string
from urllib.parse import urlsplit

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from support import make_home

from ytdesk.core import jobstore
from ytdesk.core.jobviews import JobFilter, job_ids, job_rows
from ytdesk.core.library import search_videos
from ytdesk.core.models import Job, Video
from ytdesk.core.urls import MAX_URL_LENGTH, check_url, find_urls

PURE = settings(max_examples=200, deadline=None)  # microseconds each
WITH_DB = settings(max_examples=60, deadline=None)  # a few writes and a query each


# -- addresses -----------------------------------------------------------------------------
AROUND_THE_LIMIT = st.integers(MAX_URL_LENGTH - 3, MAX_URL_LENGTH + 3).map(
    lambda n: "https://example.com/" + "a" * (n - len("https://example.com/")))
ANY_TEXT = st.text(max_size=80) | AROUND_THE_LIMIT


@PURE
@given(ANY_TEXT)
def test_any_text_gets_an_answer_and_only_http_and_https_pass(text):
    checked = check_url(text)
    if checked.ok:
        parts = urlsplit(checked.url)
        assert parts.scheme.lower() in ("http", "https") and parts.hostname
        assert checked.url == text.strip() and len(checked.url) <= MAX_URL_LENGTH
        assert not any(ch.isspace() or ord(ch) < 32 for ch in checked.url)
    else:
        assert checked.url is None and checked.reason.endswith(".")


SCHEME_CHARS = string.ascii_letters + string.digits + "+.-"
OTHER_SCHEMES = st.sampled_from(["ftp", "file", "javascript", "data", "mailto", "ws", "wss",
                                 "sftp", "ssh", "blob", "about", "hxxp", "httpx", "https1",
                                 "HTTPS2", "http+unix"]) | st.text(
    SCHEME_CHARS, min_size=1, max_size=12).filter(
    lambda s: s[0].isalpha() and s.lower() not in ("http", "https"))


@PURE
@given(OTHER_SCHEMES, st.text(max_size=40))
def test_no_other_scheme_is_ever_accepted(scheme, rest):
    for text in (f"{scheme}://{rest}", f"{scheme}:{rest}", f"{scheme}://example.com/{rest}"):
        assert not check_url(text).ok


@PURE
@given(ANY_TEXT)
def test_checking_an_accepted_address_again_changes_nothing(text):
    checked = check_url(text)
    if checked.ok:
        assert check_url(checked.url) == checked


LABEL = st.text(string.ascii_letters + string.digits, min_size=1, max_size=8)
HOST = st.lists(LABEL, min_size=1, max_size=3).map(".".join)
# Inside an address: anything but whitespace, the characters that end one in prose, and
# brackets (a lone "(" before a ")" in prose is ambiguous: see the Wikipedia-style ending).
INNER = st.text(string.ascii_letters + string.digits + "-._~%!$&*+,;=:@/?#", max_size=10)
ENDING = st.sampled_from(string.ascii_letters + string.digits + "/")


@st.composite
def addresses(draw) -> str:
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "Https"]))
    port = draw(st.none() | st.integers(1, 65535))
    url = f"{scheme}://{draw(HOST)}" + (f":{port}" if port is not None else "")
    if draw(st.booleans()):
        url += "/" + draw(INNER) + draw(ENDING)
        if draw(st.booleans()):  # Wikipedia style: a closing bracket that belongs to it
            url += "_(" + draw(LABEL) + ")"
    return url


# Around an address in prose: brackets, quotes, a full stop...
OPENERS = st.sampled_from(["", "(", "<", '"', "'", "["])
CLOSERS = st.sampled_from(["", ")", ">", '"', "'", "]", ".", ",", ";", ":", "!", "?", ")."])
# Prose without addresses: no whitespace inside a word, and no http in it.
WORDS = st.lists(st.text(min_size=1, max_size=12).filter(
    lambda w: not any(ch.isspace() for ch in w) and "http" not in w.lower()), max_size=4)
SPACES = st.sampled_from([" ", "\n", "\t", "  ", "\r\n", "\u00a0", "\u3000"])


@PURE
@given(st.lists(st.tuples(WORDS, OPENERS, addresses(), CLOSERS), max_size=5), WORDS, SPACES)
def test_addresses_in_prose_are_found_exactly_in_order_once_each(pieces, tail, space):
    text, expected = [], []
    for words, opener, url, closer in pieces:
        text += [*words, opener + url + closer]
        expected.append(url)
    text += tail
    assert find_urls(space.join(text)) == list(dict.fromkeys(expected))


@PURE
@given(st.text(max_size=200))
def test_whatever_is_found_in_any_text_passes_the_check(text):
    for url in find_urls(text):
        assert check_url(url).ok and urlsplit(url).scheme.lower() in ("http", "https")


# -- searching the library -----------------------------------------------------------------
@pytest.fixture(scope="module")
def library(tmp_path_factory):
    """One migrated library for the module (hypothesis runs many examples per test, and a
    function-scoped fixture would be shared by them anyway); each example empties it."""
    made = make_home(tmp_path_factory.mktemp("typed-input"))
    yield made
    made.db.close()


# Letters and digits FTS5's unicode61 tokenizer (Unicode 6.1) knows, with and without case
# and accents, and scripts without spaces between words.
LETTERS = (st.sampled_from(string.ascii_letters + string.digits)
           | st.characters(min_codepoint=0xC0, max_codepoint=0x17F, categories=("Lu", "Ll"))
           | st.characters(min_codepoint=0x391, max_codepoint=0x3C9, categories=("Lu", "Ll"))
           | st.characters(min_codepoint=0x410, max_codepoint=0x44F)
           | st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF))
# What FTS5 or LIKE would read as syntax if it were not escaped, and other punctuation.
SYNTAX = st.sampled_from(list("%_\\\"'*^:()-+.,;!?/[]{}<>=~|&@#$`") + ["\x00", "\u0301"])
SYNTAX_WORDS = st.sampled_from(["AND", "OR", "NOT", "NEAR", "NEAR(", "and", "*", '"', "''",
                                "^", "a:b", "(", ")", "%", "_", "\\", "--", "NEAR/2"])
TITLE_WORD = SYNTAX_WORDS | st.text(LETTERS | SYNTAX, min_size=1, max_size=10)


def has_a_letter(words: list[str]) -> bool:
    return any(ch.isalnum() for word in words for ch in word)


@st.composite
def typed_from(draw, title_words: list[str]) -> list[str]:
    """Some of the title's words, in any order, each whole or cut to a prefix."""
    chosen = draw(st.lists(st.sampled_from(title_words), min_size=1, max_size=4))
    return [word[:draw(st.integers(1, len(word)))] for word in chosen]


@WITH_DB
@given(st.data(), st.lists(TITLE_WORD, min_size=1, max_size=6))
def test_a_video_is_found_by_any_words_of_its_title_whatever_they_contain(library, data,
                                                                          title_words):
    Video.delete().execute()
    title = " ".join(title_words)
    Video.create(extractor="fakesite", video_id="v1", title=title)
    Video.create(extractor="fakesite", video_id="other", title="unrelated")
    typed = data.draw(typed_from(title_words))
    found = [v.video_id for v in search_videos(" ".join(typed))]  # never raises
    if has_a_letter(typed):  # words made only of punctuation are not indexed by FTS5
        assert "v1" in found


@WITH_DB
@given(st.text(max_size=60))
@example('"')
@example('NEAR(a b) OR "x" AND NOT y*')
@example("a:b ^c (d - +e")
@example("%_\\")
@example("a\x00b")  # FTS5 read a NUL as the end of the query: "unterminated string"
def test_any_search_text_runs(library, text):
    Video.delete().execute()
    Video.create(extractor="fakesite", video_id="v1", title="A title: (with) 100% \"quotes\"")
    assert isinstance(search_videos(text), list)


# SQLite's LIKE ignores case for ASCII letters only, and reads text up to a NUL character.
ASCII_CASE = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
# LIKE's wildcards and escape, alone and together, as they would be typed.
WILD = st.sampled_from(["%", "_", "\\", "%%", "\\%", "\\_", "a%b", "a_b", "%_", "\\\\", "100%",
                        "file_name", "C:\\"])
TITLE_TEXT = st.lists(WILD | st.text(LETTERS | SYNTAX.filter(lambda ch: ch != "\x00"),
                                     max_size=6), max_size=3).map("".join)
NEEDLE = st.text(st.sampled_from("aAbB%_\\*'\"[]") | LETTERS, min_size=1, max_size=4)


def contains(haystack: str | None, needle: str) -> bool:
    return needle.translate(ASCII_CASE) in (haystack or "").translate(ASCII_CASE)


@WITH_DB
@given(st.lists(st.tuples(st.none() | TITLE_TEXT, TITLE_TEXT), min_size=1, max_size=6),
       st.data())
def test_the_job_filter_reads_percent_underscore_and_backslash_as_text(library, jobs, data):
    Job.delete().execute()
    ids = jobstore.add_jobs([jobstore.NewJob("download", f"https://example.com/{path}",
                                             title=title) for title, path in jobs])
    titled = [(job_id, title, f"https://example.com/{path}")
              for job_id, (title, path) in zip(ids, jobs, strict=True)]
    # A needle cut from a title or address, or made up.
    sources = [text for _, title, url in titled for text in (title, url) if text]
    needle = data.draw(st.sampled_from(sources).flatmap(
        lambda text: st.integers(0, len(text) - 1).flatmap(
            lambda start: st.integers(start + 1, len(text)).map(lambda end: text[start:end])))
        | WILD | NEEDLE)
    flt = JobFilter(text=needle)
    expected = {job_id for job_id, title, url in titled if contains(title, needle)
                or contains(url, needle)}
    assert set(job_ids(flt)) == expected
    # The list's own check of a changed row agrees with the query (on ASCII text: it folds
    # case the Unicode way, LIKE only for ASCII).
    ascii_rows = [row for row in job_rows(ids)
                  if needle.isascii() and (row.title or "").isascii() and row.url.isascii()]
    assert {row.id for row in ascii_rows if flt.matches(row)} == \
        {row.id for row in ascii_rows if row.id in expected}
