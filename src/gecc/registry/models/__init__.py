from .import_job import ImportJob
from .organization import Organization
from .service_unit import ServiceUnit

__all__ = ["ImportJob", "Organization", "ServiceUnit"]
