"""Reports polterm writes for principals and the superintendent."""
