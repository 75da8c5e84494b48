"""Source adapters: one module per platform (``sources/registry.py`` lists them), each turning API responses
into parsed posts and fetching them live through the shared HTTP client (``sources/http.py``).

Nothing is imported here: the configuration reads ``sources/spec.py`` and the registry, and must not load
pyarrow (through ``sources/base.py``) in the functions that only validate a configuration."""
