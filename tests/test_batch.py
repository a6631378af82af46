from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from xxai.batch import translate_file
from xxai.errors import InputError
from xxai.service import Service


def _jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def _fn(service: Service):  # type: ignore[no-untyped-def]
    return lambda texts, done=None, context=(): service.translate_many(
        texts, "en", progress=done, context=context
    )


ROWS = [{"id": i, "text": f"第{i}条笔记，好吃"} for i in range(50)]


def test_jsonl_rows_keep_their_fields_and_order(service: Service, tmp_path: Path) -> None:
    src = _jsonl(tmp_path / "in.jsonl", ROWS)
    report = translate_file(_fn(service), src, tmp_path / "out.jsonl", "text", chunk_size=8)
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert report.translated == 50 and [r["id"] for r in out] == list(range(50))
    assert all(r["translation"] and r["source_lang"] == "zh" for r in out)


def test_csv_in_csv_out(service: Service, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    with src.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, ["id", "text"])
        writer.writeheader()
        writer.writerows([*ROWS[:5], {"id": 99, "text": "多行\n文本，带,逗号"}])
    translate_file(_fn(service), src, tmp_path / "out.csv", "text")
    rows = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8", newline="")))
    assert len(rows) == 6 and rows[-1]["text"] == "多行\n文本，带,逗号"
    assert rows[-1]["translation"].count("\n") == 1


def test_resume_after_a_torn_write_duplicates_nothing(service: Service, tmp_path: Path) -> None:
    src = _jsonl(tmp_path / "in.jsonl", ROWS)
    out = tmp_path / "out.jsonl"
    translate_file(_fn(service), src, out, "text", chunk_size=8)
    lines = out.read_text().splitlines(keepends=True)
    out.write_text("".join(lines[:20]) + lines[20][:15])  # a kill in mid-write
    report = translate_file(_fn(service), src, out, "text", chunk_size=8)
    assert report.skipped == 20 and report.translated == 30
    ids = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    assert ids == list(range(50))


def test_ctrl_c_leaves_a_valid_file_and_rerun_finishes(service: Service, tmp_path: Path) -> None:
    src = _jsonl(tmp_path / "in.jsonl", ROWS)
    out = tmp_path / "out.jsonl"
    calls = {"n": 0}

    def interrupted(texts: list[str], done=None, context=()):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return service.translate_many(texts, "en")

    with pytest.raises(KeyboardInterrupt):
        translate_file(interrupted, src, out, "text", chunk_size=8)
    done = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(done) == 16
    translate_file(_fn(service), src, out, "text", chunk_size=8)
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == list(range(50))


def test_invalid_utf8_names_the_line(service: Service, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'{"text": "ok"}\n{"text": "bad \xff\xfe"}\n')
    with pytest.raises(InputError, match="line 2: not valid UTF-8"):
        translate_file(_fn(service), src, tmp_path / "out.jsonl", "text")
    assert not (tmp_path / "out.jsonl").exists()


def test_missing_field_and_bad_json_name_the_line(service: Service, tmp_path: Path) -> None:
    src = _jsonl(tmp_path / "a.jsonl", [{"text": "好"}, {"body": "x"}])
    with pytest.raises(InputError, match="line 2: no field 'text'"):
        translate_file(_fn(service), src, tmp_path / "o.jsonl", "text")
    src.write_text('{"text": "好"}\n{"text": \n')
    with pytest.raises(InputError, match="line 2: not valid JSON"):
        translate_file(_fn(service), src, tmp_path / "o.jsonl", "text")


def test_skip_bad_translates_the_rest_and_lists_what_it_left_out(
    service: Service, tmp_path: Path
) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(
        b'{"id": 1, "text": "\xe5\xa5\xbd\xe5\x90\x83"}\n'  # 好吃
        b'{"id": 2, "text": \n'  # torn JSON
        b'{"id": 3}\n'  # no text
        b'{"id": 4, "text": "bad \xff\xfe"}\n'  # not UTF-8
        b'{"id": 5, "text": "\xe7\xbb\x9d\xe7\xbb\x9d\xe5\xad\x90"}\n'  # 绝绝子
    )
    out = tmp_path / "out.jsonl"
    report = translate_file(_fn(service), src, out, "text", skip_bad=True)
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["id"] for r in rows] == [1, 5] and all(r["translation"] for r in rows)
    assert report.translated == 2 and report.rejected == 3
    assert report.rejects_file == tmp_path / "out.jsonl.rejected.jsonl"
    rejects = [json.loads(line) for line in report.rejects_file.read_text().splitlines()]
    assert [r["line"] for r in rejects] == [2, 3, 4]
    assert rejects[0]["error"].startswith("not valid JSON")
    assert rejects[1]["error"] == "no field 'text'"
    assert rejects[2]["error"].startswith("not valid UTF-8")
    assert rejects[1]["record"] == {"id": 3}
    # A rerun resumes past the same rows; once the input is mended the list goes away.
    again = translate_file(_fn(service), src, out, "text", skip_bad=True)
    assert again.skipped == 2 and again.translated == 0 and again.rejected == 3
    _jsonl(src, [{"id": 1, "text": "好吃"}, {"id": 5, "text": "绝绝子"}])
    mended = translate_file(_fn(service), src, out, "text", skip_bad=True)
    assert mended.skipped == 2 and mended.rejects_file is None
    assert not (tmp_path / "out.jsonl.rejected.jsonl").exists()


