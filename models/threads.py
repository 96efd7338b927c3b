"""Cap the native thread pools (OpenMP, BLAS) that scikit-learn uses while fitting and scoring.

HistGradientBoosting starts one OpenMP thread per core. On a shared 2-core laptop, when another
process holds a core, OpenMP's spinning threads wait on each other and a 10 s fit can take
minutes; one thread is slower on an idle machine but never collapses. DuckDB's own threads are
not affected.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def limit_threads(threads: int) -> Iterator[None]:
    """Within the block, native thread pools use at most `threads` threads (0: no limit)."""
    if threads <= 0:
        yield
        return
    # only libraries already loaded are limited: load scikit-learn's OpenMP runtime first
    # deferred: scikit-learn (its gradient boosting loads the OpenMP runtime) and threadpoolctl
    import sklearn.ensemble  # noqa: F401
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=threads):
        yield
