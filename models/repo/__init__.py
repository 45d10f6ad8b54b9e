"""Every query of the system. Functions add and flush; whoever opened the session commits.

Getters follow one convention: `get*` raises a NotFound error, `find*` returns None, and
`lock*` finds a row and locks it until commit.
"""
