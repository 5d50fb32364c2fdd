"""Business-day calendar: términos and plazos (COA arts. 158-162, DOMAIN.md §6).

* Término: business days only. Saturdays, Sundays, national holidays (seeded from the
  `holidays` package with the 2017 moved-holiday rule applied), decreed days, and the
  local holidays of the cantons that matter to the case (the person's and the
  authority's) are not counted. Counting starts the business day after the act.
* Plazo: months or years, date to date; when the day does not exist in the target
  month the plazo ends on that month's last day.
* A filing on a non-business day counts as received the next business day.

Holidays are read from core.Feriado once per process and version of the table (staff
edits bump the version through `invalidate()`).
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

import holidays as holidays_lib
from django.core.cache import cache
from django.utils import timezone

_VERSION_KEY = "calendario:version"
_SATURDAY = 5


def _version() -> int:
    return cache.get_or_set(_VERSION_KEY, 1, timeout=None) or 1


def invalidate() -> None:
    """Call after any change to core.Feriado."""
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:
        cache.set(_VERSION_KEY, 2, timeout=None)


@lru_cache(maxsize=64)
def _holidays(version: int, cantones: frozenset[str]) -> frozenset[dt.date]:
    from core.models import Feriado

    del version  # part of the cache key only
    filas = Feriado.objects.filter(canton__isnull=True)
    if cantones:
        filas = Feriado.objects.filter(canton__isnull=True) | Feriado.objects.filter(
            canton__in=cantones
        )
    return frozenset(filas.values_list("fecha", flat=True))


def holidays_for(cantones: Iterable[str] = ()) -> frozenset[dt.date]:
    return _holidays(_version(), frozenset(c for c in cantones if c))


def is_business_day(day: dt.date, *, cantones: Iterable[str] = ()) -> bool:
    return day.weekday() < _SATURDAY and day not in holidays_for(cantones)


def next_business_day(day: dt.date, *, cantones: Iterable[str] = ()) -> dt.date:
    """The first business day strictly after `day`."""
    feriados = holidays_for(cantones)
    day += dt.timedelta(days=1)
    while day.weekday() >= _SATURDAY or day in feriados:
        day += dt.timedelta(days=1)
    return day


def add_termino(start: dt.date, days: int, *, cantones: Iterable[str] = ()) -> dt.date:
    """Last day of a término of `days` business days for an act done on `start`.

    Counting begins the business day after `start` (COA art. 158), so a término of 1
    day ends on the next business day.
    """
    if days < 0:
        raise ValueError("Un término no puede ser negativo.")
    feriados = holidays_for(cantones)
    day = start
    remaining = days
    while remaining:
        day += dt.timedelta(days=1)
        if day.weekday() < _SATURDAY and day not in feriados:
            remaining -= 1
    return day


def business_days_between(start: dt.date, end: dt.date, *, cantones: Iterable[str] = ()) -> int:
    """Business days in (start, end]: how many days of a término have elapsed on `end`
    for an act done on `start`. Negative when `end` is before `start`."""
    if end < start:
        return -business_days_between(end, start, cantones=cantones)
    feriados = holidays_for(cantones)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if day.weekday() < _SATURDAY and day not in feriados:
            count += 1
    return count


def add_plazo(start: dt.date, *, months: int = 0, years: int = 0) -> dt.date:
    """Date-to-date plazo; end of month when the day does not exist (Jan 31 + 1 month =
    Feb 28/29)."""
    total = start.year * 12 + (start.month - 1) + months + years * 12
    year, month = divmod(total, 12)
    month += 1
    last = _calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(start.day, last))


def received_on(moment: dt.datetime | dt.date, *, cantones: Iterable[str] = ()) -> dt.date:
    """The legal reception date of a filing: its local date, or the next business day
    when filed on a Saturday, Sunday or holiday."""
    if isinstance(moment, dt.datetime):
        moment = timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()
    if is_business_day(moment, cantones=cantones):
        return moment
    return next_business_day(moment, cantones=cantones)


# --- Seeding from the `holidays` package ------------------------------------------------


def national_holidays(years: Iterable[int]) -> dict[dt.date, str]:
    """Ecuador's national holidays for `years`, as days actually taken off.

    `holidays.EC` lists both the original date of a moved holiday and its observed
    date ("… (observado)"). Under the 2017 rule only the observed day is a holiday, so
    the original is dropped; keeping both would make every término across a moved
    holiday one day short. Pairs can straddle a year (1 Jan on a Saturday is observed
    on 31 Dec), so a wider range is computed and then trimmed.
    """
    years = sorted(set(years))
    if not years:
        return {}
    wide = holidays_lib.country_holidays(
        "EC", years=range(years[0] - 1, years[-1] + 2), language="es"
    )
    observed_suffix = " (observado)"
    result: dict[dt.date, str] = {}
    originals_to_drop: set[dt.date] = set()
    for day, names in sorted(wide.items()):
        for name in names.split("; "):
            if name.endswith(observed_suffix):
                base = name.removesuffix(observed_suffix)
                for delta in range(-7, 8):
                    candidate = day + dt.timedelta(days=delta)
                    if candidate != day and base in wide.get(candidate, "").split("; "):
                        originals_to_drop.add(candidate)
                result[day] = base
    for day, names in wide.items():
        if day in originals_to_drop or day in result:
            continue
        result[day] = names.split("; ")[0]
    return {d: n for d, n in sorted(result.items()) if d.year in years}


def move_local_holiday(day: dt.date) -> dt.date:
    """Where a local (cantonal) holiday is observed under the 2017 rule: Tuesday → the
    Monday before; Wednesday and Thursday → the Friday after; Saturday → the Friday
    before; Sunday → the Monday after."""
    shift = {1: -1, 2: 2, 3: 1, 5: -1, 6: 1}.get(day.weekday(), 0)
    return day + dt.timedelta(days=shift)
