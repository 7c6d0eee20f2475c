"""One module per reference format of SOURCES.md; each writes its deliveries for one day."""
