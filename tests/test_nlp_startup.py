"""The process step's start-up: what it skips must still be there for whoever needs it."""

from __future__ import annotations

import gc


def test_warm_up_leaves_the_collector_as_it_found_it() -> None:
    from nlp.extract import warm_up

    assert gc.isenabled()
    warm_up()
    assert gc.isenabled()
    gc.disable()
    try:
        warm_up()
        assert not gc.isenabled()
    finally:
        gc.enable()
