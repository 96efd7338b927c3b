"""Dagster orchestration: Definitions, jobs, schedules, sensors and resources."""
