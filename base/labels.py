"""Words for the codes the read models use (a task's status, a source's state, an alert's kind…),
shared by the pages, the wall and the briefings.

Each table maps a code to its msgid, marked with N_ so the catalogue holds it; label() words it
in the current language. An unknown code is shown as it is rather than hidden.
"""

from __future__ import annotations

from collections.abc import Mapping

from base.i18n import N_, _

TASK_STATUS = {
    "met": N_("Met"),
    "on_track": N_("On track"),
    "at_risk": N_("At risk"),
    "overdue": N_("Overdue"),
    "no_data": N_("No data"),
}
SOURCE_STATE = {
    "ok": N_("Delivering"),
    "failing": N_("Last run failed"),
    "unusable": N_("Answers, but nothing usable"),
    "stale": N_("Stale"),
    "waiting": N_("Waiting for its first run"),
    "disabled": N_("Disabled"),
}
ALERT_KIND = {
    "stale_source": N_("Source stopped delivering"),
    "unusable_source": N_("Source sends nothing usable"),
    "database_red": N_("Database below threshold"),
    "task_overdue": N_("Task overdue"),
    "task_at_risk": N_("Task at risk"),
    "directive_overdue": N_("Directive overdue"),
    "directive_open": N_("Directive open"),
}
DIRECTIVE_STATE = {"open": N_("To do"), "done": N_("Done, awaiting review"), "closed": N_("Closed")}
DIRECTIVE_STEP = {
    "create": N_("Directed"),
    "reply": N_("Replied"),
    "done": N_("Marked done"),
    "close": N_("Closed"),
    "return": N_("Sent back"),
}
SCHEDULER_STATE = {
    "running": N_("running"),
    "running-elsewhere": N_("running in another process"),
    "stopped": N_("stopped"),
    "lost-lock": N_("lost its lock, stopped"),
    "standby": N_("standing by (another process schedules)"),
}
RUN_STATUS = {
    "ok": N_("ok"),
    "failed": N_("failed"),
    "timeout": N_("timed out"),
    "interrupted": N_("interrupted"),
    "running": N_("running"),
}
EDITION_STATUS = {"built": N_("built"), "failed": N_("not built")}
EDITION_TRIGGER = {"manual": N_("by hand"), "schedule": N_("scheduled"), "retry": N_("retried")}
DELIVERY_STATUS = {"sent": N_("Sent"), "pending": N_("Retrying"), "failed": N_("Gave up")}
AUDIT_ACTION = {
    "sign_in": N_("Sign-in"),
    "sign_out": N_("Sign-out"),
    "access": N_("Access"),
    "confirm": N_("Confirmation"),
    "upload": N_("Report sent"),
    "build": N_("Briefing built"),
    "download": N_("Download"),
    "user_add": N_("Account added"),
    "user_disable": N_("Account disabled"),
    "user_reset": N_("Password reset"),
    "device_add": N_("Device added"),
    "device_revoke": N_("Device revoked"),
    "device_pair": N_("Device paired"),
    "directive": N_("Directive"),
    "api": N_("Read API call"),
    "api_token_add": N_("API token given"),
    "api_token_revoke": N_("API token revoked"),
}
AUDIT_OUTCOME = {
    "done": N_("done"),
    "refused": N_("refused"),
    "failed": N_("failed"),
    "limited": N_("too many attempts"),
    "rejected": N_("file refused"),
}
ROLES = {
    "leadership": N_("Leadership"),
    "focal_point": N_("Focal point"),
    "department_head": N_("Department head"),
    "admin": N_("Administrator"),
}
CONFIRMATION_STATE = {
    "valid": N_("Still valid"),
    "changed": N_("Figures changed since"),
    "none": N_("Not confirmed (provisional)"),
}


def label(table: Mapping[str, str], code: str) -> str:
    return _(table[code]) if code in table else code


def task_status(code: str) -> str:
    return label(TASK_STATUS, code)
