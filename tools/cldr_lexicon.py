"""Generate pipeline/text/lexicon/cldr.json: unit names, day periods and number symbols
from CLDR, as several Babel releases ship it, united.

The quantity check reads this file, never the installed Babel, so its verdicts do not
change when Babel (and its CLDR) does. To regenerate (a content change: review the diff):

    python tools/cldr_lexicon.py generate --babel 2.14.0 2.15.0 2.16.0 2.17.0 2.18.0 2.19.0

``generate`` creates one throw-away virtual environment per Babel release (in a temporary
folder, or ``--venvs DIR`` to reuse them), runs ``dump`` there and unites the results:
every form any release gives is kept, with the releases that lack it recorded under
``only_in`` so a reviewer sees what CLDR added or dropped.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "pipeline" / "text" / "lexicon" / "cldr.json"

# the locales the project translates into or may (issue 11's list and more)
LOCALES = (
    "am",
    "ar",
    "bn",
    "cs",
    "cy",
    "de",
    "el",
    "es",
    "es_419",
    "es_MX",
    "es_US",
    "fa",
    "fil",
    "fr",
    "fr_CA",
    "ga",
    "gu",
    "he",
    "hi",
    "ht",
    "hy",
    "id",
    "it",
    "ja",
    "km",
    "ko",
    "lo",
    "mr",
    "ms",
    "my",
    "ne",
    "nl",
    "pa",
    "pl",
    "ps",
    "pt",
    "pt_PT",
    "ro",
    "ru",
    "so",
    "sq",
    "sv",
    "sw",
    "ta",
    "te",
    "th",
    "tr",
    "uk",
    "ur",
    "uz",
    "vi",
    "yue",
    "zh",
    "zh_Hant",
)
# canonical unit -> CLDR unit ids
UNITS = {
    "°F": ["temperature-fahrenheit"],
    "°C": ["temperature-celsius"],
    "°": ["temperature-generic"],
    "mg": ["mass-milligram"],
    "g": ["mass-gram"],
    "kg": ["mass-kilogram"],
    "mcg": ["mass-microgram"],
    "lb": ["mass-pound"],
    "oz": ["mass-ounce"],
    "mL": ["volume-milliliter", "volume-cubic-centimeter"],
    "L": ["volume-liter"],
    "dL": ["volume-deciliter"],
    "teaspoon": ["volume-teaspoon"],
    "tablespoon": ["volume-tablespoon"],
    "cup": ["volume-cup", "volume-cup-metric"],
    "drop": ["volume-drop"],
    "second": ["duration-second"],
    "minute": ["duration-minute"],
    "hour": ["duration-hour"],
    "day": ["duration-day", "duration-day-person"],
    "week": ["duration-week", "duration-week-person"],
    "month": ["duration-month", "duration-month-person"],
    "year": ["duration-year", "duration-year-person"],
    "%": ["concentr-percent"],
    "‰": ["concentr-permille"],
    "mmHg": ["pressure-millimeter-ofhg"],
    "mmol/L": ["concentr-millimole-per-liter"],
    "mg/dL": ["concentr-milligram-ofglucose-per-deciliter"],
    "mm": ["length-millimeter"],
    "cm": ["length-centimeter"],
    "m": ["length-meter"],
    "inch": ["length-inch"],
    "m2": ["area-square-meter"],
}
SECONDS_PER_HOUR = 3600


def _plain(data):
    try:
        return {key: _plain(value) for key, value in data.items()}
    except AttributeError:
        return data


def _name(pattern: str) -> tuple[str, str] | None:
    """('suffix'|'prefix', name) of a unit pattern such as '{0} horas'."""
    if "{0}" not in pattern:
        return None
    before, _, after = pattern.partition("{0}")
    spaces = " \u00a0\u202f\u200e\u200f"
    before, after = before.strip(spaces), after.strip(spaces)
    if after and not before:
        return "suffix", after
    if before and not after:
        return "prefix", before
    return None


def dump_locale(code: str) -> dict:
    """What one installed Babel says about ``code``."""
    from babel import Locale

    locale = Locale.parse(code)
    data = locale._data  # noqa: SLF001 - the unit patterns have no public accessor
    units: dict[str, dict[str, list[str]]] = {}
    patterns, names = _plain(data["unit_patterns"]), _plain(data["unit_display_names"])
    for canonical, ids in UNITS.items():
        found: dict[str, set[str]] = {"suffix": set(), "prefix": set()}
        for cldr in ids:
            for counts in patterns.get(cldr, {}).values():
                for count, pattern in counts.items():
                    if not isinstance(pattern, str):
                        continue
                    named = _name(pattern)
                    if named and count == "per":  # "{0} на годину": per hour, read whole
                        found.setdefault("per", set()).add(named[1])
                    elif named:
                        found[named[0]].add(named[1])
            for name in names.get(cldr, {}).values():
                if isinstance(name, str) and name.strip():
                    found["suffix"].add(name.strip())
        units[canonical] = {side: sorted(forms) for side, forms in found.items() if forms}
    periods: dict[str, set[str]] = {}
    for context in _plain(locale.day_periods).values():
        for width in context.values():
            for key, word in width.items():
                periods.setdefault(key, set()).add(word)
    rules: dict[str, list[list[int]]] = {}
    for key, spans in (_plain(data.get("day_period_rules", {})).get(None) or {}).items():
        for span in spans:
            if "at" in span:
                hours = [span["at"] // SECONDS_PER_HOUR] * 2
            else:
                hours = [span["from"] // SECONDS_PER_HOUR, span["before"] // SECONDS_PER_HOUR]
            rules.setdefault(key, []).append(hours)
    rules.setdefault("am", [[0, 12]])
    rules.setdefault("pm", [[12, 24]])
    systems = {
        "latn",
        locale.default_numbering_system,
        *_plain(locale.other_numbering_systems).values(),
    }
    symbols = {}
    for system in sorted(systems):
        table = _plain(locale.number_symbols).get(system, {})
        if "decimal" in table:
            symbols[system] = {
                "decimal": table["decimal"],
                "group": table["group"],
                "percent": table.get("percentSign", "%"),
            }
    decimal = locale.decimal_formats[None]
    percent = locale.percent_formats[None].pattern
    per_words = set()  # "{0} na {1}": the word of a compound unit's "per"
    for width in _plain(data.get("compound_unit_patterns", {})).get("per", {}).values():
        compound = width.get("compound", "") if isinstance(width, dict) else ""
        between = compound.partition("{0}")[2].partition("{1}")[0].strip(" \u00a0\u202f")
        if between and between != "/":
            per_words.add(between)
    time_separators = sorted(
        {
            _plain(locale.number_symbols).get(system, {}).get("timeSeparator", ":")
            for system in systems
        }
    )
    return {
        "per_words": sorted(per_words),
        "time_separators": time_separators,
        "units": units,
        "day_periods": {key: sorted(words) for key, words in periods.items()},
        "day_period_rules": rules,
        "numbers": {
            "default_system": locale.default_numbering_system,
            "symbols": symbols,
            "grouping": list(decimal.grouping),
            "percent_first": percent.startswith("%"),
        },
    }


def dump() -> dict:
    import babel
    from babel import localedata

    return {
        "babel": babel.__version__,
        "locales": {code: dump_locale(code) for code in LOCALES if localedata.exists(code)},
    }


def _union(dumps: list[dict]) -> dict:
    versions = [d["babel"] for d in dumps]
    result: dict = {}
    for code in LOCALES:
        merged: dict = {
            "units": {},
            "day_periods": {},
            "day_period_rules": {},
            "numbers": {
                "symbols": {},
                "grouping": [],
                "percent_first": False,
                "default_systems": [],
            },
        }
        seen: dict[str, set[str]] = {}
        present = [one for one in dumps if code in one["locales"]]
        for one in present:
            data = one["locales"][code]
            for unit, sides in data["units"].items():
                for side, forms in sides.items():
                    bucket = merged["units"].setdefault(unit, {}).setdefault(side, [])
                    for form in forms:
                        seen.setdefault(form, set()).add(one["babel"])
                        if form not in bucket:
                            bucket.append(form)
            for key, words in data["day_periods"].items():
                bucket = merged["day_periods"].setdefault(key, [])
                for word in words:
                    seen.setdefault(word, set()).add(one["babel"])
                    if word not in bucket:
                        bucket.append(word)
            for key in ("per_words", "time_separators"):
                bucket = merged.setdefault(key, [])
                bucket += [w for w in data.get(key, ()) if w not in bucket]
            for key, spans in data["day_period_rules"].items():
                bucket = merged["day_period_rules"].setdefault(key, [])
                bucket += [span for span in spans if span not in bucket]
            numbers = merged["numbers"]
            for system, table in data["numbers"]["symbols"].items():
                mine = numbers["symbols"].setdefault(
                    system, {"decimal": [], "group": [], "percent": []}
                )
                for key in ("decimal", "group", "percent"):
                    if table[key] not in mine[key]:
                        mine[key].append(table[key])
            if data["numbers"]["default_system"] not in numbers["default_systems"]:
                numbers["default_systems"].append(data["numbers"]["default_system"])
            for size in data["numbers"]["grouping"]:
                if size not in numbers["grouping"]:
                    numbers["grouping"].append(size)
            numbers["percent_first"] |= data["numbers"]["percent_first"]
        for sides in merged["units"].values():
            for forms in sides.values():
                forms.sort()
        for words in merged["day_periods"].values():
            words.sort()
        if len(present) < len(dumps):
            merged["babel_versions"] = [one["babel"] for one in present]
        partial = {form: sorted(have) for form, have in seen.items() if len(have) < len(present)}
        if partial:
            merged["only_in"] = dict(sorted(partial.items()))
        result[code] = merged
    return {
        "comment": "generated by tools/cldr_lexicon.py: do not edit; see its docstring",
        "babel_versions": versions,
        "locales": result,
    }


def generate(versions: list[str], venvs: Path | None) -> None:
    dumps = []
    with tempfile.TemporaryDirectory() as scratch:
        for version in versions:
            where = (venvs or Path(scratch)) / f"babel-{version}"
            python = where / "bin" / "python"
            if not python.exists():
                venv.create(where, with_pip=True)
                subprocess.run(
                    [str(python), "-m", "pip", "install", "-q", f"babel=={version}"], check=True
                )
            out = subprocess.run(
                [str(python), __file__, "dump"], check=True, capture_output=True, text=True
            ).stdout
            dumps.append(json.loads(out))
    OUTPUT.write_text(
        json.dumps(_union(dumps), ensure_ascii=False, indent=1, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    print(f"wrote {OUTPUT} from Babel {', '.join(versions)}", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("dump", help="print what the installed Babel says, as JSON")
    gen = sub.add_parser("generate", help="unite several Babel releases into cldr.json")
    gen.add_argument("--babel", nargs="+", required=True, metavar="VERSION")
    gen.add_argument("--venvs", type=Path, help="folder to keep the virtual environments in")
    args = parser.parse_args()
    if args.command == "dump":
        json.dump(dump(), sys.stdout, ensure_ascii=False)
    else:
        generate(args.babel, args.venvs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
