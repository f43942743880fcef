"""The environment a student gets from `make lab` / `make test`: consistent, importable, and a lab that serves."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


# Installed with --no-deps on purpose (see postBuild): tinysoundfont declares pyaudio for playing to a
# sound card, which needs the PortAudio headers to build; the course only renders audio to arrays.
ALLOWED_MISSING = {"tinysoundfont 0.3.7 requires pyaudio, which is not installed."}


def test_pip_check_is_clean():
    result = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True)
    problems = [line for line in result.stdout.splitlines()
                if line.strip() and line.strip() not in ALLOWED_MISSING and line.strip() != "No broken requirements found."]
    assert not problems, result.stdout + result.stderr
    assert result.returncode == 0 or result.stdout.strip() in ALLOWED_MISSING, result.stdout + result.stderr


def test_helpers_import_from_anywhere_without_sys_path(tmp_path):
    """Installed in editable mode, so a notebook in any folder can `import helpers`."""
    result = subprocess.run([sys.executable, "-c", "import helpers, helpers.data; print(helpers.data.REGISTRY_PATH)"],
                            cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": ""})
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).exists()


def test_pinned_requirements_are_what_is_installed():
    from importlib.metadata import version
    for line in (REPO / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, pinned = line.split("==")
            assert version(name) == pinned, f"{name}: installed {version(name)}, pinned {pinned}"


def test_binder_and_make_install_the_same_way():
    """Binder builds from environment.yml and runs postBuild; `make` runs the same postBuild, so a pin
    there is the one both use (and the one `make wheels` downloads)."""
    post_build = REPO / "postBuild"
    assert os.access(post_build, os.X_OK), "postBuild must be executable: Binder runs it directly"
    assert "-r requirements.txt" in (REPO / "environment.yml").read_text()
    assert "bash postBuild" in (REPO / "Makefile").read_text()
    pins = {line.split()[-1] for text in (post_build.read_text(), (REPO / "Makefile").read_text())
            for line in text.splitlines() if "tinysoundfont==" in line}
    assert len(pins) == 1, f"tinysoundfont is pinned differently in postBuild and the Makefile: {pins}"


def test_opencv_ships_haar_cascades():
    import cv2
    assert int(cv2.__version__.split(".")[0]) == 4
    assert (Path(cv2.data.haarcascades) / "haarcascade_frontalface_default.xml").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_jupyterlab_serves_the_course(tmp_path):
    """What `make lab` starts, headless on a free port: /lab answers 200."""
    port = _free_port()
    jupyter = Path(sys.executable).parent / "jupyter"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path), "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg")}
    proc = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1", "--ServerApp.token=",
         "--ServerApp.password=", "--allow-root", f"--notebook-dir={REPO / 'notebooks'}", "--ServerApp.open_browser=False"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        deadline, status = time.time() + 90, None
        while time.time() < deadline and status is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab", timeout=5) as response:
                    status = response.status
            except OSError:
                if proc.poll() is not None:
                    pytest.fail("jupyter lab exited before serving")
                time.sleep(1)
        assert status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)
