"""The structure ARCHITECTURE.md promises (issue 18): the layer contracts hold and no module
grows past what a newcomer reads in one sitting."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SOURCE = Path(__file__).parent.parent / "src" / "kontaktfilter"
MAX_MODULE_LINES = 400


def test_no_module_over_400_lines() -> None:
    long = {
        str(path.relative_to(SOURCE)): lines
        for path in SOURCE.rglob("*.py")
        if (lines := len(path.read_text("utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_the_layer_contracts_are_kept() -> None:
    """import-linter's contracts of pyproject.toml, as `make lint` runs them."""
    command = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(command)], cwd=SOURCE.parent.parent, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert "0 broken" in result.stdout
