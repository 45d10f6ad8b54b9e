"""The `intake` command: extract and read files, serve, run workers, manage users and database."""

from __future__ import annotations

import argparse
import functools
import getpass
import json
import logging
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from extractors.reader import FileKind, ReadMode, detect_kind, read_document
from models.errors import IntakeError

if TYPE_CHECKING:
    from extractors.portal import RecordPages
    from intake.settings import Settings
    from models.schemas import Page

log = logging.getLogger("intake")


def _settings() -> Settings:
    # Imported on first use: pydantic-settings takes longer to import than a short text file
    # takes to extract, and `intake extract` needs no settings for text.
    from intake.settings import get_settings

    return get_settings()


def _read_file(path: str, mode: ReadMode) -> RecordPages:
    data = Path(path).read_bytes()
    if detect_kind(data) is FileKind.text:
        # Page limits, OCR resolution and language apply to PDFs and images only.
        return read_document(data, mode=mode)
    settings = _settings()
    return read_document(
        data,
        mode=mode,
        max_pages=settings.max_pages,
        ocr_dpi=settings.ocr_dpi,
        ocr_language=settings.ocr_language,
    )


# A worker process pays for itself only when it has this many files to read.
_FILES_PER_PROCESS = 64


def _render_profile(path: str, read: RecordPages) -> str:
    from extractors.extract import extract_facts
    from intake.profile import assemble_profile

    profile = assemble_profile(extract_facts(read.pages, entries=read.entries).facts)
    return json.dumps({"source": path, "profile": profile.model_dump(mode="json")})


def _render_fhir(path: str, read: RecordPages) -> str:
    """The file's profile as an mCODE bundle; the patient is unknown, so named by the file."""
    import datetime as dt
    import uuid

    from extractors.extract import extract_facts
    from intake.mcode import ExportInput, PatientDetails, SourceDocument, profile_bundle
    from intake.profile import assemble_profile

    profile = assemble_profile(extract_facts(read.pages).facts)
    # The same file gives the same ids on every run.
    patient_id = uuid.uuid5(uuid.NAMESPACE_URL, Path(path).resolve().as_uri())
    bundle = profile_bundle(
        ExportInput(
            profile=profile,
            patient=PatientDetails(id=patient_id),
            documents=[SourceDocument(id=None, title=path)],
            generated_at=dt.datetime.now(dt.UTC),
        )
    )
    return bundle.model_dump_json()


def _render_pages(path: str, read: RecordPages) -> str:
    return json.dumps({"source": path, "pages": [p.model_dump(mode="json") for p in read.pages]})


Render = Callable[[str, "RecordPages"], str]


def _outcome(render: Render, mode: ReadMode, path: str) -> tuple[str, str | None, str | None]:
    """Read and render one file: (path, its JSON line, or the reason it failed)."""
    try:
        return path, render(path, _read_file(path, mode)), None
    except IntakeError as error:
        return path, None, f"{error.message} ({error.reason})"
    except OSError as error:
        return path, None, f"cannot open the file ({error.strerror})"


