"""The breaches API (/api/breaches/…): see breaches/api/views.py and breaches/api/urls.py."""
