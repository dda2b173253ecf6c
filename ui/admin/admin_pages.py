"""The pages of 管理, in menu order, each shown only to users the policy allows (`admin_pages`)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from app.policy import Action, can
from app.session import Session
from ui.admin import audit_page, calendar_page, categories_page, letterhead_page
from ui.admin.admin_tabs import AdminPageSpec
from ui.admin.departments_page import DepartmentsPage
from ui.admin.users_page import UsersPage
from ui.records import backup_page
from ui.server_mode import admin_page as database_page


def admin_pages(session: Session, make_settings_page: Callable[[], QWidget]) -> list[AdminPageSpec]:
    """The admin tabs this user may open (the settings page is made by the window, which listens
    to its saves)."""
    specs = [
        AdminPageSpec(
            "users", "用户管理", "添加用户、分配角色", Action.MANAGE_USERS, lambda: UsersPage(session)
        ),
        AdminPageSpec(
            "departments",
            "科室管理",
            "维护投诉转办的责任科室",
            Action.MANAGE_DEPARTMENTS,
            lambda: DepartmentsPage(session),
        ),
        AdminPageSpec(
            categories_page.PAGE_KEY,
            categories_page.MENU_TEXT,
            categories_page.MENU_TIP,
            Action.MANAGE_CATEGORIES,
            lambda: categories_page.CategoriesPage(session),
        ),
        AdminPageSpec(
            "settings",
            "系统设置",
            "医院名称、案件编号、自动锁定等",
            Action.MANAGE_SETTINGS,
            make_settings_page,
        ),
        AdminPageSpec(
            letterhead_page.PAGE_KEY,
            letterhead_page.MENU_TEXT,
            letterhead_page.MENU_TIP,
            Action.MANAGE_LETTERHEAD,
            lambda: letterhead_page.LetterheadPage(session),
        ),
        AdminPageSpec(
            calendar_page.PAGE_KEY,
            calendar_page.MENU_TEXT,
            calendar_page.MENU_TIP,
            Action.MANAGE_CALENDAR,
            lambda: calendar_page.CalendarPage(session),
        ),
        AdminPageSpec(
            audit_page.PAGE_KEY,
            audit_page.MENU_TEXT,
            audit_page.MENU_TIP,
            Action.VIEW_AUDIT,
            lambda: audit_page.AuditPage(session),
        ),
        AdminPageSpec(
            database_page.PAGE_KEY,
            database_page.MENU_TEXT,
            database_page.MENU_TIP,
            database_page.REQUIRED_ACTION,
            lambda: database_page.DatabasePage(session),
        ),
        AdminPageSpec(
            backup_page.PAGE_KEY,
            backup_page.MENU_TEXT,
            backup_page.MENU_TIP,
            backup_page.REQUIRED_ACTION,
            lambda: backup_page.BackupPage(session),
        ),
    ]
    return [spec for spec in specs if can(session.user, spec.action)]
