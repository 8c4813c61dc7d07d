"""The REST API of children and consent (routes in consent/api/urls.py)."""
