"""The case domain: complaints, their complainant, assignments to departments, the timeline,
follow-ups, attachments, extensions, external routes, numbering and the working-day calendar."""

from __future__ import annotations

import peewee

from models.accounts import User
from models.base import BaseModel
from models.chain import HashField
from models.fields import ContentCharField, ContentTextField, SealedBlobField, SealedTextField
from models.organisation import Department


class Category(BaseModel):
    """投诉类别: a 3-level tree; leaves carry the default responsible department."""

    code = peewee.CharField(max_length=16, unique=True)
    name = peewee.CharField(max_length=40)
    parent = peewee.ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    level = peewee.SmallIntegerField()
    path = peewee.CharField(max_length=120)  # "医疗质量 / 诊疗 / 误诊漏诊"
    default_department = peewee.ForeignKeyField(Department, null=True, on_delete="SET NULL")
    active = peewee.BooleanField(default=True)
    sort_order = peewee.IntegerField(default=0)


class Complainant(BaseModel):
    """投诉人. Identifiers are sealed (models.fields: client-side on a shared server, to the
    identifier key of entitled roles locally) and found by exact match on their blind index."""

    name = SealedTextField(default="")
    relation = peewee.CharField(max_length=16, default="self")
    phone = SealedTextField(default="", kind="phone")
    id_number = SealedTextField(default="", kind="id")
    address = SealedTextField(default="", kind="address")
    email = SealedTextField(default="", kind="email")
    online_account = SealedTextField(default="", kind="account")
    name_index = peewee.CharField(max_length=32, default="", index=True)
    phone_index = peewee.CharField(max_length=32, default="", index=True)
    id_number_index = peewee.CharField(max_length=32, default="", index=True)


class Case(BaseModel):
    """投诉案件. `version` is the optimistic lock: every update bumps it."""

    case_no = peewee.CharField(max_length=32, unique=True)
    query_code = peewee.CharField(max_length=6)
    state = peewee.CharField(max_length=20)  # leads the open work's index (case_work)
    version = peewee.IntegerField(default=1)

    # intake
    channel = peewee.CharField(max_length=16)
    transfer_source = peewee.CharField(max_length=32, default="")
    transfer_reference = peewee.CharField(max_length=64, default="")
    source_department = peewee.ForeignKeyField(Department, null=True, backref="+", on_delete="SET NULL")
    received_at = peewee.DateTimeField(index=True)
    registered_at = peewee.DateTimeField()
    registered_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT", index=False)  # see Meta
    night_intake = peewee.BooleanField(default=False)  # logged by 总值班 after hours
    complainant = peewee.ForeignKeyField(Complainant, backref="cases", on_delete="RESTRICT")
    patient_name = SealedTextField(default="")
    patient_record_no = SealedTextField(default="", kind="record")  # 门诊号/住院号
    patient_name_index = peewee.CharField(max_length=32, default="", index=True)
    patient_record_index = peewee.CharField(max_length=32, default="", index=True)
    visit_department = peewee.ForeignKeyField(Department, null=True, backref="+", on_delete="SET NULL")
    visit_date = peewee.DateField(null=True)
    category = peewee.ForeignKeyField(Category, null=True, on_delete="SET NULL")
    severity = peewee.CharField(max_length=8, default="minor")
    # 投诉内容 and 诉求 are in CaseText: lists, boards and statistics never read them.

    # handling
    officer = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    accept_due = peewee.DateField(null=True)
    reply_due = peewee.DateField(null=True, index=True)
    due_provisional = peewee.BooleanField(default=False)
    extension_workdays = peewee.IntegerField(default=0)
    on_hold = peewee.BooleanField(default=False)
    hold_since = peewee.DateTimeField(null=True)
    hold_reason = ContentCharField(max_length=200, default="")
    paused_workdays = peewee.IntegerField(default=0)
    # No index: one on a yes/no column steers SQLite into visiting every unrestricted case first.
    restricted = peewee.BooleanField(default=False)
    escalated_at = peewee.DateTimeField(null=True)
    reroute_count = peewee.IntegerField(default=0)
    flagged = peewee.BooleanField(default=False)  # more than 3 re-routes: manager to look
    reopen_count = peewee.IntegerField(default=0)
    reply_period_start = peewee.DateField(null=True)  # a reopened case counts its reply period from here

    # outcome (调查核实情况, 处理意见, 整改措施 and the approval comment are in CaseHandling)
    finding = peewee.CharField(max_length=16, default="")
    compensation_amount = peewee.DecimalField(max_digits=12, decimal_places=2, null=True)  # 赔偿
    refund_amount = peewee.DecimalField(max_digits=12, decimal_places=2, null=True)  # 退费
    reply_method = peewee.CharField(max_length=16, default="")
    replied_at = peewee.DateTimeField(null=True)
    reject_reason = peewee.CharField(max_length=32, default="")
    merged_into = peewee.ForeignKeyField("self", null=True, backref="merged", on_delete="SET NULL")
    closed_at = peewee.DateTimeField(null=True)
    closed_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL", index=False)
    close_kind = peewee.CharField(max_length=16, default="")  # resolved / unresolvable
    close_reason = ContentTextField(default="")
    archived = peewee.BooleanField(default=False)

    updated_at = peewee.DateTimeField()
    # Who changed or closed a case last is shown, never searched: no index (users are never deleted).
    updated_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT", index=False)

    class Meta:
        # The front desk's 今日登记: a clerk may have registered tens of thousands of cases.
        indexes = ((("registered_by", "registered_at"), False),)


