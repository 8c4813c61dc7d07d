from rest_framework.pagination import CursorPagination


class CreatedCursorPagination(CursorPagination):
    """Keyset pagination, newest first: constant cost at any depth, and no COUNT(*).

    The cursor encodes a timestamp, never a name, so no personal data reaches a query string.
    """

    ordering = ("-created_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