def test_skip_bad_still_refuses_a_field_no_row_has(service: Service, tmp_path: Path) -> None:
    src = _jsonl(tmp_path / "in.jsonl", [{"body": "好"}, {"body": "坏"}])
    with pytest.raises(InputError, match=r"no row has the field 'text'.*its fields: body"):
        translate_file(_fn(service), src, tmp_path / "out.jsonl", "text", skip_bad=True)
    assert not (tmp_path / "out.jsonl").exists()


def test_output_of_another_input_is_not_mixed_in(service: Service, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    translate_file(_fn(service), _jsonl(tmp_path / "a.jsonl", ROWS[:3]), out, "text")
    other = _jsonl(tmp_path / "b.jsonl", [{"text": "完全不同"}] * 3)
    with pytest.raises(InputError, match="do not match"):
        translate_file(_fn(service), other, out, "text")


SLOW_RUN = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {tests!r})
    from pathlib import Path
    from fakes import FakeEngine
    from xxai.batch import translate_file
    from xxai.config import load_settings
    from xxai.service import Service

    class Slow(FakeEngine):
        def translate(self, requests, progress=None):
            time.sleep(0.05)
            return super().translate(requests, progress)

    svc = Service(load_settings({{"home": {home!r}, "engine": "fake"}}), engines={{"fake": Slow()}})
    translate_file(lambda t, d, c: svc.translate_many(t, "en"), Path({src!r}), Path({out!r}),
                   "text", chunk_size=4)
    """
)


def test_killed_process_resumes_without_loss_or_duplicates(tmp_path: Path) -> None:
    rows = [{"id": i, "text": f"第{i}行"} for i in range(400)]
    src = _jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    script = SLOW_RUN.format(
        tests=str(Path(__file__).parent), home=str(tmp_path / "h"), src=str(src), out=str(out)
    )
    proc = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.time() + 60
    while time.time() < deadline and (not out.exists() or out.stat().st_size < 2000):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = out.read_text().count("\n")
    assert 0 < partial < 400
    subprocess.run([sys.executable, "-c", script], check=True)
    ids = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    assert ids == list(range(400))


def test_progress_moves_within_a_chunk(service: Service, tmp_path: Path) -> None:
    src = _jsonl(tmp_path / "in.jsonl", ROWS[:20])
    out = tmp_path / "out.jsonl"
    seen: list[tuple[int, int]] = []

    def one_by_one(texts: list[str], done=None, context=()):  # type: ignore[no-untyped-def]
        for _ in texts:  # the engine finishing texts one after another
            done(1)
            seen.append((sum(n for n, _t in moves), out.stat().st_size if out.exists() else 0))
        return service.translate_many(texts, "en")

    moves: list[tuple[int, int]] = []
    translate_file(
        one_by_one, src, out, "text", chunk_size=64, progress=lambda n, t: moves.append((n, t))
    )
    # Before the one chunk was written, the bar had already moved row by row (to 19 of 20).
    assert [rows for rows, size in seen if size == 0][-1] == 19
    assert sum(n for n, _t in moves) == 20 and {t for _n, t in moves} == {20}


def test_a_stop_keeps_every_finished_row(service: Service, tmp_path: Path) -> None:
    src = _jsonl(tmp_path / "in.jsonl", ROWS)
    out = tmp_path / "out.jsonl"
    report = translate_file(_fn(service), src, out, "text", chunk_size=8, should_stop=lambda: True)
    assert report.stopped and report.translated == 8
    assert len(out.read_text().splitlines()) == 8
    report = translate_file(_fn(service), src, out, "text", chunk_size=8)
    assert report.skipped == 8 and len(out.read_text().splitlines()) == 50


def test_resuming_into_another_language_is_refused(service: Service, tmp_path: Path) -> None:
    src = _jsonl(tmp_path / "in.jsonl", ROWS[:10])
    out = tmp_path / "out.jsonl"
    half = lambda texts, done=None, context=(): service.translate_many(texts, "zh")  # noqa: E731
    translate_file(half, src, out, "text", chunk_size=4, target="zh", should_stop=lambda: True)
    with pytest.raises(InputError, match=r"holds translations into zh .* asks for en: keep one"):
        translate_file(_fn(service), src, out, "text", chunk_size=4, target="en")
    assert len(out.read_text().splitlines()) == 4  # nothing was mixed in


CLI_RUN = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {tests!r})
    from fakes import FakeEngine
    from xxai.cli import cli
    from xxai.config import load_settings
    from xxai.service import Service

    class Slow(FakeEngine):
        def translate(self, requests, progress=None):
            out = []
            for request in requests:  # one text at a time, as a busy engine would
                time.sleep(0.05)
                out.extend(super().translate([request], None))
                if progress:
                    progress(1)
            return out

    settings = load_settings({{"home": {home!r}, "engine": "fake", "batch_size": 8}})
    svc = Service(settings, engines={{"fake": Slow()}})
    cli(["translate", "--input", {src!r}, "--output", {out!r}, "--to", "en"], obj=svc)
    """
)


