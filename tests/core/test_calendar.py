"""Términos and plazos (COA arts. 158-162) against an independent computation."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import calendar
from core.models import Canton, Feriado
from core.services import feriado_changed

D = dt.date

# Ecuador's national days off 2025-2027 as published (moved holidays on their observed
# day only), written out by hand: the independent reference for the `holidays` seeding.
OFFICIAL = {
    2025: {
        D(2025, 1, 1),
        D(2025, 3, 3),
        D(2025, 3, 4),
        D(2025, 4, 18),
        D(2025, 5, 2),
        D(2025, 5, 23),
        D(2025, 8, 11),
        D(2025, 10, 10),
        D(2025, 11, 3),
        D(2025, 11, 4),
        D(2025, 12, 25),
    },
    2026: {
        D(2026, 1, 1),
        D(2026, 2, 16),
        D(2026, 2, 17),
        D(2026, 4, 3),
        D(2026, 5, 1),
        D(2026, 5, 25),
        D(2026, 8, 10),
        D(2026, 10, 9),
        D(2026, 11, 2),
        D(2026, 11, 3),
        D(2026, 12, 25),
    },
    2027: {
        D(2027, 1, 1),
        D(2027, 2, 8),
        D(2027, 2, 9),
        D(2027, 3, 26),
        D(2027, 4, 30),
        D(2027, 5, 24),
        D(2027, 8, 9),
        D(2027, 10, 8),
        D(2027, 11, 1),  # Independencia de Cuenca (Wednesday 3) moved to Monday
        D(2027, 11, 2),  # Día de Difuntos, Tuesday: stays
        D(2027, 12, 24),
        D(2027, 12, 31),
    },
}


# Working days suspended nationwide by executive decree (core migration 0008).
DECRETADOS = {
    D(2025, 1, 2),  # Decreto Ejecutivo 474
    D(2025, 1, 3),
    D(2025, 4, 17),  # Decreto Ejecutivo 598, Jueves Santo
    D(2025, 10, 9),  # decree of 2025-10-02 (the law moved 9 Oct to Friday 10)
    D(2026, 1, 2),  # Decreto Ejecutivo 249
}


def law_days_off(year: int) -> set[dt.date]:
    """Ecuador's national days off of `year`, computed from the law alone (Código del
    Trabajo art. 65 as reformed by R.O.-S. 906 of 2016-12-20), without the `holidays`
    package: the independent computation the seeding is compared with."""
    a, (b, c) = year % 19, divmod(year, 100)  # Easter Sunday (Meeus/Jones/Butcher)
    d, e = divmod(b, 4)
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    L = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * L) // 451
    month, day = divmod(h + L - 7 * m + 114, 31)
    easter = D(year, month, day + 1)
    one = dt.timedelta(days=1)

    def weekend_only(x: dt.date) -> dt.date:  # 1 Jan, 25 Dec: Saturday→Friday, Sunday→Monday
        return {5: x - one, 6: x + one}.get(x.weekday(), x)

    def general(x: dt.date) -> dt.date:  # Tue→Mon, Wed/Thu→Fri, Sat→Fri, Sun→Mon
        return {1: x - one, 2: x + 2 * one, 3: x + one, 5: x - one, 6: x + one}.get(x.weekday(), x)

    days = {weekend_only(D(year, 1, 1)), weekend_only(D(year, 12, 25))}
    if D(year + 1, 1, 1).weekday() == 5:  # next New Year on a Saturday: 31 December
        days.add(D(year, 12, 31))
    days |= {easter - 48 * one, easter - 47 * one, easter - 2 * one}  # Carnaval, Good Friday
    days |= {general(D(year, mm, dd)) for mm, dd in [(5, 1), (5, 24), (8, 10), (10, 9)]}
    n2, n3 = D(year, 11, 2), D(year, 11, 3)  # two consecutive holidays: their own rule
    days |= {
        0: {n2, n3},
        1: {n2 - one, n2},  # Tue-Wed: Wednesday to the Monday before
        2: {n3, n3 + one},  # Wed-Thu: Wednesday to the Friday
        3: {n2, n3},
        4: {n2 - one, n2},  # Fri-Sat: Saturday to the Thursday before
        5: {n2 - one, n3 + one},  # Sat-Sun: Friday and Monday
        6: {n3, n3 + one},  # Sun-Mon: Sunday to the Tuesday
    }[n2.weekday()]
    return {x for x in days if x.year == year}


def test_the_hand_written_calendar_is_what_the_law_gives() -> None:
    for year, days in OFFICIAL.items():
        assert law_days_off(year) == days, year


@pytest.mark.parametrize("year", range(2017, 2036))
def test_national_holidays_follow_the_law_every_year_the_table_covers(year: int) -> None:
    weekdays = {d for d in calendar.national_holidays([year]) if d.weekday() < 5}
    assert weekdays == law_days_off(year)


@pytest.mark.django_db
def test_difuntos_and_cuenca_on_tuesday_wednesday_are_taken_monday_and_tuesday() -> None:
    # 2021 as the Ministry of Tourism published it: rest from Saturday 30 October to
    # Tuesday 2 November. 2027 falls the same way.
    assert {d for d in calendar.national_holidays([2021]) if d.month == 11} == {
        D(2021, 11, 1),
        D(2021, 11, 2),
    }
    assert calendar.add_termino(D(2027, 10, 29), 1) == D(2027, 11, 3)
    assert calendar.is_business_day(D(2027, 11, 3))
    assert not calendar.is_business_day(D(2027, 11, 2))


def reference_termino(start: dt.date, days: int, holidays: set[dt.date]) -> dt.date:
    """Naive reference: walk the calendar one day at a time."""
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            counted += 1
    return day


ALL_OFFICIAL = set().union(*OFFICIAL.values(), DECRETADOS)


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_national_holidays_drop_the_original_date_of_moved_holidays(year: int) -> None:
    assert set(calendar.national_holidays([year])) == OFFICIAL[year]


@pytest.mark.django_db
@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_seeded_table_matches_the_official_calendar(year: int) -> None:
    seeded = set(
        Feriado.objects.filter(canton__isnull=True, fecha__year=year, origen="ley").values_list(
            "fecha", flat=True
        )
    )
    assert seeded == OFFICIAL[year]


@pytest.mark.django_db
def test_decreed_days_off_of_2025_and_2026_are_in_the_table() -> None:
    decretados = Feriado.objects.filter(canton__isnull=True, origen=Feriado.Origen.DECRETO)
    assert set(decretados.values_list("fecha", flat=True)) >= DECRETADOS
    assert decretados.get(fecha=D(2026, 1, 2)).base_legal.startswith("Decreto Ejecutivo 249")
    # Notified on Tuesday 30 December 2025: 31 Dec, then Año Nuevo, then the decreed
    # Friday 2 January; the third business day is Tuesday 6 January.
    assert calendar.add_termino(D(2025, 12, 30), 3) == D(2026, 1, 6)
    assert calendar.received_on(D(2026, 1, 2)) == D(2026, 1, 5)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("notified", "expected", "why"),
    [
        (D(2026, 2, 13), D(2026, 2, 27), "Friday before Carnaval: Mon-Tue 16-17 not counted"),
        (
            D(2025, 4, 30),
            D(2025, 5, 13),
            "across 2 May (moved Día del Trabajo) and 1 May, a working day",
        ),
        (D(2025, 5, 1), D(2025, 5, 14), "1 May 2025 was a business day (holiday moved to 2 May)"),
        (D(2025, 10, 31), D(2025, 11, 14), "across Difuntos and Cuenca, 3-4 Nov 2025"),
        (D(2026, 12, 24), D(2027, 1, 7), "across Navidad and Año Nuevo"),
        (D(2027, 12, 23), D(2028, 1, 6), "24 and 31 Dec 2027 are the observed days"),
        (D(2026, 5, 22), D(2026, 6, 4), "Batalla de Pichincha moved to Monday 25 May 2026"),
        (D(2026, 11, 21), D(2026, 12, 2), "a Saturday notification counts from Monday"),
    ],
)
def test_glosa_termino_of_8_days(notified: dt.date, expected: dt.date, why: str) -> None:
    assert calendar.add_termino(notified, 8) == expected, why
    assert expected == reference_termino(notified, 8, ALL_OFFICIAL | {D(2028, 1, 1)})


@pytest.mark.django_db
def test_local_holiday_counts_only_for_its_canton() -> None:
    # Fundación de Quito, 6 Dec 2026 (Sunday) is observed on Monday 7 Dec in Quito only.
    assert Feriado.objects.filter(canton="1701", fecha=D(2026, 12, 7)).exists()
    assert calendar.add_termino(D(2026, 12, 4), 1) == D(2026, 12, 7)
    assert calendar.add_termino(D(2026, 12, 4), 1, cantones=["1701"]) == D(2026, 12, 8)
    assert calendar.add_termino(D(2026, 12, 4), 1, cantones=["0901"]) == D(2026, 12, 7)


@pytest.mark.django_db(transaction=True)
def test_staff_added_decreed_day_is_seen_by_the_next_computation() -> None:
    assert calendar.add_termino(D(2026, 7, 2), 1) == D(2026, 7, 3)
    Feriado.objects.create(
        fecha=D(2026, 7, 3), nombre="Día decretado", origen=Feriado.Origen.DECRETO
    )
    feriado_changed()
    assert calendar.add_termino(D(2026, 7, 2), 1) == D(2026, 7, 6)


@pytest.mark.django_db
def test_local_holiday_requires_a_canton() -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Feriado.objects.create(
            fecha=D(2026, 7, 7), nombre="Sin cantón", origen=Feriado.Origen.LOCAL
        )
    Feriado.objects.create(
        fecha=D(2026, 7, 7),
        nombre="Con cantón",
        origen=Feriado.Origen.LOCAL,
        canton=Canton.objects.get(pk="1301"),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (dt.datetime(2026, 2, 14, 10, 0), D(2026, 2, 18)),  # Saturday of Carnaval weekend
        (dt.datetime(2026, 2, 18, 23, 59), D(2026, 2, 18)),
        (D(2026, 12, 25), D(2026, 12, 28)),
    ],
)
def test_filing_on_a_non_business_day_is_received_the_next_business_day(moment, expected) -> None:  # type: ignore[no-untyped-def]
    assert calendar.received_on(moment) == expected


@pytest.mark.django_db
def test_received_on_uses_local_time_for_aware_datetimes() -> None:
    # 02:00 UTC on Monday 16 Feb 2026 is still Sunday 21:00 in Guayaquil; Mon-Tue are Carnaval.
    moment = dt.datetime(2026, 2, 16, 2, 0, tzinfo=dt.UTC)
    assert calendar.received_on(moment) == D(2026, 2, 18)


@pytest.mark.parametrize(
    ("start", "months", "years", "expected"),
    [
        (D(2026, 1, 31), 1, 0, D(2026, 2, 28)),
        (D(2028, 1, 31), 1, 0, D(2028, 2, 29)),
        (D(2026, 3, 15), 12, 0, D(2027, 3, 15)),
        (D(2024, 2, 29), 0, 1, D(2025, 2, 28)),
        (D(2026, 8, 31), 36, 0, D(2029, 8, 31)),
        (D(2026, 10, 31), 1, 0, D(2026, 11, 30)),
    ],
)
def test_plazo_is_date_to_date_with_end_of_month_rule(start, months, years, expected) -> None:  # type: ignore[no-untyped-def]
    assert calendar.add_plazo(start, months=months, years=years) == expected


dates = st.dates(min_value=D(2025, 1, 1), max_value=D(2027, 11, 30))


@pytest.mark.django_db
@settings(max_examples=300, deadline=None)
@given(start=dates, days=st.integers(min_value=0, max_value=40))
def test_termino_matches_the_reference_and_its_inverse(start: dt.date, days: int) -> None:
    end = calendar.add_termino(start, days)
    assert end == reference_termino(start, days, ALL_OFFICIAL)
    assert calendar.business_days_between(start, end) == days
    if days:
        assert calendar.is_business_day(end)
        assert calendar.add_termino(start, days - 1) < end


@pytest.mark.django_db
@settings(max_examples=200, deadline=None)
@given(day=dates)
def test_next_business_day_skips_only_non_business_days(day: dt.date) -> None:
    nxt = calendar.next_business_day(day)
    assert nxt > day and calendar.is_business_day(nxt)
    between = [day + dt.timedelta(days=i) for i in range(1, (nxt - day).days)]
    assert not any(calendar.is_business_day(d) for d in between)


@settings(max_examples=300, deadline=None)
@given(
    start=st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31)), months=st.integers(0, 120)
)
def test_plazo_never_overflows_and_keeps_the_day_when_it_exists(
    start: dt.date, months: int
) -> None:
    end = calendar.add_plazo(start, months=months)
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == months
    assert end.day == start.day or (end.day < start.day and (end + dt.timedelta(days=1)).day == 1)


def test_negative_termino_is_refused() -> None:
    with pytest.raises(ValueError, match="negativo"):
        calendar.add_termino(D(2026, 1, 5), -1)
