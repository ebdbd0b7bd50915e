"""Find the installed policy plugins and collect what each registers, one plugin failing alone."""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pluggy

from polterm import hookspecs
from polterm.policy import Checklist, ConferenceKind, PolicyInfo, RecordForm, Rule

ENTRY_POINT_GROUP = "polterm"
ALLOWLIST_ENV = "POLTERM_LOAD_PLUGINS"


@dataclass(frozen=True)
class PluginError:
    """A plugin that could not load or misbehaved, said in one line."""

    plugin: str
    message: str
    policy: str | None = None  # whose rule failed, when one rule did
    rule: str | None = None

    def __str__(self) -> str:
        return f"policy plugin {self.plugin!r} failed: {self.message}"


@dataclass
class LoadedPolicy:
    """Everything one plugin registered, validated."""

    info: PolicyInfo
    plugin: str
    version: str
    hooks: list[str]
    rules: dict[str, Rule] = field(default_factory=dict)
    kinds: dict[str, ConferenceKind] = field(default_factory=dict)
    checklists: list[Checklist] = field(default_factory=list)
    digest: str = ""  # of the installed files: code edited in place is a new answer
    per_student: frozenset[str] = frozenset()  # its tables whose rows belong to one student
    forms: dict[str, RecordForm] = field(default_factory=dict)
    module: str = ""  # the plugin's module, where the policy text it ships lives


@dataclass
class Registry:
    """The plugin manager plus what its plugins registered, by policy name."""

    pm: pluggy.PluginManager
    policies: dict[str, LoadedPolicy]
    errors: list[PluginError]
    installed: dict[str, str]  # entry-point name -> distribution, loaded or not
    allowed: set[str] | None = None  # POLTERM_LOAD_PLUGINS when it was set

    def why_missing(self, policy: str) -> str:
        """Why a policy the district uses is not loaded, and what to do, in one line."""
        failed = [e.message for e in self.errors if e.plugin == policy]
        why = f" ({failed[0]})" if failed else ""
        if policy in self.installed and self.allowed is not None and policy not in self.allowed:
            return (
                f"policy {policy!r} is installed but not allowed: add it to "
                f"{ALLOWLIST_ENV}={','.join(sorted(self.allowed))}"
            )
        return (
            f"policy {policy!r} is configured but not installed{why}: "
            f"install its package, e.g. `pip install polterm-{policy.replace('_', '-')}`"
        )

    def per_student_tables(self) -> frozenset[str]:
        """The plugins' tables whose rows belong to one student each."""
        return frozenset().union(*(p.per_student for p in self.policies.values()))

    def plugin_impls(self, hook: str, policy: str) -> list[Callable[..., Any]]:
        """The implementations of a hook belonging to one policy's plugin."""
        plugin = self.policies[policy].plugin
        caller = getattr(self.pm.hook, hook)
        return [impl.function for impl in caller.get_hookimpls() if impl.plugin_name == plugin]


def make_plugin_manager() -> tuple[pluggy.PluginManager, list[PluginError], dict[str, str]]:
    """Build the manager from the `polterm` entry points, honouring the env allowlist."""
    pm = pluggy.PluginManager("polterm")
    pm.add_hookspecs(hookspecs)
    allow = allowlist()
    errors: list[PluginError] = []
    installed: dict[str, str] = {}
    for dist, ep in _entry_points():
        installed[ep.name] = dist.metadata["Name"]
        if (allow is not None and ep.name not in allow) or pm.has_plugin(ep.name):
            continue
        try:
            pm.register(ep.load(), name=ep.name)
        except Exception as error:  # a broken plugin must not stop polterm
            errors.append(PluginError(ep.name, f"cannot be imported: {one_line(error)}"))
    return pm, errors, installed


def build_registry(pm: pluggy.PluginManager | None = None) -> Registry:
    """Ask every plugin for its policy, rules, kinds and checklists; keep the ones that answer."""
    errors: list[PluginError] = []
    installed: dict[str, str] = {}
    if pm is None:
        pm, errors, installed = make_plugin_manager()
    policies: dict[str, LoadedPolicy] = {}
    for name, plugin in pm.list_name_plugin():
        if plugin is None:
            continue
        try:
            loaded = _load_policy(pm, name, plugin, installed.get(name))
        except Exception as error:
            errors.append(PluginError(name, one_line(error)))
            continue
        if loaded is None:
            continue
        if loaded.info.name in policies:
            errors.append(PluginError(name, f"policy name {loaded.info.name!r} is taken"))
            continue
        policies[loaded.info.name] = loaded
    return Registry(pm, policies, errors, installed, allowlist() if installed else None)


