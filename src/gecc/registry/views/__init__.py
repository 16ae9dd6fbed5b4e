"""Registry screens, one module per screen family."""

from .coordinators import ServiceUnitCoordinatorRemoveView, ServiceUnitInviteView
from .imports import (
    ImportCheckNowView,
    ImportConfirmView,
    ImportCreateView,
    ImportDetailView,
    ImportErrorReportView,
    ImportTemplateView,
)
from .organizations import (
    OrganizationCreateView,
    OrganizationDeactivateView,
    OrganizationDetailView,
    OrganizationListView,
    OrganizationUpdateView,
)
from .units import (
    GeoOptionsView,
    ServiceUnitCreateView,
    ServiceUnitDeactivateView,
    ServiceUnitDetailView,
    ServiceUnitExportView,
    ServiceUnitListView,
    ServiceUnitUpdateView,
)

__all__ = [
    "GeoOptionsView", "ImportCheckNowView", "ImportConfirmView", "ImportCreateView", "ImportDetailView",
    "ImportErrorReportView", "ImportTemplateView", "OrganizationCreateView",
    "OrganizationDeactivateView", "OrganizationDetailView", "OrganizationListView",
    "OrganizationUpdateView", "ServiceUnitCoordinatorRemoveView", "ServiceUnitCreateView",
    "ServiceUnitDeactivateView", "ServiceUnitDetailView", "ServiceUnitExportView",
    "ServiceUnitInviteView", "ServiceUnitListView", "ServiceUnitUpdateView",
]
