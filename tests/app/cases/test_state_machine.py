"""Random sequences of case actions by random users (hypothesis stateful testing).

A small model predicts, from DESIGN §1 and §4 written out independently of the code, what each call
must do: succeed, or refuse with PermissionDenied (who), TransitionError (when), ValidationError
(what) or NotFoundError (a target the user may not see). Every refusal must leave the case tables
exactly as they were. After every step the database is compared with the model and the invariants
of the lifecycle are checked: a defined state, closed_at on final cases, merged_into on merged ones,
no open assignment once drafting has begun, a contiguous timeline in time order, version = 1 + the
writes on the case, the reply deadline set from acceptance on and after receipt, and an intact audit
chain holding exactly the expected number of entries.

Each example works on its own copy of a template database (copying the file takes milliseconds).
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from .case_machine.base import CaseMachineBase
from .case_machine.lifecycle_rules import LifecycleRules
from .case_machine.model import EXAMPLES
from .case_machine.overlay_rules import OverlayRules
from .conftest import Template


class CaseMachine(LifecycleRules, OverlayRules, CaseMachineBase):
    """The whole machine: the rules of both parts over the base's oracle and invariants."""


def test_random_action_sequences_keep_the_invariants(desk_template: Template, tmp_path: Path) -> None:
    CaseMachine.template, CaseMachine.directory, CaseMachine.users = desk_template, tmp_path, {}
    run_state_machine_as_test(
        CaseMachine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[
                HealthCheck.too_slow,
                HealthCheck.filter_too_much,
                HealthCheck.data_too_large,
            ],
        ),
    )
