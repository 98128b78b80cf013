"""What one export of the negotiating text costs, at the largest text the limits allow.

A text is at most 200 articles of at most 20,000 characters per language, in a body of at
most 1 MB: about 948 KB of wording (UTF-8). Two texts of that size are exported (each case in
a fresh process, so the peak resident memory is its own):

- ``multi``: 60 articles (5 of them bracketed, two alternatives each) in English, Ukrainian,
  Russian, Turkish and Arabic, 3,160 bytes per article and language; exported in each
  language as a version (DOCX, PDF);
- ``single``: the whole 948 KB in the language exported (47 articles of 20,000 bytes: 20,000
  characters of English, about 11,000 of Arabic; the heaviest single export), English and
  Arabic, as a version and as a redline of it (a third of its segments inserted, a third
  deleted) in DOCX and PDF;
- ``unique``: 948 KB of Arabic words of random letters, none repeated, as a version PDF;
- ``archive``: the five-language text as the track archive prints a version
  (``service/archive_pdf.py``: every language's wording, in DejaVu).

Printed per case: wall and CPU seconds, the file's size and the process's peak RSS.

Run from the project root::

    .venv/bin/python -m benchmarks.document_exports                 # every case
    .venv/bin/python -m benchmarks.document_exports single ar pdf   # cases naming all words
    .venv/bin/python -m benchmarks.document_exports --ref b009bd0   # the exports of a commit

``--ref`` loads ``formats/text_export.py`` (or ``service/archive_pdf.py``) as it was at that
commit (the rest of the tree as it is now), for before-and-after figures on one machine.
"""

from __future__ import annotations

import argparse
import importlib.util
import multiprocessing
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

LANGUAGES = ("en", "uk", "ru", "tr", "ar")
_VOCABULARY = {
    "en": "the parties agree that vessels carrying grain shall leave the ports of Odesa "
    "Chornomorsk and Pivdennyi under inspection by joint teams of the coordination centre "
    "within days of their arrival and that no party shall attack such vessels or the port "
    "facilities while the corridor remains open",
    "uk": "сторони погоджуються що судна із зерном вирушають з портів Одеса Чорноморськ і "
    "Південний під наглядом спільних груп координаційного центру протягом днів після "
    "прибуття і що жодна сторона не атакує такі судна чи портову інфраструктуру поки "
    "коридор відкритий",
    "ru": "стороны соглашаются что суда с зерном выходят из портов Одесса Черноморск и "
    "Южный под контролем совместных групп координационного центра в течение дней после "
    "прибытия и что ни одна сторона не атакует такие суда или портовые сооружения пока "
    "коридор открыт",
    "tr": "taraflar tahıl taşıyan gemilerin Odesa Çornomorsk ve Pivdennıy limanlarından "
    "ortak koordinasyon merkezinin denetiminde ayrılacağını ve hiçbir tarafın koridor "
    "açık kaldığı sürece bu gemilere ya da liman tesislerine saldırmayacağını kabul eder",
    "ar": "تتفق الأطراف على أن تغادر السفن المحملة بالحبوب موانئ أوديسا وتشورنومورسك "
    "وبيفديني تحت تفتيش فرق مشتركة من مركز التنسيق خلال أيام من وصولها وألا يهاجم أي طرف "
    "هذه السفن أو مرافق الموانئ ما دام الممر مفتوحا",
}
_MULTI_ARTICLES, _MULTI_CHARS = 60, 3_160
_SINGLE_ARTICLES, _SINGLE_CHARS = 47, 20_000


def paragraph(rng: random.Random, language: str, size: int) -> str:
    """``size`` bytes (UTF-8) of ``language``: its words and numbers, sentences of 12-30."""
    words = _VOCABULARY[language].split()
    out: list[str] = []
    length = 0
    while length < size:
        sentence = [rng.choice(words) for _ in range(rng.randint(12, 30))]
        sentence.insert(rng.randrange(len(sentence)), str(rng.randint(1, 2_000)))
        text = " ".join(sentence) + ("؛" if language == "ar" else ".")
        out.append(text)
        length += len(text.encode()) + 1
    return " ".join(out).encode()[:size].decode(errors="ignore").strip()


