"""The summary's sums of tones are exact: each value rounded to 12 decimals and added without error, so the
same whatever order DuckDB's threads add rows in (a guard for any faster way of adding them)."""

from __future__ import annotations

import math
import random
from decimal import Decimal

import duckdb
import pytest

from listening_post.analysis.reading import exact_sum, exact_total


def _expected(values: list[float | None]) -> Decimal | None:
    """Each finite value as DuckDB casts it to DECIMAL(38, 12) (its rounding of a double, one value at a
    time), added exactly in Python."""
    finite = [v for v in values if v is not None and math.isfinite(v)]
    if not finite:
        return None
    con = duckdb.connect()
    cast = con.execute("SELECT list_transform($v::DOUBLE[], lambda x: CAST(x AS DECIMAL(38, 12)))", {"v": finite})
    return sum(cast.fetchone()[0], Decimal(0))  # type: ignore[index]


CASES = [
    [],
    [None],
    [0.5, -0.25],
    [0.123456789012345, -0.999999999999, 1.0],
    [1e7, 0.5],  # an account's total past a million
    [1e7],
    [float("nan"), float("inf"), float("-inf"), 0.1],
    [2e6, -2e6, 1e-13],
    [999_999.999_999_999, 1_000_000.0, -1_000_000.000_000_1],
]


@pytest.mark.parametrize("values", CASES)
def test_exact_total_is_the_exact_sum_of_rounded_values(values: list[float | None]) -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE v AS SELECT unnest($v::DOUBLE[]) AS x", {"v": values})
    total, kind = con.execute(f"SELECT {exact_total('x')}, typeof({exact_total('x')}) FROM v").fetchone()  # type: ignore[misc]
    assert total == _expected(values)
    assert kind == "DECIMAL(38,12)"  # the partial sums table ``tallies`` adds up exactly


def test_exact_sum_ignores_the_order_rows_come_in() -> None:
    rng = random.Random(7)
    values = [rng.uniform(-1, 1) for _ in range(20_000)] + [rng.uniform(-3e6, 3e6) for _ in range(50)]
    con = duckdb.connect(config={"threads": 2})
    sums = set()
    for seed in range(3):
        shuffled = values[:]
        random.Random(seed).shuffle(shuffled)
        con.execute("CREATE OR REPLACE TABLE v AS SELECT unnest($v::DOUBLE[]) AS x", {"v": shuffled})
        row = con.execute(f"SELECT {exact_sum('x')}, {exact_sum('x * x', 'x > 0')} FROM v").fetchone()
        sums.add(row)
    assert len(sums) == 1
    con.execute("CREATE OR REPLACE TABLE v AS SELECT unnest($v::DOUBLE[]) AS x", {"v": values})
    exact = con.execute(f"SELECT {exact_total('x')}, {exact_total('x * x', 'x > 0')} FROM v").fetchone()
    assert exact == (_expected(values), _expected([v * v for v in values if v > 0]))
