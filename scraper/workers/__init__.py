"""Syncs in the background: the job a runner hands out (``jobs``), a thread of this process
(``inprocess``), Celery workers on Redis (``queue``, with the job board in ``board``), the choice
between them (``runners``) and the watch list of scheduled refreshes (``watch``).

Imports the archive, the sync, the store and Instagram's side; nothing there imports it.
"""
