"""Topic digests: schedule (zoneinfo, DST), composition and once-only delivery (worker leases)."""
