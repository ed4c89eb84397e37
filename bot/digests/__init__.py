"""Topic digests: schedule (zoneinfo, DST), composition and exactly-once delivery."""
