"""The README's capability x platform table says exactly what the adapters declare, and what a platform gets
through the game backend when configured (``leaderboard_url``)."""

from __future__ import annotations

from pathlib import Path

from gameport.adapters import load_adapter
from gameport.backend.leaderboards import BACKEND_CAPABILITIES
from gameport.capabilities import FALLBACKS, Capability

README = Path(__file__).resolve().parents[2] / "README.md"
BEGIN = "<!-- capability-table:begin -->"
END = "<!-- capability-table:end -->"
PLATFORMS = ("tiktok", "meta", "web")


def expected_table() -> str:
    declared = {name: load_adapter(name).CAPABILITIES for name in PLATFORMS}
    lines = [
        "| capability | TikTok | Meta | web | fallback when unsupported |",
        "|---|---|---|---|---|",
    ]

    def mark(capability: Capability, name: str) -> str:
        if capability in declared[name]:
            condition = load_adapter(name).CONDITIONS.get(capability)
            return f"yes ({condition})" if condition else "yes"
        return "via `leaderboard_url`" if capability in BACKEND_CAPABILITIES else "no"

    for capability in Capability:
        marks = " | ".join(mark(capability, name) for name in PLATFORMS)
        lines.append(f"| `{capability.value}` | {marks} | {FALLBACKS[capability]} |")
    return "\n".join(lines)


def test_readme_capability_table_matches_the_adapters() -> None:
    text = README.read_text()
    assert BEGIN in text and END in text, "README lost its capability-table markers"
    table = text.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert table == expected_table(), "update README.md with:\n" + expected_table()
