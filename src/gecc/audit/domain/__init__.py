from .changes import (
    display_value,
    entry_model,
    extra_data,
    extra_items,
    field_changes,
    field_label,
    object_type_label,
    summarize,
)
from .log import (
    build_entry,
    client_ip,
    log_action,
    log_actions,
    log_export,
    mask_secrets,
    person,
)

__all__ = ["build_entry", "client_ip", "display_value", "entry_model", "extra_data",
           "extra_items", "field_changes", "field_label", "log_action", "log_actions",
           "log_export", "mask_secrets", "object_type_label", "person", "summarize"]
