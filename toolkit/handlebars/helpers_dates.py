"""Dates for the ``dateFormat`` and ``now`` helpers: Java ``SimpleDateFormat`` patterns,
the ``full``/``long``/``medium``/``short`` styles, time zones and locales.

The service's helpers are Java (handlebars.java plus AWS additions), so formats are Java
``SimpleDateFormat`` patterns. This module translates them itself, pattern letter by
pattern letter, and takes localized names (months, weekdays, AM/PM, eras) and the four
date styles from CLDR through babel.

Decisions (documented in docs/render.md):
- Default output format ``medium``; default time zone UTC; default locale ``en_US``.
- Locales are accepted as ``en``, ``en_US``, ``en-US``, ``zh_Hant_TW`` (underscore or hyphen).
- Time zones: IANA ids (``America/Los_Angeles``), ``UTC``/``GMT``/``Z`` and fixed offsets
  ``GMT+02:00``/``UTC-5``. An unknown id is an error (Java would silently use GMT).
- A date without an offset is read in ``tz`` (so ``09/19/2020`` with
  ``tz=America/Los_Angeles`` stays the 19th); a date with an offset is converted to ``tz``.
- Input without ``inputFormat``: ISO 8601 text (``2019-06-30T11:45:25.220Z``,
  ``2020-09-19``) or a JSON number of epoch milliseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, get_timezone_name

from toolkit.handlebars.runtime import HelperError

STYLES = ("full", "long", "medium", "short")
DEFAULT_FORMAT = "medium"
DEFAULT_LOCALE = "en_US"
PATTERN_LETTERS = "GyYMLwWDdFEuaHkKhmsSzZX"

_OFFSET_ID = re.compile(r"^(?:GMT|UTC)?([+-])(\d{1,2})(?::?(\d{2}))?$")


# ---------------------------------------------------------------------------- settings

@lru_cache(maxsize=64)
def parse_locale(text: str) -> Locale:
    """``en_US``, ``en-US``, ``en`` -> a babel Locale; anything else -> HelperError."""
    cleaned = text.strip()
    try:
        return Locale.parse(cleaned.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError, KeyError):
        raise HelperError(
            f"unknown locale {text!r}; use a language tag such as en_US, de_DE or fr-CA"
        ) from None


@lru_cache(maxsize=64)
def parse_zone(text: str) -> tzinfo:
    """An IANA time zone id, UTC/GMT/Z, or a fixed offset such as GMT+02:00."""
    cleaned = text.strip()
    if cleaned.upper() in ("UTC", "GMT", "Z"):
        return timezone.utc
    match = _OFFSET_ID.match(cleaned)
    if match and (cleaned[0] in "+-" or cleaned[:3].upper() in ("GMT", "UTC")):
        sign, hours, minutes = match.groups()
        delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
        return timezone(-delta if sign == "-" else delta)
    try:
        return ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise HelperError(
            f"unknown time zone {text!r}; use an IANA id such as America/Los_Angeles or "
            "Europe/Berlin, or UTC"
        ) from None


# ---------------------------------------------------------------------------- patterns

@dataclass(frozen=True)
class _Token:
    letter: str  # "" for literal text
    count: int
    text: str = ""


@lru_cache(maxsize=256)
def tokenize(pattern: str) -> tuple[_Token, ...]:
    """Split a SimpleDateFormat pattern into letter runs and literal text ('quoted' text,
    '' for a quote). Unknown ASCII letters are an error, as in Java."""
    tokens: list[_Token] = []
    i = 0
    n = len(pattern)
    literal: list[str] = []

    def flush() -> None:
        if literal:
            tokens.append(_Token("", 0, "".join(literal)))
            literal.clear()

    while i < n:
        ch = pattern[i]
        if ch == "'":
            if i + 1 < n and pattern[i + 1] == "'":
                literal.append("'")
                i += 2
                continue
            end = i + 1
            quoted: list[str] = []
            while True:
                if end >= n:
                    raise HelperError(f"unterminated quote in date pattern {pattern!r}")
                if pattern[end] == "'":
                    if end + 1 < n and pattern[end + 1] == "'":
                        quoted.append("'")
                        end += 2
                        continue
                    break
                quoted.append(pattern[end])
                end += 1
            literal.extend(quoted)
            i = end + 1
        elif ("a" <= ch <= "z") or ("A" <= ch <= "Z"):
            if ch not in PATTERN_LETTERS:
                raise HelperError(
                    f"illegal pattern character {ch!r} in date pattern {pattern!r}; put "
                    "literal text in single quotes, e.g. \"yyyy-MM-dd'T'HH:mm\""
                )
            run = i
            while run < n and pattern[run] == ch:
                run += 1
            flush()
            tokens.append(_Token(ch, run - i))
            i = run
        else:
            literal.append(ch)
            i += 1
    flush()
    return tuple(tokens)


def _week_fields(day: date, first_weekday: int, min_days: int) -> tuple[int, int]:
    """(week-based year, week of year) with the locale's week rules (babel: 0 = Monday)."""

    def week1_start(year: int) -> date:
        jan1 = date(year, 1, 1)
        offset = (jan1.weekday() - first_weekday) % 7
        start = jan1 - timedelta(days=offset)
        if 7 - offset < min_days:
            start += timedelta(days=7)
        return start

    year = day.year
    if day >= week1_start(year + 1):
        year += 1
    elif day < week1_start(year):
        year -= 1
    return year, (day - week1_start(year)).days // 7 + 1


