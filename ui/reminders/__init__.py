"""提醒 in the main window: the reminder page (ui.reminders.page), the rail count and desktop
notifications (ui.reminders.controller), and the daily digest (ui.reminders.digest)."""
