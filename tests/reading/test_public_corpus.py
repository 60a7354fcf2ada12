"""Every case of the shared phrase corpus reads as ../shared/phrases/README.md says."""

from __future__ import annotations

import pytest

from tests.reading.corpus import PUBLIC_CORPUS, case_id, load_cases, problems_with

CASES = load_cases(PUBLIC_CORPUS) if PUBLIC_CORPUS.exists() else []

pytestmark = pytest.mark.skipif(
    not PUBLIC_CORPUS.exists(),
    reason=f"the shared phrase corpus is not at {PUBLIC_CORPUS} (checkout without ../shared)",
)


def test_corpus_is_not_empty() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_public_case(case: dict) -> None:
    assert problems_with(case) == []
