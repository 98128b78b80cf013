"""The ``gobetween`` command line: thin commands that delegate to the library and the service."""
