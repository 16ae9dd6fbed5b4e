from .log import log_action, mask_secrets

__all__ = ["log_action", "mask_secrets"]
