"""Shared-mode screens: server connection, workstation enrollment files, migration, and the
数据库与工作站 admin page (ui.shared.admin_page)."""
