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
        D(2027, 11, 1),
        D(2027, 11, 3),
        D(2027, 12, 24),
        D(2027, 12, 31),
    },
}


def reference_termino(start: dt.date, days: int, holidays: set[dt.date]) -> dt.date:
    """Naive reference: walk the calendar one day at a time."""
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            counted += 1
    return day


ALL_OFFICIAL = set().union(*OFFICIAL.values())


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_national_holidays_drop_the_original_date_of_moved_holidays(year: int) -> None:
    assert set(calendar.national_holidays([year])) == OFFICIAL[year]


@pytest.mark.django_db
@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_seeded_table_matches_the_official_calendar(year: int) -> None:
    seeded = set(
        Feriado.objects.filter(canton__isnull=True, fecha__year=year).values_list(
            "fecha", flat=True
        )
    )
    assert seeded == OFFICIAL[year]


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
