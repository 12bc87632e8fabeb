"""wellbeing_lib: reproducible evaluation of health and wellbeing programmes in NHS ICSs.

The package is organised one module per domain, each imported on first use so that
``import wellbeing_lib`` stays fast (plotting and widget libraries load only inside the
functions that draw):

==============  ==================================================================
``outcomes``    instrument scoring (WEMWBS, SWEMWBS, ONS4, UCLA-3, PAM), change
``economics``   discounting, unit costs, service-use costing, SROI with sensitivity
``diagnostic``  workforce Health and Wellbeing Framework diagnostic
``monitoring``  SPC charts (NHS Making Data Count), monthly feeds, reach and funnel plots
``engagement``  reach, representativeness, thematic coding, inter-coder reliability
``stats``       shared statistics: intervals, reliability
``privacy``     small-count suppression, pseudonymisation, NHS numbers, redaction
``io``          reading files with encoding detection; the data folder
``validation``  column, range, allowed-value and key checks with named errors
``contracts``   the data contract of every input file, as data; checks against them
``intake``      your own data folder: ``check_data_folder``, ``write_templates``
``reporting``   palette, figures, charts, HTML, Excel, notebook runs
``datasets``    seeded generators of the bundled synthetic data; ``load_dataset``
``plots``       seaborn-style plotting helpers (``data=``, ``ax=``, return the Axes)
``widgets``     ipywidgets explorers for JupyterLab
``errors``      the exceptions, which name file, column, rows and what was expected
==============  ==================================================================

Example
-------
>>> import wellbeing_lib as wb
>>> wb.privacy.is_valid_nhs_number("9434765919")
True
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_SUBMODULES = (
    "cli",
    "contracts",
    "datasets",
    "diagnostic",
    "economics",
    "engagement",
    "errors",
    "intake",
    "io",
    "monitoring",
    "outcomes",
    "privacy",
    "reporting",
    "stats",
    "validation",
    "widgets",
)

#: the most-used functions, available flat as ``wellbeing_lib.<name>``
_FUNCTIONS = {
    "load_dataset": "datasets",
    "read_table": "io",
    "score": "outcomes",
    "get_instrument": "outcomes",
    "pair_measurements": "outcomes",
    "improved_on_n": "outcomes",
    "sroi": "economics",
    "service_use_change": "economics",
    "proportion_ci": "stats",
    "mean_ci": "stats",
    "suppress_small_counts": "privacy",
    "suppress_rows": "privacy",
    "publish": "privacy",
    "pseudonymise": "privacy",
    "redact_pii": "privacy",
    "is_valid_nhs_number": "privacy",
    "write_excel": "reporting",
}

__all__ = [*_SUBMODULES, *_FUNCTIONS, "__version__"]


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _FUNCTIONS:
        module = importlib.import_module(f"{__name__}.{_FUNCTIONS[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
