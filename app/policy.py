"""The one place where roles are checked: `can(user, action, case=None)`.

Widgets, CLI commands and services all ask this module; none of them tests a role themselves.
`can` returns a Decision that is truthy when allowed and carries the Chinese reason when not, so a
disabled button can say why in its tooltip.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from app import clock


class Role(StrEnum):
    OFFICER = "officer"
    CLERK = "clerk"
    NIGHT_DUTY = "night_duty"
    MANAGER = "manager"
    ADMIN = "admin"


ROLE_LABELS: dict[str, str] = {
    Role.OFFICER: "医患沟通办公室专员",
    Role.CLERK: "督查股文员",
    Role.NIGHT_DUTY: "总值班",
    Role.MANAGER: "主任/分管院领导",
    Role.ADMIN: "系统管理员",
}


class Action(StrEnum):
    # administration (separation of duties: admin manages the system, not case content)
    MANAGE_USERS = "manage_users"
    MANAGE_DEPARTMENTS = "manage_departments"
    MANAGE_SETTINGS = "manage_settings"
    VIEW_AUDIT = "view_audit"
    VERIFY_AUDIT = "verify_audit"
    CHANGE_OWN_PASSWORD = "change_own_password"
    MANAGE_CALENDAR = "manage_calendar"
    MANAGE_CATEGORIES = "manage_categories"
    MANAGE_LETTERHEAD = "manage_letterhead"
    EXPORT_AUDIT = "export_audit"
    # the identifier key (local) or a case role given by an administrator (shared): a manager's act
    GRANT_IDENTIFIER_KEY = "grant_identifier_key"
    CONFIRM_ROLE = "confirm_role"
    # cases
    REGISTER = "register"
    VIEW_CASE = "view_case"
    ACCEPT = "accept"
    REJECT = "reject"
    RESOLVE_ON_SPOT = "resolve_on_spot"
    ASSIGN = "assign"
    RECORD_DEPARTMENT_REPLY = "record_department_reply"
    DRAFT = "draft"
    SUBMIT = "submit"
    APPROVE = "approve"
    RECORD_REPLY = "record_reply"
    FOLLOW_UP = "follow_up"
    REQUEST_EXTENSION = "request_extension"
    DECIDE_EXTENSION = "decide_extension"
    HOLD = "hold"
    ESCALATE = "escalate"
    MAJOR_CHECK = "major_check"  # the 重大 checklist of 《医疗纠纷预防和处理条例》
    RESTRICT = "restrict"
    MERGE = "merge"
    SIGN_OFF = "sign_off"
    ARCHIVE = "archive"
    ADD_NOTE = "add_note"
    ADD_ATTACHMENT = "add_attachment"
    PRINT_INTAKE = "print_intake"  # 受理回执, 投诉登记表
    PRINT_LETTERS = "print_letters"  # 转办单, 不予受理告知书, 处理结果告知书, 回访记录
    VIEW_STATISTICS = "view_statistics"
    # the recount after an upgrade must read every case: on a shared server only the manager's
    # database role sees restricted cases, so only the manager recounts (in both modes, alike)
    REBUILD_STATISTICS = "rebuild_statistics"
    # exact repeat keys for the cases the front desk wrote (a sealed local database): only a holder
    # of the identifier key can make them (app/statistics/person_keys.py)
    SETTLE_REPEAT_KEYS = "settle_repeat_keys"
    SEARCH_IDENTIFIERS = "search_identifiers"  # find cases by full phone / ID / 门诊住院号
    # 整改 (corrective actions): the office records and verifies, the manager closes
    VIEW_RECTIFICATION = "view_rectification"
    CREATE_RECTIFICATION = "create_rectification"
    RECTIFY_FROM_ALERT = "rectify_from_alert"  # an item from a statistics alert, over several cases
    RECORD_RECTIFICATION = "record_rectification"  # 开始整改, evidence, 提交验证
    VERIFY_RECTIFICATION = "verify_rectification"
    CLOSE_RECTIFICATION = "close_rectification"
    # 提醒: a user's own reminder list (dismissals, desktop notification, daily digest)
    OWN_REMINDERS = "own_reminders"
    # records
    BACKUP = "backup"  # take a backup, restore one, set the automatic backups
    SCHEDULED_BACKUP = "scheduled_backup"  # the automatic backup at a day's first login (any user)
    IMPORT_LEDGER = "import_ledger"  # 导入台账 (historic cases from the office's Excel ledger)
    EXPORT_LEDGER = "export_ledger"  # 导出台账
    DOSSIER = "dossier"  # 卷宗 of one case
    CORRECT_REGISTRATION = "correct_registration"  # 更正登记信息 (who, by state: `_correction`)
    EDIT_ISSUES = "edit_issues"  # 投诉事项: add, edit, remove
    RECORD_FINDING = "record_finding"  # 投诉事项 认定 (成立/部分成立/不成立/无法认定)
    OVERRIDE_FINDING = "override_finding"  # 改定案件结论, with a reason
    HAND_OVER = "hand_over"  # 总值班交班: the shift's cases handed to the office, with a 交班单
    TAKE_OVER = "take_over"  # 接班: the office confirms it has the night's cases


ACTION_LABELS: dict[str, str] = {
    Action.MANAGE_USERS: "管理用户",
    Action.MANAGE_DEPARTMENTS: "管理科室",
    Action.MANAGE_SETTINGS: "修改系统设置",
    Action.VIEW_AUDIT: "查看审计日志",
    Action.VERIFY_AUDIT: "校验审计日志",
    Action.CHANGE_OWN_PASSWORD: "修改本人密码",
    Action.MANAGE_CALENDAR: "维护节假日日历",
    Action.MANAGE_CATEGORIES: "维护投诉类别",
    Action.MANAGE_LETTERHEAD: "设置文书抬头和印章",
    Action.EXPORT_AUDIT: "导出审计日志",
    Action.REGISTER: "登记投诉",
    Action.VIEW_CASE: "查看案件",
    Action.ACCEPT: "受理投诉",
    Action.REJECT: "作不予受理",
    Action.RESOLVE_ON_SPOT: "登记当场解决",
    Action.ASSIGN: "转办科室",
    Action.RECORD_DEPARTMENT_REPLY: "登记科室签收与反馈",
    Action.DRAFT: "拟定处理意见",
    Action.SUBMIT: "提交审批",
    Action.APPROVE: "审批答复",
    Action.RECORD_REPLY: "登记答复",
    Action.FOLLOW_UP: "登记回访",
    Action.REQUEST_EXTENSION: "申请延期",
    Action.DECIDE_EXTENSION: "审批延期",
    Action.HOLD: "暂停或恢复办理",
    Action.ESCALATE: "上报重大投诉",
    Action.MAJOR_CHECK: "记录重大投诉事项",
    Action.RESTRICT: "设置保密",
    Action.MERGE: "合并重复投诉",
    Action.SIGN_OFF: "销项",
    Action.ARCHIVE: "归档",
    Action.ADD_NOTE: "添加备注",
    Action.ADD_ATTACHMENT: "添加附件",
    Action.PRINT_INTAKE: "打印受理回执和登记表",
    Action.PRINT_LETTERS: "打印转办单和告知书",
    Action.VIEW_STATISTICS: "查看统计报表",
    Action.REBUILD_STATISTICS: "重建统计数据",
    Action.SETTLE_REPEAT_KEYS: "核对重复投诉标识",
    Action.SEARCH_IDENTIFIERS: "按电话或证件号查找案件",
    Action.VIEW_RECTIFICATION: "查看整改项",
    Action.CREATE_RECTIFICATION: "创建整改项",
    Action.RECTIFY_FROM_ALERT: "按统计预警下达整改",
    Action.RECORD_RECTIFICATION: "登记整改情况",
    Action.VERIFY_RECTIFICATION: "验证整改",
    Action.CLOSE_RECTIFICATION: "关闭整改项",
    Action.OWN_REMINDERS: "管理本人提醒",
    Action.BACKUP: "备份和恢复数据库",
    Action.SCHEDULED_BACKUP: "执行自动备份",
    Action.IMPORT_LEDGER: "导入台账",
    Action.EXPORT_LEDGER: "导出台账",
    Action.DOSSIER: "生成案件卷宗",
    Action.CORRECT_REGISTRATION: "更正登记信息",
    Action.EDIT_ISSUES: "编辑投诉事项",
    Action.RECORD_FINDING: "认定投诉事项",
    Action.OVERRIDE_FINDING: "改定案件结论",
    Action.HAND_OVER: "交班",
    Action.TAKE_OVER: "接班",
    Action.GRANT_IDENTIFIER_KEY: "授予标识密钥",
    Action.CONFIRM_ROLE: "确认案件角色",
}

# Which roles may perform each action that does not depend on a case.
_ROLE_GRANTS: dict[Action, frozenset[Role]] = {
    Action.MANAGE_USERS: frozenset({Role.ADMIN}),
    Action.MANAGE_DEPARTMENTS: frozenset({Role.ADMIN}),
    Action.MANAGE_SETTINGS: frozenset({Role.ADMIN}),
    Action.VIEW_AUDIT: frozenset({Role.ADMIN, Role.MANAGER}),
    Action.VERIFY_AUDIT: frozenset({Role.ADMIN, Role.MANAGER}),
    Action.CHANGE_OWN_PASSWORD: frozenset(Role),
    Action.MANAGE_CALENDAR: frozenset({Role.ADMIN}),
    Action.MANAGE_CATEGORIES: frozenset({Role.ADMIN}),
    Action.MANAGE_LETTERHEAD: frozenset({Role.ADMIN}),
    Action.EXPORT_AUDIT: frozenset({Role.ADMIN, Role.MANAGER}),
    Action.GRANT_IDENTIFIER_KEY: frozenset({Role.MANAGER}),
    Action.CONFIRM_ROLE: frozenset({Role.MANAGER}),
    Action.REGISTER: frozenset({Role.CLERK, Role.OFFICER, Role.NIGHT_DUTY, Role.MANAGER}),
    Action.VIEW_CASE: frozenset({Role.CLERK, Role.OFFICER, Role.NIGHT_DUTY, Role.MANAGER}),
    Action.ACCEPT: frozenset({Role.OFFICER, Role.MANAGER}),
    Action.REJECT: frozenset({Role.OFFICER, Role.MANAGER}),
    Action.RESOLVE_ON_SPOT: frozenset({Role.OFFICER, Role.MANAGER}),
    Action.ASSIGN: frozenset({Role.OFFICER}),
    Action.RECORD_DEPARTMENT_REPLY: frozenset({Role.OFFICER}),
    Action.DRAFT: frozenset({Role.OFFICER}),
    Action.SUBMIT: frozenset({Role.OFFICER}),
    Action.APPROVE: frozenset({Role.MANAGER}),
    Action.RECORD_REPLY: frozenset({Role.OFFICER}),
    Action.FOLLOW_UP: frozenset({Role.OFFICER}),
    Action.REQUEST_EXTENSION: frozenset({Role.OFFICER}),
    Action.DECIDE_EXTENSION: frozenset({Role.MANAGER}),
    Action.HOLD: frozenset({Role.OFFICER, Role.MANAGER}),
    Action.ESCALATE: frozenset({Role.OFFICER, Role.MANAGER}),
    Action.MAJOR_CHECK: frozenset({Role.OFFICER, Role.MANAGER}),
    Action.RESTRICT: frozenset({Role.MANAGER}),
    Action.MERGE: frozenset({Role.OFFICER, Role.MANAGER}),
    Action.SIGN_OFF: frozenset({Role.MANAGER}),
    Action.ARCHIVE: frozenset({Role.MANAGER}),
    Action.ADD_NOTE: frozenset({Role.OFFICER, Role.MANAGER}),
    Action.ADD_ATTACHMENT: frozenset({Role.CLERK, Role.OFFICER, Role.NIGHT_DUTY, Role.MANAGER}),
    Action.PRINT_INTAKE: frozenset({Role.CLERK, Role.OFFICER, Role.NIGHT_DUTY, Role.MANAGER}),
    Action.PRINT_LETTERS: frozenset({Role.OFFICER, Role.MANAGER}),
    Action.VIEW_STATISTICS: frozenset({Role.MANAGER, Role.OFFICER}),
    Action.REBUILD_STATISTICS: frozenset({Role.MANAGER}),
    Action.SETTLE_REPEAT_KEYS: frozenset({Role.OFFICER, Role.MANAGER}),  # IDENTIFIER_KEY_ROLES
    Action.SEARCH_IDENTIFIERS: frozenset({Role.OFFICER, Role.MANAGER}),
    Action.VIEW_RECTIFICATION: frozenset({Role.OFFICER, Role.MANAGER}),
    Action.CREATE_RECTIFICATION: frozenset({Role.OFFICER, Role.MANAGER}),
    Action.RECTIFY_FROM_ALERT: frozenset({Role.MANAGER}),
    Action.RECORD_RECTIFICATION: frozenset({Role.OFFICER}),
    Action.VERIFY_RECTIFICATION: frozenset({Role.OFFICER}),
    Action.CLOSE_RECTIFICATION: frozenset({Role.MANAGER}),
    Action.OWN_REMINDERS: frozenset(Role),
    Action.BACKUP: frozenset({Role.ADMIN}),
    Action.SCHEDULED_BACKUP: frozenset(Role),
    Action.IMPORT_LEDGER: frozenset({Role.ADMIN, Role.MANAGER}),
    Action.EXPORT_LEDGER: frozenset({Role.OFFICER, Role.MANAGER}),
    Action.DOSSIER: frozenset({Role.OFFICER, Role.MANAGER}),
    Action.CORRECT_REGISTRATION: frozenset({Role.CLERK, Role.OFFICER, Role.NIGHT_DUTY, Role.MANAGER}),
    Action.EDIT_ISSUES: frozenset({Role.OFFICER, Role.MANAGER}),
    Action.RECORD_FINDING: frozenset({Role.OFFICER}),
    Action.OVERRIDE_FINDING: frozenset({Role.OFFICER, Role.MANAGER}),
    Action.HAND_OVER: frozenset({Role.NIGHT_DUTY}),
    Action.TAKE_OVER: frozenset({Role.OFFICER, Role.MANAGER}),
}

# Case actions the front-desk roles may take only on cases they registered themselves.
_OWN_INTAKE_ONLY = frozenset({Action.ADD_ATTACHMENT, Action.PRINT_INTAKE})


class Actor(Protocol):
    """What the policy needs to know about a user."""

    id: int
    username: str
    roles: frozenset[str]
    active: bool


class CaseFacts(Protocol):
    """What the policy needs to know about a case."""

    restricted: bool
    registered_by_id: int
    registered_on: date
    night_intake: bool
    state: str
    named_user_ids: frozenset[int]


# States in which the office has not yet taken over a night-duty intake.
NIGHT_DUTY_VISIBLE_STATES = frozenset({"registered"})
# States in which a case is finished (app.cases.states.FINAL_STATES): only a manager corrects it.
_FINISHED_STATES = frozenset({"closed", "rejected", "merged"})


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOW = Decision(True)


def _roles_text(roles: frozenset[Role]) -> str:
    return "、".join(ROLE_LABELS[r] for r in Role if r in roles)


def _view_roles(user: Actor, case: CaseFacts) -> set[Role]:
    """The user's roles through which this case is visible."""
    roles = set(user.roles)
    seen: set[Role] = set()
    if Role.MANAGER in roles:
        seen.add(Role.MANAGER)
    if Role.OFFICER in roles and (not case.restricted or user.id in case.named_user_ids):
        seen.add(Role.OFFICER)
    if Role.CLERK in roles and not case.restricted:
        seen.add(Role.CLERK)
    if (
        Role.NIGHT_DUTY in roles
        and case.registered_by_id == user.id
        and case.night_intake
        and case.state in NIGHT_DUTY_VISIBLE_STATES
    ):
        seen.add(Role.NIGHT_DUTY)
    return seen


