"""kundenstamm pipelines layer."""
