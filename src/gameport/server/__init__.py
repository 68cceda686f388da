"""gameport.server: the server side of gameport (an optional extra, ``pip install 'gameport[server]'``).

It is **never shipped to the browser**: it holds the platforms' secrets (TikTok client secret, Meta app
secret) and is the only place where money turns into goods. Ground rule: a payment completed on the client
is not a delivery. The server verifies trusted platform data (signed webhooks, signed requests), delivers
exactly once per order, keeps every callback it received, and can repair and reconcile its ledger against
the platform.

Modules:

* :mod:`.errors`: the one typed error tree (:class:`~.errors.ServerError` and below).
* :mod:`.unconfirmed`: every platform fact the reference marks **[unconfirmed]**, in one table.
* :mod:`.meta_signed`, :mod:`.tiktok_webhook`: pure verification (and signing, for the mock).
* :mod:`.nonce_store`, :mod:`.pg_nonce_store`: one-time nonces for Meta signed player info.
* :mod:`.tiktok_api`: async client of TikTok's OAuth and Minis trade-order APIs.
* :mod:`.ledger`: the order ledger and sessions (interfaces; SQLite and PostgreSQL implementations, their
  versioned migrations, the operator's aggregates in :mod:`.ledger.stats`).
* :mod:`.stores`: every store on one database, chosen by a path (SQLite) or a ``postgresql://`` URL.
* :mod:`.catalog`, :mod:`.risk`, :mod:`.config`: server-side prices, risk flags, configuration.
* :mod:`.reconcile`: repair of pending orders and the ledger-vs-platform report.
* :mod:`.leaderboard_store`, :mod:`.pg_leaderboard_store`, :mod:`.leaderboard_routes`: players' best
  scores per board (in the backend's database).
* :mod:`.session_auth`, :mod:`.dev_login`: the bearer-session check; the web platform's sandbox-only login.
* :mod:`.backend_app`, :mod:`.webhook_route`: the reference game backend (ASGI, Starlette).
* :mod:`.purchase_routes`, :mod:`.meta_webhook`, :mod:`.web_checkout`: Meta purchase reports, Meta payment
  webhooks, the sandbox web checkout; :mod:`.recovery`, :mod:`.web_repair`: replay after a crash, web repair.
* :mod:`.workers`: several backend processes behind one port; :mod:`.metrics`: ``/metrics``;
  :mod:`.json_logs`: JSON-line logs; :mod:`.operator_cmds`: ``order``, ``grants``, ``export``.
* :mod:`.mock_platform_app`, :mod:`.mock_purchases`: a mock of TikTok's servers, Meta's signer and webhooks,
  and the web checkout (ASGI, Starlette).
* :mod:`.cli`: ``python -m gameport.server backend | mock-platform | repair | reconcile | order | grants |
  export``.
"""
