"""Odd inputs and outputs get a clear answer: damaged gzip, CR-only files, special and linked outputs,
gzipped output names, broken pipes, non-text front pages, repeated sentences, junk headlines."""
from __future__ import annotations

import gzip
import os
import stat
import subprocess
import sys

import pytest

import newsml

from conftest import FRONT_PAGE, _EMPTY_NLTK


def _damaged_gzip(path, text: bytes) -> None:
    data = bytearray(gzip.compress(text * 200))
    data[len(data) // 2] ^= 0xFF  # flip bits inside the deflate stream
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("verb", ["label", "summarize", "digest", "train", "evaluate"])
def test_damaged_gzip_is_one_line_exit_2(cli, small_model_path, tmp_path, verb):
    source = tmp_path / ("data.csv.gz" if verb in ("train", "evaluate", "label") else "page.txt.gz")
    _damaged_gzip(source, b"headline,region,topic\nQuake hits Peru,Americas,disaster\n")
    args = {"label": ["label", source, "--model", small_model_path],
            "summarize": ["summarize", source],
            "digest": ["digest", source, "--model", small_model_path],
            "train": ["train", "--data", source, "--out", tmp_path / "m", "--cv", "0"],
            "evaluate": ["evaluate", source, "--model", small_model_path]}[verb]
    result = cli(*args)
    err = result.stderr.decode().strip()
    assert result.returncode == 2 and "data.csv.gz" in err or "page.txt.gz" in err
    assert len(err.splitlines()) == 1 and "Traceback" not in err


def test_damaged_gzip_from_python_is_a_data_error(small_model, tmp_path):
    source = tmp_path / "in.txt.gz"
    _damaged_gzip(source, b"Quake hits Peru\n")
    with pytest.raises(newsml.DataError, match="in.txt.gz"):
        newsml.label_file(str(source), str(tmp_path / "out.csv"), model=small_model, quiet=True)
    assert not (tmp_path / "out.csv").exists()


def test_carriage_return_line_endings_are_lines(cli, small_model_path, tmp_path):
    source = tmp_path / "mac.txt"
    source.write_bytes(b"Quake hits Peru\rFed holds rates\rFloods in Kenya\r")
    result = cli("label", source, "--model", small_model_path, "--format", "jsonl")
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 3


def test_output_to_a_device_is_written_not_replaced(cli, small_model_path, tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("Quake hits Peru\n")
    before = os.stat("/dev/null")
    assert cli("label", source, "--model", small_model_path, "-q", "-o", "/dev/null").returncode == 0
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_output_through_a_symlink_replaces_the_real_file(cli, small_model_path, tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("Quake hits Peru\n")
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    assert cli("label", source, "--model", small_model_path, "-q", "-o", link).returncode == 0
    assert link.is_symlink() and "Quake hits Peru" in real.read_text()


def test_a_gz_output_name_gets_gzip(cli, small_model_path, tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("Quake hits Peru\n")
    out = tmp_path / "out.csv.gz"
    assert cli("label", source, "--model", small_model_path, "-q", "-o", out).returncode == 0
    assert gzip.decompress(out.read_bytes()).decode().startswith("headline,region")


def test_output_errors_name_the_output_not_a_temporary_file(cli, small_model_path, tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("Quake hits Peru\n")
    result = cli("label", source, "--model", small_model_path, "-o", tmp_path / "missing" / "out.csv")
    err = result.stderr.decode()
    assert result.returncode == 2 and "missing/out.csv" in err and ".partial" not in err


def test_a_closed_pipe_is_silent_and_exit_0(small_model_path, tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("Quake hits Peru as rescuers search\n" * 50_000)
    env = {**os.environ, "NLTK_DATA": _EMPTY_NLTK}
    command = (f"{sys.executable} -m newsml.cli label {source} --model {small_model_path} -q | head -1; "
               f"exit ${{PIPESTATUS[0]}}")
    result = subprocess.run(["bash", "-c", command], capture_output=True, env=env, timeout=120)
    assert result.returncode == 0 and result.stderr == b""
    assert result.stdout.startswith(b"headline,")


@pytest.mark.parametrize("bad", [None, 5, b"bytes"])
def test_digest_of_non_text_is_a_type_error(small_model, bad):
    with pytest.raises(TypeError, match="str"):
        newsml.digest(bad, model=small_model)


def test_a_summary_never_repeats_a_sentence():
    article = FRONT_PAGE.read_text(encoding="utf-8").split("\n\n\n")[0]
    summary = newsml.summarize((article + "\n\n") * 20, sentences=3)
    assert len(summary) == len(set(summary)) == 3


def test_summarize_on_a_front_page_summarises_the_lead_only(cli):
    result = cli("summarize", FRONT_PAGE)
    assert result.returncode == 0 and "lead article" in result.stderr.decode()
    headlines = FRONT_PAGE.read_text(encoding="utf-8").split("\n\n\n")[1]
    assert not any(line.strip() and line.strip() in result.stdout.decode() for line in headlines.splitlines())


@pytest.mark.parametrize("junk", ["x", "qzxwv vbnmq kjhg", "1234567", "\U0001F600\U0001F525\U0001F680"])
def test_junk_gets_low_scores_in_both_heads(small_model, junk):
    p = small_model.predict(junk)
    assert p.region_score < 0.5 and p.topic_score < 0.5


def test_a_blank_headline_has_no_alternatives(small_model):
    assert small_model.predict("   ").alternatives() == {}


def _big_input(tmp_path, rows=1_500_000):
    """Rows enough that no run ends before the test stops it, even a quick one on an idle machine."""
    source = tmp_path / "big.csv"
    with open(source, "w", encoding="utf-8") as handle:
        handle.write("id,headline\n")
        handle.writelines(f"{i},Quake number {i} hits Peru as rescuers search rubble\n" for i in range(rows))
    return source


def _start_label(source, out, model_path, jobs="2"):
    env = {**os.environ, "NLTK_DATA": _EMPTY_NLTK}
    return subprocess.Popen([sys.executable, "-m", "newsml.cli", "label", str(source), "-o", str(out), "--model",
                             str(model_path), "--jobs", jobs, "--chunk-size", "2000", "-q"],
                            stderr=subprocess.PIPE, env=env, preexec_fn=_default_sigint)


def _default_sigint():
    """Give the CLI Ctrl-C's default action, as a terminal would: a shell that starts the suite in the
    background (``cmd &``) starts it with SIGINT ignored, and an ignored signal stays ignored across exec."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _wait_for_workers(process, count=2, timeout=60.0):
    import time

    import psutil
    deadline = time.time() + timeout
    while time.time() < deadline:
        children = psutil.Process(process.pid).children(recursive=True)
        workers = [c for c in children if "spawn_main" in " ".join(c.cmdline())]
        if len(workers) >= count:
            return workers
        time.sleep(0.05)
    raise AssertionError("workers did not start")


def test_workers_die_with_their_parent(small_model_path, tmp_path):
    import psutil
    process = _start_label(_big_input(tmp_path), tmp_path / "out.csv", small_model_path)
    workers = _wait_for_workers(process)
    process.kill()
    process.wait(timeout=30)
    gone, alive = psutil.wait_procs(workers, timeout=10)
    assert alive == []


@pytest.mark.parametrize("sig, code", [("SIGINT", 130), ("SIGTERM", 143)])
def test_an_interrupt_ends_a_worker_run_quickly_and_cleanly(small_model_path, tmp_path, sig, code):
    import signal
    import time
    process = _start_label(_big_input(tmp_path), tmp_path / "out.csv", small_model_path)
    _wait_for_workers(process)
    time.sleep(0.5)
    assert process.poll() is None, "the run ended before the signal: give it more rows"
    process.send_signal(getattr(signal, sig))
    process.wait(timeout=30)  # how fast it ends is measured by bench/interrupts.py, 50 runs and more
    assert process.returncode == code, process.stderr.read().decode()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.csv"]


def test_a_huge_article_is_refused_up_front(cli, tmp_path, monkeypatch):
    from newsml import io as newsml_io

    monkeypatch.setattr(newsml_io, "MAX_TEXT_BYTES", 1000)
    monkeypatch.setattr(newsml_io.read_text, "__defaults__", (1000,))
    article = tmp_path / "big.txt"
    article.write_text("A sentence about the news. " * 100)
    result = cli("summarize", article)
    assert result.returncode == 2 and "larger than" in result.stderr.decode()


def test_output_to_a_fifo_reaches_its_reader(cli, small_model_path, tmp_path):
    import threading

    source = tmp_path / "in.txt"
    source.write_text("Quake hits Peru\nFed holds rates\n")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(open(fifo, encoding="utf-8").read()))
    reader.start()
    assert cli("label", source, "--model", small_model_path, "-q", "-o", fifo).returncode == 0
    reader.join(timeout=30)
    assert received and received[0].count("\n") == 3 and stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_training_into_a_device_or_a_file_is_refused(cli, small_corpus, tmp_path):
    other = tmp_path / "notes.txt"
    other.write_text("keep me")
    for target in ("/dev/null", other):
        result = cli("train", "--data", small_corpus, "--out", target, "--cv", "0", "-q")
        assert result.returncode == 2 and "not a newsml model directory" in result.stderr.decode()
    assert other.read_text() == "keep me" and stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_quiet_silences_everything_but_errors(cli, small_corpus, small_model_path, tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("Quake hits Peru\n")
    for args in (["label", source, "--model", small_model_path, "-o", tmp_path / "o.csv", "-q"],
                 ["summarize", FRONT_PAGE, "-q"],
                 ["evaluate", small_corpus, "--model", small_model_path, "--plot", tmp_path / "c.png", "-q"]):
        result = cli(*args)
        assert result.returncode == 0 and result.stderr == b"", args
