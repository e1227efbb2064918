"""All models, imported here so Alembic and the app see one complete metadata."""

from creditsvc.models.account import ROLES, ApiToken, User, host_markets
from creditsvc.models.audit import AuditEntry
from creditsvc.models.base import Base
from creditsvc.models.geography import COMMUNITY_STATUSES, Community, District, Street
from creditsvc.models.market import Device, Market, Stall
from creditsvc.models.merchant import INSTRUMENT_KINDS, TRADES, Instrument, Merchant

__all__ = [
    "COMMUNITY_STATUSES",
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
]