def multilingual_version(seed: int = 1) -> dict[str, Any]:
    """60 articles in five languages, 948 KB of wording in all."""
    rng = random.Random(seed)
    articles: list[dict[str, Any]] = []
    for n in range(_MULTI_ARTICLES):
        wording = {code: paragraph(rng, code, _MULTI_CHARS) for code in LANGUAGES}
        article: dict[str, Any] = {
            "id": f"art-{n}",
            "kind": "operative",
            "issue": f"issue {n}",
            "option": None,
            "wording": wording,
            "alternatives": [],
        }
        if n % 12 == 5:  # bracketed: two alternatives sharing the article's size
            half = {code: text[: len(text) // 2] for code, text in wording.items()}
            rest = {code: text[len(text) // 2 :] for code, text in wording.items()}
            article["wording"] = {}
            article["alternatives"] = [
                {"option": "a", "wording": half},
                {"option": "b", "wording": rest},
            ]
        articles.append(article)
    return {"number": 7, "note": "", "articles": articles}


def single_version(language: str, seed: int = 1) -> dict[str, Any]:
    """47 articles of 20,000 bytes in ``language`` only."""
    rng = random.Random(seed)
    articles: list[dict[str, Any]] = [
        {
            "id": f"art-{n}",
            "kind": "operative",
            "issue": f"issue {n}",
            "option": None,
            "wording": {language: paragraph(rng, language, _SINGLE_CHARS)},
            "alternatives": [],
        }
        for n in range(_SINGLE_ARTICLES)
    ]
    return {"number": 7, "note": "", "articles": articles}


def unique_version(seed: int = 1) -> dict[str, Any]:
    """47 articles of 20,000 bytes of Arabic words of random letters (no word repeats, so
    each is measured on its own: the most measuring a text can ask for)."""
    rng = random.Random(seed)
    letters = [chr(code) for code in range(0x628, 0x64A)]
    articles: list[dict[str, Any]] = []
    for n in range(_SINGLE_ARTICLES):
        words: list[str] = []
        size = 0
        while size < _SINGLE_CHARS:
            words.append("".join(rng.choice(letters) for _ in range(rng.randint(3, 8))))
            size += len(words[-1].encode()) + 1
        text = " ".join(words).encode()[:_SINGLE_CHARS].decode(errors="ignore").strip()
        articles.append(
            {"id": f"art-{n}", "kind": "operative", "issue": f"issue {n}", "wording": {"ar": text}}
        )
    return {"number": 7, "note": "", "articles": articles}


def redline_of(version: dict[str, Any], language: str) -> dict[str, Any]:
    """A redline of ``version`` whose segments (about 300 characters each, cut at spaces)
    are in turn kept, inserted and deleted."""
    articles = []
    for article in version["articles"]:
        text = article["wording"][language]
        segments, start, k = [], 0, 0
        while start < len(text):
            end = text.find(" ", start + 300)
            end = len(text) if end < 0 else end + 1
            op = ("equal", "insert", "delete")[k % 3]
            segments.append({"op": op, "text": text[start:end]})
            start, k = end, k + 1
        articles.append(
            {
                "id": article["id"],
                "issue": article["issue"],
                "change": "changed",
                "moved": False,
                "segments": segments,
            }
        )
    return {"old": 6, "new": 7, "language": language, "articles": articles}


def load_exports(ref: str | None, name: str = "formats/text_export") -> ModuleType:
    """``gobetween.<name>`` (``formats/text_export`` or ``service/archive_pdf``), or its file as
    it was at commit ``ref``."""
    if ref is None:
        return importlib.import_module("gobetween." + name.replace("/", "."))
    source = subprocess.run(
        ["git", "show", f"{ref}:src/gobetween/{name}.py"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    path = Path(tempfile.mkdtemp()) / "exports_at_ref.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("exports_at_ref", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cases() -> list[tuple[str, str, str, str]]:
    """(text, language, what, format) of every case."""
    out = [("multi", code, "version", fmt) for code in LANGUAGES for fmt in ("docx", "pdf")]
    for code in ("en", "ar"):
        out += [
            ("single", code, what, fmt)
            for what in ("version", "redline")
            for fmt in ("docx", "pdf")
        ]
    return [*out, ("unique", "ar", "version", "pdf"), ("multi", "all", "archive", "pdf")]


def _run(case: tuple[str, str, str, str], ref: str | None, queue: Any) -> None:
    text, language, what, fmt = case
    exports = load_exports(
        ref, "service/archive_pdf" if what == "archive" else "formats/text_export"
    )
    version = (
        multilingual_version()
        if text == "multi"
        else unique_version()
        if text == "unique"
        else single_version(language)
    )
    call: Callable[[], bytes]
    if what == "archive":
        call = lambda: exports.text_version_pdf(version)  # noqa: E731
    elif what == "version":
        write = getattr(exports, f"version_{fmt}")
        call = lambda: write("Black Sea talks — food corridor", version, language)  # noqa: E731
    else:
        write = getattr(exports, f"redline_{fmt}")
        diff = redline_of(version, language)
        call = lambda: write("Black Sea talks — food corridor", diff)  # noqa: E731
    wall, cpu = time.perf_counter(), time.process_time()
    data = call()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((wall, cpu, len(data), peak))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("words", nargs="*", help="run the cases naming all these words")
    parser.add_argument("--ref", help="export with formats/text_export.py of this commit")
    args = parser.parse_args(argv)
    context = multiprocessing.get_context("fork")
    print(
        f"{'text':7} {'lang':4} {'what':8} {'fmt':4} {'wall s':>7} {'CPU s':>7} "
        f"{'KB':>7} {'peak RSS MB':>11}"
    )
    for case in cases():
        if not set(args.words) <= set(case):
            continue
        queue = context.Queue()
        process = context.Process(target=_run, args=(case, args.ref, queue))
        process.start()
        wall, cpu, size, peak = queue.get()
        process.join()
        print(
            f"{case[0]:7} {case[1]:4} {case[2]:8} {case[3]:4} {wall:7.2f} {cpu:7.2f} "
            f"{size / 1024:7.0f} {peak:11.0f}",
            flush=True,
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