# The open work, read from the index alone: the home queues, the board's columns and their first
# cards filter and order by these columns only, so they read the open cases' index entries (about
# 60 bytes each, next to each other) instead of one scattered case row per open case.
WORK_INDEX = "case_work"
Case.add_index(
    Case.index(
        Case.state,
        Case.on_hold,
        Case.accept_due,
        Case.reply_due,
        Case.received_at,
        Case.restricted,
        Case.officer,
        Case.escalated_at,
        name=WORK_INDEX,
    )
)


class CaseText(BaseModel):
    """The long texts of a case, one row per case: 投诉内容 (the narrative) and 诉求. Kept out of
    the case row so that lists, boards, queue counts and statistics scan short rows; read only when
    a case is opened, printed, exported or searched. The text indexes (models/search_index.py) are
    built from it and keep no copy of their own."""

    case = peewee.ForeignKeyField(Case, primary_key=True, backref="+", on_delete="CASCADE")
    content = ContentTextField()  # 投诉内容 (narrative)
    demands = ContentTextField(default="")  # 诉求

    class Meta:
        table_name = "case_text"


class CaseHandling(BaseModel):
    """The handling texts of a case, one row per case that has any: 调查核实情况 (`facts`), 处理意见
    (`resolution`), 整改措施 (`rectification`, one per line) and the director's approval comment.
    Kept out of the case row like CaseText; the row is made by the first write that sets one of
    them (app/cases/handling.py), so a case never drafted has none and reads as empty texts."""

    case = peewee.ForeignKeyField(Case, primary_key=True, backref="+", on_delete="CASCADE")
    facts = ContentTextField(default="")
    resolution = ContentTextField(default="")
    rectification = ContentTextField(default="")  # 整改措施, one per line
    approval_comment = ContentTextField(default="")

    class Meta:
        table_name = "case_handling"


class CaseAccess(BaseModel):
    """Officers named on a restricted case (保密): they, and managers, may see it."""

    # Not indexed alone: (case, user) leads the unique index.
    case = peewee.ForeignKeyField(Case, backref="access", on_delete="CASCADE", index=False)
    user = peewee.ForeignKeyField(User, backref="+", on_delete="CASCADE")

    class Meta:
        indexes = ((("case", "user"), True),)


class CaseLink(BaseModel):
    """A link between related cases (same complainant or the same matter). `kind` is "related", or
    "repeat" when `case` is a 重复投诉 of the earlier case `other`."""

    # Not indexed alone: (case, other) leads the unique index.
    case = peewee.ForeignKeyField(Case, backref="links", on_delete="CASCADE", index=False)
    other = peewee.ForeignKeyField(Case, backref="+", on_delete="CASCADE")
    note = ContentCharField(max_length=200, default="")
    kind = peewee.CharField(max_length=8, default="related")

    class Meta:
        indexes = ((("case", "other"), True),)


