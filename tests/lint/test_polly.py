"""voice-settings (L010) knows exactly the Amazon Polly languages and voices of the botocore
model installed with ptk: a new botocore with new voices makes this test name them."""

from __future__ import annotations

import botocore.session

from toolkit.lint.rules.limits import POLLY_LANGUAGES, POLLY_VOICES


def _enum(shape: str) -> set[str]:
    model = botocore.session.get_session().get_service_model("polly")
    return set(model.shape_for(shape).enum)


def test_polly_language_codes_match_botocore() -> None:
    languages = _enum("LanguageCode")
    assert sorted(languages - POLLY_LANGUAGES) == [], "add these to POLLY_LANGUAGES"
    assert sorted(POLLY_LANGUAGES - languages) == [], "not Polly language codes"


def test_polly_voices_match_botocore() -> None:
    voices = _enum("VoiceId")
    assert sorted(voices - POLLY_VOICES) == [], "add these to POLLY_VOICES"
    assert sorted(POLLY_VOICES - voices) == [], "not Polly voices"
