"""What an input format is: the :class:`Format` every format module declares (``FORMAT``), and the
two views of an input a format is handed: a :class:`Sample` to recognise it by, a :class:`Source` to
parse. The formats are listed, in detection order, in :mod:`newsdesk.ingest.registry`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, BinaryIO

from newsdesk.domain.models import ParseResult
from newsdesk.ingest.decoding import HEAD_BYTES, decode, wide_encoding
from newsdesk.ingest.jsondoc import json_error
from newsdesk.ingest.options import ReadOptions

COMPRESSED_SUFFIX = ".gz"  # any format may be gzipped; the content is read through it


def plain_name(name: str) -> str:
    """``name`` without its query and a ``.gz`` ending: the name the format is guessed from."""
    base = name.split("?", 1)[0]
    return base[: -len(COMPRESSED_SUFFIX)] if base.casefold().endswith(COMPRESSED_SUFFIX) else base


def suffix_of(name: str) -> str:
    """The lower-case ending of ``name`` that hints at its format (``.csv``), past ``.gz`` and a query."""
    return Path(plain_name(name)).suffix.casefold()


class Sample:
    """A whole decoded input as detection sees it: its name's ending, its first character, and (for
    text that starts like JSON) the document, parsed once for every format that asks."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text
        self.suffix = suffix_of(name)
        self.lead = text.lstrip("\ufeff \t\r\n")[:1]
        self.json_problem: str | None = None

    @cached_property
    def doc(self) -> Any:
        """The parsed JSON document, or None (not JSON-like, or not valid: :attr:`json_problem` says why)."""
        if self.lead not in ("{", "["):
            return None
        try:
            return json.loads(self.text)
        except json.JSONDecodeError as exc:
            self.json_problem = json_error(self.name, self.text, exc)
        except (ValueError, RecursionError):
            self.json_problem = f"{self.name} is not usable JSON"
        return None


@dataclass(frozen=True)
class Head:
    """The start of a file (at most :data:`HEAD_BYTES`), seen before deciding to stream it: its
    name's ending, its bytes, and their text (8-bit decoded; comment lines skipped in a file named
    as JSON Lines)."""

    name: str
    suffix: str
    data: bytes
    text: str
    options: ReadOptions


class Source:
    """One input to parse: its name (a path or URL, used in locators), its bytes, and their text,
    decoded once when a parser first asks (:func:`newsdesk.ingest.decoding.decode`)."""

    def __init__(self, name: str, data: bytes, text: str | None = None) -> None:
        self.name = name
        self.data = data
        self._text = text

    @classmethod
    def of_text(cls, name: str, text: str) -> Source:
        """A source given as text already."""
        return cls(name, text.encode("utf-8", "surrogatepass"), text)

    @property
    def text(self) -> str:
        """The decoded text (raises :class:`SourceReadError` for empty or binary bytes)."""
        if self._text is None:
            self._text = decode(self.data, self.name)
        return self._text

    @cached_property
    def wide(self) -> str | None:
        """The UTF-16/32 encoding of the bytes, or None for an 8-bit one."""
        return wide_encoding(self.data[:HEAD_BYTES])


Reader = Callable[[Source, ReadOptions], Iterator[ParseResult]]
Streamer = Callable[[BinaryIO, Head], Iterator[ParseResult]]


@dataclass(frozen=True)
class Format:
    """One input format.

    - ``name`` is what ``--format`` and the Ingest page's choice say; ``label`` what people read.
    - ``suffixes`` are the file endings its files carry (the upload widget accepts them); ``sniff``
      may use them as a hint, and with ``by_name`` a file so named that no format's ``sniff`` claims
      is read as this format.
    - ``sniff(sample)`` says whether a whole decoded input is this format; ``check(sample)`` (when
      given) then raises for an input of this format that must not be read (an API's error body).
    - ``read(source, options)`` parses an input, whole or in chunks of at most 1,000 records.
    - ``streams(head)`` and ``stream(binary, head)``, when given, read a file of this format as a
      stream, so its size bounds neither memory nor a transaction.
    - ``comment`` starts a comment line in its files: a file named with one of its endings has its
      leading comment lines skipped before the formats' ``streams`` look at its start.
    """

    name: str
    label: str
    suffixes: tuple[str, ...]
    sniff: Callable[[Sample], bool]
    read: Reader
    by_name: bool = False
    check: Callable[[Sample], None] | None = None
    streams: Callable[[Head], bool] | None = None
    stream: Streamer | None = None
    comment: str | None = None

    def parse(self, text: str, name: str, categories: object = (), options: ReadOptions | None = None) -> ParseResult:
        """Parse ``text`` whole (the chunks of :attr:`read` merged)."""
        result = ParseResult()
        for chunk in self.read(Source.of_text(name, text), options or ReadOptions(fmt=self.name)):
            result.extend(chunk)
        return result
