"""How far behind a standby is (creditsvc.replicas.lag_bound): bounded by the newest of
the primary's WAL positions it has replayed past, not by its last replayed commit's age,
which grows while the primary is idle."""

from __future__ import annotations

from creditsvc.replicas import lag_bound

# (time asked, the primary's WAL position then), a second apart; the primary wrote at 12.
SAMPLES = [(10.0, 500), (11.0, 500), (12.0, 800), (13.0, 800)]


def test_a_standby_that_replayed_the_primarys_last_position_is_current():
    assert abs(lag_bound(SAMPLES, 800, replay_age=3600.0, now=13.2) - 0.2) < 1e-9


def test_an_idle_primary_does_not_make_a_current_standby_look_behind():
    # Its last commit an hour ago, nothing since: the standby misses nothing.
    assert lag_bound(SAMPLES[:2], 500, replay_age=3600.0, now=11.5) == 0.5


def test_a_standby_stuck_behind_lags_from_the_last_position_it_passed():
    assert lag_bound(SAMPLES, 600, replay_age=None, now=20.0) == 9.0
    assert lag_bound(SAMPLES, 600, replay_age=None, now=40.0) == 29.0


def test_without_a_passed_position_the_replay_age_is_the_bound_or_nothing():
    assert lag_bound(SAMPLES, 400, replay_age=7.5, now=13.0) == 7.5
    assert lag_bound(SAMPLES, None, replay_age=None, now=13.0) is None
    assert lag_bound([], 400, replay_age=None, now=13.0) is None
