"""What the pages and the JSON API both do, so that neither imports the other: the learned
model's status, saving a strategy, starting an import from an upload."""

from __future__ import annotations

import re
import shutil
import uuid

from fastapi import UploadFile

from kontaktfilter.bilingual import in_language, message_of, say
from kontaktfilter.config import data_dir
from kontaktfilter.learning.user_model import load as load_user_model
from kontaktfilter.services.runtime import strategy_folder
from kontaktfilter.strategy import StrategyError, install_strategy_text
from kontaktfilter.web.errors import ApiError
from kontaktfilter.web.jobs import ImportJob
from kontaktfilter.web.state import Screener

SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def learning_status(app: Screener, user: str, lang: str, message: str = "") -> dict:
    """The user's learned model as the API and the dashboard show it; the message (what was
    learned, or why not) in the reader's language."""
    store = app.store(user)
    row = store.learned_model()
    model, warning = load_user_model(store)
    out: dict = {"model": model is not None, "decisions": store.decision_count()}
    if model is not None and row is not None:
        info = model.info
        out |= {"trained_at": row.trained_at, "distinct": info.distinct}
        out |= {"counts": info.counts, "trust": round(model.trust, 4)}
    out["message"] = in_language(message or warning or "", lang)
    return out


def save_strategy(app: Screener, user: str, text: str) -> None:
    try:
        install_strategy_text(text, strategy_folder(user), say("strategy", "Strategie"))
    except StrategyError as exc:
        raise ApiError(422, "api.rejected", "text", reason=message_of(exc)) from None
    app.forget_engine(user)


MAX_UPLOAD_NAME = 100
"""Characters of an upload's name kept (the name only tells the format; the ending is kept)."""


def begin_import(app: Screener, user: str, file: UploadFile) -> ImportJob:
    name = SAFE_NAME.sub("_", (file.filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1])
    if not name.strip("._"):
        raise ApiError(422, "api.no_file_name", "file")
    if len(name) > MAX_UPLOAD_NAME:  # file systems refuse names over 255 bytes: keep the ending
        stem, dot, ending = name.rpartition(".")
        ending = ending[:10] if dot else ""
        name = f"{stem[: MAX_UPLOAD_NAME - len(ending) - 1]}.{ending}" if ending else name[:100]
    folder = data_dir() / "uploads" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    target = folder / name
    try:
        with target.open("wb") as out:
            shutil.copyfileobj(file.file, out)
    except OSError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise ApiError(507, "api.upload_failed", "file", reason=exc.strerror) from None
    return app.jobs.start(user, app.store(user), app.engine_for(user), target)