def can_view(user: Actor | None, case: CaseFacts) -> Decision:
    if user is None or not user.active:
        return Decision(False, "请先登录")
    if _view_roles(user, case):
        return ALLOW
    return Decision(False, "受限案件：无权查看" if case.restricted else "无权查看该案件")


def sees_identifiers(user: Actor, case: CaseFacts, today: date) -> bool:
    """Full phone and ID number? Clerks and night duty only on cases they registered today."""
    roles = _view_roles(user, case)
    if roles & {Role.MANAGER, Role.OFFICER}:
        return True
    return bool(roles) and case.registered_by_id == user.id and case.registered_on == today


# Roles that see full identifiers on every case they may view (sees_identifiers): locally their key
# slots carry the identifier key (app/sealing.py); everybody else only writes identifiers.
IDENTIFIER_KEY_ROLES = frozenset({Role.OFFICER, Role.MANAGER})


def holds_identifier_key(roles: set[str] | frozenset[str]) -> bool:
    """Is a user with these roles given the private key of sealed identifiers (local mode)?"""
    return bool(set(roles) & IDENTIFIER_KEY_ROLES)


def sees_handling(user: Actor, case: CaseFacts) -> bool:
    """Beyond the intake part: assignments, replies, findings, follow-ups, attachments."""
    return bool(_view_roles(user, case) & {Role.MANAGER, Role.OFFICER})


