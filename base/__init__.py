"""The framework-free base every layer stands on."""
