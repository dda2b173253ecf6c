"""提醒: per-user reminders computed from the database and the clock (app.reminders.compute), and
what a user does with them (app.reminders.state: 已阅, desktop notification, the daily digest)."""