def can(
    user: Actor | None, action: Action, case: CaseFacts | None = None, today: date | None = None
) -> Decision:
    """May `user` perform `action` (on `case`, for case actions)? `today` (default: the clock's)
    matters only for corrections by the front desk."""
    if user is None or not user.active:
        return Decision(False, "请先登录")
    granted = _ROLE_GRANTS.get(action)
    if granted is None:
        return Decision(False, "未定义的操作")
    if case is None:
        if granted & set(user.roles):
            return ALLOW
        return Decision(False, f"只有{_roles_text(granted)}可以{ACTION_LABELS[action]}")
    viewing = _view_roles(user, case)
    if not viewing:
        return can_view(user, case)
    usable = granted & viewing
    if action == Action.CORRECT_REGISTRATION and usable:
        return _correction(user, case, usable, today or clock.now().date())
    if action in _OWN_INTAKE_ONLY and case.registered_by_id != user.id:
        usable -= {Role.CLERK, Role.NIGHT_DUTY}
    if usable:
        return ALLOW
    if granted & viewing:
        return Decision(False, f"只能对本人登记的案件{ACTION_LABELS[action]}")
    return Decision(False, f"只有{_roles_text(granted)}可以{ACTION_LABELS[action]}")


def _correction(user: Actor, case: CaseFacts, usable: set[Role], today: date) -> Decision:
    """更正登记信息: a manager at any time (a finished case only by a manager, as a new timeline
    event); an officer while the case is open; the clerk on their own registrations of the same day
    until the case is accepted; night duty on their own night intakes until the office accepts them."""
    if Role.MANAGER in usable:
        return ALLOW
    if Role.OFFICER in usable:
        if case.state not in _FINISHED_STATES:
            return ALLOW
        return Decision(False, "案件已结束，只有主任/分管院领导可以更正登记信息")
    own = case.registered_by_id == user.id
    if not own:
        return Decision(False, "只能更正本人登记的案件")
    if case.state != "registered":
        return Decision(False, "案件已受理，只有医患沟通办公室专员或主任可以更正")
    if Role.NIGHT_DUTY in usable or case.registered_on == today:
        return ALLOW
    return Decision(False, "只能当天更正本人登记的案件；请由医患沟通办公室专员更正")


