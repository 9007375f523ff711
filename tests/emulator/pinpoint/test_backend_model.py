"""Random operation sequences against the backend, checked against a small reference model.

The model keeps, per (name, type), the list of version numbers, the active one and the next
number. Every backend answer (result or error class) must match what the model predicts, and
the listings must page through exactly the model's content.
"""

from __future__ import annotations

from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from toolkit.emulator.exceptions import EmulatorError
from toolkit.emulator.pinpoint.backend import Backend
from toolkit.emulator.pinpoint.exceptions import BadRequestException, NotFoundException

NAMES = st.sampled_from(["a", "b", "c-1"])
TYPES = st.sampled_from(["EMAIL", "SMS"])
VERSIONS = st.integers(min_value=1, max_value=6)


class BackendModel(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.backend = Backend()
        self.model: dict[tuple[str, str], dict[str, Any]] = {}

    def _expect(self, error: type[EmulatorError] | None, call: Any) -> Any:
        if error is None:
            return call()
        try:
            call()
        except error:
            return None
        raise AssertionError(f"expected {error.__name__}")

    @rule(name=NAMES, kind=TYPES, subject=st.text(max_size=5))
    def create(self, name: str, kind: str, subject: str) -> None:
        key = (name, kind)
        error = BadRequestException if key in self.model else None
        self._expect(error, lambda: self.backend.create_template(kind, name,
                                                                 {"Subject": subject}))
        if error is None:
            self.model[key] = {"versions": [1], "active": 1, "next": 2}

    @rule(name=NAMES, kind=TYPES)
    def add_version(self, name: str, kind: str) -> None:
        entry = self.model.get((name, kind))
        result = self._expect(None if entry else NotFoundException,
                              lambda: self.backend.update_template(
                                  kind, name, {}, version=None, create_new_version=True))
        if entry:
            assert result == entry["next"]
            entry["versions"].append(entry["next"])
            entry["next"] += 1

    @rule(name=NAMES, kind=TYPES, version=st.none() | VERSIONS)
    def overwrite(self, name: str, kind: str, version: int | None) -> None:
        entry = self.model.get((name, kind))
        if entry is None:
            error: type[EmulatorError] | None = NotFoundException
        elif version is None or version == entry["versions"][-1]:
            error = None
        else:
            error = NotFoundException if version not in entry["versions"] else BadRequestException
        result = self._expect(error, lambda: self.backend.update_template(
            kind, name, {}, version=None if version is None else str(version),
            create_new_version=False))
        if error is None:
            assert result == entry["versions"][-1]

    @rule(name=NAMES, kind=TYPES, version=VERSIONS)
    def delete_version(self, name: str, kind: str, version: int) -> None:
        entry = self.model.get((name, kind))
        if entry is None or version not in entry["versions"]:
            error: type[EmulatorError] | None = NotFoundException
        elif version == entry["active"]:
            error = BadRequestException
        else:
            error = None
        self._expect(error, lambda: self.backend.delete_template(kind, name, str(version)))
        if error is None:
            entry["versions"].remove(version)

    @rule(name=NAMES, kind=TYPES)
    def delete_template(self, name: str, kind: str) -> None:
        error = None if (name, kind) in self.model else NotFoundException
        self._expect(error, lambda: self.backend.delete_template(kind, name, None))
        self.model.pop((name, kind), None)

    @rule(name=NAMES, kind=TYPES, version=st.just("latest") | VERSIONS.map(str))
    def activate(self, name: str, kind: str, version: str) -> None:
        entry = self.model.get((name, kind))
        if entry is None:
            error: type[EmulatorError] | None = NotFoundException
        elif version != "latest" and int(version) not in entry["versions"]:
            error = NotFoundException
        else:
            error = None
        result = self._expect(error, lambda: self.backend.update_active_version(
            name, kind.lower(), version))
        if error is None:
            wanted = entry["versions"][-1] if version == "latest" else int(version)
            assert result == wanted
            entry["active"] = wanted

    @invariant()
    def listings_match_the_model(self) -> None:
        for size in ("1", "2", "20"):
            seen: list[tuple[str, str, str]] = []
            token = None
            while True:
                items, token = self.backend.list_templates(prefix=None, template_type=None,
                                                           page_size=size, next_token=token)
                seen += [(i["TemplateName"], i["TemplateType"], i["Version"]) for i in items]
                if token is None:
                    break
            assert seen == [(n, t, str(self.model[(n, t)]["active"]))
                            for n, t in sorted(self.model)]
        for (name, kind), entry in self.model.items():
            items, _ = self.backend.list_template_versions(name, kind, page_size="100",
                                                           next_token=None)
            assert [int(i["Version"]) for i in items] == entry["versions"]
            assert self.backend.get_template(kind, name, None)["Version"] == str(entry["active"])

    @invariant()
    def state_round_trips(self) -> None:
        state = self.backend.to_state()
        again = Backend()
        again.load(state)
        assert again.to_state() == state
        assert {(t["name"], t["type"]) for t in state["templates"]} == self.model.keys()


TestBackendModel = BackendModel.TestCase
TestBackendModel.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
