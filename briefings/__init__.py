"""The weekly briefing (issue 5): built from the same read models as the pages."""
