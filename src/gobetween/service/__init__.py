"""The FastAPI service: app factory, routers per lifecycle stage, auth, error mapping."""
