"""The Dash IOC: pages that read the store through metrics' read models, never by SQL."""
