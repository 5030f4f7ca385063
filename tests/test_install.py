"""The installed package (a built wheel, not the source tree) finds its
bundled rules, guidelines and examples and evaluates a case."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT

pytestmark = pytest.mark.shipped


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp / "dist"), str(ROOT)],
                   check=True, capture_output=True)
    wheel = next((tmp / "dist").glob("imr_rules-*.whl"))
    target = tmp / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target),
                    str(wheel)], check=True, capture_output=True)
    return wheel, target


def test_wheel_carries_rules_guidelines_and_schemas(installed):
    wheel, _ = installed
    names = zipfile.ZipFile(wheel).namelist()
    for expected in ("imr_rules/_bundled/rules/facts.yaml", "imr_rules/_bundled/rules/items.yaml",
                     "imr_rules/_bundled/rules/mtus-chronic-pain-exercise.yaml",
                     "imr_rules/_bundled/guidelines/mtus-chronic-pain.yaml",
                     "imr_rules/_bundled/examples/000_724941ea73516dbd.yaml",
                     "imr_rules/schemas/rules.schema.json"):
        assert expected in names, expected


def test_installed_package_evaluates_outside_the_source_tree(installed, tmp_path):
    _, target = installed
    env = {**os.environ, "PYTHONPATH": str(target)}
    code = ("import json, imr_rules, imr_rules.resources as r; "
            "print(json.dumps([imr_rules.__file__, str(r.bundled('rules')), str(r.bundled('examples'))]))")
    where = json.loads(subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, check=True,
                                      capture_output=True, text=True).stdout)
    assert all(w.startswith(str(target)) for w in where), where
    example = os.path.join(where[2], "001_f0193407169a11a4.yaml")
    out = subprocess.run([sys.executable, "-m", "imr_rules.cli", "evaluate", example, "-f", "json"], cwd=tmp_path,
                         env=env, check=True, capture_output=True, text=True).stdout
    items = json.loads(out)["items"]
    assert [i["basis"]["guideline_id"] for i in items] == ["odg-low-back", "odg-neck", "odg-shoulder"]
    assert {i["determination"] for i in items} == {"not_medically_necessary"}


def test_installed_package_serves_the_workbench_with_its_templates_and_files(installed, tmp_path):
    pytest.importorskip("starlette", reason="the serve extra is installed by make test")
    _, target = installed
    env = {**os.environ, "PYTHONPATH": str(target)}
    code = ("import json, imr_rules\n"
            "from starlette.testclient import TestClient\n"
            "from imr_rules.loader import load_rulebase\n"
            "from imr_rules.serve import create_app\n"
            "with TestClient(create_app(load_rulebase()), base_url='http://127.0.0.1') as c:\n"
            "    review = c.post('/reviews', data={'items': 'Gym membership'})\n"
            "    got = [c.get(p).status_code for p in ('/', '/static/app.js', '/static/style.css', '/openapi.json')]\n"
            "    print(json.dumps([imr_rules.__file__, review.status_code, 'Gym membership' in review.text] + got))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    where, *statuses = json.loads(done.stdout.strip().splitlines()[-1])
    assert where.startswith(str(target))
    assert statuses == [200, True, 200, 200, 200, 200]
