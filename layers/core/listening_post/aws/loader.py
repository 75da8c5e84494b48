"""botocore's model loader without two costs of a function's first client (~35 of its ~80 ms):

- before loading a service's model, botocore lists every service directory it ships (~420) to check
  that the service is one of them, once per kind of model (service, endpoint rules, paginators, ...):
  ~10 ms each. Here the check looks in that one service's directory; the full list is still built when
  something iterates over it (the message of an unknown service, ``get_available_services``, which gets
  a read-only sequence of the same names instead of a list).
- botocore decodes its JSON into OrderedDicts through a Python hook; plain dicts keep the same order
  (Python 3.7+) and decode twice as fast (endpoints.json: ~20 ms to ~9 ms).

The models loaded are the same (tests/unit/test_botocore_loader.py compares them with the stock loader's).
Only public parts of botocore's loader are overridden; where the running botocore lacks what this needs,
``install`` leaves its session with the stock loader.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from typing import Any

import botocore.loaders
from botocore.exceptions import DataNotFoundError


class PlainJSONFileLoader(botocore.loaders.JSONFileLoader):
    """botocore's JSON file loader, decoding into dicts instead of OrderedDicts."""

    def __init__(self, open_methods: dict[str, Any]) -> None:
        self._open_methods = open_methods  # extension -> opener, as botocore's (".json", ".json.gz")

    def load_file(self, file_path: str) -> Any:
        for ext, open_method in self._open_methods.items():
            full_path = file_path + ext
            if os.path.isfile(full_path):
                with open_method(full_path, "rb") as fp:
                    return json.loads(fp.read().decode("utf-8"))
        return None


class _Services(Sequence[str]):
    """The services that have a ``type_name`` model: membership checks one directory, anything else lists."""

    def __init__(self, loader: Loader, type_name: str) -> None:
        self._loader, self._type_name = loader, type_name
        self._all: list[str] | None = None

    def __contains__(self, service: object) -> bool:
        if not isinstance(service, str) or not service or os.sep in service or service.startswith("."):
            return False
        try:
            return bool(self._loader.list_api_versions(service, self._type_name))
        except DataNotFoundError:
            return False

    def _listed(self) -> list[str]:
        if self._all is None:
            self._all = self._loader.list_all_services(self._type_name)
        return self._all

    def __getitem__(self, index: Any) -> Any:
        return self._listed()[index]

    def __len__(self) -> int:
        return len(self._listed())

    def __iter__(self) -> Iterator[str]:
        return iter(self._listed())


class Loader(botocore.loaders.Loader):
    def list_available_services(self, type_name: str) -> Any:
        return _Services(self, type_name)

    def list_all_services(self, type_name: str) -> list[str]:
        """What botocore's list_available_services returns: every service with a ``type_name`` model."""
        services: list[str] = botocore.loaders.Loader.list_available_services(self, type_name)
        return services


def install(session: Any) -> bool:
    """Give a botocore session this loader (same search paths as its own: AWS_DATA_PATH, ~/.aws/models and
    botocore's data). False, and the session unchanged, when this botocore lacks what the loader needs."""
    open_methods = getattr(botocore.loaders, "_JSON_OPEN_METHODS", None)
    if not isinstance(open_methods, dict) or not all(
        hasattr(botocore.loaders.Loader, name) for name in ("list_available_services", "list_api_versions")
    ):
        return False
    data_path = session.get_config_variable("data_path")
    extra = [os.path.expanduser(os.path.expandvars(p)) for p in data_path.split(os.pathsep)] if data_path else None
    session.register_component(
        "data_loader", Loader(extra_search_paths=extra, file_loader=PlainJSONFileLoader(open_methods))
    )
    return True
