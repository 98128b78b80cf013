"""The REST API's routers, one per lifecycle stage; each route calls one service function."""
