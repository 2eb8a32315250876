"""Security review 7, M3: many or large profiles (review7/security-review-7.md, section 5a).

The building process keeps every profile it reads, so their number and size bound its memory
and time: both are checked from the file list before any profile is parsed. The JSON briefs
are held to ``[limits] html_mb`` like the other formats, so a comparison of many large
profiles is refused, not written at 192 MB.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from aftercare_report import catalog
from aftercare_report.cli import cli
from aftercare_report.errors import InputError
from aftercare_report.limits import MB

ROOT = Path(__file__).resolve().parent.parent
MAX_PROFILES = 300  # limits.MAX_PROFILES and PROFILE_TOTAL_BYTES, as the messages give them
PROFILE_TOTAL_BYTES = 64 * MB


def unparsed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if any profile is parsed: the bounds come before."""

    def parsed(*args: object, **kwargs: object) -> None:
        raise AssertionError("a profile was parsed before the bounds were checked")

    monkeypatch.setattr(catalog, "_check_one", parsed)


def many(folder: Path, count: int) -> Path:
    folder.mkdir()
    for i in range(count):
        (folder / f"land-{i:04d}.yaml").write_text("not parsed\n")
    return folder


@pytest.mark.parametrize(
    "command",
    [["validate", "lands"], ["build", "--format", "json", "--profiles", "lands", "--out", "out"]],
    ids=["validate", "build"],
)
def test_more_profiles_than_a_run_reads_are_refused_before_any_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    folder = many(tmp_path / "lands", MAX_PROFILES + 100)
    monkeypatch.chdir(tmp_path)
    unparsed(monkeypatch)
    result = CliRunner().invoke(cli, command)
    assert result.exit_code == 1, result.output
    assert "lands: 400 profiles here, 400 profiles in all: more than the 300 one run reads" in (
        result.output
    )
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()
    assert folder.is_dir()


def test_the_profile_count_is_of_the_whole_run_and_names_each_folder(tmp_path: Path) -> None:
    a, b = many(tmp_path / "a", 200), many(tmp_path / "b", 101)
    with pytest.raises(InputError) as caught:
        catalog.profile_files([a, b])
    messages = [(f.path, f.code, f.message.split(":")[0]) for f in caught.value.findings]
    assert [(Path(p).name, c, m) for p, c, m in messages] == [
        ("a", "too-many-profiles", "200 profiles here, 301 profiles in all"),
        ("b", "too-many-profiles", "101 profiles here, 301 profiles in all"),
    ]


def test_as_many_profiles_as_the_bound_are_read(tmp_path: Path) -> None:
    assert len(catalog.profile_files([many(tmp_path / "lands", MAX_PROFILES)])) == MAX_PROFILES


def test_profiles_and_translations_larger_than_a_run_reads_are_refused_unparsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "lands"
    folder.mkdir()
    # Sparse files: their size is what the bound reads, and no byte of them is read.
    for name in ("testland.yaml", "testland.fr.yaml"):
        with (folder / name).open("wb") as handle:
            handle.truncate(PROFILE_TOTAL_BYTES // 2 + 1)
    (folder / "otherland.yaml").write_text("small\n")
    monkeypatch.chdir(tmp_path)
    unparsed(monkeypatch)
    result = CliRunner().invoke(cli, ["validate", "lands"])
    assert result.exit_code == 1, result.output
    assert re.search(
        r"lands: 64\.0 MB here, 64\.0 MB of profiles and translations in all: more than the "
        r"64 MB one run reads",
        result.output,
    ), result.output
    (folder / "testland.fr.yaml").unlink()  # the translation counted: without it, they fit
    assert [p.name for p in catalog.profile_files([folder])] == ["otherland.yaml", "testland.yaml"]


def padded(source: Path, sources: int) -> str:
    """A valid profile made large with many long source entries (the review's script)."""
    title = ("lorem ipsum dolor sit amet " * 200)[:3900].strip()
    extra = "".join(
        f'  x{i}:\n    title: "{title}"\n    publisher: "{title}"\n    year: 2020\n'
        f"    url: https://example.org/{i}\n"
        for i in range(sources)
    )
    return source.read_text().replace("\nsources:\n", "\nsources:\n" + extra, 1)


def test_a_json_brief_past_html_mb_is_refused_and_nothing_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "aftercare-report.toml").write_text("[limits]\nhtml_mb = 1\n")
    (tmp_path / "lands").mkdir()
    (tmp_path / "lands" / "thailand.yaml").write_text(padded(ROOT / "profiles/thailand.yaml", 160))
    args = ["--config", "aftercare-report.toml", "build", "--profiles", "lands"]
    result = CliRunner().invoke(cli, [*args, "--format", "json", "--out", "out"])
    assert result.exit_code == 1, result.output
    assert "thailand.json (lands/thailand.yaml): the JSON passed the limit of 1 MB" in (
        result.output
    )
    assert "([limits] html_mb); nothing was written" in result.output
    assert not list(tmp_path.glob("out/*.json"))


def test_a_profile_of_a_million_empty_lists_is_refused_before_it_is_composed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Security review 9, L2: 2 MB of `[],` took 4 s to compose, three times, before the value
    # count refused it; 32 such files kept CI busy for two minutes.
    from aftercare_report import loading

    def composed(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was composed")

    monkeypatch.setattr(loading.yaml, "compose", composed)
    path = tmp_path / "profiles" / "wide.yaml"
    path.parent.mkdir()
    path.write_text("x: [" + "[]," * 699_000 + "[]]\n")
    with pytest.raises(InputError) as refused:
        loading.load_yaml(path)
    (finding,) = refused.value.findings
    assert (finding.line, finding.column) == (1, 149_996)
    assert "holds more than 50,000 values" in finding.message