def _week_of_month(day: date, first_weekday: int, min_days: int) -> int:
    first = day.replace(day=1)
    offset = (first.weekday() - first_weekday) % 7
    week = (day - (first - timedelta(days=offset))).days // 7 + 1
    return week - 1 if 7 - offset < min_days else week


def _offset_text(moment: datetime, style: str, count: int) -> str:
    offset = moment.utcoffset() or timedelta(0)
    total = int(offset.total_seconds()) // 60
    if style == "X" and total == 0:
        return "Z"
    sign = "-" if total < 0 else "+"
    hours, minutes = divmod(abs(total), 60)
    if style == "Z":
        return f"{sign}{hours:02d}{minutes:02d}"
    if count == 1:
        return f"{sign}{hours:02d}"
    if count == 2:
        return f"{sign}{hours:02d}{minutes:02d}"
    return f"{sign}{hours:02d}:{minutes:02d}"


def format_pattern(moment: datetime, pattern: str, locale: Locale) -> str:
    """Format an aware datetime with a Java SimpleDateFormat pattern."""
    out: list[str] = []
    for token in tokenize(pattern):
        letter, count = token.letter, token.count
        if not letter:
            out.append(token.text)
            continue
        out.append(_format_field(moment, letter, count, locale))
    return "".join(out)


def _number(value: int, count: int) -> str:
    return str(value).zfill(count)


