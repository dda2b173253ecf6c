"""The random case-action machine of test_state_machine.py, by part: the model and the rights it
expects (model.py), the oracle and the invariants (base.py), the lifecycle rules (lifecycle_rules.py)
and the overlay and side-path rules (overlay_rules.py)."""
