"""The package reads like the pipeline: imports only go down the stages, nothing imports
the benchmark, docs/layout.md names every module there is, and the README links every
page of docs/ by a link that resolves."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"
README = PACKAGE.parent / "README.md"
DOCS = PACKAGE.parent / "docs"
LAYOUT = DOCS / "layout.md"
# a module may import from its own stage and from the stages before it
STAGES = {
    "model": 0,
    "errors": 0,
    "files": 0,
    "text": 0,
    "workers": 0,
    "clock": 0,
    "factcheck": 0,
    "escaping": 0,
    "source": 1,
    "catalogs": 2,
    "checks": 3,
    "publish": 4,
    "commands": 5,  # the commands orchestrate the stages and print
    "cli": 6,
    "__main__": 6,
    "__init__": 6,
    "bench": 7,
}


def stage_of(dotted: str) -> str:
    """The stage a module of the package belongs to ('pipeline.checks.numbers' -> checks)."""
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else "__init__"


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def dotted(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    return ".".join(relative.parts)


def imported(path: Path) -> list[tuple[int, str]]:
    """Every module of the package that ``path`` imports, with the line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = dotted(path).rsplit(".", 1)[0] if path.name != "__init__.py" else dotted(path)
    if path.name == "__init__.py":
        package = package.rsplit(".", 1)[0] if package.endswith("__init__") else package
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("pipeline"):
                names = [target] if node.module else [f"{target}.{a.name}" for a in node.names]
                found += [(node.lineno, name) for name in names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("pipeline")]
    return found


@pytest.mark.parametrize("path", modules(), ids=lambda p: dotted(p))
def test_imports_only_go_down_the_stages(path):
    here = stage_of(dotted(path))
    for line, target in imported(path):
        there = stage_of(target)
        if there == "__init__":  # `from pipeline import __version__`
            continue
        assert STAGES[there] <= STAGES[here], (
            f"{path.relative_to(PACKAGE.parent)}:{line}: {here} imports {target} (a later stage)"
        )
        assert there != "bench" or here == "bench", f"{path}:{line}: imports the benchmark"


def test_every_folder_of_the_package_is_a_known_stage():
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders <= set(STAGES) | {"templates"}


def test_the_layout_names_every_module():
    text = LAYOUT.read_text(encoding="utf-8")
    layout = text[text.index("```") :]
    missing = [
        dotted(p)
        for p in modules()
        if p.name not in ("__init__.py", "__main__.py") and p.name not in layout
    ]
    assert not missing, f"docs/layout.md lacks: {missing}"


def relative_links(path: Path) -> list[tuple[str, str]]:
    """Every relative Markdown link of ``path``: (target file, anchor)."""
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    links = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        links.append((file, anchor))
    return links


