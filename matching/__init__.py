"""kundenstamm matching layer."""
