"""Wall screens (kiosk): a playlist per screen, large tiles, no controls, offline-tolerant.

The wall is a small page of its own (wall.html + assets/wall/wall.js), not a Dash page: it
polls one JSON document per screen, keeps showing the last figures when the server is away,
and reloads itself every few hours and at night, which a Dash page cannot do as simply.
"""