def anchors(path: Path) -> set[str]:
    """GitHub's anchors for the headings of a Markdown file."""
    found = set()
    for heading in re.findall(r"^#+ (.+)$", path.read_text(encoding="utf-8"), re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        found.add(slug)
    return found


@pytest.mark.parametrize("page", [README, *sorted(DOCS.glob("*.md"))], ids=lambda p: p.name)
def test_every_relative_link_resolves(page):
    broken = []
    for file, anchor in relative_links(page):
        target = (page.parent / file).resolve() if file else page
        if not target.exists():
            broken.append(f"{file}#{anchor}" if anchor else file)
        elif anchor and target.suffix == ".md" and anchor not in anchors(target):
            broken.append(f"{file}#{anchor}")
    assert not broken, f"{page.name}: broken links {broken}"


def test_the_readme_is_a_front_door_linking_every_page_of_docs():
    text = README.read_text(encoding="utf-8")
    linked = {(README.parent / file).resolve() for file, _ in relative_links(README)}
    pages = {p.resolve() for p in DOCS.iterdir() if p.suffix in (".md", ".json")}
    assert pages <= linked, sorted(p.name for p in pages - linked)
    assert "make build" in text and "make test" in text and "bash .ci/run" in text
    assert len(text.splitlines()) <= 300, "reference material belongs in docs/"


def test_an_installed_package_has_every_module_and_data_file():
    """pyproject.toml ships every subpackage and every template and data file (an
    editable install would hide a gap that a wheel shows)."""
    import fnmatch
    import tomllib

    from setuptools import find_packages

    config = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = config["tool"]["setuptools"]
    found = set(
        find_packages(str(PACKAGE.parent), include=setuptools["packages"]["find"]["include"])
    )
    folders = {".".join(p.parent.relative_to(PACKAGE.parent).parts) for p in modules()}
    assert folders <= found
    patterns = setuptools["package-data"]["pipeline"]
    data = [
        p.relative_to(PACKAGE).as_posix()
        for p in PACKAGE.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc")
    ]
    assert all(any(fnmatch.fnmatch(name, pattern) for pattern in patterns) for name in data), [
        name for name in data if not any(fnmatch.fnmatch(name, p) for p in patterns)
    ]


@pytest.mark.parametrize(
    "path",
    [p for p in modules() if STAGES[stage_of(dotted(p))] < STAGES["commands"]],
    ids=lambda p: dotted(p),
)
def test_stages_never_print(path):
    """A stage is a library: what reaches the terminal is a command's to print."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    printing = [
        node.lineno
        for node in ast.walk(tree)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "print"
        )
        or (
            isinstance(node, ast.Attribute)
            and node.attr in ("stdout", "stderr")
            and isinstance(node.value, ast.Name)
            and node.value.id == "sys"
        )
    ]
    assert not printing, f"{path.relative_to(PACKAGE.parent)}:{printing[0]}: a stage prints"


# #28 item 4: every module of the package is sized, every stage and the top modules
MAX_MODULE_LINES, MAX_FUNCTION_LINES = 600, 60


def long_functions(path: Path) -> list[str]:
    """The functions of ``path`` over 60 lines whose docstring gives no reason."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            reason = "Long because" in (ast.get_docstring(node) or "")
            if length > MAX_FUNCTION_LINES and not reason:
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name} ({length})")
    return found


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_no_module_over_600_lines_no_function_over_60_without_a_reason(stage):
    paths = [p for p in modules() if stage_of(dotted(p)) == stage]
    assert paths, f"no module of stage {stage}"
    too_long = [
        f"{p.relative_to(PACKAGE)} ({n})"
        for p in paths
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert not too_long, f"modules over {MAX_MODULE_LINES} lines: {too_long}"
    functions = [f for p in paths for f in long_functions(p)]
    assert not functions, f"functions over 60 lines with no 'Long because' reason: {functions}"


@pytest.mark.parametrize("path", modules(), ids=lambda p: dotted(p))
def test_no_module_imports_another_modules_private_name(path):
    """A room's private names are its own: another module uses its public interface
    (``serve`` drives the build through ``IncrementalBuild``, not its helpers)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    private = [
        f"{node.lineno}: {'.' * node.level}{node.module or ''} {alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.level or "pipeline" in (node.module or ""))
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    ]
    assert not private, f"{path.relative_to(PACKAGE.parent)}: private names imported: {private}"


def _module_imports() -> dict[str, set[str]]:
    """Each module's package modules imported when it is imported: its top-level imports
    (not those under ``if TYPE_CHECKING:`` or inside functions), with the packages whose
    ``__init__`` they run."""
    modules: dict[str, Path] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
                target = target if node.level else (node.module or "")
                found.update(f"{target}.{alias.name}" for alias in node.names)
                found.add(target)
        graph[name] = {
            prefix
            for dotted in found
            for prefix in (".".join(dotted.split(".")[:k]) for k in range(2, dotted.count(".") + 2))
            if prefix in modules and prefix != name and not name.startswith(prefix + ".")
        }
    return graph


def test_no_module_imports_itself_back():
    """An import cycle works or fails by which module is imported first (``bundle`` once
    failed where ``build`` worked): none between modules' top-level imports."""
    graph = _module_imports()
    assert len(graph) > 100 and "pipeline.publish.fingerprints" in graph["pipeline.publish.plan"]
    cycles: list[list[str]] = []

    def visit(name: str, path: list[str], done: set[str]) -> None:
        for other in sorted(graph[name]):
            if other in path:
                cycles.append([*path[path.index(other) :], other])
            elif other not in done:
                visit(other, [*path, other], done)
        done.add(name)

    finished: set[str] = set()
    for name in sorted(graph):
        if name not in finished:
            visit(name, [name], finished)
    assert not cycles, f"import cycles: {cycles[:3]}"
