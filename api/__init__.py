"""pusleplan's HTTP service (FastAPI): maps requests to `planner` calls and `planner` errors to status
codes. No business rules here."""
