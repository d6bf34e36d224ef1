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
    "error.not_stored": {
        "en": "The account “{user}” is not in the archive.",
        "es": "La cuenta «{user}» no está en el archivo.",
    },
    "error.private": {
        "en": "“{user}” is private: log in with an account that follows it.",
        "es": "«{user}» es privada: inicia sesión con una cuenta que la siga.",
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
    "error.busy": {
        "en": "“{user}” is already being synced by another process.",
        "es": "Otro proceso ya está sincronizando «{user}».",
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
    "cli.sync.start": {
        "en": "Syncing {user}…",
        "es": "Sincronizando {user}…",
    },
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
    "ui.accounts.empty": {
        "en": "No accounts stored yet. Sync one with: python -m scraper sync USERNAME",
        "es": "Aún no hay cuentas. Sincroniza una con: python -m scraper sync USUARIO",
    },
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
}
