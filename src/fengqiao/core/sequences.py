"""Gap-free yearly numbering (连续编号): case numbers, dossier numbers, ...

    number = sequences.next_value(f"cases.case:{town.pk}", 2026)   # 1, 2, 3, ... per scope and year

The value comes from one `Sequence` row per (scope, year), locked with `select_for_update` and
advanced in the caller's transaction, so:

* concurrent callers of one scope and year queue on the row lock and get consecutive values;
* a caller that rolls back gives its value back (no gap), and no value is ever given twice;
* the year's row is created on first use; two first callers racing on PostgreSQL meet on the
  unique index (the loser waits for the winner's commit, then locks the winner's row). SQLite
  takes its write lock at BEGIN (`transaction_mode` IMMEDIATE), so there it is serial anyway.

The lock is held until the caller commits: take the number as late as possible in the
transaction, after the checks that may refuse the request.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.transaction import TransactionManagementError

from fengqiao.core.models import Sequence

SCOPE_MAX = 100


def _locked_row(scope: str, year: int) -> Sequence:
    row = Sequence.objects.select_for_update().filter(scope=scope, year=year).first()
    if row is not None:
        return row
    try:
        # A savepoint: a lost race rolls back only the insert, not the caller's transaction.
        with transaction.atomic():
            Sequence.objects.create(scope=scope, year=year, last_value=0)
    except IntegrityError:
        pass  # another caller created the row first; we waited for its commit on the index
    return Sequence.objects.select_for_update().get(scope=scope, year=year)


def claim(scope: str, year: int, count: int) -> range:
    """`count` consecutive values of the scope's year (for bulk loads), in the caller's transaction."""
    if not scope or len(scope) > SCOPE_MAX:
        raise ValueError(f"a sequence scope is 1 to {SCOPE_MAX} characters")
    if count < 1:
        raise ValueError("claim at least one value")
    if not transaction.get_connection().in_atomic_block:
        # Outside a transaction the lock would end with the statement and the value could be reused.
        raise TransactionManagementError("sequences.next_value needs the caller's transaction")
    row = _locked_row(scope, year)
    first = row.last_value + 1
    row.last_value += count
    row.save(update_fields=["last_value"])
    return range(first, row.last_value + 1)


def next_value(scope: str, year: int) -> int:
    """The next value of the scope's year: 1 for the first, then consecutive, gap-free."""
    return claim(scope, year, 1)[0]


def last_value(scope: str, year: int) -> int:
    """The last value given so far (0 before the first); a plain read, for display."""
    value = Sequence.objects.filter(scope=scope, year=year).values_list("last_value", flat=True).first()
    return int(value or 0)
