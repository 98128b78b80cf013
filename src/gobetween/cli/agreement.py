"""``gobetween keys ...`` and ``gobetween agreement ...``: keys, bundles, signatures, renderings.

Thin commands over :mod:`gobetween.agreements` (the pure core) and the renderers in
:mod:`gobetween.formats`; this module does the file work. Private keys are made and used only
here, on the signer's machine, and written with mode 0600.
"""

from __future__ import annotations

import json
import os
import re
import sys
import unicodedata
from pathlib import Path

import click

from gobetween.agreements import Bundle, signing, verify_bundle
from gobetween.agreements.registry import KeyRegistry
from gobetween.agreements.verify import VerificationReport
from gobetween.bidi import isolate, reveal
from gobetween.cli.language import Group, number, sentence
from gobetween.errors import N_, AgreementError, InputError
from gobetween.formats.agreement_spec import instruments_from_spec
from gobetween.formats.documents import parse_json, parse_yaml
from gobetween.formats.reading import read_bytes, read_text
from gobetween.i18n import _, ngettext

__all__ = ["agreement", "keys"]

#: Bundles above this size are refused (renderings included, 64 MB is generous).
MAX_BUNDLE_BYTES = 64 * 1024 * 1024
#: Key registry files above this size are refused.
MAX_REGISTRY_BYTES = 8 * 1024 * 1024
_SPEC_NUMBERS = {("term_days",), ("renewal", "notice_days")}


def _file_stem(organisation: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", organisation).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-").lower() or "organisation"


def _write(path: Path, data: bytes, *, private: bool = False, overwrite: bool = True) -> None:
    """Write atomically (temporary file, then rename); private files get mode 0600."""
    if path.exists() and not overwrite:
        raise click.ClickException(_("%(path)s exists; refusing to overwrite it") % {"path": path})
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    descriptor = os.open(temporary, flags, 0o600 if private else 0o644)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def _passphrase(path: Path | None) -> bytes | None:
    if path is None:
        return None
    text = read_text(path, max_bytes=4096).rstrip("\r\n")
    if not text:
        raise InputError(N_("the passphrase file is empty"), source=str(path))
    return text.encode("utf-8")


def _read_bundle(path: Path) -> bytes:
    return read_bytes(path, max_bytes=MAX_BUNDLE_BYTES)


# -- keys --------------------------------------------------------------------------------------


@click.group(cls=Group, help=N_("Ed25519 signing keys: made and kept on the signer's side."))
def keys() -> None:
    """``gobetween keys`` (help: the N_ text above)."""


@keys.command("new", help=N_("Make a key pair for ORG; never overwrites an existing key."))
@click.option("--org", "organisation", required=True, help=N_("Organisation the key signs for."))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help=N_("Folder to write NAME.key (private) and NAME.pub.pem (public) into."),
)
@click.option(
    "--passphrase-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=N_("Encrypt the private key with the passphrase in this file (first line)."),
)
def keys_new(organisation: str, out_dir: Path, passphrase_file: Path | None) -> None:
    """``gobetween keys new``."""
    key = signing.generate_private_key()
    stem = _file_stem(organisation)
    private_path, public_path = out_dir / f"{stem}.key", out_dir / f"{stem}.pub.pem"
    for path in (private_path, public_path):
        if path.exists():
            raise click.ClickException(
                _("%(path)s exists; refusing to overwrite a key") % {"path": path}
            )
    _write(private_path, signing.private_key_pem(key, _passphrase(passphrase_file)), private=True)
    _write(public_path, signing.public_key_pem(key))
    click.echo(_("private key: %(path)s (keep it secret)") % {"path": private_path})
    click.echo(_("public key: %(path)s") % {"path": public_path})
    click.echo(_("fingerprint: %(fingerprint)s") % {"fingerprint": signing.fingerprint(key)})


