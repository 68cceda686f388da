"""Fixtures for the server tests (helpers live in ``server_stack.py``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from server_stack import ServerProcess, Stack, make_config


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    config = make_config()
    config_path = tmp_path / "server-config.json"
    config_path.write_text(json.dumps(config))
    mock = ServerProcess(
        ["mock-platform", "--host", "127.0.0.1", "--port", "0", "--config", str(config_path)]
    ).start()
    config["tiktok"]["api_base_url"] = config["web"]["checkout_url"] = mock.url
    config_path.write_text(json.dumps(config))
    http = httpx.Client(timeout=120)
    st = Stack(tmp_path, config, config_path, tmp_path / "ledger.sqlite3", mock, mock, http)
    try:
        st.start_backend()
        yield st
    finally:
        http.close()
        codes = {"backend": st.backend.stop() if st.backend is not mock else 0, "mock": mock.stop()}
        assert codes == {"backend": 0, "mock": 0}, f"servers did not stop cleanly: {codes}"
