"""The warehouse itself: settings, one connection to either engine, the working copy and publishing, permissions.

Nothing here knows about sources, gates or outputs; everything else builds on it.
"""
