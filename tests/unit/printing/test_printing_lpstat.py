"""Reading CUPS's own words: lpstat's queues and jobs, lp's answer, and the media option."""

from __future__ import annotations

from kiosk.printing.cups import CupsBackend, Ran
from kiosk.printing.document import BadgeDocument
from kiosk.printing.lpstat import parse_jobs, parse_queues, request_id
from kiosk.printing.media import media_option
from kiosk.printing.printer import JobProgress, PrinterState, SubmitOutcome

QUEUES = """\
system default destination: Zebra
printer KioskPDF disabled since Sat Nov 28 09:42:57 2026 -
\tOut of labels
printer Zebra now printing Zebra-41.  enabled since Sat Nov 28 09:40:00 2026
printer Office-Laser is idle.  enabled since Sat Nov 28 09:43:06 2026
\tstaff closed it
KioskPDF accepting requests since Sat Nov 28 09:42:57 2026
Zebra accepting requests since Sat Nov 28 09:40:00 2026
Office-Laser not accepting requests since Sat Nov 28 09:43:06 2026 -
\tstaff closed it
"""

COMPLETED = """\
KioskPDF-4              root              1024   Sat Nov 28 09:43:14 2026
\tStatus:
\tAlerts: job-completed-successfully
\tqueued for KioskPDF
KioskPDF-3              root              1024   Sat Nov 28 09:43:06 2026
\tAlerts: aborted-by-system
\tqueued for KioskPDF
"""


def test_queues_are_read_with_their_state_reason_and_the_default() -> None:
    queues = parse_queues(QUEUES)
    assert queues["KioskPDF"].state is PrinterState.PAUSED
    assert queues["KioskPDF"].reason == "Out of labels"
    assert queues["Zebra"].state is PrinterState.PRINTING
    assert queues["Zebra"].printing_job == "Zebra-41" and queues["Zebra"].is_default
    assert queues["Office-Laser"].state is PrinterState.REJECTING
    assert queues["Office-Laser"].reason == "staff closed it"
    assert not queues["KioskPDF"].is_default


def test_jobs_and_their_alerts_and_lps_request_id() -> None:
    assert parse_jobs(COMPLETED) == {"KioskPDF-4": "job-completed-successfully",
                                     "KioskPDF-3": "aborted-by-system"}
    assert parse_jobs("KioskPDF-9  root  1024  Sat Nov 28 09:43:14 2026\n") == {"KioskPDF-9": ""}
    assert request_id("request id is Brother_QL-820-17 (1 file(s))\n") == "Brother_QL-820-17"
    assert request_id("") == ""


def test_media_is_a_standard_name_where_there_is_one_else_a_custom_size() -> None:
    assert media_option(105, 148) == "iso_a6_105x148mm"
    assert media_option(101.6, 152.4) == "na_index-4x6_4x6in"
    assert media_option(85.6, 53.98) == "Custom.85.6x53.98mm"
    assert media_option(101.6, 76.2) == "Custom.101.6x76.2mm"


class ScriptedTools:
    """lp, lpstat and cancel answering from a script; remembers every command."""

    def __init__(self, answers: dict[str, Ran]) -> None:
        self.answers = answers
        self.commands: list[list[str]] = []

    def __call__(self, command: list[str], stdin: bytes | None) -> Ran:
        self.commands.append(list(command))
        key = " ".join(command[:3])
        return next((ran for prefix, ran in self.answers.items() if key.startswith(prefix)),
                    Ran(0, "", ""))


def test_a_paused_printer_is_named_with_the_reason_and_what_to_do() -> None:
    cups = CupsBackend(ScriptedTools({"lpstat -d -p": Ran(0, QUEUES, "")}))
    paused = cups.printer("kioskpdf")  # queue names are case-blind
    assert (paused.name, paused.state, paused.reason) == ("KioskPDF", PrinterState.PAUSED,
                                                          "Out of labels")
    assert cups.printer("Nope").state is PrinterState.MISSING


def test_submission_asks_for_the_layouts_media_and_no_scaling() -> None:
    tools = ScriptedTools({"lp -d": Ran(0, "request id is Zebra-42 (1 file(s))\n", "")})
    submission = CupsBackend(tools).submit("Zebra", BadgeDocument("kiosk-badge-7-ab", b"%PDF",
                                                                  85.6, 53.98))
    assert (submission.outcome, submission.spooler_job_id) == (SubmitOutcome.SPOOLED, "Zebra-42")
    command = tools.commands[-1]
    assert command[:5] == ["lp", "-d", "Zebra", "-t", "kiosk-badge-7-ab"]
    assert "media=Custom.85.6x53.98mm" in command and "fit-to-page=false" in command


def test_lp_refusals_become_plain_messages() -> None:
    document = BadgeDocument("kiosk-badge-1-aa", b"%PDF", 105, 148)
    cases = {
        'lp: Destination "Zebra" is not accepting jobs.': (SubmitOutcome.REFUSED,
                                                           "not taking new badges"),
        "lp: Error - The printer or class does not exist.": (SubmitOutcome.REFUSED,
                                                             "There is no printer called"),
        "lp: Scheduler is not running.": (SubmitOutcome.WAIT, "print system on this computer"),
    }
    for error, (outcome, words) in cases.items():
        cups = CupsBackend(ScriptedTools({"lp -d": Ran(1, "", error)}))
        submission = cups.submit("Zebra", document)
        assert submission.outcome is outcome and words in submission.message, error


def test_a_spooled_job_is_followed_to_done_aborted_or_gone() -> None:
    pending = "KioskPDF-5  root  1024  Sat Nov 28 09:43:14 2026\n"
    answers = {
        "lpstat -W not-completed": Ran(0, pending, ""),
        "lpstat -d -p": Ran(0, QUEUES, ""),
        "lpstat -W completed": Ran(0, COMPLETED, ""),
    }
    cups = CupsBackend(ScriptedTools(answers))
    found = cups.follow("KioskPDF", ["KioskPDF-5", "KioskPDF-4", "KioskPDF-3", "KioskPDF-99"])
    assert found["KioskPDF-5"].progress is JobProgress.WAITING
    assert "is paused (Out of labels)" in found["KioskPDF-5"].message
    assert found["KioskPDF-4"].progress is JobProgress.DONE
    assert found["KioskPDF-3"].progress is JobProgress.FAILED
    assert "gave up" in found["KioskPDF-3"].message
    assert found["KioskPDF-99"].progress is JobProgress.GONE
