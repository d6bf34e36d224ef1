"""Syncs in the background: the job a runner hands out (``jobs``), a thread of this process
(``inprocess``), Celery workers on Redis (``queue``, with the job board in ``board``), the choice
between them (``runners``), the watch list of scheduled refreshes (``watch``) and the
notifications of each sync's changes (``notify``).

Imports the archive, the sync, the store and Instagram's side; nothing there imports it.
"""
