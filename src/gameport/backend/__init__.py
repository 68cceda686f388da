"""The client of the game backend: the backend session (login exchange) and leaderboards through it."""
