"""Message texts by key and language. Placeholders use str.format names."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # Errors: short, for a person; details go to the log.
    "error.unexpected": {
        "en": "Something went wrong. The details are in {log}.",
        "es": "Algo ha fallado. Los detalles están en {log}.",
    },
    "error.bad_username": {
        "en": "“{value}” is not a valid Instagram user name (letters, digits, dots and underscores, "
        "at most 30).",
        "es": "«{value}» no es un nombre de usuario de Instagram válido (letras, cifras, puntos y "
        "guiones bajos, 30 como máximo).",
    },
    "error.bad_date": {
        "en": "“{value}” is not a date; use YYYY-MM-DD.",
        "es": "«{value}» no es una fecha; usa AAAA-MM-DD.",
    },
    "error.bad_archive": {
        "en": "{path} is not a folder of instaloader downloads.",
        "es": "{path} no es una carpeta de descargas de instaloader.",
    },
    "error.no_session": {
        "en": "No saved login for “{user}”. Run: python -m scraper login {user}",
        "es": "No hay un inicio de sesión guardado para «{user}». Ejecuta: python -m scraper login {user}",
    },
    "error.several_sessions": {
        "en": "Several logins are saved ({users}); choose one with --session.",
        "es": "Hay varios inicios de sesión guardados ({users}); elige uno con --session.",
    },
    "error.bad_session_file": {
        "en": "That is not an instaloader session file.",
        "es": "Eso no es un archivo de sesión de instaloader.",
    },
    "error.not_found": {
        "en": "The account “{user}” does not exist on Instagram.",
        "es": "La cuenta «{user}» no existe en Instagram.",
    },
    "error.bad_group": {
        "en": "“{value}” is not a group name: 1 to 64 lowercase letters, digits, dots, dashes and "
        "underscores, starting with a letter or digit.",
        "es": "«{value}» no es un nombre de grupo: de 1 a 64 letras minúsculas, cifras, puntos, guiones "
        "y guiones bajos, empezando por una letra o cifra.",
    },
    "error.no_group": {
        "en": "There is no group “{group}”. See them with: python -m scraper groups list",
        "es": "No hay ningún grupo «{group}». Puedes verlos con: python -m scraper groups list",
    },
    "error.empty_query": {
        "en": "“{value}” has no word to search for.",
        "es": "«{value}» no tiene ninguna palabra que buscar.",
    },
    "error.bad_period": {
        "en": "--until {until} comes before --since {since}.",
        "es": "--until {until} es anterior a --since {since}.",
    },
    "error.not_stored": {
        "en": "The account “{user}” is not in the archive.",
        "es": "La cuenta «{user}» no está en el archivo.",
    },
    "error.private": {
        "en": "“{user}” is private: log in with an account that follows it.",
        "es": "«{user}» es privada: inicia sesión con una cuenta que la siga.",
    },
    "error.comments_login": {
        "en": "Instagram shows comments only to a logged-in account: log in first "
        "(python -m scraper login YOUR_ACCOUNT), then sync “{user}” with --comments again.",
        "es": "Instagram solo muestra los comentarios a una cuenta con sesión iniciada: inicia sesión "
        "primero (python -m scraper login TU_CUENTA) y vuelve a sincronizar «{user}» con --comments.",
    },
    "error.login_required": {
        "en": "Instagram asks for a login to show more of “{user}”. Log in and sync again; "
        "what was fetched is kept.",
        "es": "Instagram pide iniciar sesión para mostrar más de «{user}». Inicia sesión y sincroniza "
        "de nuevo; lo descargado se conserva.",
    },
    "error.session_expired": {
        "en": "The saved login has expired or was logged out. Log in again.",
        "es": "El inicio de sesión guardado ha caducado o se cerró. Vuelve a iniciar sesión.",
    },
    "error.checkpoint": {
        "en": "Instagram wants you to confirm this login (checkpoint). Open Instagram in a browser, "
        "confirm it, then log in again.",
        "es": "Instagram quiere que confirmes este inicio de sesión (checkpoint). Abre Instagram en un "
        "navegador, confírmalo y vuelve a iniciar sesión.",
    },
    "error.bad_credentials": {
        "en": "Wrong user name or password.",
        "es": "Usuario o contraseña incorrectos.",
    },
    "error.two_factor_failed": {
        "en": "The two-factor code was not accepted.",
        "es": "El código de verificación en dos pasos no se aceptó.",
    },
    "error.rate_limited": {
        "en": "Instagram is limiting requests. Try again after {retry_at} (in about {minutes} min); "
        "what was fetched is kept.",
        "es": "Instagram está limitando las peticiones. Vuelve a intentarlo después de las {retry_at} "
        "(en unos {minutes} min); lo descargado se conserva.",
    },
    "error.network": {
        "en": "Instagram could not be reached. Check the connection and try again; what was fetched is kept.",
        "es": "No se pudo conectar con Instagram. Comprueba la conexión y vuelve a intentarlo; "
        "lo descargado se conserva.",
    },
    "error.instagram_down": {
        "en": "Instagram answered with an error ({status}). Try again later; what was fetched is kept.",
        "es": "Instagram respondió con un error ({status}). Inténtalo más tarde; lo descargado se conserva.",
    },
    "error.cleanup_empty": {
        "en": "The database stores no account, so every file under {media} would be deleted. Check --db "
        "and --media-dir.",
        "es": "La base de datos no guarda ninguna cuenta, así que se borrarían todos los archivos de {media}. "
        "Revisa --db y --media-dir.",
    },
    "error.rate_store": {
        "en": "The shared request budget ({where}) cannot be reached, so nothing more was asked of "
        "Instagram. Check that Redis runs and SCRAPER_RATE_URL; what was fetched is kept.",
        "es": "No se puede acceder al límite de peticiones compartido ({where}), así que no se ha pedido "
        "nada más a Instagram. Comprueba que Redis funciona y SCRAPER_RATE_URL; lo descargado se conserva.",
    },
    "error.busy": {
        "en": "“{user}” is already being synced by another process.",
        "es": "Otro proceso ya está sincronizando «{user}».",
    },
    "error.bad_every": {
        "en": "“{value}” is not an interval of at least 10 minutes; use e.g. 30m, 6h or 1d.",
        "es": "«{value}» no es un intervalo de al menos 10 minutos; usa por ejemplo 30m, 6h o 1d.",
    },
    "error.worker_lost": {
        "en": "The worker syncing “{user}” stopped answering. Start the sync again: it continues where "
        "it stopped.",
        "es": "El proceso que sincronizaba «{user}» ha dejado de responder. Vuelve a lanzar la "
        "sincronización: sigue donde se quedó.",
    },
    "error.broker_unreachable": {
        "en": "The job queue (SCRAPER_BROKER_URL) cannot be reached, so the sync was not started. The "
        "details are in {log}.",
        "es": "No se puede conectar con la cola de tareas (SCRAPER_BROKER_URL), así que la "
        "sincronización no ha empezado. Los detalles están en {log}.",
    },
    "error.interrupted": {
        "en": "Sync interrupted; the next run continues where it stopped.",
        "es": "Sincronización interrumpida; la próxima ejecución sigue donde se quedó.",
    },
    "error.disk_full": {
        "en": "The disk is full; free some space and sync again.",
        "es": "El disco está lleno; libera espacio y sincroniza de nuevo.",
    },
    # Command line.
    "cli.sync.progress": {
        "en": "{user}: {done} of {total} posts",
        "es": "{user}: {done} de {total} publicaciones",
    },
    "cli.sync.progress_unknown": {
        "en": "{user}: {done} posts",
        "es": "{user}: {done} publicaciones",
    },
    "cli.sync.wait": {
        "en": "{user}: Instagram's rate limit, waiting {seconds} s (until {until})",
        "es": "{user}: límite de Instagram, esperando {seconds} s (hasta las {until})",
    },
    "cli.sync.done": {
        "en": "{user}: {new} new, {updated} updated, {media} files, {requests} API requests, {seconds} s",
        "es": "{user}: {new} nuevas, {updated} actualizadas, {media} archivos, {requests} peticiones, "
        "{seconds} s",
    },
    "cli.sync.comments_progress": {
        "en": "{user}: comments of {done} of {total} posts",
        "es": "{user}: comentarios de {done} de {total} publicaciones",
    },
    "cli.sync.comments_done": {
        "en": "{user}: comments: {new} new, {updated} changed, {deleted} deleted",
        "es": "{user}: comentarios: {new} nuevos, {updated} cambiados, {deleted} borrados",
    },
    "cli.sync.files_failed": {
        "en": "{user}: {count} files could not be downloaded; the next sync tries them again.",
        "es": "{user}: {count} archivos no se pudieron descargar; la próxima sincronización los intentará de nuevo.",
    },
    "cli.sync.failed": {
        "en": "{user}: {message}",
        "es": "{user}: {message}",
    },
    "cli.accounts.header": {
        "en": "account\tposts\tlast sync\tstatus",
        "es": "cuenta\tpublicaciones\túltima sincronización\testado",
    },
    "cli.accounts.empty": {
        "en": "No accounts stored yet. Start with: python -m scraper sync USERNAME",
        "es": "Aún no hay cuentas. Empieza con: python -m scraper sync USUARIO",
    },
    "cli.accounts.never": {"en": "never", "es": "nunca"},
    "cli.cleanup.done": {
        "en": "Deleted {files} unused files, {size} freed.",
        "es": "Borrados {files} archivos sin uso, {size} liberados.",
    },
    "cli.cleanup.dry_run": {
        "en": "Would delete {files} unused files, {size}.",
        "es": "Se borrarían {files} archivos sin uso, {size}.",
    },
    "cli.import.done": {
        "en": "Imported {user}: {posts} posts, {files} files, {errors} files with errors.",
        "es": "Importado {user}: {posts} publicaciones, {files} archivos, {errors} archivos con errores.",
    },
    "cli.import.file_error": {
        "en": "Skipped {path}: {reason}",
        "es": "Omitido {path}: {reason}",
    },
    "cli.demo.done": {
        "en": "{user}: {posts} posts stored (demo data)",
        "es": "{user}: {posts} publicaciones guardadas (datos de demostración)",
    },
    "cli.groups.added": {
        "en": "Group {group}: {users} added.",
        "es": "Grupo {group}: se han añadido {users}.",
    },
    "cli.groups.removed": {
        "en": "Group {group}: {users} taken out.",
        "es": "Grupo {group}: se han quitado {users}.",
    },
    "cli.groups.deleted": {
        "en": "Group {group} deleted; its accounts stay in the archive.",
        "es": "Se ha borrado el grupo {group}; sus cuentas siguen en el archivo.",
    },
    "cli.groups.empty": {
        "en": "No group yet. Make one with: python -m scraper groups add NAME USERNAME...",
        "es": "Aún no hay grupos. Crea uno con: python -m scraper groups add NOMBRE USUARIO...",
    },
    "cli.groups.line": {
        "en": "{group} ({count}): {users}",
        "es": "{group} ({count}): {users}",
    },
    "cli.hashes.progress": {
        "en": "Hashing pictures: {done} of {total}",
        "es": "Calculando huellas de imágenes: {done} de {total}",
    },
    "cli.hashes.missing": {
        "en": "Skipped {path}: the file is missing",
        "es": "Omitido {path}: falta el archivo",
    },
    "cli.hashes.unreadable": {
        "en": "Skipped {path}: the file is not a picture that can be read",
        "es": "Omitido {path}: el archivo no es una imagen legible",
    },
    "cli.hashes.done": {
        "en": "Hashed {hashed} pictures in {seconds} s; {plain} plain pictures without a hash; "
        "{failed} files skipped (not tried again).",
        "es": "Huellas de {hashed} imágenes en {seconds} s; {plain} imágenes lisas sin huella; "
        "{failed} archivos omitidos (no se volverán a intentar).",
    },
    "cli.watch.added": {
        "en": "Watching {users}: synced every {every}.",
        "es": "En seguimiento {users}: se sincroniza cada {every}.",
    },
    "cli.watch.removed": {
        "en": "No longer watched: {users} (stored posts are kept).",
        "es": "Ya no se sigue: {users} (las publicaciones guardadas se conservan).",
    },
    "cli.watch.not_watched": {
        "en": "Not on the watch list: {users}",
        "es": "No están en la lista de seguimiento: {users}",
    },
    "cli.watch.header": {
        "en": "account\tevery\tlast sync started\tstatus\tnext due",
        "es": "cuenta\tcada\tinicio de la última sincronización\testado\tsiguiente",
    },
    "cli.watch.empty": {
        "en": "The watch list is empty. Add accounts with: python -m scraper watch add USERNAME",
        "es": "La lista de seguimiento está vacía. Añade cuentas con: python -m scraper watch add USUARIO",
    },
    "cli.watch.now": {"en": "now", "es": "ahora"},
    "cli.watch.queued": {
        "en": "{user}: queued for the workers",
        "es": "{user}: en cola para los procesos de sincronización",
    },
    "cli.watch.cleanup": {
        "en": "Media cleanup: {files} files deleted ({size}).",
        "es": "Limpieza de archivos: {files} archivos borrados ({size}).",
    },
    "cli.watch.paused": {
        "en": "Paused until {until}: {message}",
        "es": "En pausa hasta las {until}: {message}",
    },
    "cli.watch.running": {
        "en": "Watching {count} accounts; Ctrl-C stops.",
        "es": "Siguiendo {count} cuentas; Ctrl-C para parar.",
    },
    "cli.login.password": {
        "en": "Instagram password for {user}: ",
        "es": "Contraseña de Instagram de {user}: ",
    },
    "cli.login.two_factor": {"en": "Two-factor code: ", "es": "Código de verificación: "},
    "cli.login.done": {
        "en": "Logged in as {user}; session saved to {path}.",
        "es": "Sesión iniciada como {user}; guardada en {path}.",
    },
    # Dashboard.
    "ui.title": {"en": "Instagram archive", "es": "Archivo de Instagram"},
    "ui.accounts.heading": {"en": "Stored accounts", "es": "Cuentas guardadas"},
    "ui.accounts.demo_note": {
        "en": "Accounts marked (demo) are demo data made from replayed answers, not real Instagram accounts.",
        "es": "Las cuentas marcadas (demo) son datos de demostración hechos con respuestas simuladas, no "
        "cuentas reales de Instagram.",
    },
    "ui.col.account": {"en": "Account", "es": "Cuenta"},
    "ui.col.name": {"en": "Name", "es": "Nombre"},
    "ui.col.posts": {"en": "Posts stored", "es": "Publicaciones guardadas"},
    "ui.col.followers": {"en": "Followers", "es": "Seguidores"},
    "ui.col.last_sync": {"en": "Last sync", "es": "Última sincronización"},
    "ui.col.status": {"en": "Status", "es": "Estado"},
    "ui.demo": {"en": "(demo)", "es": "(demo)"},
    "ui.language": {"en": "Language", "es": "Idioma"},
    "ui.timezone": {"en": "Time zone", "es": "Zona horaria"},
    "ui.sync.heading": {"en": "Add or update an account", "es": "Añadir o actualizar una cuenta"},
    "ui.sync.account": {"en": "Instagram account", "es": "Cuenta de Instagram"},
    "ui.sync.account_help": {
        "en": "A user name such as ermua.udala, @ermua.udala or its profile URL.",
        "es": "Un nombre de usuario como ermua.udala, @ermua.udala o la URL de su perfil.",
    },
    "ui.sync.start": {"en": "Sync", "es": "Sincronizar"},
    "ui.sync.update": {"en": "Update", "es": "Actualizar"},
    "ui.sync.comments": {"en": "Comments too", "es": "También los comentarios"},
    "ui.sync.comments_help": {
        "en": "Stores every comment and reply (needs a login, below). The account's Update button "
        "remembers this choice.",
        "es": "Guarda todos los comentarios y respuestas (necesita iniciar sesión, abajo). El botón "
        "Actualizar de la cuenta recuerda esta elección.",
    },
    "ui.sync.comments_progress": {
        "en": "{user}: comments of {done} of {total} posts",
        "es": "{user}: comentarios de {done} de {total} publicaciones",
    },
    "ui.sync.cancel": {"en": "Cancel", "es": "Cancelar"},
    "ui.sync.queued_worker": {
        "en": "{user}: queued, waiting for a free worker",
        "es": "{user}: en cola, esperando a un proceso libre",
    },
    "ui.watch.heading": {"en": "Scheduled refreshes", "es": "Actualizaciones programadas"},
    "ui.watch.how": {
        "en": "Watched accounts are synced again at their interval while `python -m scraper watch run` "
        "or Celery beat runs (see the README).",
        "es": "Las cuentas en seguimiento se vuelven a sincronizar a su intervalo mientras se ejecuta "
        "`python -m scraper watch run` o Celery beat (ver el README).",
    },
    "ui.watch.accounts": {"en": "Watched accounts", "es": "Cuentas en seguimiento"},
    "ui.watch.every": {"en": "Every", "es": "Cada"},
    "ui.watch.next": {"en": "Next sync", "es": "Próxima sincronización"},
    "ui.watch.save": {"en": "Save schedule", "es": "Guardar programación"},
    "ui.watch.hours": {"en": "{n} h", "es": "{n} h"},
    "ui.watch.days": {"en": "{n} d", "es": "{n} d"},
    "ui.watch.minutes": {"en": "{n} min", "es": "{n} min"},
    "ui.sync.queued": {
        "en": "{user}: waiting for the sync before it",
        "es": "{user}: esperando a la sincronización anterior",
    },
    "ui.sync.profile": {"en": "{user}: reading the profile…", "es": "{user}: leyendo el perfil…"},
    "ui.sync.posts": {
        "en": "{user}: {done} of {total} posts",
        "es": "{user}: {done} de {total} publicaciones",
    },
    "ui.sync.posts_unknown": {"en": "{user}: {done} posts", "es": "{user}: {done} publicaciones"},
    "ui.sync.media": {"en": "{user}: files {done} of {total}", "es": "{user}: archivos {done} de {total}"},
    "ui.sync.waiting": {
        "en": "{user}: Instagram's rate limit, waiting {seconds} s",
        "es": "{user}: límite de Instagram, esperando {seconds} s",
    },
    "ui.sync.done": {
        "en": "{user}: {new} new posts, {updated} updated.",
        "es": "{user}: {new} publicaciones nuevas, {updated} actualizadas.",
    },
    "ui.sync.details": {"en": "Details", "es": "Detalles"},
    "ui.sync.details_log": {
        "en": "Technical details are in the log file {log}.",
        "es": "Los detalles técnicos están en el archivo de registro {log}.",
    },
    "ui.sync.as": {"en": "Sync as", "es": "Sincronizar como"},
    "ui.sync.anonymous": {"en": "not logged in", "es": "sin iniciar sesión"},
    "ui.accounts.posts_short": {"en": "{posts} posts · {when}", "es": "{posts} publicaciones · {when}"},
    "ui.login.heading": {
        "en": "Log in to Instagram (optional)",
        "es": "Iniciar sesión en Instagram (opcional)",
    },
    "ui.login.why": {
        "en": "Logged out, Instagram shows little more than the first 12 posts of an account; logged in, "
        "a sync gets them all and costs fewer requests.",
        "es": "Sin iniciar sesión, Instagram apenas muestra las 12 primeras publicaciones de una cuenta; con "
        "sesión, la sincronización las obtiene todas y hace menos peticiones.",
    },
    "ui.login.user": {"en": "Instagram user name", "es": "Usuario de Instagram"},
    "ui.login.password": {"en": "Password", "es": "Contraseña"},
    "ui.login.submit": {"en": "Log in", "es": "Iniciar sesión"},
    "ui.login.code": {"en": "Two-factor code", "es": "Código de verificación"},
    "ui.login.code_submit": {"en": "Send code", "es": "Enviar código"},
    "ui.login.upload": {
        "en": "Or upload an instaloader session file",
        "es": "O sube un archivo de sesión de instaloader",
    },
    "ui.login.upload_submit": {"en": "Use this session", "es": "Usar esta sesión"},
    "ui.login.done": {"en": "Logged in as {user}.", "es": "Sesión iniciada como {user}."},
    "ui.pick.account": {"en": "Account", "es": "Cuenta"},
    "ui.pick.accounts": {"en": "Accounts to compare", "es": "Cuentas a comparar"},
    "ui.pick.group": {"en": "Group", "es": "Grupo"},
    "ui.pick.no_group": {"en": "No group", "es": "Ningún grupo"},
    "ui.group.unknown": {
        "en": "There is no group “{group}”: showing the accounts instead. Groups are made on the Stored "
        "accounts page.",
        "es": "No hay ningún grupo «{group}»: se muestran las cuentas. Los grupos se crean en la página "
        "Cuentas guardadas.",
    },
    "ui.group.empty": {
        "en": "The group {group} has no accounts yet: add some on the Stored accounts page.",
        "es": "El grupo {group} aún no tiene cuentas: añádelas en la página Cuentas guardadas.",
    },
    "ui.group.comparing": {
        "en": "Comparing the {count} accounts of the group {group}. Choose “No group” to pick accounts "
        "one by one.",
        "es": "Se comparan las {count} cuentas del grupo {group}. Elige «Ningún grupo» para escoger las "
        "cuentas una a una.",
    },
    "ui.groups.heading": {"en": "Groups", "es": "Grupos"},
    "ui.groups.how": {
        "en": "A group puts stored accounts together (a town's council, clubs, festivals...). Pick it "
        "beside the account on any page, or on Compare to compare its accounts; a link with "
        "?group=NAME opens it.",
        "es": "Un grupo junta cuentas guardadas (el ayuntamiento, los clubes, las fiestas de un pueblo...). "
        "Elígelo junto a la cuenta en cualquier página, o en Comparar para comparar sus cuentas; un "
        "enlace con ?group=NOMBRE lo abre.",
    },
    "ui.groups.group": {"en": "Group", "es": "Grupo"},
    "ui.groups.count": {"en": "Accounts", "es": "Cuentas"},
    "ui.groups.members": {"en": "Accounts in the group", "es": "Cuentas del grupo"},
    "ui.groups.edit": {"en": "Group to change", "es": "Grupo a cambiar"},
    "ui.groups.new": {"en": "New group", "es": "Grupo nuevo"},
    "ui.groups.name": {"en": "Group name", "es": "Nombre del grupo"},
    "ui.groups.name_help": {
        "en": "1 to 64 lowercase letters, digits, dots, dashes and underscores; it goes in links as "
        "?group=NAME.",
        "es": "De 1 a 64 minúsculas, cifras, puntos, guiones y guiones bajos; va en los enlaces como "
        "?group=NOMBRE.",
    },
    "ui.groups.create": {"en": "Create group", "es": "Crear grupo"},
    "ui.groups.save": {"en": "Save accounts", "es": "Guardar cuentas"},
    "ui.groups.delete": {"en": "Delete group", "es": "Borrar grupo"},
    "ui.groups.delete_help": {
        "en": "Its accounts stay in the archive.",
        "es": "Sus cuentas siguen en el archivo.",
    },
    "ui.groups.exists": {
        "en": "There is already a group “{group}”: choose it above to change it.",
        "es": "Ya hay un grupo «{group}»: elígelo arriba para cambiarlo.",
    },
    "ui.groups.created": {
        "en": "Group {group} created with {count} accounts.",
        "es": "Se ha creado el grupo {group} con {count} cuentas.",
    },
    "ui.groups.saved": {
        "en": "Group {group} now has {count} accounts.",
        "es": "El grupo {group} tiene ahora {count} cuentas.",
    },
    "ui.groups.deleted": {
        "en": "Group {group} deleted; its accounts stay in the archive.",
        "es": "Se ha borrado el grupo {group}; sus cuentas siguen en el archivo.",
    },
    "ui.pick.none": {
        "en": "No account stored yet: type one in the sidebar to sync it.",
        "es": "Aún no hay cuentas: escribe una en la barra lateral para sincronizarla.",
    },
    "ui.download_csv": {"en": "Download CSV", "es": "Descargar CSV"},
    "ui.page.profile": {"en": "Profile", "es": "Perfil"},
    "ui.page.gallery": {"en": "Gallery", "es": "Galería"},
    "ui.page.captions": {"en": "Captions", "es": "Textos"},
    "ui.page.comments": {"en": "Comments", "es": "Comentarios"},
    "ui.page.frequency": {"en": "Posting frequency", "es": "Frecuencia"},
    "ui.page.engagement": {"en": "Engagement", "es": "Interacción"},
    "ui.page.compare": {"en": "Compare", "es": "Comparar"},
    "ui.page.search": {"en": "Search", "es": "Buscar"},
    "ui.search.query": {
        "en": "Search the captions and comments",
        "es": "Buscar en los textos y los comentarios",
    },
    "ui.search.since": {"en": "From", "es": "Desde"},
    "ui.search.until": {"en": "To", "es": "Hasta"},
    "ui.search.hint": {
        "en": "Type one or more words to search the captions and comments of every stored account (or "
        "of the group picked) at once. Accents and case are ignored, and the last word also matches "
        "the start of a word: fiest finds fiestas.",
        "es": "Escribe una o más palabras para buscar a la vez en los textos y comentarios de todas las "
        "cuentas guardadas (o de las del grupo elegido). No importan las tildes ni las mayúsculas, y la "
        "última palabra también encuentra el principio de una palabra: fiest encuentra fiestas.",
    },
    "ui.search.scope_all": {
        "en": "Searching the {count} stored accounts.",
        "es": "Buscando en las {count} cuentas guardadas.",
    },
    "ui.search.scope_group": {
        "en": "Searching the {count} accounts of the group {group}.",
        "es": "Buscando en las {count} cuentas del grupo {group}.",
    },
    "ui.search.none": {
        "en": "No caption or comment holds those words.",
        "es": "Ningún texto ni comentario contiene esas palabras.",
    },
    "ui.search.per_week": {
        "en": "Matches per week (weeks from Monday, UTC)",
        "es": "Coincidencias por semana (semanas desde el lunes, UTC)",
    },
    "ui.search.kind": {"en": "Count", "es": "Contar"},
    "ui.search.kind.all": {"en": "Captions and comments", "es": "Textos y comentarios"},
    "ui.search.kind.caption": {"en": "Captions", "es": "Textos"},
    "ui.search.kind.comment": {"en": "Comments", "es": "Comentarios"},
    "ui.search.results": {"en": "Matches, newest first", "es": "Coincidencias, las más recientes primero"},
    "ui.search.page": {"en": "Page", "es": "Página"},
    "ui.search.shown": {
        "en": "{first}–{last} of {total} captions and comments",
        "es": "{first}–{last} de {total} textos y comentarios",
    },
    "ui.search.caption": {"en": "caption of @{user}", "es": "texto de @{user}"},
    "ui.search.comment": {"en": "comment by @{owner} on @{user}", "es": "comentario de @{owner} en @{user}"},
    "ui.search.deleted": {"en": "deleted: vanished {when}", "es": "borrado: desapareció el {when}"},
    "ui.search.back": {"en": "Back to the search", "es": "Volver a la búsqueda"},
    "ui.page.community": {"en": "Community", "es": "Comunidad"},
    "ui.profile.followers": {"en": "Followers", "es": "Seguidores"},
    "ui.profile.followees": {"en": "Following", "es": "Seguidos"},
    "ui.profile.posts": {"en": "Posts on Instagram", "es": "Publicaciones en Instagram"},
    "ui.profile.stored": {"en": "Posts stored", "es": "Publicaciones guardadas"},
    "ui.profile.last_sync": {"en": "Last sync: {when}", "es": "Última sincronización: {when}"},
    "ui.profile.never": {"en": "Not synced yet", "es": "Aún sin sincronizar"},
    "ui.profile.private": {"en": "Private account", "es": "Cuenta privada"},
    "ui.profile.verified": {"en": "Verified", "es": "Verificada"},
    "ui.profile.growth": {"en": "Follower growth", "es": "Evolución de seguidores"},
    "ui.profile.growth_one": {
        "en": "Follower growth appears after the second sync.",
        "es": "La evolución de seguidores aparece tras la segunda sincronización.",
    },
    "ui.profile.demo": {
        "en": "Demo data: made from replayed answers, not a real Instagram account.",
        "es": "Datos de demostración: hechos con respuestas simuladas, no es una cuenta real de Instagram.",
    },
    "ui.gallery.sort": {"en": "Sort by", "es": "Ordenar por"},
    "ui.gallery.sort.date": {"en": "Date", "es": "Fecha"},
    "ui.gallery.sort.likes": {"en": "Likes", "es": "Me gusta"},
    "ui.gallery.sort.comments": {"en": "Comments", "es": "Comentarios"},
    "ui.gallery.sort.engagement": {"en": "Engagement", "es": "Interacción"},
    "ui.gallery.from": {"en": "From", "es": "Desde"},
    "ui.gallery.to": {"en": "To", "es": "Hasta"},
    "ui.gallery.types": {"en": "Type", "es": "Tipo"},
    "ui.gallery.type.image": {"en": "Image", "es": "Imagen"},
    "ui.gallery.type.video": {"en": "Video", "es": "Vídeo"},
    "ui.gallery.type.carousel": {"en": "Carousel", "es": "Carrusel"},
    "ui.gallery.hashtag": {"en": "Hashtag", "es": "Hashtag"},
    "ui.gallery.text": {"en": "Caption contains", "es": "El texto contiene"},
    "ui.gallery.page": {"en": "Page", "es": "Página"},
    "ui.gallery.count": {"en": "{shown} of {total} posts", "es": "{shown} de {total} publicaciones"},
    "ui.gallery.none": {"en": "No post matches.", "es": "Ninguna publicación coincide."},
    "ui.gallery.open": {"en": "Open", "es": "Abrir"},
    "ui.gallery.no_image": {"en": "(no image)", "es": "(sin imagen)"},
    "ui.gallery.deleted": {"en": "deleted", "es": "borrada"},
    "ui.gallery.edited": {"en": "caption edited", "es": "texto editado"},
    "ui.gallery.pinned": {"en": "pinned", "es": "fijada"},
    "ui.post.back": {"en": "Back to the gallery", "es": "Volver a la galería"},
    "ui.post.counts": {
        "en": "{likes} likes · {comments} comments · {date}",
        "es": "{likes} me gusta · {comments} comentarios · {date}",
    },
    "ui.post.views": {"en": "{views} views", "es": "{views} reproducciones"},
    "ui.post.tagged": {"en": "Tagged: {users}", "es": "Etiquetados: {users}"},
    "ui.post.link": {"en": "Open on Instagram", "es": "Abrir en Instagram"},
    "ui.post.deleted": {
        "en": "Deleted from Instagram (noticed {when}).",
        "es": "Borrada de Instagram (detectado el {when}).",
    },
    "ui.post.history": {"en": "Earlier captions", "es": "Textos anteriores"},
    "ui.post.replaced": {"en": "Replaced {when}", "es": "Sustituido el {when}"},
    "ui.post.video_missing": {
        "en": "The video file was not downloaded (sync with --videos).",
        "es": "El vídeo no se descargó (sincroniza con --videos).",
    },
    "ui.post.not_found": {
        "en": "That post is not in the archive.",
        "es": "Esa publicación no está en el archivo.",
    },
    "ui.captions.search": {"en": "Search captions", "es": "Buscar en los textos"},
    "ui.captions.matches": {"en": "{count} posts match", "es": "{count} publicaciones coinciden"},
    "ui.captions.hashtags": {"en": "Top hashtags", "es": "Hashtags más usados"},
    "ui.captions.mentions": {"en": "Top mentions", "es": "Menciones más usadas"},
    "ui.captions.length": {"en": "Caption length over time", "es": "Longitud de los textos"},
    "ui.captions.words": {"en": "Most used words", "es": "Palabras más usadas"},
    "ui.comments.none": {
        "en": "No comments of {user} are stored yet. Instagram shows comments only to a logged-in "
        "account: log in (in the sidebar, or python -m scraper login YOUR_ACCOUNT), then sync the "
        "account with “Comments too” ticked, or run python -m scraper sync {user} --comments.",
        "es": "Aún no hay comentarios guardados de {user}. Instagram solo muestra los comentarios a una "
        "cuenta con sesión iniciada: inicia sesión (en la barra lateral, o python -m scraper login "
        "TU_CUENTA) y sincroniza la cuenta marcando «También los comentarios», o ejecuta "
        "python -m scraper sync {user} --comments.",
    },
    "ui.comments.stored": {"en": "Comments stored", "es": "Comentarios guardados"},
    "ui.comments.replies": {"en": "Of them replies", "es": "De ellos, respuestas"},
    "ui.comments.commenters": {"en": "People commenting", "es": "Personas que comentan"},
    "ui.comments.posts": {"en": "Posts with comments", "es": "Publicaciones con comentarios"},
    "ui.comments.deleted_count": {"en": "Deleted since", "es": "Borrados después"},
    "ui.comments.per_week": {"en": "Comments per week ({tz})", "es": "Comentarios por semana ({tz})"},
    "ui.comments.top": {"en": "Who comments most", "es": "Quién comenta más"},
    "ui.comments.top_note": {
        "en": "The 20 people with most comments and replies, the account's own left out; posts: how "
        "many of its posts each one commented on.",
        "es": "Las 20 personas con más comentarios y respuestas, sin los de la propia cuenta; "
        "publicaciones: en cuántas de sus publicaciones ha comentado cada una.",
    },
    "ui.comments.answers": {"en": "How the account answers", "es": "Cómo responde la cuenta"},
    "ui.comments.answered": {"en": "Comments answered", "es": "Comentarios respondidos"},
    "ui.comments.answer_time": {
        "en": "Median time to the first answer",
        "es": "Mediana del tiempo hasta la primera respuesta",
    },
    "ui.comments.answers_note": {
        "en": "Top-level comments by others that got a reply from the account itself: {answered} of "
        "{total}. The time runs from the comment to the account's first reply to it.",
        "es": "Comentarios de otros (no respuestas) que recibieron una respuesta de la propia cuenta: "
        "{answered} de {total}. El tiempo va del comentario a la primera respuesta de la cuenta.",
    },
    "ui.comments.minutes": {"en": "{n} min", "es": "{n} min"},
    "ui.comments.hours": {"en": "{n} h", "es": "{n} h"},
    "ui.comments.days": {"en": "{n} days", "es": "{n} días"},
    "ui.comments.discussed": {"en": "Most discussed posts", "es": "Publicaciones más comentadas"},
    "ui.comments.discussed_tile": {
        "en": "{comments} stored · {people} people",
        "es": "{comments} guardados · {people} personas",
    },
    "ui.comments.search": {"en": "Search comments", "es": "Buscar en los comentarios"},
    "ui.comments.matches": {"en": "{count} comments match", "es": "{count} comentarios coinciden"},
    "ui.comments.deleted": {"en": "Deleted comments", "es": "Comentarios borrados"},
    "ui.comments.deleted_note": {
        "en": "{count} stored comments have vanished from Instagram (the newest {shown} are listed); "
        "“vanished” is when a sync noticed.",
        "es": "{count} comentarios guardados han desaparecido de Instagram (se listan los {shown} más "
        "recientes); «desapareció» es cuándo lo detectó una sincronización.",
    },
    "ui.comments.deleted_none": {
        "en": "No stored comment has vanished from Instagram.",
        "es": "Ningún comentario guardado ha desaparecido de Instagram.",
    },
    "ui.comments.back": {"en": "Back to the comments", "es": "Volver a los comentarios"},
    "ui.post.thread": {"en": "Comments", "es": "Comentarios"},
    "ui.post.thread_none": {
        "en": "No comments of this post are stored (they are read by syncs with comments, logged in).",
        "es": "No hay comentarios guardados de esta publicación (los leen las sincronizaciones con "
        "comentarios, con sesión iniciada).",
    },
    "ui.post.thread_count": {
        "en": "{shown} of {total} comments (with their replies)",
        "es": "{shown} de {total} comentarios (con sus respuestas)",
    },
    "ui.post.thread_page": {"en": "Comments page", "es": "Página de comentarios"},
    "ui.post.comment_deleted": {
        "en": "deleted: vanished {when}",
        "es": "borrado: desapareció el {when}",
    },
    "ui.frequency.period": {"en": "Posts per", "es": "Publicaciones por"},
    "ui.frequency.day": {"en": "day", "es": "día"},
    "ui.frequency.week": {"en": "week", "es": "semana"},
    "ui.frequency.month": {"en": "month", "es": "mes"},
    "ui.frequency.heatmap": {"en": "Weekday and hour ({tz})", "es": "Día y hora ({tz})"},
    "ui.frequency.calendar": {"en": "Calendar", "es": "Calendario"},
    "ui.frequency.median_gap": {
        "en": "Median days between posts",
        "es": "Mediana de días entre publicaciones",
    },
    "ui.frequency.longest_pause": {"en": "Longest pause (days)", "es": "Pausa más larga (días)"},
    "ui.frequency.last_30": {"en": "Posts in the last 30 days", "es": "Publicaciones en los últimos 30 días"},
    "ui.frequency.streak": {"en": "Longest daily streak", "es": "Racha diaria más larga"},
    "ui.engagement.metric": {"en": "Metric", "es": "Métrica"},
    "ui.engagement.rate": {"en": "Engagement rate", "es": "Tasa de interacción"},
    "ui.engagement.by_type": {"en": "By post type", "es": "Por tipo de publicación"},
    "ui.engagement.when": {
        "en": "When posting works best ({tz})",
        "es": "Cuándo funciona mejor publicar ({tz})",
    },
    "ui.engagement.top": {"en": "Top posts", "es": "Mejores publicaciones"},
    "ui.engagement.bottom": {"en": "Bottom posts", "es": "Peores publicaciones"},
    "ui.engagement.growth": {
        "en": "How posts grew between syncs",
        "es": "Cómo crecieron entre sincronizaciones",
    },
    "ui.engagement.growth_none": {
        "en": "Growth curves appear once posts have been seen by several syncs.",
        "es": "Las curvas de crecimiento aparecen cuando varias sincronizaciones han visto las publicaciones.",
    },
    "ui.compare.pick_two": {
        "en": "Choose two or more accounts to compare.",
        "es": "Elige dos o más cuentas para comparar.",
    },
    "ui.compare.frequency": {"en": "Posting frequency", "es": "Frecuencia de publicación"},
    "ui.compare.engagement": {"en": "Engagement", "es": "Interacción"},
    "ui.compare.types": {"en": "Type mix", "es": "Tipos de publicación"},
    "ui.compare.followers": {"en": "Follower growth", "es": "Evolución de seguidores"},
    "ui.community.pick_group": {
        "en": "Choose a group to see its network: who its accounts mention, tag and hear from. Groups are "
        "made on the Stored accounts page (or with python -m scraper groups add NAME ACCOUNT...).",
        "es": "Elige un grupo para ver su red: a quién mencionan, etiquetan y quién comenta en sus cuentas. "
        "Los grupos se crean en la página Cuentas guardadas (o con python -m scraper groups add NOMBRE "
        "CUENTA...).",
    },
    "ui.community.members": {
        "en": "The network of the {count} accounts of the group {group}.",
        "es": "La red de las {count} cuentas del grupo {group}.",
    },
    "ui.community.network": {"en": "Network", "es": "Red"},
    "ui.community.kinds": {"en": "Kinds of link", "es": "Tipos de relación"},
    "ui.community.min_weight": {"en": "Minimum weight", "es": "Peso mínimo"},
    "ui.community.min_weight_help": {
        "en": "Posts for mentions and tags, comments and replies for comments.",
        "es": "Publicaciones para menciones y etiquetas; comentarios y respuestas para comentarios.",
    },
    "ui.community.top": {"en": "People around shown", "es": "Personas alrededor mostradas"},
    "ui.community.shown": {
        "en": "{nodes} accounts and {edges} links shown; {hidden} people around with less weight hidden.",
        "es": "Se muestran {nodes} cuentas y {edges} relaciones; se ocultan {hidden} personas alrededor "
        "con menos peso.",
    },
    "ui.community.no_edges": {
        "en": "No links of these kinds and weight. Syncs with comments (logged in, Comments too) add "
        "who comments on the group.",
        "es": "No hay relaciones de estos tipos y peso. Las sincronizaciones con comentarios (con sesión, "
        "Comentarios también) añaden quién comenta en el grupo.",
    },
    "ui.community.gexf": {"en": "Download GEXF", "es": "Descargar GEXF"},
    "ui.community.graphml": {"en": "Download GraphML", "es": "Descargar GraphML"},
    "ui.community.files": {
        "en": "The whole network with these filters, for Gephi or networkx.",
        "es": "La red entera con estos filtros, para Gephi o networkx.",
    },
    "ui.community.connectors": {
        "en": "The people who connect most accounts",
        "es": "Las personas que conectan más cuentas",
    },
    "ui.community.no_connectors": {
        "en": "Nobody is linked to two accounts of the group yet.",
        "es": "Todavía nadie está relacionado con dos cuentas del grupo.",
    },
    "ui.community.hashtags": {
        "en": "Hashtags shared by several accounts",
        "es": "Hashtags compartidos por varias cuentas",
    },
    "ui.community.no_hashtags": {
        "en": "No hashtag is used by two accounts of the group.",
        "es": "Ningún hashtag lo usan dos cuentas del grupo.",
    },
    "ui.community.hashtag": {"en": "Hashtag over time", "es": "Hashtag en el tiempo"},
    "ui.community.reposts": {
        "en": "Pictures posted again",
        "es": "Imágenes publicadas de nuevo",
    },
    "ui.community.no_reposts": {
        "en": "No picture of these accounts was posted again by them (among the pictures with a hash).",
        "es": "Ninguna imagen de estas cuentas se ha vuelto a publicar entre ellas (entre las imágenes "
        "con hash).",
    },
    "ui.community.reposts_unhashed": {
        "en": "Pictures of these accounts with no hash yet, so not compared: {count}. Run "
        "`python -m scraper hashes --backfill` to hash them.",
        "es": "Imágenes de estas cuentas aún sin hash, que no se comparan: {count}. Ejecuta "
        "`python -m scraper hashes --backfill` para calcularlo.",
    },
    "ui.community.reposts_page": {"en": "Page of sets", "es": "Página de grupos"},
    "ui.community.reposts_shown": {
        "en": "Sets {first}-{last} of {total}, newest first (by their first post).",
        "es": "Grupos {first}-{last} de {total}, los más recientes primero (por su primera publicación).",
    },
    "ui.community.repost_set": {
        "en": "{count} posts with the same picture, oldest first:",
        "es": "{count} publicaciones con la misma imagen, de la más antigua a la más reciente:",
    },
    "ui.community.repost_first": {"en": "Posted it first", "es": "La publicó primero"},
    "ui.community.reposts_about": {
        "en": "Pictures match when their perceptual hashes differ in {bits} bits or fewer: the same picture, "
        "re-encoded or resized. A carousel's own pictures never match each other.",
        "es": "Dos imágenes coinciden cuando sus hashes perceptuales difieren en {bits} bits o menos: la "
        "misma imagen, recomprimida o redimensionada. Las imágenes de un mismo carrusel nunca coinciden "
        "entre sí.",
    },
    "ui.no_posts": {
        "en": "No posts stored for this account yet.",
        "es": "Aún no hay publicaciones guardadas de esta cuenta.",
    },
}