def _format_field(moment: datetime, letter: str, count: int, locale: Locale) -> str:
    if letter == "G":
        return locale.eras["wide" if count >= 4 else "abbreviated"][1 if moment.year > 0 else 0]
    if letter in "yY":
        year = moment.year
        if letter == "Y":
            year = _week_fields(moment.date(), locale.first_week_day, locale.min_week_days)[0]
        if count == 2:
            return _number(year % 100, 2)
        return _number(year, count)
    if letter in "ML":
        if count <= 2:
            return _number(moment.month, count)
        context = "stand-alone" if letter == "L" else "format"
        width = "wide" if count >= 4 else "abbreviated"
        return locale.months[context][width][moment.month]
    if letter == "w":
        return _number(
            _week_fields(moment.date(), locale.first_week_day, locale.min_week_days)[1], count)
    if letter == "W":
        return _number(
            _week_of_month(moment.date(), locale.first_week_day, locale.min_week_days), count)
    if letter == "D":
        return _number(moment.timetuple().tm_yday, count)
    if letter == "d":
        return _number(moment.day, count)
    if letter == "F":
        return _number((moment.day - 1) // 7 + 1, count)
    if letter == "E":
        width = "wide" if count >= 4 else "abbreviated"
        return locale.days["format"][width][moment.weekday()]
    if letter == "u":
        return _number(moment.isoweekday(), count)
    if letter == "a":
        return locale.day_periods["format"]["abbreviated"]["am" if moment.hour < 12 else "pm"]
    if letter == "H":
        return _number(moment.hour, count)
    if letter == "k":
        return _number(moment.hour or 24, count)
    if letter == "K":
        return _number(moment.hour % 12, count)
    if letter == "h":
        return _number(moment.hour % 12 or 12, count)
    if letter == "m":
        return _number(moment.minute, count)
    if letter == "s":
        return _number(moment.second, count)
    if letter == "S":
        return _number(moment.microsecond // 1000, count)
    if letter == "z":
        if count >= 4:
            return get_timezone_name(moment, width="long", locale=locale)
        return moment.tzname() or _offset_text(moment, "X", 3)
    return _offset_text(moment, letter, count)  # Z, X


def format_date_value(moment: datetime, fmt: str, locale: Locale) -> str:
    """``full``/``long``/``medium``/``short`` (the locale's date style) or a pattern."""
    style = fmt.strip().lower()
    if style in STYLES:
        return format_date(moment.date(), format=style, locale=locale)
    return format_pattern(moment, fmt, locale)


# ---------------------------------------------------------------------------- parsing

_NUMERIC = "yYMLwWDdFuHkKhmsS"


def _names_regex(names: list[str]) -> str:
    ordered = sorted({n for n in names if n}, key=len, reverse=True)
    return "(" + "|".join(re.escape(n) for n in ordered) + ")"


@lru_cache(maxsize=128)
def _parser(pattern: str, locale_name: str) -> tuple[re.Pattern[str], tuple[_Token, ...]]:
    locale = parse_locale(locale_name)
    tokens = tokenize(pattern)
    parts: list[str] = []
    fields: list[_Token] = []
    for index, token in enumerate(tokens):
        if not token.letter:
            parts.append(re.escape(token.text))
            continue
        letter, count = token.letter, token.count
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        adjacent = following is not None and following.letter in _NUMERIC and following.letter != ""
        if letter in "ML" and count >= 3:
            names = (list(locale.months["format"]["wide"].values())
                     + list(locale.months["format"]["abbreviated"].values())
                     + list(locale.months["stand-alone"]["wide"].values())
                     + list(locale.months["stand-alone"]["abbreviated"].values()))
            parts.append(_names_regex(names))
        elif letter in _NUMERIC:
            parts.append(rf"(\d{{{count}}})" if adjacent else r"([+-]?\d+)")
        elif letter == "E":
            names = (list(locale.days["format"]["wide"].values())
                     + list(locale.days["format"]["abbreviated"].values()))
            parts.append(_names_regex(names))
        elif letter == "a":
            periods = locale.day_periods["format"]["abbreviated"]
            parts.append(_names_regex([periods["am"], periods["pm"], "AM", "PM"]))
        elif letter == "G":
            parts.append(_names_regex(list(locale.eras["abbreviated"].values())
                                      + list(locale.eras["wide"].values())))
        else:  # z Z X
            parts.append(r"(Z|(?:GMT|UTC)?[+-]\d{1,2}(?::?\d{2})?|GMT|UTC)")
        fields.append(token)
    return re.compile("".join(parts), re.IGNORECASE), tuple(fields)


def parse_with_pattern(text: str, pattern: str, locale: Locale, zone: tzinfo,
                       now: datetime) -> datetime:
    """Read ``text`` with a SimpleDateFormat pattern; missing fields default like Java
    (1970-01-01 00:00:00). A two-digit year lands within 80 years before and 20 after now."""
    regex, fields = _parser(pattern, str(locale))
    match = regex.fullmatch(text.strip())
    if match is None:
        raise HelperError(f"{text!r} does not match inputFormat {pattern!r}")
    values = {"year": 1970, "month": 1, "day": 1, "hour": 0, "minute": 0, "second": 0,
              "ms": 0}
    pm: bool | None = None
    twelve_hour = False
    offset: tzinfo | None = None
    for token, raw in zip(fields, match.groups(), strict=True):
        letter = token.letter
        if letter in "yY":
            year = int(raw)
            if token.count <= 2 and len(raw) <= 2:
                pivot = now.year - 80
                year += pivot - pivot % 100
                if year < pivot:
                    year += 100
            values["year"] = year
        elif letter in "ML":
            if token.count >= 3:
                lowered = raw.lower()
                for table in (locale.months["format"]["wide"],
                              locale.months["format"]["abbreviated"],
                              locale.months["stand-alone"]["wide"],
                              locale.months["stand-alone"]["abbreviated"]):
                    found = [k for k, v in table.items() if v.lower() == lowered]
                    if found:
                        values["month"] = found[0]
                        break
            else:
                values["month"] = int(raw)
        elif letter == "d":
            values["day"] = int(raw)
        elif letter in "Hk":
            values["hour"] = int(raw) % 24
        elif letter in "Kh":
            values["hour"] = int(raw) % 12
            twelve_hour = True
        elif letter == "m":
            values["minute"] = int(raw)
        elif letter == "s":
            values["second"] = int(raw)
        elif letter == "S":
            values["ms"] = int(raw)
        elif letter == "a":
            periods = locale.day_periods["format"]["abbreviated"]
            pm = raw.lower() in (periods["pm"].lower(), "pm")
        elif letter in "zZX":
            offset = parse_zone(raw if raw.upper() != "Z" else "UTC")
        # E, G, D, w, W, F, u are read but do not change the date (as in Java, mostly)
    if twelve_hour and pm:
        values["hour"] += 12
    try:
        result = datetime(values["year"], values["month"], values["day"], values["hour"],
                          values["minute"], values["second"], values["ms"] * 1000)
    except ValueError as exc:
        raise HelperError(f"{text!r} read with inputFormat {pattern!r} is not a date: {exc}") \
            from None
    return result.replace(tzinfo=offset or zone)


def to_datetime(value: object, *, input_format: str | None, locale: Locale, zone: tzinfo,
                now: datetime) -> datetime:
    """The date a ``dateFormat`` call is about, as an aware datetime in ``zone``."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=zone)
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day, tzinfo=zone)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            moment = datetime.fromtimestamp(value / 1000, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            raise HelperError(f"{value!r} is out of range for a date in milliseconds") from None
    elif isinstance(value, str):
        if input_format:
            moment = parse_with_pattern(value, input_format, locale, zone, now)
        else:
            try:
                parsed = datetime.fromisoformat(value.strip())
            except ValueError:
                raise HelperError(
                    f"cannot read {value!r} as a date; give inputFormat=\"MM/dd/yyyy\" (a Java "
                    "SimpleDateFormat pattern) or use ISO 8601 such as 2020-09-19T10:00:00Z"
                ) from None
            moment = parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
    else:
        raise HelperError(f"cannot read {value!r} as a date")
    try:
        return moment.astimezone(zone)
    except (OverflowError, ValueError):
        raise HelperError(f"{value!r} is out of the supported date range") from None


