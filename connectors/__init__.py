"""kundenstamm connectors layer."""
