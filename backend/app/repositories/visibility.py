"""Who may see a collection: the SQL function collection_visible (post-apply.functions.sql, the
one definition, which the trade and transfer payloads use too), for a query's WHERE or SELECT.

A private owner's objects (and collection) are seen only by the owner and by viewers whose
profile request the owner accepted; everyone sees a public owner's. ``o`` is the owner's
``users`` row and ``$1`` the viewer (NULL when anonymous: the result is then NULL, not false,
for a private owner; a WHERE treats both alike, a SELECT wraps it in coalesce).

The gallery listing, object detail and event replay (repositories/photos.py, events.py) and
a trade's items (trades.py) filter with it; a profile's
``can_view_collection`` and the "this collection is private" refusal read it
(repositories/users.get_for_viewer). tests/test_visibility.py checks every reader against the
rule's truth table.
"""


def visible_sql(viewer: str = "$1", owner: str = "o") -> str:
    """The rule for another parameter (``viewer``) or owner alias (``owner``, a ``users`` row)."""
    return f"collection_visible({owner}, {viewer})"


VISIBLE_TO_VIEWER = visible_sql()
