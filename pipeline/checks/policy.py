"""``handouts.yaml``: which locales CI requires, and how complete each must be.

    locales:
      es:    {required: true}                    # min_coverage defaults to 100
      ar:    {required: false, min_coverage: 0}  # reported, never fails CI
      fr:
        publish: reviewed                        # only reviewed entries publish
        reviewers: ["Marie Dupont, CT"]          # whose review marks count

``min_coverage`` is the percentage of template entries ready to publish under the
locale's ``publish`` rule: translated (not fuzzy), or, with ``publish: reviewed``,
reviewed. ``publish`` (default ``reviewed``) decides what a handout needs to be
published; ``reviewers`` (optional) lists the only names whose review marks count for
the locale. A locale missing from the policy is reported but not required. Whatever the
threshold, a handout is published only when every text it uses is ready and free of
errors; the build decides that per handout.

Two optional keys shape the files the build writes (see :mod:`pipeline.publish.formats`):

    base_url: https://handouts.example.org/   # the public address of output/
    pdf:
      paper: letter                           # letter, a4, or [letter, a4]

and ``clinic:``, the care team's details every handout prints
(:mod:`pipeline.checks.clinic_details`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from ..catalogs.locales import parse_locale
from ..catalogs.marks import normal_reviewer, reviewer_problem
from ..errors import SourceError
from ..source.yamlfile import KB, read_yaml
from .clinic_details import Clinic, load_clinic

POLICY_PATH = Path("handouts.yaml")
MAX_POLICY_BYTES = 256 * KB
LOCALE_KEYS = {"required", "min_coverage", "publish", "reviewers"}
PUBLISH_RULES = ("translated", "reviewed")
TOP_KEYS = ("locales", "base_url", "pdf", "clinic")
PAPERS = ("letter", "a4")  # PDF page sizes (Chromium's names: Letter, A4)


@dataclass(frozen=True, slots=True)
class LocalePolicy:
    locale: str
    required: bool = False
    min_coverage: float = 0.0
    line: int = 0
    publish: str = "reviewed"  # "translated" | "reviewed"
    reviewers: tuple[str, ...] | None = None  # None: any well-formed mark counts

    @property
    def needs_review(self) -> bool:
        return self.publish == "reviewed"


@dataclass(frozen=True)
class Policy:
    locales: dict[str, LocalePolicy]
    path: str = POLICY_PATH.as_posix()
    base_url: str | None = None  # ends with "/"; None: handouts name files plainly
    papers: tuple[str, ...] = ("letter",)  # PDF sizes, in PAPERS
    clinic: Clinic = Clinic()  # the care team's details (all None: lines to write on)

    def required(self) -> list[str]:
        """The locales CI requires, in the file's order."""
        return [code for code, item in self.locales.items() if item.required]

    def get(self, locale: str) -> LocalePolicy:
        """The policy of ``locale`` (not required, when the file does not name it)."""
        return self.locales.get(locale) or LocalePolicy(locale)


def load_policy(root: Path) -> Policy:
    """Read ``handouts.yaml``; a mistake is a SourceError naming ``handouts.yaml:line``."""
    path = root / POLICY_PATH
    if not path.exists():  # a FIFO or a folder is not "no policy": read_yaml refuses it
        return Policy({})
    _, node = read_yaml(path, POLICY_PATH.as_posix(), "the policy file", MAX_POLICY_BYTES)
    if node is None:
        return Policy({})
    top = _mapping(node, "the policy file")
    unknown = [key for key in top if key.value not in TOP_KEYS]
    if unknown:
        raise _error(
            f"unknown key '{unknown[0].value}' (expected one of: {', '.join(TOP_KEYS)})",
            _line(unknown[0]),
        )
    values = {key.value: value for key, value in top.items()}
    locales_node = values.get("locales")
    if locales_node is None:
        raise _error("missing 'locales' (a mapping of locale to its policy)", 1)
    return Policy(
        {
            key.value: _locale_policy(key, value)
            for key, value in _mapping(locales_node, "'locales'").items()
        },
        base_url=_base_url(values["base_url"]) if "base_url" in values else None,
        papers=_papers(values["pdf"]) if "pdf" in values else ("letter",),
        clinic=load_clinic(root, values["clinic"]) if "clinic" in values else Clinic(),
    )


