"""Who may see a collection: the one definition, as SQL.

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
    """The rule for another parameter (``viewer``) or owner alias (``owner``)."""
    return f"""
(NOT {owner}.is_private OR {owner}.id = {viewer} OR EXISTS (
    SELECT 1 FROM profile_requests r
     WHERE r.requester_id = {viewer} AND r.target_id = {owner}.id AND r.status = 'accepted'))
"""


VISIBLE_TO_VIEWER = visible_sql()