def _load_policy(
    pm: pluggy.PluginManager, name: str, plugin: object, dist: str | None
) -> LoadedPolicy | None:
    impls = {
        hook: [i.function for i in caller.get_hookimpls() if i.plugin_name == name]
        for hook, caller in vars(pm.hook).items()
        if not hook.startswith("_")
    }
    impls = {hook: fns for hook, fns in impls.items() if fns}
    if "polterm_policy" not in impls:
        return None  # a helper plugin that adds commands only
    info = impls["polterm_policy"][0]()
    if not isinstance(info, PolicyInfo):
        raise TypeError(f"polterm_policy returned {type(info).__name__}, not PolicyInfo")
    loaded = LoadedPolicy(
        info,
        name,
        _version_of(plugin, dist),
        sorted(impls),
        digest=content_digest(plugin, dist),
        module=getattr(plugin, "__name__", type(plugin).__module__),
    )

    def collect(hook: str, kind: type, add: Callable[[Any], None]) -> None:
        def register(item: object) -> None:
            if not isinstance(item, kind):
                raise TypeError(f"{hook} registered {type(item).__name__}, not {kind.__name__}")
            add(item)

        for fn in impls.get(hook, []):
            fn(register=register)

    collect("polterm_register_rules", Rule, lambda r: loaded.rules.__setitem__(r.id, r))
    collect(
        "polterm_register_conference_kinds",
        ConferenceKind,
        lambda k: loaded.kinds.__setitem__(k.id, k),
    )
    collect("polterm_register_checklists", Checklist, loaded.checklists.append)
    collect(
        "polterm_register_record_forms", RecordForm, lambda f: loaded.forms.__setitem__(f.id, f)
    )
    tables = [t for fn in impls.get("polterm_per_student_tables", []) for t in fn() or []]
    if not all(isinstance(t, str) for t in tables):
        raise TypeError("polterm_per_student_tables returned something other than table names")
    loaded.per_student = frozenset(tables)
    return loaded


def _version_of(plugin: object, dist: str | None) -> str:
    """The version of the distribution that ships the plugin (its entry point's, if known)."""
    if dist is not None:
        return importlib.metadata.version(dist)
    module = getattr(plugin, "__name__", type(plugin).__module__).split(".")[0]
    for dist_name in importlib.metadata.packages_distributions().get(module, []):
        return importlib.metadata.version(dist_name)
    return str(getattr(plugin, "__version__", "unknown"))


def content_digest(plugin: object, dist: str | None) -> str:
    """A hash of the plugin's installed files: its distribution's, and its package directory's
    (an editable install's distribution lists none of its code). Compiled caches are left out:
    importing writes them."""
    paths: set[Path] = set()
    if dist is not None:
        for file in importlib.metadata.distribution(dist).files or []:
            paths.add(Path(str(file.locate())))
    module = plugin if hasattr(plugin, "__file__") else sys.modules.get(type(plugin).__module__)
    source = getattr(module, "__file__", None)
    if source:
        path = Path(source)
        if path.name == "__init__.py":
            paths.update(p for p in path.parent.rglob("*") if p.is_file())
        else:
            paths.add(path)
    digest = hashlib.sha256()
    for path in sorted(paths):
        if "__pycache__" in path.parts or path.suffix == ".pyc":
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue  # a file the record lists but the install left out
        digest.update(f"{path}\0".encode())
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()[:16]


def _entry_points() -> Iterator[tuple[importlib.metadata.Distribution, Any]]:
    seen: set[str] = set()
    for dist in importlib.metadata.distributions():
        for ep in dist.entry_points:
            if ep.group == ENTRY_POINT_GROUP and ep.name not in seen:
                seen.add(ep.name)
                yield dist, ep


def allowlist() -> set[str] | None:
    """The plugin names `POLTERM_LOAD_PLUGINS` allows, or None when it is not set."""
    value = os.environ.get(ALLOWLIST_ENV)
    if value is None:
        return None
    return {part.strip() for part in value.split(",") if part.strip()}


def one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return f"{type(error).__name__}: {text}" if str(error) else text
