from .changes import extra_data, field_changes, object_type_label, summarize
from .log import log_action, mask_secrets

__all__ = ["extra_data", "field_changes", "log_action", "mask_secrets", "object_type_label",
           "summarize"]
