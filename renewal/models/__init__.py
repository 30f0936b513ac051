"""The ground floor's models: regions, units, people, terms, rounds, accounts, and the
roll-up and aftercare records (one app label, ``renewal``, split by topic).

Every model holding domain data is tracked by django-pghistory: each insert, update and
delete (bulk ones included, since these are database triggers) lands in an event table
with the request's user in its context.
"""

from renewal.models.accounts import AccessLog, Department, ExportJob, Profile, SecurityEvent
from renewal.models.aftercare import (
    AuditCategory,
    AuditFinding,
    CommitteePledge,
    ExitAudit,
    GuidanceGroup,
    GuidanceMember,
    GuidanceVisit,
    Handover,
    HandoverDeadline,
    HandoverItem,
    HandoverItemKind,
    HandoverRefusal,
    KeyUnitPlan,
    Rectification,
    SupervisionGroup,
    SupervisionMember,
    SupervisionVisit,
    TrainingSession,
)
from renewal.models.base import (
    DigestField,
    DomainError,
    EncryptedTextField,
    audited,
    constraint_refusals,
    division_code_validator,
)
from renewal.models.imports import ImportStage
from renewal.models.people import EDUCATION_RANK, Education, PartyMember, Person, PersonTag
from renewal.models.regions import PartyBranch, Region, RiskPoint, Unit, VillagerGroup
from renewal.models.rollup import DailyReport, RollupRun, RollupSettings, RollupSnapshot
from renewal.models.roster import RosterChange, RosterImportJob
from renewal.models.rounds import (
    DEFAULT_STAGES,
    STAGE_CODES,
    STAGE_NAMES,
    RenewalRound,
    SeatChange,
    Stage,
    UnitSeats,
)
from renewal.models.statforms import StatColumn, StatForm
from renewal.models.terms import COMMITTEE_CHOICES, COMMITTEES, Body, Post, Term, TermMember

__all__ = [
    "COMMITTEES",
    "COMMITTEE_CHOICES",
    "DEFAULT_STAGES",
    "EDUCATION_RANK",
    "STAGE_CODES",
    "STAGE_NAMES",
    "AccessLog",
    "AuditCategory",
    "AuditFinding",
    "Body",
    "CommitteePledge",
    "DailyReport",
    "Department",
    "DigestField",
    "DomainError",
    "Education",
    "EncryptedTextField",
    "ExitAudit",
    "ExportJob",
    "GuidanceGroup",
    "GuidanceMember",
    "GuidanceVisit",
    "Handover",
    "HandoverDeadline",
    "HandoverItem",
    "HandoverItemKind",
    "HandoverRefusal",
    "ImportStage",
    "KeyUnitPlan",
    "PartyBranch",
    "PartyMember",
    "Person",
    "PersonTag",
    "Post",
    "Profile",
    "Rectification",
    "Region",
    "RenewalRound",
    "RiskPoint",
    "RollupRun",
    "RollupSettings",
    "RollupSnapshot",
    "RosterChange",
    "RosterImportJob",
    "SeatChange",
    "SecurityEvent",
    "Stage",
    "StatColumn",
    "StatForm",
    "SupervisionGroup",
    "SupervisionMember",
    "SupervisionVisit",
    "Term",
    "TermMember",
    "TrainingSession",
    "Unit",
    "UnitSeats",
    "VillagerGroup",
    "audited",
    "constraint_refusals",
    "division_code_validator",
]
