"""Scenario storage: versioned scenarios with owners and sharing, datasets kept with them, JSON import/export.

One interface, two backends: an SQLite file in the data folder (default, `make run`) or PostgreSQL shared by
several servers (`ScenarioStore(url="postgresql://...")`). Schema migrations are versioned and run at open.

    store = ScenarioStore()                       # SQLite in FUNNELCAST_DATA_DIR, acting for LOCAL_USER
    mine = store.as_user("ana@example.com")       # the same store acting for a signed-in user
    v = mine.save(scenario, note="Q3", expected_version=2)   # VersionConflict if someone saved v3 meanwhile
    mine.share("Base plan", "li@example.com", "viewer")      # or ORG for everyone; role None stops sharing
    mine.load("Base plan").saved_by, mine.versions("Base plan")[0].saved_at

Datasets (files kept with a version; they follow the scenario's sharing):

    digest = store.put_dataset(content, filename="crm.csv", kind="crm")   # sha256 hex, stored once per content
    store.save(scenario, datasets={"crm": digest, "monthly": other})       # attached to the new version
    store.load("Base plan").datasets -> {"crm": digest, ...}
    content, filename, kind = store.get_dataset(digest)                    # StoreError if missing / not yours

Errors are StoreError (VersionConflict, AccessDenied are subclasses) with a message a user can act on.
A data folder that cannot be written leaves the store `read_only` (a reason string), never an exception.
"""

from store.db import (
    ENV_URL,
    LOCAL_USER,
    ORG,
    ROLES,
    STORE_SCHEMA,
    AccessDenied,
    Saved,
    ScenarioInfo,
    ScenarioStore,
    Sharing,
    StoreError,
    VersionConflict,
    VersionInfo,
    default_data_dir,
    redact,
)
from store.jsonio import ImportProblems, export_json, import_json

__all__ = [
    "ENV_URL",
    "LOCAL_USER",
    "ORG",
    "ROLES",
    "STORE_SCHEMA",
    "AccessDenied",
    "ImportProblems",
    "Saved",
    "ScenarioInfo",
    "ScenarioStore",
    "Sharing",
    "StoreError",
    "VersionConflict",
    "VersionInfo",
    "default_data_dir",
    "export_json",
    "import_json",
    "redact",
]
