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
from gobetween.bidi import isolate, reveal
from gobetween.errors import AgreementError, InputError
from gobetween.formats.agreement_spec import instruments_from_spec
from gobetween.formats.documents import parse_json, parse_yaml
from gobetween.formats.reading import read_bytes, read_text

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
        raise click.ClickException(f"{path} exists; refusing to overwrite it")
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
        raise InputError("the passphrase file is empty", source=str(path))
    return text.encode("utf-8")


def _read_bundle(path: Path) -> bytes:
    return read_bytes(path, max_bytes=MAX_BUNDLE_BYTES)


# -- keys --------------------------------------------------------------------------------------


@click.group()
def keys() -> None:
    """Ed25519 signing keys: made and kept on the signer's side."""


@keys.command("new")
@click.option("--org", "organisation", required=True, help="Organisation the key signs for.")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write NAME.key (private) and NAME.pub.pem (public) into.",
)
@click.option(
    "--passphrase-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Encrypt the private key with the passphrase in this file (first line).",
)
def keys_new(organisation: str, out_dir: Path, passphrase_file: Path | None) -> None:
    """Make a key pair for ORG; never overwrites an existing key."""
    key = signing.generate_private_key()
    stem = _file_stem(organisation)
    private_path, public_path = out_dir / f"{stem}.key", out_dir / f"{stem}.pub.pem"
    for path in (private_path, public_path):
        if path.exists():
            raise click.ClickException(f"{path} exists; refusing to overwrite a key")
    _write(private_path, signing.private_key_pem(key, _passphrase(passphrase_file)), private=True)
    _write(public_path, signing.public_key_pem(key))
    click.echo(f"private key: {private_path} (keep it secret)")
    click.echo(f"public key:  {public_path}")
    click.echo(f"fingerprint: {signing.fingerprint(key)}")


