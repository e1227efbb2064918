"""The nginx site file docs/deployment.md gives (benchmarks/drills/nginx.conf.template), filled
in as the app hosts drill fills it: nginx accepts it, serves static files itself, and passes a
request on to the next app host when one refuses the connection (issue 21)."""

from __future__ import annotations

import http.client
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from benchmarks import serving

_path = list(sys.path)
from benchmarks.drills import app_hosts  # noqa: E402 (it puts benchmarks/ on sys.path)

sys.path[:] = _path  # the other tests keep theirs

pytestmark = pytest.mark.skipif(
    not Path(app_hosts.NGINX).exists(),
    reason="nginx is not installed (scripts/system-packages.sh bench)",
)


@pytest.fixture
def proxy(tmp_path):
    """nginx with the site file, in front of two app hosts where nothing listens."""
    hosts = [SimpleNamespace(port=serving.free_port()) for _ in range(2)]
    nginx = app_hosts.Nginx(tmp_path / "nginx", hosts)
    nginx.start()  # `nginx -t` first: a file nginx refuses fails here
    yield nginx, hosts
    nginx.stop()


def ask(port: int, method: str, path: str, body: bytes | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(method, path, body=body, headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    answer = response.status, response.read(), dict(response.getheaders())
    conn.close()
    return answer


def test_the_site_file_has_nothing_left_to_fill():
    with pytest.raises(SystemExit, match="placeholder"):
        app_hosts.fill(app_hosts.TEMPLATE.read_text(), listen="80")


def test_static_files_come_from_nginx_without_an_app_host(proxy):
    nginx, _ = proxy
    status, body, headers = ask(nginx.port, "GET", "/static/css/site.css")
    assert status == 200
    assert body == (serving.ROOT / "static" / "css" / "site.css").read_bytes()
    assert "max-age=3600" in headers["Cache-Control"]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_refused_request_is_tried_on_each_app_host(proxy, method):
    """A POST refused at connect was never sent to a host, so nginx passes it on too."""
    nginx, hosts = proxy
    assert ask(nginx.port, method, "/api/v1/readings", b"{}")[0] == 502  # no host answers
    nginx.stop()  # the access log is complete
    [line] = nginx.access.read_text().splitlines()
    assert line.split()[1] == method
    assert all(f"127.0.0.1:{host.port}" in line for host in hosts), line
