"""`gobetween keys` and `gobetween agreement`: the whole flow on files, as a signer would run it."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from gobetween.agreements import Bundle, canonical_bytes, verify_bundle
from gobetween.cli.main import COMMANDS, cli, main

SPEC = Path(__file__).parent.parent / "data" / "agreements" / "bsgi-spec.yaml"
SIGNERS = {
    "Ukraine": "ukraine",
    "Russian Federation": "russian-federation",
    "Türkiye": "turkiye",
    "United Nations": "united-nations",
}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "pass").write_text("correct horse battery staple\n", encoding="utf-8")
    for organisation in SIGNERS:
        code, _ = run(
            "keys", "new", "--org", organisation, "--out", str(tmp_path / "keys"),
            "--passphrase-file", str(tmp_path / "pass"),
        )  # fmt: skip
        assert code == 0
    code, output = run("agreement", "create", str(SPEC), "--out", str(tmp_path / "b.json"))
    assert code == 0, output
    return tmp_path


def sign(workdir: Path, organisation: str) -> tuple[int, str]:
    return run(
        "agreement", "sign", str(workdir / "b.json"), "--as", organisation,
        "--key", str(workdir / "keys" / f"{SIGNERS[organisation]}.key"),
        "--passphrase-file", str(workdir / "pass"),
    )  # fmt: skip


def test_commands_are_registered() -> None:
    assert COMMANDS["keys"] == "gobetween.cli.agreement:keys"
    assert COMMANDS["agreement"] == "gobetween.cli.agreement:agreement"
    code, output = run("agreement", "--help")
    assert code == 0
    for command in ("create", "sign", "verify", "render", "show"):
        assert command in output


def test_keys_are_written_private_and_encrypted(workdir: Path) -> None:
    private = workdir / "keys" / "turkiye.key"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert b"ENCRYPTED PRIVATE KEY" in private.read_bytes()
    assert (workdir / "keys" / "turkiye.pub.pem").read_bytes().startswith(b"-----BEGIN PUBLIC")
    code, output = run("keys", "new", "--org", "Türkiye", "--out", str(workdir / "keys"))
    assert code != 0
    assert "refusing to overwrite" in output
    code, public = run("keys", "fingerprint", str(workdir / "keys" / "turkiye.pub.pem"))
    code2, private_fp = run(
        "keys", "fingerprint", str(private), "--passphrase-file", str(workdir / "pass")
    )
    assert code == code2 == 0
    assert public == private_fp
    assert len(public.strip()) == 64


def test_create_sign_verify_render(workdir: Path) -> None:
    bundle = workdir / "b.json"
    code, output = run("agreement", "verify", str(bundle))
    assert code == 1
    assert output.count("[signature-missing]") == 6
    for organisation in SIGNERS:
        code, output = sign(workdir, organisation)
        assert code == 0, output
    assert "every signatory has signed" in output
    code, output = run("agreement", "verify", str(bundle), "--trusted-keys", str(workdir / "keys"))
    assert code == 0, output
    assert output.rstrip().endswith("VALID")
    assert output.count("valid signature:") == 6

    code, output = run(
        "agreement", "render", str(bundle), "--out", str(workdir / "out"), "--attach"
    )
    assert code == 0, output
    names = sorted(p.name for p in (workdir / "out").iterdir())
    assert names == [
        "russian-federation.akn.xml", "russian-federation.html", "russian-federation.pdf",
        "ukraine.akn.xml", "ukraine.html", "ukraine.pdf",
    ]  # fmt: skip
    assert Bundle.from_bytes(bundle.read_bytes()).attachments.keys() == set(names)
    code, output = run("agreement", "show", str(bundle))
    assert code == 0
    assert "NOT SIGNED" not in output
    assert "attachment: ukraine.pdf" in output
    code, output = run("agreement", "verify", str(bundle), "--json")
    assert json.loads(output)["ok"] is True


def test_verify_says_exactly_what_is_wrong(workdir: Path) -> None:
    for organisation in SIGNERS:
        sign(workdir, organisation)
    bundle = workdir / "b.json"
    document = json.loads(bundle.read_bytes())
    name = "instruments/Russian Federation.json"
    instrument = json.loads(base64.b64decode(document["parts"][name]))
    instrument["terms"]["clauses"]["buffer"] = "A 2 nm buffer."
    document["parts"][name] = base64.b64encode(canonical_bytes(instrument)).decode()
    bundle.write_bytes(canonical_bytes(document))
    code, output = run("agreement", "verify", str(bundle))
    assert code == 1
    assert f"[part-edited] part {name!r} was edited" in output
    assert "INVALID" in output


def test_a_swapped_key_fails_against_trusted_keys(workdir: Path, tmp_path: Path) -> None:
    for organisation in ("Russian Federation", "Türkiye", "United Nations"):
        sign(workdir, organisation)
    # Ukraine's key is replaced by an impostor's before Ukraine "signs".
    impostor = tmp_path / "impostor"
    run("keys", "new", "--org", "Ukraine", "--out", str(impostor))
    code, _ = run(
        "agreement", "sign", str(workdir / "b.json"), "--as", "Ukraine",
        "--key", str(impostor / "ukraine.key"),
    )  # fmt: skip
    assert code == 0
    assert verify_bundle((workdir / "b.json").read_bytes()).ok
    code, output = run(
        "agreement", "verify", str(workdir / "b.json"), "--trusted-keys", str(workdir / "keys")
    )
    assert code == 1
    assert "[key-untrusted]" in output


def test_errors_are_one_line_messages(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "wrong").write_text("wrong\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        main([
            "agreement", "sign", str(workdir / "b.json"), "--as", "Ukraine",
            "--key", str(workdir / "keys" / "ukraine.key"),
            "--passphrase-file", str(workdir / "wrong"),
        ])  # fmt: skip
    assert exit_.value.code == 2
    assert "wrong passphrase" in capsys.readouterr().err
    bad = workdir / "bad.json"
    bad.write_text('{"agenda": "g"}', encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        main(["agreement", "create", str(bad), "--out", str(workdir / "x.json")])
    assert exit_.value.code == 2
    assert "bad.json" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["agreement", "verify", str(workdir / "b.json"), "--trust", "Ukraine=nothex"])
    assert exit_.value.code == 2
