"""Spotify's published OpenAPI description (../shared/spotify-openapi), read for the tests.

One place that answers: which operation a request is (method + path template), whether it is
deprecated and what the description names instead, which query parameters, body fields and scopes
it has, and whether a response body matches the operation's response schema (jsonschema, with the
OpenAPI 3.0 dialect's ``nullable`` turned into JSON Schema). Used by the contract test and by the
local stand-in for Spotify (tests/spotify_standin.py), which checks every answer it gives.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlparse

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parent.parent
DESCRIPTION = ROOT.parent / "shared" / "spotify-openapi" / "fixed-spotify-open-api.yml"
API_PREFIX = "/v1"
METHODS = ("get", "put", "post", "delete", "patch")

# Where the description's schema contradicts its own text and the live service, the tests accept
# what Spotify sends. Each entry is checked to still be a gap (tests/test_spotify_contract.py), so
# it goes away when the description is fixed.
KNOWN_GAPS = {
    ("CursorPagingObject", "next"): "typed `string`, but its own text says `null` if none (the last page)",
    ("PlayHistoryObject", "context"): "Spotify sends `null` for a play outside a playlist or album",
}
# Statuses Spotify answers that an operation's entry does not list; the body must then match the
# description's shared response of that status (components/responses).
UNDOCUMENTED_STATUSES = {
    ("PUT /me/player/play", 404): ("NotFound", "NO_ACTIVE_DEVICE: Spotify's player guide documents the "
                                   "404 when no device is active; the operation lists only 204/401/403/429"),
}
# Operations whose listed scopes the course does not request, and why that is right.
SCOPE_EXEMPT = {
    "GET /me": ({"user-read-email", "user-read-private"},
                "those scopes only unlock email, country, product and explicit_content, which the "
                "description marks deprecated (removed in 2026); id and display_name need no scope"),
}


def _json_schema(node):
    """OpenAPI 3.0 schema objects -> JSON Schema (2020-12): ``nullable: true`` adds ``null``."""
    if isinstance(node, list):
        return [_json_schema(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _json_schema(v) for k, v in node.items()}
    if out.pop("nullable", False):
        if "type" in out:
            out["type"] = [out["type"], "null"] if isinstance(out["type"], str) else [*out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
        if "$ref" in out or "allOf" in out or "oneOf" in out or "anyOf" in out:
            out = {"anyOf": [{"type": "null"}, out]}
    return out


def _query_value(text: str, schema: dict):
    """A query string value as the type its schema declares (so that minimum/maximum apply)."""
    kind = schema.get("type")
    if kind == "array":  # style form, explode false: comma-separated
        return [_query_value(part, schema.get("items") or {}) for part in text.split(",")]
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            return float(text)
    except ValueError:
        return text
    if kind == "boolean" and text in ("true", "false"):
        return text == "true"
    return text


@dataclass(frozen=True)
class Operation:
    method: str          # "GET"
    path: str            # "/playlists/{playlist_id}/items"
    spec: dict

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def deprecated(self) -> bool:
        return bool(self.spec.get("deprecated"))

    @property
    def operation_id(self) -> str:
        return self.spec.get("operationId", "")

    @property
    def scopes(self) -> set[str]:
        return {s for req in self.spec.get("security", []) for s in req.get("oauth_2_0", [])}


class Description:
    def __init__(self, path: Path = DESCRIPTION):
        self.doc = yaml.safe_load(path.read_text())
        self._schema_doc = _json_schema(self.doc)
        for (schema, prop) in KNOWN_GAPS:
            node = self._schema_doc["components"]["schemas"][schema]["properties"][prop]
            self._schema_doc["components"]["schemas"][schema]["properties"][prop] = {
                "anyOf": [{"type": "null"}, node]}
        self.operations: list[Operation] = [
            Operation(m.upper(), p, op) for p, ops in self.doc["paths"].items()
            for m, op in ops.items() if m in METHODS
        ]
        self._by_id = {op.operation_id: op for op in self.operations}

    # -- looking things up -------------------------------------------------------------------
    def deref(self, node):
        """Follow ``$ref`` chains inside the description (for parameters and responses)."""
        while isinstance(node, dict) and "$ref" in node:
            target = self.doc
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            node = target
        return node

    def operation(self, method: str, path: str) -> Operation | None:
        """The operation a request is, from its method and URL path (with or without ``/v1``)."""
        path = path[len(API_PREFIX):] if path.startswith(API_PREFIX + "/") else path
        path = path.rstrip("/") or "/"
        for op in self.operations:
            if op.method != method.upper():
                continue
            pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(op.path)) + "$"
            if re.match(pattern, path):
                return op
        return None

    def path_exists(self, path: str) -> bool:
        return any(self.operation(m, path) for m in METHODS)

    def replacement(self, op: Operation) -> str | None:
        """What a deprecated operation's own text says to use instead, as ``METHOD /path``."""
        for slug in re.findall(r"/documentation/web-api/reference/([\w-]+)", op.spec.get("description", "")):
            if slug in self._by_id and not self._by_id[slug].deprecated:
                return self._by_id[slug].name
        return None

    def query_parameters(self, op: Operation) -> dict[str, dict]:
        params = [self.deref(p) for p in op.spec.get("parameters", [])]
        return {p["name"]: p for p in params if p.get("in") == "query"}

    def body_schema(self, op: Operation) -> dict | None:
        body = self.deref(op.spec.get("requestBody") or {})
        return ((body.get("content") or {}).get("application/json") or {}).get("schema")

    def scopes(self) -> set[str]:
        flows = self.doc["components"]["securitySchemes"]["oauth_2_0"]["flows"]
        return set(flows["authorizationCode"]["scopes"])

    def schema_property(self, schema: str, prop: str) -> dict | None:
        """A property of a component schema (looking into ``allOf``), or None."""
        node = self.doc["components"]["schemas"][schema]
        parts = [node] + [self.deref(p) for p in node.get("allOf", [])]
        for part in parts:
            if prop in (part.get("properties") or {}):
                return part["properties"][prop]
        return None

    # -- checking ------------------------------------------------------------------------------
    def check_request(self, method: str, url: str, body: bytes | str | None = None,
                      scopes: set[str] | None = None) -> list[str]:
        """Problems with one request (empty when it is a current, documented call)."""
        parsed = urlparse(url)
        op = self.operation(method, parsed.path)
        where = f"{method} {parsed.path}"
        if op is None:
            return [f"{where} is not in Spotify's API description"]
        problems = []
        if op.deprecated:
            instead = self.replacement(op)
            problems.append(
                f"{where} is {op.name}, which the API description marks deprecated"
                + (f": use {instead} instead" if instead else " (the description names no replacement: "
                   "the call has to go)"))
        declared = self.query_parameters(op)
        for name, value in parse_qsl(parsed.query, keep_blank_values=True):
            if name not in declared:
                problems.append(f"{where}: query parameter {name!r} is not declared for {op.name} "
                                f"(declared: {sorted(declared)})")
            elif declared[name].get("deprecated") or (declared[name].get("schema") or {}).get("deprecated"):
                problems.append(f"{where}: query parameter {name!r} is deprecated")
            else:
                schema = declared[name].get("schema") or {}
                problems += [f"{where}: query parameter {name}={value!r}: {e}"
                             for e in self.errors(schema, _query_value(value, schema))]
        if body:
            schema = self.body_schema(op)
            try:
                payload = json.loads(body)
            except ValueError:
                payload = None
            if schema is None:
                problems.append(f"{where} sends a body, but {op.name} takes none")
            else:
                props = schema.get("properties") or {}
                for key in payload if isinstance(payload, dict) else ():
                    if key not in props:
                        problems.append(f"{where}: body field {key!r} is not in {op.name}'s request body "
                                        f"(fields: {sorted(props)})")
                    elif props[key].get("deprecated"):
                        problems.append(f"{where}: body field {key!r} is deprecated")
                problems += [f"{where}: body: {e}" for e in self.errors(schema, payload)]
        if scopes is not None and op.scopes and not (op.scopes & scopes) and op.name not in SCOPE_EXEMPT:
            problems.append(f"{where} needs one of the scopes {sorted(op.scopes)}; the login requests "
                            f"{sorted(scopes)}")
        return problems

    def response_schema(self, op: Operation, status: int) -> dict | None:
        responses = op.spec.get("responses", {})
        response = self.deref(responses.get(str(status)) or {})
        return ((response.get("content") or {}).get("application/json") or {}).get("schema")

    def documented_statuses(self, op: Operation) -> set[int]:
        return {int(s) for s in op.spec.get("responses", {}) if s.isdigit()}

    def errors(self, schema: dict, instance) -> list[str]:
        """jsonschema's messages for ``instance`` against a schema from this description."""
        resolvable = {"components": self._schema_doc["components"], **_json_schema(schema)}
        validator = jsonschema.Draft202012Validator(resolvable)
        return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: "
                + (e.message if len(e.message) < 200 else f"{e.message[:90]} ... {e.message[-90:]}")
                for e in validator.iter_errors(instance)]

    def check_response(self, method: str, path: str, status: int, body) -> list[str]:
        """Problems with one response: the status is documented for the operation and the body
        matches its schema."""
        op = self.operation(method, path)
        if op is None:
            return [f"{method} {path} is not in the description"]
        if status not in self.documented_statuses(op) and (op.name, status) in UNDOCUMENTED_STATUSES:
            shared = self.doc["components"]["responses"][UNDOCUMENTED_STATUSES[op.name, status][0]]
            schema = shared["content"]["application/json"]["schema"]
            return [f"{op.name} {status}: {e}" for e in self.errors(schema, body)]
        if status not in self.documented_statuses(op):
            return [f"{op.name} does not document status {status} "
                    f"(documented: {sorted(self.documented_statuses(op))})"]
        schema = self.response_schema(op, status)
        if schema is None:
            return [] if body in (None, b"", "") else [f"{op.name} {status} documents no body"]
        return [f"{op.name} {status}: {e}" for e in self.errors(schema, body)]


@functools.lru_cache(maxsize=1)
def description() -> Description:
    return Description()