CASE_ROLES = frozenset({Role.OFFICER, Role.CLERK, Role.NIGHT_DUTY, Role.MANAGER})


def can_grant_roles(user: Actor, target_user_id: int, before: set[str], after: set[str]) -> Decision:
    """Separation of duties: a system administrator does not read case content, so they may not give
    themselves a role that does; another administrator must."""
    gained = (set(after) - set(before)) & CASE_ROLES
    if target_user_id == user.id and gained:
        labels = "、".join(ROLE_LABELS[r] for r in Role if r in gained)
        return Decision(False, f"不能为自己授予案件角色（{labels}），请由另一名系统管理员授予")
    return ALLOW


def registers_as_night_duty(user: Actor, after_hours: bool) -> bool:
    """A 总值班 intake: logged by night duty after hours, or by someone who is only night duty."""
    roles = set(user.roles)
    if Role.NIGHT_DUTY not in roles:
        return False
    return after_hours or not roles & {Role.OFFICER, Role.CLERK, Role.MANAGER}


def may_see_handling(user: Actor) -> bool:
    """Can any case show this user its handling part (assignments, responsible departments …)?
    The same roles as `sees_handling`; a list hides such columns for everyone else."""
    return bool(set(user.roles) & {Role.OFFICER, Role.MANAGER})


def lists_restricted_redacted(user: Actor) -> bool:
    """Office staff see that a restricted case exists (as 受限案件) on boards and lists."""
    return bool(set(user.roles) & {Role.OFFICER, Role.MANAGER})


def may_be_named_on_restricted(roles: set[str] | frozenset[str]) -> bool:
    """Only officers are named on a restricted case (managers see them anyway)."""
    return Role.OFFICER in roles


def visibility(user: Actor) -> VisibilityScope:
    """The same rules as `can_view`, as data a query can apply to many cases at once."""
    roles = set(user.roles) if user.active else set()
    return VisibilityScope(
        all_cases=Role.MANAGER in roles,
        unrestricted=bool(roles & {Role.OFFICER, Role.CLERK}),
        named_restricted=Role.OFFICER in roles,
        own_night_intake=Role.NIGHT_DUTY in roles,
        user_id=user.id,
    )


@dataclass(frozen=True)
class VisibilityScope:
    """Which cases a user may list: a union of these parts (see `can_view`)."""

    all_cases: bool
    unrestricted: bool
    named_restricted: bool
    own_night_intake: bool
    user_id: int

    @property
    def nothing(self) -> bool:
        return not (self.all_cases or self.unrestricted or self.named_restricted or self.own_night_intake)
