"""Reading a phrase corpus (../shared/phrases/README.md format) and checking one case."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.reading import Reading, Refusal, read_request

REPO_ROOT = Path(__file__).resolve().parents[2]
PUBLIC_CORPUS = REPO_ROOT.parent / "shared" / "phrases" / "public.jsonl"
OWN_CASES = Path(__file__).with_name("cases.jsonl")


def load_cases(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def case_id(case: dict[str, Any]) -> str:
    return f"{case['tz']}|{case['now']}|{case['text']}"


def _local_end_date(end_date_time: str, zone: str) -> str:
    moment = datetime.fromisoformat(end_date_time.replace("Z", "+00:00"))
    return moment.astimezone(ZoneInfo(zone)).date().isoformat()


def problems_with(case: dict[str, Any]) -> list[str]:
    """What is wrong with the reading of one case, by the README's pass criterion."""
    result = read_request(case["text"], case["tz"], datetime.fromisoformat(case["now"]))
    if case["type"] == "error":
        if not isinstance(result, Refusal):
            return [f"expected a refusal, got {result.request.to_json()}"]
        if len(result.message) < 40 or ("`" not in result.message and "“" not in result.message):
            return [f"refusal does not say what was read and what to type: {result.message!r}"]
        return []
    if isinstance(result, Refusal):
        return [f"refused: {result.message}"]
    assert isinstance(result, Reading)
    request = result.request
    problems = []
    if request.type != case["type"]:
        problems.append(f"type {request.type} != {case['type']}")
    if request.type == 1 and set(request.to_json()) != {"type", "topic"}:
        problems.append(f"an instant meeting carries more than type and topic: {request}")
    if "start" in case:
        expected = datetime.fromisoformat(case["start"]).replace(
            tzinfo=ZoneInfo(case.get("zone", case["tz"]))
        )
        if request.starts_at() != expected:
            problems.append(f"start {request.start_time} {request.timezone} != {expected}")
    if "duration" in case and request.duration != case["duration"]:
        problems.append(f"duration {request.duration} != {case['duration']}")
    if "topic" in case:
        topic = request.topic.strip()
        if case["topic"] == "*":
            if not topic:
                problems.append("empty topic")
        elif topic.lower() != case["topic"].strip().lower():
            problems.append(f"topic {request.topic!r} != {case['topic']!r}")
    if "recurrence" in case:
        got = request.recurrence.to_json() if request.recurrence else {}
        for key, value in case["recurrence"].items():
            if key == "end_date":
                end = got.get("end_date_time")
                zone = request.timezone or case["tz"]
                actual = _local_end_date(end, zone) if end else None
            else:
                actual = got.get(key)
            if actual != value:
                problems.append(f"recurrence {key} {actual!r} != {value!r}")
        if "end_times" in got and "end_date_time" in got:
            problems.append("recurrence has both end_times and end_date_time")
    return problems
