"""`creditsvc demo-signing-key` (run by `make run`): the demo's key and self-signed
certificate made once under the instance folder, said on stdout; never over a key that
production configured."""

from __future__ import annotations

import stat

from creditsvc.config import demo_signing_file
from creditsvc.services.publication import signing
from notices.render import html_to_pdf
from notices.signing import Verdict, check_signature


def run(app):
    return app.test_cli_runner().invoke(args=["demo-signing-key"])


def test_the_demo_key_is_made_once_and_said_so(app, tmp_path):
    app.instance_path = str(tmp_path)
    key_file, cert_file = demo_signing_file(tmp_path, "key"), demo_signing_file(tmp_path, "cert")
    app.config.update(SIGNING_KEY_FILE=str(key_file), SIGNING_CERT_FILE=str(cert_file))

    made = run(app)
    assert made.exit_code == 0, made.output
    assert "made a demo signing key and self-signed certificate" in made.output
    assert str(tmp_path / "signing") in made.output
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    pdf = html_to_pdf("<p>诚信计量</p>", base_url="https://cxjl.example.gov.cn")
    signed = signing.sign(pdf)  # the service signs with what was made
    assert check_signature(signed, cert_file.read_bytes()).verdict == Verdict.SIGNED

    first = key_file.read_bytes(), cert_file.read_bytes()
    again = run(app)
    assert again.exit_code == 0 and "demo signing key in place" in again.output
    assert (key_file.read_bytes(), cert_file.read_bytes()) == first


def test_a_configured_key_is_never_replaced_by_a_demo_one(app, tmp_path):
    app.instance_path = str(tmp_path)
    # The app fixture configures the run's own key, as production names its own files.
    result = run(app)
    assert result.exit_code == 0 and "no demo key is made" in result.output
    assert not (tmp_path / "signing").exists()
