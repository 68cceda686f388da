"""The benchmark behind ``python3 build.py bench``: sizes, boot times, bridge and ad costs, as ratios."""
