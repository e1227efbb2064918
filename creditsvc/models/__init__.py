"""All models, imported here so Alembic and the app see one complete metadata."""

from creditsvc.models.account import ROLES, ApiToken, User, host_markets
from creditsvc.models.audit import AuditEntry
from creditsvc.models.base import Base
from creditsvc.models.calendar import CalendarDay, CalendarYear
from creditsvc.models.commitment import COMMITMENT_CHANNELS, Commitment, CommitmentStatus
from creditsvc.models.complaint import (
    CHANNELS,
    COMPLAINT_STATUSES,
    COMPLAINT_TRANSITIONS,
    Complaint,
    ComplaintStatus,
    ComplaintTransition,
)
from creditsvc.models.correction import EVIDENCE_KINDS, Void
from creditsvc.models.demonstration import (
    DRAW_KINDS,
    UNIT_ROUTES,
    UNIT_STATUSES,
    CommunityDraw,
    CommunityUnit,
    DemonstrationUnit,
    DrawnUnit,
    UnitStatus,
)
from creditsvc.models.geography import (
    COMMUNITY_STATUSES,
    Community,
    CommunityStatus,
    District,
    Street,
)
from creditsvc.models.idempotency import IdempotentRequest
from creditsvc.models.inspection import (
    INSPECTION_KINDS,
    PENALTY_CHANGE_KINDS,
    PROCEDURES,
    SEVERITIES,
    Finding,
    Inspection,
    NetContentLot,
    PenaltyChange,
    PenaltyDecision,
)
from creditsvc.models.job import JOB_STATUSES, JobRun, JobStatus
from creditsvc.models.market import Device, Market, Stall
from creditsvc.models.merchant import INSTRUMENT_KINDS, TRADES, Instrument, Merchant
from creditsvc.models.notice import (
    ENTRY_STATUSES,
    NOTICE_KINDS,
    NOTICE_STATUSES,
    EntryStatus,
    Notice,
    NoticeEntry,
    NoticeStatus,
    PenaltyPublication,
    PenaltyPublicationStatus,
)
from creditsvc.models.notification import Notification
from creditsvc.models.objection import (
    OBJECTION_STATUSES,
    OBJECTION_SUBJECTS,
    REPLY_STATUSES,
    MerchantReply,
    Objection,
    ObjectionStatus,
    ReplyStatus,
)
from creditsvc.models.open_data import OpenDataFigures
from creditsvc.models.outbox import DirtyMerchant
from creditsvc.models.reading import (
    READING_REASON_CODES,
    SCALE_UNVERIFIED,
    SCALE_VERIFICATION_LAPSED,
    VERDICTS,
    Reading,
    ReadingDay,
)
from creditsvc.models.repair import REPAIR_STATUSES, RepairApplication, RepairStatus
from creditsvc.models.risk import (
    PLAN_STATUSES,
    RISK_CLASSES,
    InspectionPlan,
    InspectionPlanItem,
    OfficerConflict,
    PlanStatus,
    RiskModelVersion,
    RiskScore,
)
from creditsvc.models.score import CurrentScore, ReadingTally, ScoreSnapshot, ScoringPolicy
from creditsvc.models.session import BrowserSession
from creditsvc.models.statistics import STATISTICS_SERIES, StatisticsMonth
from creditsvc.models.verification import (
    VERIFICATION_RESULTS,
    AlertStatus,
    FairScaleAlert,
    VerificationRecord,
    VerificationResult,
)

__all__ = [
    "READING_REASON_CODES",
    "SCALE_UNVERIFIED",
    "SCALE_VERIFICATION_LAPSED",
    "VERIFICATION_RESULTS",
    "AlertStatus",
    "FairScaleAlert",
    "VerificationRecord",
    "VerificationResult",
    "CommitmentStatus",
    "CommunityStatus",
    "ComplaintStatus",
    "EntryStatus",
    "JobStatus",
    "NoticeStatus",
    "OpenDataFigures",
    "ObjectionStatus",
    "PenaltyPublicationStatus",
    "PlanStatus",
    "RepairStatus",
    "ReplyStatus",
    "UnitStatus",
    "PLAN_STATUSES",
    "RISK_CLASSES",
    "InspectionPlan",
    "InspectionPlanItem",
    "OfficerConflict",
    "RiskModelVersion",
    "RiskScore",
    "CHANNELS",
    "COMMUNITY_STATUSES",
    "COMPLAINT_STATUSES",
    "COMPLAINT_TRANSITIONS",
    "EVIDENCE_KINDS",
    "INSPECTION_KINDS",
    "JOB_STATUSES",
    "PENALTY_CHANGE_KINDS",
    "PROCEDURES",
    "SEVERITIES",
    "VERDICTS",
    "BrowserSession",
    "CalendarDay",
    "CalendarYear",
    "Complaint",
    "CurrentScore",
    "ScoreSnapshot",
    "ReadingDay",
    "ReadingTally",
    "ScoringPolicy",
    "ComplaintTransition",
    "DirtyMerchant",
    "IdempotentRequest",
    "Finding",
    "Inspection",
    "JobRun",
    "NetContentLot",
    "PenaltyChange",
    "PenaltyDecision",
    "Reading",
    "Void",
    "INSTRUMENT_KINDS",
    "ROLES",
    "TRADES",
    "ApiToken",
    "AuditEntry",
    "Base",
    "Community",
    "Device",
    "District",
    "Instrument",
    "Market",
    "Merchant",
    "Stall",
    "Street",
    "User",
    "host_markets",
    "ENTRY_STATUSES",
    "NOTICE_KINDS",
    "NOTICE_STATUSES",
    "Notice",
    "NoticeEntry",
    "PenaltyPublication",
    "COMMITMENT_CHANNELS",
    "DRAW_KINDS",
    "OBJECTION_STATUSES",
    "OBJECTION_SUBJECTS",
    "REPAIR_STATUSES",
    "REPLY_STATUSES",
    "UNIT_ROUTES",
    "UNIT_STATUSES",
    "Commitment",
    "CommunityDraw",
    "CommunityUnit",
    "DemonstrationUnit",
    "DrawnUnit",
    "MerchantReply",
    "Notification",
    "STATISTICS_SERIES",
    "StatisticsMonth",
    "Objection",
    "RepairApplication",
]
