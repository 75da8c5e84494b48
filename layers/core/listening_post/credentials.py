"""Secret values, resolved from the configuration's references: ``{env: NAME}`` from the environment,
``{secretsmanager: NAME, key: FIELD}`` through a Secrets Manager adapter (``aws/secrets.py``).

Values come back as ``SecretStr`` and no message here ever holds one: a missing secret is described by
where it was looked for, never by what was found.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Protocol

from pydantic import SecretStr

from listening_post import secrecy
from listening_post.sources.spec import SecretRef


class MissingSecretError(LookupError):
    """A referenced secret is not available; the message says where it was looked for."""


class SecretSource(Protocol):
    def get_secret_string(self, name: str) -> str: ...


class SecretResolver:
    """Resolves references; the Secrets Manager source is made only when a reference needs it."""

    def __init__(
        self,
        environ: Mapping[str, str],
        secretsmanager: Callable[[], SecretSource] | None = None,
    ) -> None:
        self._environ = environ
        self._factory = secretsmanager  # made on first use: a run whose secrets are all in env needs no AWS
        self._source: SecretSource | None = None
        self._unavailable: str | None = None  # why the source could not be made: said once per source, not retried
        self._strings: dict[str, str] = {}

    def __repr__(self) -> str:
        return "SecretResolver(<values hidden>)"

    def _secretsmanager(self) -> SecretSource:
        if self._source is None:
            if self._unavailable is not None:
                raise MissingSecretError(self._unavailable)
            if self._factory is None:
                raise MissingSecretError("no Secrets Manager client is configured")
            try:
                self._source = self._factory()
            except MissingSecretError as exc:
                self._unavailable = str(exc)
                raise
        return self._source

    def named(self, secretsmanager_name: str) -> SecretStr:
        """The whole string of a Secrets Manager secret the deployment names (not the configuration)."""
        return self.resolve(SecretRef(secretsmanager=secretsmanager_name))

    def resolve(self, ref: SecretRef) -> SecretStr:
        if ref.env:
            value = self._environ.get(ref.env)
            if not value:
                raise MissingSecretError(f"environment variable {ref.env} is not set")
            secrecy.register(value)
            return SecretStr(value)
        assert ref.secretsmanager is not None
        name = ref.secretsmanager
        if name not in self._strings:
            self._strings[name] = self._secretsmanager().get_secret_string(name)
        text = self._strings[name]
        if ref.key is None:
            secrecy.register(text)
            return SecretStr(text)
        try:
            document = json.loads(text)
        except ValueError:
            raise MissingSecretError(f"{ref.describe()}: the secret is not a JSON object") from None
        value = document.get(ref.key) if isinstance(document, dict) else None
        if not isinstance(value, str) or not value:
            raise MissingSecretError(f"{ref.describe()}: no such key in the secret")
        secrecy.register(value)
        return SecretStr(value)
