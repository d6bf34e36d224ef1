"""The archive engine: Instagram accounts, through instaloader, into a database and ``media/``.

The flow, and the direction of every import (checked by ``tests/test_layout.py``):

    __main__ (command line), tasks (Celery's entry point)
      -> workers/    background runners: in-process thread, Celery tasks, job board, watch list
        -> archive   one database and media root, as the command line and the dashboard use it
          -> sync, folder_import    one account's sync; an instaloader folder's import
            -> instagram/   talking to Instagram: loader, requests, logins, rate budgets
            -> store/       models, engine and migrations, writes, media files, export
              -> config, errors, records, logs    settings, readable errors, plain records

``replay/`` (Instagram replayed for tests, benchmarks and the demo) may import all of it; nothing in
the engine imports ``replay`` but the command line's ``demo``. No module here imports streamlit.
"""
