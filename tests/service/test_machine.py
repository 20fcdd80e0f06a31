"""Random sequences of use cases on the memory and SQLite adapters in lockstep.

Checks after every step: both answer the same, counters equal recounts,
visibility never leaks, both stores hold the same things, home timelines agree.
"""

from hypothesis import HealthCheck, settings

from microblog_core.testing.machine import MicroblogMachine

MicroblogMachine.TestCase.settings = settings(
    MicroblogMachine.TestCase.settings,
    max_examples=80,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestMemoryAndSqliteInLockstep = MicroblogMachine.TestCase