@keys.command("fingerprint")
@click.argument("key_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--passphrase-file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def keys_fingerprint(key_file: Path, passphrase_file: Path | None) -> None:
    """Print the fingerprint (SHA-256 of the raw public key) of a public or private key."""
    data = read_bytes(key_file, max_bytes=65536)
    if b"PRIVATE KEY" in data:
        click.echo(
            signing.fingerprint(signing.load_private_key(data, _passphrase(passphrase_file)))
        )
    else:
        click.echo(signing.fingerprint(signing.load_public_key(data)))


# -- agreement ---------------------------------------------------------------------------------


@click.group()
def agreement() -> None:
    """Mirror agreements: create a bundle, sign it, verify it offline, render it."""


@agreement.command("create")
@click.argument("spec", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
def agreement_create(spec: Path, out_path: Path) -> None:
    """Build an unsigned bundle from an agreement SPEC file (JSON or YAML)."""
    text = read_text(spec)
    if spec.suffix.lower() in (".yaml", ".yml"):
        document = parse_yaml(text, source=str(spec), typed=lambda path: path in _SPEC_NUMBERS)
    else:
        document = parse_json(text, source=str(spec))
    bundle = Bundle.create(instruments_from_spec(document.data, source=str(spec)))
    _write(out_path, bundle.to_bytes(), overwrite=False)
    click.echo(f"terms hash: {bundle.terms_hash}")
    click.echo(f"bundle:     {out_path} ({len(bundle.instruments)} instruments, unsigned)")


@agreement.command("sign")
@click.argument("bundle_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--key", "key_file", required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--as", "organisation", required=True, help="Organisation signing.")
@click.option("--passphrase-file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the signed bundle here (default: replace BUNDLE).",
)
def agreement_sign(
    bundle_path: Path,
    key_file: Path,
    organisation: str,
    passphrase_file: Path | None,
    out_path: Path | None,
) -> None:
    """Sign, as ORG, every instrument of BUNDLE on which ORG is a signatory."""
    bundle = Bundle.from_bytes(_read_bundle(bundle_path))
    key = signing.load_private_key(
        read_bytes(key_file, max_bytes=65536), _passphrase(passphrase_file)
    )
    signed = bundle.sign(organisation, key)
    _write(out_path or bundle_path, signed.to_bytes())
    count = sum(organisation in i.signatory_names for i in bundle.instruments)
    click.echo(
        f"{organisation} signed {count} instrument(s) with key {signing.fingerprint(key)[:16]}..."
    )
    missing = signed.missing_signatures()
    if missing:
        click.echo(f"still to sign: {', '.join(sorted({s for _, s in missing}))}")
    else:
        click.echo("every signatory has signed")


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
            raise click.BadParameter(f"{entry!r} is not ORG=FINGERPRINT", param_hint="--trust")
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
            raise InputError(exc.message, source=str(path)) from None
        trusted.setdefault(by_stem[stem], signing.fingerprint(key))
    return trusted


def _registry(path: Path) -> KeyRegistry:
    """The key registry file at ``path`` (JSON, ``gobetween-key-registry-v1``)."""
    document = parse_json(read_text(path, max_bytes=MAX_REGISTRY_BYTES), source=str(path))
    try:
        return KeyRegistry.from_dict(document.data)
    except AgreementError as exc:
        raise InputError(exc.message, source=str(path)) from None


@agreement.command("verify")
@click.argument("bundle_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--trust",
    multiple=True,
    metavar="ORG=FINGERPRINT",
    help="A key fingerprint known out of band; a signature by another key is reported.",
)
@click.option(
    "--trusted-keys",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder of ORG.pem / ORG.pub.pem public keys known out of band.",
)
@click.option(
    "--registry",
    "registry_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Key registry exported by the service (GET /api/agreements/ID/registry): report "
    "signatures by unregistered, unconfirmed or revoked keys.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def agreement_verify(
    bundle_path: Path,
    trust: tuple[str, ...],
    trusted_keys: Path | None,
    registry_path: Path | None,
    as_json: bool,
) -> None:
    """Verify BUNDLE offline; exit status 1 and every problem listed when it does not verify."""
    data = _read_bundle(bundle_path)
    registry = _registry(registry_path) if registry_path is not None else None
    report = verify_bundle(data, registry=registry)
    if trust or trusted_keys:
        trusted = _trusted(trust, trusted_keys, report.signatories)
        report = verify_bundle(data, trusted_keys=trusted, registry=registry)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(f"bundle:     {bundle_path}")
        click.echo(f"terms hash: {report.terms_hash or '(unreadable)'}")
        for party, signer in report.signed:
            click.echo(
                f"  valid signature: {isolate(signer)} on the instrument of {isolate(party)}"
            )
        for finding in report.findings:
            click.echo(f"  PROBLEM [{finding.code}] {isolate(finding.message)}")
        click.echo("VALID" if report.ok else f"INVALID: {len(report.findings)} problem(s)")
    if not report.ok:
        # sys.exit, not click's Exit: main() runs click with standalone_mode=False, which turns
        # Exit into a return value that it drops.
        sys.exit(1)


@agreement.command("render")
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
@click.option("--attach", is_flag=True, help="Also store the renderings in the bundle.")
def agreement_render(
    bundle_path: Path, out_dir: Path, formats: tuple[str, ...], attach: bool
) -> None:
    """Write each party's instrument as HTML, PDF, Akoma Ntoso XML or DOCX into OUT.

    An agreement in several working languages gives one Akoma Ntoso file per language
    (PARTY.uk.akn.xml); the other formats hold every language version.
    """
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
        click.echo(f"attached to {bundle_path}")


@agreement.command("show")
@click.argument("bundle_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def agreement_show(bundle_path: Path) -> None:
    """Summarise BUNDLE: terms hash, instruments, who has signed and who has not."""
    bundle = Bundle.from_bytes(_read_bundle(bundle_path))
    click.echo(f"terms hash: {bundle.terms_hash}")
    click.echo(f"agenda:     {bundle.terms.agenda}; term {bundle.terms.term_days} days; "
               f"renewal {bundle.terms.renewal.rule}")  # fmt: skip
    done = {(s.instrument_party, s.signer) for s in bundle.signatures}
    for instrument in bundle.instruments:
        click.echo(f"instrument of {isolate(instrument.party)}: {isolate(instrument.title)}")
        for name in instrument.signatory_names:
            mark = "signed" if (instrument.party, name) in done else "NOT SIGNED"
            click.echo(f"  {isolate(name)}: {mark}")
    for name in bundle.attachments:  # a file name: its directional controls shown
        click.echo(f"attachment: {reveal(name)}")
