"""Scenario storage: an SQLite store of versioned scenarios and JSON import/export."""

from store.db import STORE_SCHEMA, Saved, ScenarioInfo, ScenarioStore, StoreError, VersionInfo, default_data_dir
from store.jsonio import ImportProblems, export_json, import_json

__all__ = [
    "STORE_SCHEMA",
    "ImportProblems",
    "Saved",
    "ScenarioInfo",
    "ScenarioStore",
    "StoreError",
    "VersionInfo",
    "default_data_dir",
    "export_json",
    "import_json",
]
