"""Loading rosters from other systems into polterm."""
