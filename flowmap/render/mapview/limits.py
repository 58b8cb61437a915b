"""The map's size limits (kept apart so the command line can show them without loading the map)."""

#: Above this many systems, ``render_map`` draws the organisations view instead.
DEFAULT_MAX_NODES = 3000
#: Above this many organisation links, links count their assets instead of naming them.
DEFAULT_DETAIL_LIMIT = 10_000