def test_first_ctrl_c_in_the_cli_keeps_the_rows_in_progress(tmp_path: Path) -> None:
    # Distinct words: digits become placeholders, and equal texts are translated once.
    rows = [{"id": i, "text": f"笔记{chr(0x4E00 + i)}"} for i in range(200)]
    src = _jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    script = CLI_RUN.format(
        tests=str(Path(__file__).parent), home=str(tmp_path / "h"), src=str(src), out=str(out)
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    deadline = time.time() + 60
    while time.time() < deadline and (not out.exists() or out.stat().st_size == 0):
        time.sleep(0.05)
    time.sleep(0.15)  # in the middle of the next batch of 8
    proc.send_signal(signal.SIGINT)
    _stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "finishing the rows in progress" in stderr and "every finished row" in stderr
    done = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    # The batch under way when Ctrl-C came was finished and written, not thrown away.
    assert len(done) % 8 == 0 and 16 <= len(done) < 200 and done == list(range(len(done)))


def test_each_row_says_how_far_to_trust_it(service: Service, tmp_path: Path) -> None:
    rows = [{"id": 1, "text": "好吃"}, {"id": 2, "text": "这家店的菜很好吃，" * 20}]
    src = _jsonl(tmp_path / "in.jsonl", rows)
    report = translate_file(_fn(service), src, tmp_path / "out.jsonl", "text")
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [r["confidence"] for r in out] == ["high", "low"]
    assert out[0]["confidence_reasons"] == [] and out[1]["confidence_reasons"]
    assert report.low == 1
    translate_file(_fn(service), src, tmp_path / "out.csv", "text")
    table = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8", newline="")))
    assert table[1]["confidence"] == "low"
    assert table[1]["confidence_reasons"] == "; ".join(out[1]["confidence_reasons"])


def test_each_row_carries_the_slang_found_and_its_rendering(
    service: Service, tmp_path: Path
) -> None:
    rows = [{"id": 1, "text": "这家店yyds"}, {"id": 2, "text": "好吃"}]
    src = _jsonl(tmp_path / "in.jsonl", rows)
    translate_file(_fn(service), src, tmp_path / "out.jsonl", "text")
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [(t["term"], t["rendering"]) for t in out[0]["terms"]] == [("yyds", "the GOAT")]
    assert out[0]["terms"][0]["meaning"] and out[1]["terms"] == []
    translate_file(_fn(service), src, tmp_path / "out.csv", "text")
    table = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8", newline="")))
    assert [r["terms"] for r in table] == ["yyds → the GOAT", ""]


def test_a_csv_begun_without_the_terms_column_is_resumed_in_its_own_shape(
    service: Service, tmp_path: Path
) -> None:
    src = _jsonl(tmp_path / "in.jsonl", [{"id": i, "text": f"好吃{i}"} for i in range(3)])
    old = tmp_path / "out.csv"
    columns = "id,text,translation,source_lang,target_lang,confidence,confidence_reasons"
    old.write_text(f"{columns}\n0,好吃0,Tasty 0,zh,en,high,\n", encoding="utf-8")
    report = translate_file(_fn(service), src, old, "text", target="en")
    assert report.skipped == 1 and report.translated == 2
    table = list(csv.DictReader(old.open(encoding="utf-8", newline="")))
    assert [r["id"] for r in table] == ["0", "1", "2"]
    assert all(len(r) == 7 and None not in r for r in table)
