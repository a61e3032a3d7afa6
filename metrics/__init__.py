"""The metrics store, the collectors that fill it and the read models the pages use."""
