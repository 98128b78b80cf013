"""Mirror agreements: canonical operative terms, instruments, Ed25519 signatures, bundles."""
