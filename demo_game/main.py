"""The demo game's Python: runs in Pyodide and talks to the page's JavaScript through gameport.

It starts the platform (TikTok, Meta or the web, detected), tells it the game is ready, then shows the bridge
itself; the full demo game (login, ads, purchases, ...) comes later.
"""

import sys

from gameport import Capability, GameConfig, platform
from gameport.bridge import default_bridge

CONFIG = GameConfig.from_json(
    '{"environment": "sandbox", "platforms": {"tiktok": {"sandbox": {"client_key": "ck-demo-public"}}}}'
)

await platform.init(config=CONFIG)
if platform.supports(Capability.LOADING_PROGRESS):
    await platform.set_loading_progress(1.0)
await platform.ready()
bridge = default_bridge()
bridge.call_sync("demoUi.ready", platform.name.value)

python_version = sys.version.split()[0]
await bridge.call("demoUi.show", f"Python {python_version} running in Pyodide ({sys.platform})")
echoed = await bridge.call("demoUi.delayedEcho", "a JavaScript Promise", 300)
await bridge.call("demoUi.show", f"Python awaited {echoed}")
answer = await bridge.call_cb("demoUi.callbackStyle", {"value": 42})
await bridge.call("demoUi.show", f"A callback-style call answered {answer}")
await bridge.call("demoUi.show", f"Browser: {bridge.get('navigator.userAgent')}")
