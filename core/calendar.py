"""Business-day calendar: términos and plazos (COA arts. 158-162, DOMAIN.md §6).

* Término: business days only. Saturdays, Sundays, national holidays (seeded from the
  `holidays` package with the 2017 moved-holiday rule applied), decreed days, and the
  local holidays of the cantons that matter to the case (the person's and the
  authority's) are not counted. Counting starts the business day after the act.
* Plazo: months or years, date to date; when the day does not exist in the target
  month the plazo ends on that month's last day.
* A filing on a non-business day counts as received the next business day.

Holidays are read from core.Feriado once per process and version of the table (staff
edits bump the version through `invalidate()`; other processes see it within
core.cache.Version's memo, two seconds).
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

import holidays as holidays_lib
from django.utils import timezone

from core.cache import Version

VERSION = Version("calendario:version")
_SATURDAY = 5


def invalidate() -> None:
    """Call after any change to core.Feriado."""
    VERSION.bump()


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
    return _holidays(VERSION.get(), frozenset(c for c in cantones if c))


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
    for year in range(max(years[0] - 1, _LEY_FERIADOS_DESDE), years[-1] + 2):
        for offset in range(5):  # 1-5 November: no other national holiday falls there
            result.pop(dt.date(year, 11, 1 + offset), None)
        result.update(difuntos_y_cuenca(year))
    return {d: n for d, n in sorted(result.items()) if d.year in years}


_LEY_FERIADOS_DESDE = 2017
_DIFUNTOS = "Día de Difuntos"
_CUENCA = "Independencia de Cuenca"


def difuntos_y_cuenca(year: int) -> dict[dt.date, str]:
    """The days off for 2 November (Día de Difuntos) and 3 November (Independencia de
    Cuenca) under the 2017 rule for two holidays on consecutive days (Ley Orgánica
    Reformatoria a la LOSEP y al Código del Trabajo, R.O.-S. 906 of 2016-12-20): Monday-
    Tuesday and Thursday-Friday stay; on Tuesday-Wednesday the Wednesday goes to the
    Monday before; on Wednesday-Thursday the Wednesday goes to the Friday; on Friday-
    Saturday the Saturday goes to the Thursday before; on Sunday-Monday the Sunday goes
    to the Tuesday; on Saturday-Sunday each follows the general rule (Friday, Monday).

    Applied here because `holidays` moves the two days one by one: in 2021, 2027 and
    2032 (Tuesday-Wednesday) it gives Monday 1 and Wednesday 3, where the law and the
    2021 official calendar give Monday 1 and Tuesday 2; in 2018, 2029 and 2035 (Friday-
    Saturday) it loses the Thursday.
    """
    difuntos = dt.date(year, 11, 2)
    cuenca = dt.date(year, 11, 3)
    if year < _LEY_FERIADOS_DESDE:
        return {difuntos: _DIFUNTOS, cuenca: _CUENCA}
    one = dt.timedelta(days=1)
    return {
        0: {difuntos: _DIFUNTOS, cuenca: _CUENCA},  # Monday-Tuesday
        1: {difuntos - one: _CUENCA, difuntos: _DIFUNTOS},  # Tuesday-Wednesday
        2: {cuenca: _CUENCA, cuenca + one: _DIFUNTOS},  # Wednesday-Thursday
        3: {difuntos: _DIFUNTOS, cuenca: _CUENCA},  # Thursday-Friday
        4: {difuntos - one: _CUENCA, difuntos: _DIFUNTOS},  # Friday-Saturday
        5: {difuntos - one: _DIFUNTOS, cuenca + one: _CUENCA},  # Saturday-Sunday
        6: {cuenca: _CUENCA, cuenca + one: _DIFUNTOS},  # Sunday-Monday
    }[difuntos.weekday()]


def move_local_holiday(day: dt.date) -> dt.date:
    """Where a local (cantonal) holiday is observed under the 2017 rule: Tuesday → the
    Monday before; Wednesday and Thursday → the Friday after; Saturday → the Friday
    before; Sunday → the Monday after."""
    shift = {1: -1, 2: 2, 3: 1, 5: -1, 6: 1}.get(day.weekday(), 0)
    return day + dt.timedelta(days=shift)


def cantones_de_provincia(provincia_id: str) -> list[str]:
    """Cantons whose local holidays close a provincial authority's office: the capital
    canton (code `<provincia>01`), where the Dirección Provincial and its units sit."""
    return [f"{provincia_id}01"]
