#!/usr/bin/env python3
"""Splice the rerun's `hybrid` and `adam` searches into reports/results.json (issue 39).

    python3 reports/rerun-1d/splice.py RERUN/results.json reports/results.json OUT.json

For every target of the families sawtooth, golden and takagi, the searches of the two step trainers
are replaced by the rerun's; everything else is kept. Nothing is written unless every check passes:
the rerun holds the same targets of those families, each reference (its kind, error, hidden widths
and weights) is the committed one, and the controls (every other target the rerun holds) have
exactly the committed hybrid and adam searches. The output is Python's JSON: the steps after it in
README.md (`depthsep profile --in-place` writes the document again) put it in depthsep's formatting.
"""
import json
import sys

FAMILIES = {"sawtooth", "golden", "takagi"}
STEP = {"hybrid", "adam"}


def step_searches(ref):
    return [s for s in ref["searches"] if s["trainer"] in STEP]


def main(rerun_path, committed_path, out_path):
    rerun = json.load(open(rerun_path))
    committed = json.load(open(committed_path))
    theirs = {t["label"]: t for t in rerun["targets"]}
    problems, replaced, controls = [], 0, 0
    for t in committed["targets"]:
        r = theirs.pop(t["label"], None)
        if r is None:
            if t["target"]["family"] in FAMILIES:
                problems.append(f"{t['label']}: not in the rerun")
            continue
        if len(r["references"]) != len(t["references"]):
            problems.append(f"{t['label']}: {len(r['references'])} references, committed {len(t['references'])}")
            continue
        for mine, new in zip(t["references"], r["references"]):
            for key in ("kind", "error", "hidden", "weights"):
                if mine.get(key) != new.get(key):
                    problems.append(f"{t['label']} {mine['kind']}: reference {key} differs")
            if t["target"]["family"] in FAMILIES:
                fresh = {(s["trainer"], s["floor"]): s for s in step_searches(new)}
                if set(fresh) != {(s["trainer"], s["floor"]) for s in step_searches(mine)}:
                    problems.append(f"{t['label']} {mine['kind']}: other hybrid/adam cells than committed")
                    continue
                mine["searches"] = [fresh.get((s["trainer"], s["floor"]), s) for s in mine["searches"]]
                replaced += len(fresh)
            else:
                controls += 1
                if step_searches(mine) != step_searches(new):
                    problems.append(f"control {t['label']} {mine['kind']}: hybrid/adam searches differ")
    problems += [f"{label}: in the rerun but not committed" for label in theirs]
    if problems:
        sys.exit("nothing written:\n  " + "\n  ".join(problems))
    json.dump(committed, open(out_path, "w"))
    print(f"{replaced} searches replaced; {controls} control references identical; wrote {out_path}")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
