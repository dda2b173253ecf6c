"""Deadlines on the Chinese working-day calendar (DESIGN §5).

* `rules`: deadline rules, office hours and the traffic light — pure functions over plain values.
* `workdays`: the working-day calendar (chinese_calendar, admin overrides, provisional Mon–Fri years).
* `calendar`: this database's calendar and rules (overrides and settings read from the database).
* `case_clocks`: due dates of a case and its assignments, and their traffic lights.
"""
