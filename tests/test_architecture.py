"""Layers only point down: a walk over every import in backend/app (issues 11 and 24).

main → api/ → realtime/ → services/ → repositories/, schemas/, media/ → core/; messengers/ (the
Bot API adapters) sit beside media/; server/ (HTTP machinery) is used by main, api/ and realtime/
and itself uses only core/. A module importing a higher layer fails the test, and so
does one that skips services/ to reach repositories/ (only services/ and the top-level entry
points may): the file, line and import are named. Imports inside functions count too (an import
hidden in a function is still a dependency). Every package has a rule, so a new one cannot slip
past the walk.
"""

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "backend" / "app"

# layer → the layers it must never import
FORBIDDEN = {
    "repositories": {"services", "api", "realtime", "server"},
    "core": {"services", "api", "realtime", "server"},
    "schemas": {"services", "api", "realtime", "server"},
    "media": {"services", "api", "realtime", "server"},
    "messengers": {"services", "api", "realtime", "repositories", "server"},
    # The rules know nothing of HTTP: no middleware, protocol or metrics endpoint.
    "services": {"api", "realtime", "server"},
    # HTTP machinery (ASGI middlewares, uvicorn protocols, /metrics): only ground utilities.
    "server": {"services", "api", "realtime", "repositories", "schemas", "media", "messengers"},
    # The socket server: below the routers, above the rules; the database only through services.
    "realtime": {"api", "repositories"},
    "api": {"repositories"},
}
# The modules directly in app/ (main, cli, web, __main__) are the top: they wire the layers.


def layer_of(module: str) -> str | None:
    """``app.services.photos`` → ``services``; None outside ``app`` or for top-level modules."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "app" else None


def module_name(path: Path) -> str:
    relative = path.relative_to(APP.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, package: str) -> list[tuple[int, str]]:
    """Every module ``source`` imports, made absolute (relative ones against ``package``), with
    its line, in source order."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: up (level - 1) packages from this module's package
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from app import services` imports the package the alias names.
            found += [
                (node.lineno, f"{base}.{alias.name}" if base == "app" else base)
                for alias in node.names
            ]
    return sorted(found)


def package_of(path: Path) -> str:
    name = module_name(path)
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def upward_imports() -> list[str]:
    problems = []
    for path in sorted(APP.rglob("*.py")):
        layer = layer_of(module_name(path))
        for line, target in imported_modules(path.read_text(), package_of(path)):
            target_layer = layer_of(target)
            if layer in FORBIDDEN and target_layer in FORBIDDEN[layer]:
                problems.append(f"{path.relative_to(APP.parent)}:{line}: {layer} imports {target}")
    return problems


def test_imports_point_down() -> None:
    assert upward_imports() == []


def test_every_package_has_a_rule() -> None:
    packages = {path.parent.name for path in APP.glob("*/__init__.py")}
    assert packages == set(FORBIDDEN)


def test_the_walk_sees_every_kind_of_import() -> None:
    """The checker itself: absolute, from-, relative and in-function imports are all found."""
    source = (
        "import app.api.deps\n"
        "from app.services import auth\n"
        "from app import realtime\n"
        "from ..api import deps\n"
        "def f():\n"
        "    from app.api.routes import health\n"
    )
    found = [target for _, target in imported_modules(source, "app.repositories")]
    assert found == ["app.api.deps", "app.services", "app.realtime", "app.api", "app.api.routes"]
