"""kundenstamm schemas layer."""
