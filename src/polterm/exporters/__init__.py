"""Files polterm writes for other programs: calendars and tables."""
