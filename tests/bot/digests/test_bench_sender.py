"""``newsbot bench sender`` runs from the installed command and prints both senders' figures."""

from __future__ import annotations

import pytest

from bot.cli import main


def test_the_sender_bench_prints_both_senders_and_the_ratio(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["bench", "sender", "--messages", "40", "--rounds", "1", "--in-flight", "4"]) == 0
    out = capsys.readouterr().out
    assert "PTB sender" in out and "lean sender" in out
    assert "CPU per message, PTB / lean:" in out


def test_the_sender_bench_refuses_a_round_of_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["bench", "sender", "--messages", "0"])
    assert stopped.value.code == 2
    assert "must be at least 1" in capsys.readouterr().err


def test_the_paced_sender_bench_prints_both_pacings_and_the_ratio(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["bench", "sender", "--paced", "100", "--messages", "40", "--rounds", "1"]) == 0
    out = capsys.readouterr().out
    assert "32 in flight, paced at 100/s" in out  # the engine's in-flight count at that pace
    assert "timer a send" in out and "ticks" in out
    assert "CPU per message, timer a send / ticks:" in out