def _base_url(node: yaml.Node) -> str:
    """An absolute http(s) address, with a trailing slash (the folder of index.html)."""
    value = node.value if isinstance(node, yaml.ScalarNode) else ""
    parts = urlsplit(value) if isinstance(value, str) else None
    if (
        not parts
        or parts.scheme not in ("http", "https")
        or not parts.netloc
        or parts.query
        or parts.fragment
        or any(c.isspace() for c in value)
    ):
        raise _error(
            "'base_url' must be an absolute http:// or https:// address (the folder "
            "the output is published at), without query or fragment",
            _line(node),
        )
    return value if value.endswith("/") else value + "/"


def _papers(node: yaml.Node) -> tuple[str, ...]:
    fields = _mapping(node, "'pdf'")
    papers: tuple[str, ...] = ("letter",)
    for key, value in fields.items():
        if key.value != "paper":
            raise _error(f"unknown key '{key.value}' in 'pdf' (allowed: paper)", _line(key))
        items = value.value if isinstance(value, yaml.SequenceNode) else [value]
        names = [
            item.value.lower() if isinstance(item, yaml.ScalarNode) else None for item in items
        ]
        if not names or any(name not in PAPERS for name in names) or len(set(names)) != len(names):
            raise _error(
                f"'paper' must be one of {', '.join(PAPERS)}, or a list of them", _line(value)
            )
        papers = tuple(names)  # type: ignore[arg-type]
    return papers


def _locale_policy(key: yaml.Node, node: yaml.Node) -> LocalePolicy:
    locale = str(key.value)
    parse_locale(locale, f"{POLICY_PATH.as_posix()}:{_line(key)}")
    if isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null"):
        fields: dict[yaml.Node, yaml.Node] = {}
    else:
        fields = _mapping(node, f"locale '{locale}'")
    values: dict[str, object] = {}
    for field_key, value in fields.items():
        if field_key.value not in LOCALE_KEYS:
            raise _error(
                f"unknown key '{field_key.value}' for locale '{locale}' (allowed: "
                f"{', '.join(sorted(LOCALE_KEYS))})",
                _line(field_key),
            )
        if field_key.value == "reviewers":
            values["reviewers"] = _reviewers(value, locale)
        else:
            values[field_key.value] = _scalar(value, field_key.value, locale)
    required = bool(values.get("required", False))
    coverage = float(values.get("min_coverage", 100.0 if required else 0.0))  # type: ignore[arg-type]
    return LocalePolicy(
        locale,
        required,
        coverage,
        _line(key),
        str(values.get("publish", "reviewed")),
        values.get("reviewers"),  # type: ignore[arg-type]
    )


def _reviewers(node: yaml.Node, locale: str) -> tuple[str, ...]:
    """The reviewers of a locale: a list of 'Name, credential' texts."""
    if not isinstance(node, yaml.SequenceNode):
        raise _error(f"'reviewers' of locale '{locale}' must be a list of names", _line(node))
    names = []
    for item in node.value:
        if not isinstance(item, yaml.ScalarNode) or item.tag != "tag:yaml.org,2002:str":
            raise _error(
                f"a reviewer of locale '{locale}' must be a text ('Name, credential')", _line(item)
            )
        problem = reviewer_problem(item.value)
        if problem:
            raise _error(f"reviewer of locale '{locale}': {problem}", _line(item))
        names.append(normal_reviewer(item.value))
    return tuple(names)


def _scalar(node: yaml.Node, name: str, locale: str) -> bool | float | str:
    value = yaml.safe_load(yaml.serialize(node)) if isinstance(node, yaml.ScalarNode) else None
    if name == "publish":
        if value not in PUBLISH_RULES:
            raise _error(
                f"'publish' of locale '{locale}' must be 'translated' or 'reviewed'", _line(node)
            )
        return str(value)
    if name == "required":
        if not isinstance(value, bool):
            raise _error(f"'required' of locale '{locale}' must be true or false", _line(node))
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        raise _error(
            f"'min_coverage' of locale '{locale}' must be a percentage from 0 to 100", _line(node)
        )
    return float(value)


def _mapping(node: yaml.Node, what: str) -> dict[yaml.Node, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        raise _error(f"{what} must be a mapping", _line(node))
    seen: dict[str, int] = {}
    for key, _ in node.value:
        if key.value in seen:
            raise _error(
                f"'{key.value}' appears twice in {what} (first at line {seen[key.value]})",
                _line(key),
            )
        seen[key.value] = _line(key)
    return dict(node.value)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _error(message: str, line: int | None = None) -> SourceError:
    return SourceError(message, POLICY_PATH.as_posix(), line)