@keys.command(
    "fingerprint",
    help=N_("Print the fingerprint (SHA-256 of the raw public key) of a public or private key."),
)
@click.argument("key_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--passphrase-file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def keys_fingerprint(key_file: Path, passphrase_file: Path | None) -> None:
    """``gobetween keys fingerprint``."""
    data = read_bytes(key_file, max_bytes=65536)
    if b"PRIVATE KEY" in data:
        click.echo(
            signing.fingerprint(signing.load_private_key(data, _passphrase(passphrase_file)))
        )
    else:
        click.echo(signing.fingerprint(signing.load_public_key(data)))


# -- agreement ---------------------------------------------------------------------------------


@click.group(
    cls=Group,
    help=N_("Mirror agreements: create a bundle, sign it, verify it offline, render it."),
)
def agreement() -> None:
    """``gobetween agreement`` (help: the N_ text above)."""


@agreement.command(
    "create", help=N_("Build an unsigned bundle from an agreement SPEC file (JSON or YAML).")
)
@click.argument("spec", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
def agreement_create(spec: Path, out_path: Path) -> None:
    """``gobetween agreement create``."""
    text = read_text(spec)
    if spec.suffix.lower() in (".yaml", ".yml"):
        document = parse_yaml(text, source=str(spec), typed=lambda path: path in _SPEC_NUMBERS)
    else:
        document = parse_json(text, source=str(spec))
    bundle = Bundle.create(instruments_from_spec(document.data, source=str(spec)))
    _write(out_path, bundle.to_bytes(), overwrite=False)
    click.echo(_("terms hash: %(hash)s") % {"hash": bundle.terms_hash})
    click.echo(
        ngettext(
            "bundle: %(path)s (%(num)d instrument, unsigned)",
            "bundle: %(path)s (%(num)d instruments, unsigned)",
            len(bundle.instruments),
        )
        % {"path": out_path, "num": len(bundle.instruments)}
    )


@agreement.command(
    "sign", help=N_("Sign, as ORG, every instrument of BUNDLE on which ORG is a signatory.")
)
@click.argument("bundle_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--key", "key_file", required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--as", "organisation", required=True, help=N_("Organisation signing."))
@click.option("--passphrase-file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help=N_("Write the signed bundle here (default: replace BUNDLE)."),
)
def agreement_sign(
    bundle_path: Path,
    key_file: Path,
    organisation: str,
    passphrase_file: Path | None,
    out_path: Path | None,
) -> None:
    """``gobetween agreement sign``."""
    bundle = Bundle.from_bytes(_read_bundle(bundle_path))
    key = signing.load_private_key(
        read_bytes(key_file, max_bytes=65536), _passphrase(passphrase_file)
    )
    signed = bundle.sign(organisation, key)
    _write(out_path or bundle_path, signed.to_bytes())
    count = sum(organisation in i.signatory_names for i in bundle.instruments)
    click.echo(
        ngettext(
            "%(organisation)s signed %(num)d instrument with key %(key)s...",
            "%(organisation)s signed %(num)d instruments with key %(key)s...",
            count,
        )
        % {"organisation": organisation, "num": count, "key": signing.fingerprint(key)[:16]}
    )
    missing = signed.missing_signatures()
    if missing:
        names = ", ".join(sorted({signer for _party, signer in missing}))
        click.echo(_("still to sign: %(names)s") % {"names": names})
    else:
        click.echo(_("every signatory has signed"))


def _trusted(
    trust: tuple[str, ...], key_dir: Path | None, organisations: tuple[str, ...]
) -> dict[str, str]:
    """ORG -> fingerprint from ``--trust`` and from the key files of ``--trusted-keys``.

    Key files are matched to organisations the way ``gobetween keys new`` names them
    (``turkiye.pub.pem`` for Türkiye), or by the organisation's exact name.
    """
    trusted: dict[str, str] = {}
    for entry in trust:
        organisation, sep, value = entry.rpartition("=")
        if not sep or not re.fullmatch(r"[0-9a-f]{64}", value):
            raise click.BadParameter(
                _("%(entry)r is not ORG=FINGERPRINT") % {"entry": entry}, param_hint="--trust"
            )
        trusted[organisation] = value
    if key_dir is None:
        return trusted
    by_stem = {_file_stem(o): o for o in organisations} | {o: o for o in organisations}
    for path in sorted(key_dir.glob("*.pem")):
        stem = path.name.removesuffix(".pem").removesuffix(".pub")
        if stem not in by_stem:
            continue
        try:
            key = signing.load_public_key(read_bytes(path, max_bytes=65536))
        except AgreementError as exc:
            raise InputError(exc.template, source=str(path), params=exc.params) from None
        trusted.setdefault(by_stem[stem], signing.fingerprint(key))
    return trusted


def _registry(path: Path) -> KeyRegistry:
    """The key registry file at ``path`` (JSON, ``gobetween-key-registry-v1``)."""
    document = parse_json(read_text(path, max_bytes=MAX_REGISTRY_BYTES), source=str(path))
    try:
        return KeyRegistry.from_dict(document.data)
    except AgreementError as exc:
        raise InputError(exc.template, source=str(path), params=exc.params) from None


@agreement.command(
    "verify",
    help=N_(
        "Verify BUNDLE offline; exit status 1 and every problem listed when it does not verify."
    ),
)
@click.argument("bundle_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--trust",
    multiple=True,
    metavar="ORG=FINGERPRINT",
    help=N_("A key fingerprint known out of band; a signature by another key is reported."),
)
@click.option(
    "--trusted-keys",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help=N_("Folder of ORG.pem / ORG.pub.pem public keys known out of band."),
)
@click.option(
    "--registry",
    "registry_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=N_(
        "Key registry exported by the service (GET /api/agreements/ID/registry): report "
        "signatures by unregistered, unconfirmed or revoked keys."
    ),
)
@click.option("--json", "as_json", is_flag=True, help=N_("Print the report as JSON."))
def agreement_verify(
    bundle_path: Path,
    trust: tuple[str, ...],
    trusted_keys: Path | None,
    registry_path: Path | None,
    as_json: bool,
) -> None:
    """``gobetween agreement verify``."""
    data = _read_bundle(bundle_path)
    registry = _registry(registry_path) if registry_path is not None else None
    report = verify_bundle(data, registry=registry)
    if trust or trusted_keys:
        trusted = _trusted(trust, trusted_keys, report.signatories)
        report = verify_bundle(data, trusted_keys=trusted, registry=registry)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        _say_report(bundle_path, report)
    if not report.ok:
        # sys.exit, not click's Exit: main() runs click with standalone_mode=False, which turns
        # Exit into a return value that it drops.
        sys.exit(1)


def _say_report(bundle_path: Path, report: VerificationReport) -> None:
    """The verification report for people, in the run's language."""
    click.echo(_("bundle: %(path)s") % {"path": bundle_path})
    click.echo(_("terms hash: %(hash)s") % {"hash": report.terms_hash or _("(unreadable)")})
    for party, signer in report.signed:
        click.echo(
            "  "
            + _("valid signature: %(signer)s on the instrument of %(party)s")
            % {"signer": isolate(signer), "party": isolate(party)}
        )
    for finding in report.findings:
        said = sentence(finding.sentence) if finding.sentence is not None else finding.message
        click.echo(
            "  "
            + _("PROBLEM [%(code)s] %(message)s") % {"code": finding.code, "message": isolate(said)}
        )
    if report.ok:
        click.echo(_("VALID"))
    else:
        count = len(report.findings)
        click.echo(
            ngettext("INVALID: %(num)d problem", "INVALID: %(num)d problems", count)
            % {"num": count}
        )


@agreement.command(
    "render",
    help=N_(
        "Write each party's instrument as HTML, PDF, Akoma Ntoso XML or DOCX into OUT.\n\n"
        "An agreement in several working languages gives one Akoma Ntoso file per language "
        "(PARTY.uk.akn.xml); the other formats hold every language version."
    ),
)
@click.argument("bundle_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(["html", "pdf", "akn", "docx"]),
    default=("html", "pdf", "akn"),
    show_default=True,
)
@click.option("--attach", is_flag=True, help=N_("Also store the renderings in the bundle."))
def agreement_render(
    bundle_path: Path, out_dir: Path, formats: tuple[str, ...], attach: bool
) -> None:
    """``gobetween agreement render``."""
    from gobetween.formats.akoma_ntoso import instrument_akn_documents
    from gobetween.formats.instrument_docx import instrument_docx
    from gobetween.formats.instrument_html import instrument_html
    from gobetween.formats.instrument_pdf import instrument_pdf

    bundle = Bundle.from_bytes(_read_bundle(bundle_path))
    signatures = bundle.signatures
    for instrument in bundle.instruments:
        stem = _file_stem(instrument.party)
        for kind in dict.fromkeys(formats):
            files: list[tuple[str, bytes]]
            if kind == "html":
                files = [(f"{stem}.html", instrument_html(instrument, signatures).encode())]
            elif kind == "pdf":
                files = [(f"{stem}.pdf", instrument_pdf(instrument, signatures))]
            elif kind == "docx":
                files = [(f"{stem}.docx", instrument_docx(instrument, signatures))]
            else:
                several = bool(instrument.terms.languages)
                files = [
                    (f"{stem}.{code}.akn.xml" if several else f"{stem}.akn.xml", data)
                    for code, data in instrument_akn_documents(instrument).items()
                ]
            for name, data in files:
                _write(out_dir / name, data)
                if attach:
                    bundle = bundle.with_attachment(name, data)
                click.echo(f"{out_dir / name}")
    if attach:
        _write(bundle_path, bundle.to_bytes())
        click.echo(_("attached to %(path)s") % {"path": bundle_path})


@agreement.command(
    "show", help=N_("Summarise BUNDLE: terms hash, instruments, who has signed and who has not.")
)
@click.argument("bundle_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def agreement_show(bundle_path: Path) -> None:
    """``gobetween agreement show``."""
    bundle = Bundle.from_bytes(_read_bundle(bundle_path))
    terms = bundle.terms
    click.echo(_("terms hash: %(hash)s") % {"hash": bundle.terms_hash})
    click.echo(
        _("agenda: %(agenda)s; term %(days)s days; renewal %(rule)s")
        % {"agenda": terms.agenda, "days": number(terms.term_days), "rule": terms.renewal.rule}
    )
    done = {(s.instrument_party, s.signer) for s in bundle.signatures}
    for instrument in bundle.instruments:
        click.echo(
            _("instrument of %(party)s: %(title)s")
            % {"party": isolate(instrument.party), "title": isolate(instrument.title)}
        )
        for name in instrument.signatory_names:
            mark = _("signed") if (instrument.party, name) in done else _("NOT SIGNED")
            click.echo(f"  {isolate(name)}: {mark}")
    for name in bundle.attachments:  # a file name: its directional controls shown
        click.echo(_("attachment: %(name)s") % {"name": reveal(name)})
