"""Exports for meetings and audit: PowerPoint deck, self-contained HTML, chart images, CSV/Excel."""
