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


def test_no_package_but_widgets_loads_a_plotting_library_on_import():
    """Plotting and widget libraries load inside the functions that draw, never on import."""
    packages = ["errors", "io", "validation", "stats", "privacy", "reporting", "outcomes",
                "economics", "engagement", "diagnostic", "monitoring", "datasets", "cli",
                "contracts", "intake"]
    code = (
        "import importlib, sys\n"
        f"for name in {packages!r}:\n"
        "    importlib.import_module('wellbeing_lib.' + name)\n"
        "heavy = [m for m in ('matplotlib', 'seaborn', 'ipywidgets', 'IPython') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_every_package_reexports_its_public_names():
    """``wellbeing_lib.<package>.<name>`` works for every name a package lists in __all__."""
    import importlib

    for name in ["stats", "privacy", "reporting", "outcomes", "economics", "engagement",
                 "diagnostic", "monitoring", "datasets"]:
        package = importlib.import_module(f"wellbeing_lib.{name}")
        assert package.__all__, name
        missing = [n for n in package.__all__ if not hasattr(package, n)]
        assert not missing, f"{name}: {missing}"
