"""The package as a whole: lazy import, every public name resolves."""

import subprocess
import sys

import pytest


def test_import_is_lazy():
    code = (
        "import sys, wellbeing_lib\n"
        "heavy = [m for m in ('pandas', 'numpy', 'matplotlib', 'seaborn', 'ipywidgets', 'scipy')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_every_public_name_resolves():
    import wellbeing_lib as wb

    for name in wb.__all__:
        assert getattr(wb, name) is not None, name
    with pytest.raises(AttributeError):
        wb.no_such_thing  # noqa: B018
