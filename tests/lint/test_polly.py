"""voice-settings (L010) knows exactly the Amazon Polly languages and voices of the botocore
model its lists were taken from (``POLLY_LISTS_BOTOCORE``). With an older botocore installed,
ours may only have more; with a newer one, ours may only have fewer, and the test says which
to add when the lists are next refreshed."""

from __future__ import annotations

import botocore
import botocore.session
import pytest

from toolkit.lint.rules.limits import POLLY_LANGUAGES, POLLY_LISTS_BOTOCORE, POLLY_VOICES

INSTALLED = tuple(int(p) for p in botocore.__version__.split(".")[:3])


def _enum(shape: str) -> set[str]:
    model = botocore.session.get_session().get_service_model("polly")
    return set(model.shape_for(shape).enum)


@pytest.mark.parametrize("shape, ours", [("LanguageCode", POLLY_LANGUAGES),
                                         ("VoiceId", POLLY_VOICES)])
def test_polly_lists_match_botocore(shape: str, ours: frozenset[str]) -> None:
    theirs = _enum(shape)
    if INSTALLED <= POLLY_LISTS_BOTOCORE:
        assert sorted(theirs - ours) == [], f"botocore {botocore.__version__} knows these {shape}s"
    if INSTALLED >= POLLY_LISTS_BOTOCORE:
        assert sorted(ours - theirs) == [], f"not Polly {shape}s in botocore {botocore.__version__}"
    missing = sorted(theirs - ours)
    if missing:
        pytest.skip(f"botocore {botocore.__version__} is newer than the lists "
                    f"({'.'.join(map(str, POLLY_LISTS_BOTOCORE))}): refresh them with {missing}")
