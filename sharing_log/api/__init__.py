"""The REST API of the sharing decision log (routes in sharing_log/api/urls.py)."""
