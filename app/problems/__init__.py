"""Problem texts in the reader's language, from one catalogue in fr, nl, de and en.

The catalogue is app/problems/<lang>.json: flat keys, the same keys and placeholders
(string.Template, `$name`) in the four files, like the PWA's catalogues.

- `title.<slug>`: the title of a problem type (the slug of its `type` URI, a stable code:
  a domain error's `code`, whose `title` is the English one here); `title.http-<status>` for
  an HTTP error with no type of its own.
- `<area>.<name>`: a domain error's detail; the error carries it as a `Message` (its key and
  parameters), so the detail is rendered in each reader's language.
- `validation.<name>` and `http.<name>`: texts that libraries write in English (marshmallow,
  webargs, werkzeug) or that our routes pass to abort().

A text that reaches the answer as plain English (a library's message, or a domain error still
raised with a string) is recognised by its English wording, parameters included, and rendered
again in the asked language; one that is not in the catalogue stays as it is.
"""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.i18n import LANGUAGES, pick_name

if TYPE_CHECKING:
    from werkzeug.datastructures import LanguageAccept

DEFAULT_LANGUAGE = "en"
CATALOGUE_DIR = Path(__file__).parent
TITLE_PREFIX = "title."


@dataclass(frozen=True)
class Localized:
    """A name in several languages (a commune's), rendered in the reader's."""

    names: dict[str, str]
    region_code: str | None = None

    def in_language(self, lang: str) -> str:
        return pick_name({k: v for k, v in self.names.items() if v}, lang, self.region_code)


@dataclass(frozen=True)
class Message:
    """A catalogue key and its parameters: a text not yet put in a language."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, lang: str) -> str:
        return render(self.key, lang, self.params)

    def __str__(self) -> str:
        return self.render(DEFAULT_LANGUAGE)


def msg(key: str, **params: Any) -> Message:
    if key not in catalogue()[DEFAULT_LANGUAGE]:
        raise KeyError(f"no problem message {key!r} in the catalogue")
    return Message(key, params)


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every language's messages, by key."""
    return {
        lang: json.loads((CATALOGUE_DIR / f"{lang}.json").read_text(encoding="utf-8"))
        for lang in LANGUAGES
    }


def placeholders(template: str) -> set[str]:
    found = set()
    for match in string.Template.pattern.finditer(template):
        name = match.group("named") or match.group("braced")
        if name:
            found.add(name)
    return found


def _value(value: Any, lang: str) -> str:
    if isinstance(value, Localized):
        return value.in_language(lang)
    if isinstance(value, Message):
        return value.render(lang)
    if isinstance(value, float):
        text = f"{value:.1f}"
        return text if lang == "en" else text.replace(".", ",")
    return str(value)


def render(key: str, lang: str, params: dict[str, Any] | None = None) -> str:
    texts = catalogue()
    template = texts.get(lang, {}).get(key) or texts[DEFAULT_LANGUAGE][key]
    values = {name: _value(v, lang) for name, v in (params or {}).items()}
    return string.Template(template).substitute(values)


def has(key: str) -> bool:
    return key in catalogue()[DEFAULT_LANGUAGE]


def _pattern(template: str) -> re.Pattern[str]:
    parts, position, seen = [], 0, set()
    for match in string.Template.pattern.finditer(template):
        parts.append(re.escape(template[position : match.start()]))
        name = match.group("named") or match.group("braced")
        if name:
            parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
            seen.add(name)
        elif match.group("escaped"):
            parts.append(re.escape("$"))
        position = match.end()
    parts.append(re.escape(template[position:]))
    return re.compile("".join(parts), re.DOTALL)


@cache
def _recognisers() -> list[tuple[str, re.Pattern[str]]]:
    english = catalogue()[DEFAULT_LANGUAGE]
    found = [(k, _pattern(t)) for k, t in english.items() if not k.startswith(TITLE_PREFIX)]
    # Literal texts first, then the ones with more fixed words: the most specific wins.
    return sorted(found, key=lambda kp: -len(kp[1].pattern))


def recognise(text: str) -> Message | None:
    """The catalogue message whose English wording is `text`, parameters included."""
    for key, pattern in _recognisers():
        match = pattern.fullmatch(text)
        if match:
            return Message(key, match.groupdict())
    return None


def localize(text: str | Message, lang: str) -> str:
    """`text` in `lang`: a Message rendered, a known English text translated, else as it is."""
    if isinstance(text, Message):
        return text.render(lang)
    if lang == DEFAULT_LANGUAGE:
        return text
    found = recognise(text)
    if found is None:
        return text
    # A parameter may itself be a known text ("…: ${reason}"): it is translated too.
    params = {name: localize(value, lang) for name, value in found.params.items()}
    return render(found.key, lang, params)


def title(slug: str, lang: str, fallback: str) -> str:
    key = TITLE_PREFIX + slug
    return render(key, lang) if has(key) else fallback


def negotiate(accept_languages: LanguageAccept, asked: str | None = None) -> str:
    """fr, nl, de or en: `asked` (a ?lang=) if one of them, else the best of werkzeug's
    Accept-Language match ("nl-BE" names Dutch), else en. English is offered first, so a
    bare "*" gets it rather than whichever language happens to be listed first."""
    if asked in LANGUAGES:
        return asked
    offered = (DEFAULT_LANGUAGE, *(lang for lang in LANGUAGES if lang != DEFAULT_LANGUAGE))
    return accept_languages.best_match(offered) or DEFAULT_LANGUAGE