def _each_file(paths: Sequence[str], mode: ReadMode, render: Render, jobs: int | None) -> int:
    """Print one JSON line per file, in the order given; report failures on stderr and go on.

    Many files are shared among worker processes forked once the vocabularies are loaded; the
    output is the same as one process would print.
    """
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    processes = jobs or min(available, len(paths) // _FILES_PER_PROCESS)
    one = functools.partial(_outcome, render, mode)
    failures = 0

    def report(outcomes: Iterable[tuple[str, str | None, str | None]]) -> None:
        nonlocal failures
        for path, line, problem in outcomes:
            if problem is None:
                print(line, flush=True)
            else:
                failures += 1
                print(f"intake: {path}: {problem}", file=sys.stderr, flush=True)

    if processes <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        report(map(one, paths))
    else:
        from extractors.portal import RecordPages

        render("warm-up", RecordPages([_warm_up_page()]))  # loaded once, shared by every fork
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            report(pool.imap(one, paths, chunksize=8))
    return 1 if failures else 0


def _warm_up_page() -> Page:
    from models.schemas import Page, ReadMethod

    return Page(number=1, text="Invasive carcinoma, ER positive.", method=ReadMethod.plain_text)


def cmd_extract(args: argparse.Namespace) -> int:
    render = _render_fhir if args.format == "fhir" else _render_profile
    return _each_file(args.paths, ReadMode(args.mode), render, args.jobs)


def cmd_read(args: argparse.Namespace) -> int:
    return _each_file(args.paths, ReadMode(args.mode), _render_pages, args.jobs)


def cmd_db_upgrade(_args: argparse.Namespace) -> int:
    from intake.articles_library import seed_library
    from intake.settings import create_home
    from models.db import session_scope
    from models.migrate import upgrade

    settings = _settings()
    create_home(settings)
    upgrade(settings.resolved_database_url)
    with session_scope(settings.resolved_database_url) as session:
        seed_library(session)
    return 0


def cmd_articles(args: argparse.Namespace) -> int:
    from intake.articles_library import article_from_markdown, retire_article, save_article
    from models.db import session_scope
    from models.repo import articles

    with session_scope(_settings().resolved_database_url) as session:
        try:
            if args.action == "add":
                for path in args.paths:
                    article = article_from_markdown(Path(path).stem, Path(path).read_text())
                    save_article(session, article)
                    print(json.dumps({"saved": article.slug}))
            elif args.action == "retire":
                retire_article(session, args.slug)
                print(json.dumps({"retired": args.slug}))
            else:
                for row in articles.list_all(session, include_retired=True):
                    print(
                        json.dumps({"slug": row.slug, "title": row.title, "retired": row.retired})
                    )
        except (IntakeError, ValueError) as error:
            print(f"intake: {error}", file=sys.stderr)
            return 1
    return 0


def _new_password(args: argparse.Namespace) -> str | None:
    """The password from standard input, a prompt, or (discouraged) the command line."""
    if args.password is not None:
        print(
            "intake: warning: --password is visible to other users of this machine in the "
            "process list and stays in the shell history; prefer the prompt or "
            "--password-stdin",
            file=sys.stderr,
        )
        return str(args.password)
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        print("intake: no terminal to ask for a password: use --password-stdin", file=sys.stderr)
        return None
    password = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != password:
        print("intake: the two passwords differ", file=sys.stderr)
        return None
    return password


def cmd_users_create(args: argparse.Namespace) -> int:
    from intake.accounts import create_user
    from models.db import session_scope
    from models.schemas import Role

    settings = _settings()
    password = _new_password(args)
    if password is None:
        return 2
    try:
        with session_scope(settings.resolved_database_url) as session:
            user = create_user(
                session,
                email=args.email,
                password=password,
                full_name=args.full_name or args.email,
                role=Role(args.role),
            )
            print(json.dumps({"id": str(user.id), "email": user.email, "role": user.role}))
    except IntakeError as error:
        print(f"intake: {error.message}", file=sys.stderr)
        return 1
    return 0


def cmd_users_reset(args: argparse.Namespace) -> int:
    from intake.password_resets import issue_reset
    from models.db import session_scope
    from models.repo import users

    settings = _settings()
    with session_scope(settings.resolved_database_url) as session:
        user = users.find_by_email(session, args.email)
        if user is None:
            print(f"intake: no account with the email {args.email}", file=sys.stderr)
            return 1
        issued = issue_reset(session, user, by=None)
        # The path only: the site's address is the operator's (prefix it to the path).
        print(
            json.dumps(
                {"email": user.email, "path": issued.path, "expires_at": str(issued.expires_at)}
            )
        )
    return 0


def cmd_users_set_active(args: argparse.Namespace) -> int:
    """Deactivate (ending its sessions), reactivate, or change the role of an account."""
    from intake.accounts import update_user
    from models.db import session_scope
    from models.repo import users
    from models.schemas import Role

    active = {"activate": True, "deactivate": False}.get(args.action)
    role = Role(args.role) if args.action == "role" else None
    try:
        with session_scope(_settings().resolved_database_url) as session:
            user = users.find_by_email(session, args.email)
            if user is None:
                print(f"intake: no account has the email {args.email}", file=sys.stderr)
                return 1
            update_user(session, user, active=active, role=role, by=None)
            print(
                json.dumps(
                    {
                        "id": str(user.id),
                        "email": user.email,
                        "active": user.is_active,
                        "role": str(user.role),
                    }
                )
            )
    except IntakeError as error:
        print(f"intake: {error.message} ({error.reason})", file=sys.stderr)
        return 1
    return 0


def cmd_storage_rotate(_args: argparse.Namespace) -> int:
    from intake.storage import storage_for

    try:
        count = storage_for(_settings()).rotate()
    except IntakeError as error:
        print(f"intake: {error.message} ({error.reason})", file=sys.stderr)
        return 1
    print(json.dumps({"rotated": count}))
    return 0


def worker_argv(
    settings: Settings, concurrency: int | None, queues: str | None, *, beat: bool
) -> list[str]:
    argv = ["worker", "--loglevel=INFO", "--queues", queues or "documents,ocr,maintenance"]
    if concurrency:
        argv.append(f"--concurrency={concurrency}")
    if beat:
        # An embedded beat sends the periodic reaper, so a deployment without a separate beat
        # process still recovers lost and stuck jobs; a Redis lock lets one reaper run at a time.
        from intake.settings import create_home

        create_home(settings)
        argv += ["--beat", f"--schedule={settings.home / 'celerybeat-schedule'}"]
    return argv


_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


def _default_key_refusal(settings: Settings, *, exposed: str | None) -> str | None:
    """Why the embedded default key must not be used here, or None when it may."""
    from intake.settings import DEFAULT_SECRET

    if exposed is None or settings.secret_key != DEFAULT_SECRET:
        return None
    return (
        f"intake: refusing to start with the embedded default INTAKE_SECRET_KEY {exposed}; "
        "set INTAKE_SECRET_KEY to a long random value"
    )


def _worker_exposure(settings: Settings) -> str | None:
    if settings.database_url is not None or settings.broker_url is not None:
        return "with a shared database or broker"
    return None


def cmd_worker(args: argparse.Namespace) -> int:
    settings = _settings()
    refusal = _default_key_refusal(settings, exposed=_worker_exposure(settings))
    if refusal is not None:
        print(refusal, file=sys.stderr)
        return 2

    from workers.app import app

    app.worker_main(worker_argv(settings, args.concurrency, args.queues, beat=not args.no_beat))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import signal
    import subprocess

    import uvicorn

    exposed = None if args.host in _LOOPBACK_HOSTS else f"on the public address {args.host}"
    refusal = _default_key_refusal(_settings(), exposed=exposed)
    if refusal is not None:
        print(refusal, file=sys.stderr)
        return 2

    cmd_db_upgrade(args)
    worker = None
    if not args.no_worker:
        worker = subprocess.Popen(
            [sys.executable, "-m", "intake.cli", "worker", "--concurrency", str(args.concurrency)],
            env=os.environ.copy(),
        )
    # uvicorn re-raises SIGTERM once it has shut down; exiting through SystemExit instead lets
    # the worker beside it be stopped too rather than left running.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        uvicorn.run(
            "api.main:app",
            host=args.host,
            port=args.port,
            workers=args.api_workers,
            # /metrics counts every request; a log line per request costs a few per cent.
            access_log=args.access_log,
            # No `server: uvicorn` banner telling a scanner what to try.
            server_header=False,
            # The app believes forwarded headers from INTAKE_TRUSTED_PROXIES only (api/middleware),
            # under any server; uvicorn's own default would trust any proxy on loopback.
            proxy_headers=False,
        )
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="intake", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    for name, handler, help_text in (
        ("extract", cmd_extract, "print each file's profile as JSON Lines"),
        ("read", cmd_read, "print each file's pages of text as JSON Lines"),
    ):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("paths", nargs="+", metavar="PATH")
        sub.add_argument("--mode", choices=[m.value for m in ReadMode], default=ReadMode.auto.value)
        sub.add_argument(
            "--jobs",
            type=int,
            default=None,
            help="processes to share the files among (default: one per core for many files)",
        )
        sub.set_defaults(handler=handler)
        if name == "extract":
            sub.add_argument(
                "--format",
                choices=["json", "fhir"],
                default="json",
                help='json: {"source", "profile"} per line; fhir: an mCODE FHIR Bundle per line',
            )

    serve = commands.add_parser("serve", help="run the API (and, by default, a worker beside it)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--no-worker", action="store_true", help="start only the API")
    serve.add_argument(
        "--concurrency", type=int, default=2, help="processes of the embedded worker"
    )
    serve.add_argument("--api-workers", type=int, default=1)
    serve.add_argument("--access-log", action="store_true", help="log every request")
    serve.set_defaults(handler=cmd_serve)

    worker = commands.add_parser("worker", help="run a Celery worker")
    worker.add_argument("--concurrency", type=int)
    worker.add_argument("--queues", help="comma-separated: documents,ocr,maintenance")
    worker.add_argument(
        "--no-beat", action="store_true", help="do not send periodic jobs (a beat runs elsewhere)"
    )
    worker.set_defaults(handler=cmd_worker)

    users = commands.add_parser("users", help="manage accounts").add_subparsers(
        dest="action", required=True
    )
    create = users.add_parser("create", help="create an account")
    create.add_argument("--email", required=True)
    source = create.add_mutually_exclusive_group()
    source.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )
    source.add_argument(
        "--password", help="the password itself (visible in the process list; discouraged)"
    )
    create.add_argument("--role", choices=["patient", "clinician", "admin"], required=True)
    create.add_argument("--full-name")
    create.set_defaults(handler=cmd_users_create)
    reset = users.add_parser(
        "reset", help="print a one-time link for the user to choose a new password"
    )
    reset.add_argument("email")
    reset.set_defaults(handler=cmd_users_reset)

    for action, help_text in (
        ("deactivate", "deactivate an account and end its sessions"),
        ("activate", "reactivate an account"),
    ):
        toggle = users.add_parser(action, help=help_text)
        toggle.add_argument("email")
        toggle.set_defaults(handler=cmd_users_set_active)
    move = users.add_parser("role", help="move a member of staff between clinician and admin")
    move.add_argument("email")
    move.add_argument("role", choices=["clinician", "admin"])
    move.set_defaults(handler=cmd_users_set_active)

    articles = commands.add_parser("articles", help="the article library")
    article_actions = articles.add_subparsers(dest="action", required=True)
    add = article_actions.add_parser("add", help="add or replace articles from Markdown files")
    add.add_argument("paths", nargs="+", metavar="FILE.md")
    add.set_defaults(handler=cmd_articles)
    retire = article_actions.add_parser("retire", help="match an article to no one")
    retire.add_argument("slug")
    retire.set_defaults(handler=cmd_articles)
    article_actions.add_parser("list", help="list the articles").set_defaults(handler=cmd_articles)

    storage = commands.add_parser("storage", help="the encrypted file store")
    storage_actions = storage.add_subparsers(dest="action", required=True)
    storage_actions.add_parser(
        "rotate", help="re-encrypt every file with INTAKE_SECRET_KEY (after changing it)"
    ).set_defaults(handler=cmd_storage_rotate)

    db = commands.add_parser("db", help="database").add_subparsers(dest="action", required=True)
    db.add_parser("upgrade", help="apply migrations").set_defaults(handler=cmd_db_upgrade)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    args = build_parser().parse_args(argv)
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
