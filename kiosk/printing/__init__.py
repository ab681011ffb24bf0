"""The print queue and its printer backends."""
