"""Re-measure the handlebars.java outputs in this folder with a handlebars.java you have.

    python tests/data/handlebars-java/regen.py --classpath CLASSPATH [--label NAME]
        [--pretty-print] [--check]

CLASSPATH is the classpath of an existing handlebars.java installation: its jar (or classes
folder) and the jars it needs (antlr4-runtime, commons-lang3, commons-text, slf4j-api),
joined with ``:``. Getting or building handlebars.java is up to you; this script only
compiles ptk's own ``Driver.java`` against that classpath (``javac``, JDK 17 or newer) and
runs every case through it:

- ``focused.jsonl``: the cases written for the Java comparison (template, data, partials);
- ``conformance.jsonl``: every case of ``tests/conformance/cases.json``, by name, rendered
  with that file's data and partials and the test helpers of ``regen.js`` written in Java.

The outputs are written under ``--label`` (default ``handlebars_java_4_3_1``, the version
ptk's Java flavour reproduces; with ``--pretty-print`` also ``<label>_prettyPrint``, the
same engine with ``setPrettyPrint(true)``); other keys of each record are kept.
``--check`` writes nothing: it prints each case whose output differs from the stored one
(object identities such as ``[B@1b6d3586`` differ from run to run and are ignored) and exits
1 when any does. Standard library only; CI never runs this (it reads the stored outputs).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES = HERE.parent.parent / "conformance" / "cases.json"
FOCUSED = HERE / "focused.jsonl"
CONFORMANCE = HERE / "conformance.jsonl"

# Java's Object.toString of arrays and streams prints an identity hash, new in every run.
IDENTITY = re.compile(r"(\[[A-Z]|\$Head)@[0-9a-f]+")


def _jobs_focused(records: list[dict]) -> list[dict]:
    return [{"template": r["template"], "data": r["data"], "partials": r["partials"]}
            for r in records]


def _jobs_conformance(records: list[dict]) -> list[dict]:
    corpus = json.loads(CASES.read_text(encoding="utf-8"))
    by_name = {c["name"]: c for c in corpus["cases"]}
    jobs = []
    for r in records:
        case = by_name[r["name"]]
        jobs.append({"template": case["template"],
                     "data": case["data"] if "data" in case else corpus["data"],
                     "partials": {**corpus["partials"], **case.get("partials", {})},
                     "testHelpers": True})
    return jobs


def _conformance_records() -> list[dict]:
    """The stored records, plus a record for each case added to cases.json since."""
    stored = [json.loads(line) for line in CONFORMANCE.read_text(encoding="utf-8").splitlines()
              if line.strip()] if CONFORMANCE.exists() else []
    known = {r["name"] for r in stored}
    corpus = json.loads(CASES.read_text(encoding="utf-8"))
    stored += [{"name": c["name"]} for c in corpus["cases"] if c["name"] not in known]
    return stored


def _run(java: str, classes: str, classpath: str, jobs: list[dict], pretty: bool) -> list[dict]:
    lines = "".join(json.dumps({**job, "prettyPrint": pretty}) + "\n" for job in jobs)
    done = subprocess.run([java, "-cp", f"{classes}:{classpath}", "Driver"], input=lines,
                          capture_output=True, text=True, encoding="utf-8", check=False)
    if done.returncode != 0:
        sys.exit(f"the driver failed (exit {done.returncode}):\n{done.stderr}")
    results = [json.loads(line) for line in done.stdout.splitlines()]
    if len(results) != len(jobs):
        sys.exit(f"the driver printed {len(results)} results for {len(jobs)} cases:\n{done.stderr}")
    return results


def _same(a: dict, b: dict) -> bool:
    return json.loads(IDENTITY.sub(r"\1@", json.dumps(a))) == \
        json.loads(IDENTITY.sub(r"\1@", json.dumps(b)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--classpath", required=True,
                        help="handlebars.java and its dependencies, joined with ':'")
    parser.add_argument("--label", default="handlebars_java_4_3_1",
                        help="the key the outputs are stored under")
    parser.add_argument("--pretty-print", action="store_true",
                        help="also measure with setPrettyPrint(true), under LABEL_prettyPrint")
    parser.add_argument("--check", action="store_true",
                        help="compare with the stored outputs instead of writing them")
    parser.add_argument("--java-home", help="the JDK to use (default: javac/java on PATH)")
    args = parser.parse_args(argv)

    bin_dir = Path(args.java_home, "bin") if args.java_home else None
    javac = str(bin_dir / "javac") if bin_dir else shutil.which("javac")
    java = str(bin_dir / "java") if bin_dir else shutil.which("java")
    if not javac or not java:
        print("javac and java are needed (a JDK 17 or newer); see --java-home", file=sys.stderr)
        return 2

    files = {
        FOCUSED: [json.loads(line) for line in FOCUSED.read_text(encoding="utf-8").splitlines()
                  if line.strip()],
        CONFORMANCE: _conformance_records(),
    }
    variants = [(args.label, False)] + ([(args.label + "_prettyPrint", True)]
                                        if args.pretty_print else [])
    differences = 0
    with tempfile.TemporaryDirectory(prefix="ptk-hbsjava-") as classes:
        built = subprocess.run([javac, "-nowarn", "-encoding", "UTF-8", "-d", classes,
                                "-cp", args.classpath, str(HERE / "Driver.java")],
                               capture_output=True, text=True, check=False)
        if built.returncode != 0:
            print(f"Driver.java does not compile against that classpath:\n{built.stderr}",
                  file=sys.stderr)
            return 2
        for path, records in files.items():
            jobs = _jobs_focused(records) if path == FOCUSED else _jobs_conformance(records)
            for label, pretty in variants:
                for record, result in zip(records, _run(java, classes, args.classpath, jobs,
                                                        pretty), strict=True):
                    stored = record.get(label)
                    if args.check:
                        if stored is None or not _same(stored, result):
                            differences += 1
                            print(f"{path.name} {record['name']} [{label}]\n"
                                  f"  stored:   {json.dumps(stored)}\n"
                                  f"  measured: {json.dumps(result)}")
                    else:
                        record[label] = result
            if not args.check:
                path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n"
                                        for r in records), encoding="utf-8")
    if args.check:
        total = sum(len(records) for records in files.values()) * len(variants)
        print(f"{total - differences} of {total} outputs as stored, {differences} differ")
        return 1 if differences else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
