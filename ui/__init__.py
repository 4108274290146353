"""Streamlit glue shared by pages: scenario state (session + URL) and formatting. Pages stay thin."""