class CaseIssue(BaseModel):
    """投诉事项: one issue a complaint raises. A case holds one or more, numbered `seq` 1, 2, 3…;
    each has its own category, responsible department, questions for that department and finding
    (成立 / 部分成立 / 不成立 / 无法认定, "" until decided). See docs/case-record.md."""

    case = peewee.ForeignKeyField(Case, backref="issues", on_delete="CASCADE", index=False)
    seq = peewee.SmallIntegerField()
    summary = ContentCharField(max_length=200, default="")
    category = peewee.ForeignKeyField(Category, null=True, backref="+", on_delete="SET NULL")
    department = peewee.ForeignKeyField(Department, null=True, backref="+", on_delete="SET NULL")
    questions = ContentTextField(default="")
    finding = peewee.CharField(max_length=16, default="")
    finding_note = ContentTextField(default="")
    created_at = peewee.DateTimeField()
    created_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT", index=False)

    class Meta:
        indexes = ((("case", "seq"), True),)


class FindingOverride(BaseModel):
    """The case finding set by hand, with its reason, instead of the one derived from the issues."""

    case = peewee.ForeignKeyField(Case, unique=True, backref="+", on_delete="CASCADE")
    finding = peewee.CharField(max_length=16)
    reason = ContentTextField()
    at = peewee.DateTimeField()
    by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")


class CaseCorrection(BaseModel):
    """One field changed by a correction of the registration: the value before and after. The
    timeline entry `event_seq` of the case carries the reason; the reader sees these rows masked."""

    case = peewee.ForeignKeyField(Case, backref="+", on_delete="CASCADE", index=False)
    event_seq = peewee.IntegerField()
    field = peewee.CharField(max_length=32)
    before = SealedTextField(default="")
    after = SealedTextField(default="")

    class Meta:
        indexes = ((("case", "event_seq"), False),)


class Assignment(BaseModel):
    """转办: the case sent to one department; sent → acknowledged → responded, or returned."""

    case = peewee.ForeignKeyField(Case, backref="assignments", on_delete="CASCADE")
    department = peewee.ForeignKeyField(Department, backref="assignments", on_delete="RESTRICT")
    state = peewee.CharField(max_length=16)  # leads (state, due), see Meta
    questions = ContentTextField(default="")
    sent_at = peewee.DateTimeField()
    sent_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT", index=False)
    due = peewee.DateField()
    due_provisional = peewee.BooleanField(default=False)
    acknowledged_at = peewee.DateTimeField(null=True)
    acknowledged_by = peewee.CharField(max_length=40, default="")  # department staff name, as told
    responded_at = peewee.DateTimeField(null=True)
    response = ContentTextField(default="")
    responder = peewee.CharField(max_length=40, default="")
    returned_at = peewee.DateTimeField(null=True)
    return_reason = ContentTextField(default="")

    class Meta:
        # (state, due): the officer's reminder of late department replies reads each open state
        # in the order of its due day and stops at the lines it shows.
        indexes = ((("state", "due"), False),)


class Attachment(BaseModel):
    """A scan, photo or recording, stored inside the encrypted database."""

    case = peewee.ForeignKeyField(Case, backref="attachments", on_delete="CASCADE")
    filename = ContentCharField(max_length=200)  # sealed while the case is restricted (also `note`)
    mime_type = peewee.CharField(max_length=100)
    size = peewee.IntegerField()
    sha256 = peewee.CharField(max_length=64)
    data = SealedBlobField()
    note = ContentCharField(max_length=200, default="")
    added_at = peewee.DateTimeField()
    added_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT", index=False)


class CaseEvent(BaseModel):
    """时间线: append-only history of a case. `seq` runs 1, 2, 3… per case; `hash` chains each event
    to the one before it (models/chain.py)."""

    # Not indexed alone: (case, seq) leads the unique index.
    case = peewee.ForeignKeyField(Case, backref="events", on_delete="CASCADE", index=False)
    seq = peewee.IntegerField()
    at = peewee.DateTimeField()
    actor = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT", index=False)  # shown, not searched
    action = peewee.CharField(max_length=32)
    summary = ContentTextField()  # sealed while the case is restricted (models/sealed_timeline.py)
    note = ContentTextField(default="")
    # Not indexed: attachments are never deleted, and no query finds events by attachment.
    attachment = peewee.ForeignKeyField(Attachment, null=True, backref="+", on_delete="SET NULL", index=False)
    hash = HashField(default="")  # 32 bytes (models/chain.py)

    class Meta:
        indexes = ((("case", "seq"), True),)


