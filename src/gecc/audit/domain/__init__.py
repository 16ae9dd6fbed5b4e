from .changes import extra_data, field_changes, object_type_label, summarize
from .log import build_entry, client_ip, log_action, log_actions, log_export, mask_secrets

__all__ = ["build_entry", "client_ip", "extra_data", "field_changes", "log_action", "log_actions",
           "log_export", "mask_secrets", "object_type_label", "summarize"]
