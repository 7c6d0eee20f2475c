"""kundenstamm warehouse layer."""