class FollowUp(BaseModel):
    """回访."""

    case = peewee.ForeignKeyField(Case, backref="followups", on_delete="CASCADE")
    at = peewee.DateTimeField()
    by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT", index=False)
    method = peewee.CharField(max_length=16)
    satisfaction = peewee.CharField(max_length=24)
    remarks = ContentTextField(default="")
    outcome = peewee.CharField(max_length=16)  # sign_off / reopen / external


class Extension(BaseModel):
    """延期: requested by an officer, decided by a manager."""

    case = peewee.ForeignKeyField(Case, backref="extensions", on_delete="CASCADE")
    workdays = peewee.IntegerField()
    reason = ContentTextField()
    requested_at = peewee.DateTimeField()
    requested_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT", index=False)
    state = peewee.CharField(max_length=16, default="pending")  # pending / approved / refused
    decided_at = peewee.DateTimeField(null=True)
    decided_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL", index=False)
    decision_note = ContentTextField(default="")


class ExternalRoute(BaseModel):
    """A dispute route outside the hospital (人民调解, 行政调解, 诉讼, 医学会鉴定, 信访)."""

    case = peewee.ForeignKeyField(Case, backref="external_routes", on_delete="CASCADE")
    route = peewee.CharField(max_length=24)
    started_at = peewee.DateTimeField()
    status = peewee.CharField(max_length=16, default="ongoing")  # ongoing / concluded
    outcome = ContentTextField(default="")
    updated_at = peewee.DateTimeField()


class IssuedDocument(BaseModel):
    """Every printed or saved document, kept with the case: the bytes and their SHA-256. `data` is
    the PDF itself, or its compact form without the embedded font subsets (printing/compact.py,
    app/cases/document_store.py); either way a read gives back exactly the bytes issued."""

    case = peewee.ForeignKeyField(Case, backref="documents", on_delete="CASCADE")
    kind = peewee.CharField(max_length=16)
    assignment = peewee.ForeignKeyField(Assignment, null=True, backref="+", on_delete="SET NULL")
    reprint = peewee.BooleanField(default=False)
    page_size = peewee.CharField(max_length=4, default="A4")
    sha256 = peewee.CharField(max_length=64)
    data = SealedBlobField()
    issued_at = peewee.DateTimeField()
    issued_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    number = peewee.IntegerField(default=0)  # 文书号 within the case; a 补打 keeps its original's
    edition = peewee.CharField(max_length=24, default="")  # what the original answers (app.cases.documents)


class DocumentFont(BaseModel):
    """A font file that compact stored documents were issued with, kept once per database so that
    any workstation can rebuild them (zlib-compressed file bytes; `sha256` of the file itself)."""

    sha256 = peewee.CharField(max_length=64, primary_key=True)
    name = peewee.CharField(max_length=120)
    size = peewee.IntegerField()
    data = peewee.BlobField()
    stored_at = peewee.DateTimeField()

    class Meta:
        table_name = "document_font"


class DocumentImage(BaseModel):
    """A letterhead image (logo or seal PNG) that documents stored as snapshots were issued with,
    kept once per database by its SHA-256 so that a 补打 shows it even after the admin changed it."""

    sha256 = peewee.CharField(max_length=64, primary_key=True)
    png = peewee.BlobField()
    stored_at = peewee.DateTimeField()

    class Meta:
        table_name = "document_image"


class CaseCounter(BaseModel):
    """Last case sequence number per prefix and year; bumped inside the registering transaction."""

    prefix = peewee.CharField(max_length=8)
    year = peewee.IntegerField()
    last_seq = peewee.IntegerField(default=0)

    class Meta:
        indexes = ((("prefix", "year"), True),)


class CalendarOverride(BaseModel):
    """Admin-entered working-day facts (国务院办公厅 notice for a year the library lacks, or local changes)."""

    day = peewee.DateField(primary_key=True)
    is_workday = peewee.BooleanField()
    note = peewee.CharField(max_length=60, default="")


CASE_MODELS: list[type[peewee.Model]] = [
    Category,
    Complainant,
    Case,
    CaseText,
    CaseHandling,
    CaseAccess,
    CaseLink,
    CaseIssue,
    FindingOverride,
    CaseCorrection,
    Assignment,
    Attachment,
    CaseEvent,
    FollowUp,
    Extension,
    ExternalRoute,
    IssuedDocument,
    DocumentFont,
    DocumentImage,
    CaseCounter,
    CalendarOverride,
]
