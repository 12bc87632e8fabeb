"""Redaction of e-mails, phone numbers, NHS numbers, postcodes and titled names."""

from __future__ import annotations

import pandas as pd
import pytest

from wellbeing_lib.errors import (
    InvalidValueError,
)
from wellbeing_lib.privacy import (
    redact_pii,
)


# ========================================================================= redaction
@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Mrs Smith (EX1 2LB) phoned on 01392 123456 about NHS number 943 476 5919.",
         "[NAME] ([POSTCODE]) phoned on [PHONE] about NHS number [NHS NUMBER]."),
        ("Email jane.doe@nhs.net or j.o'neil+test@example.co.uk.",
         "Email [EMAIL] or [EMAIL]."),
        ("Call +44 (0)20 7946 0000, +44 7700 900123 or 0044 1392 123456.",
         "Call [PHONE], [PHONE] or [PHONE]."),
        ("Mobile 07700-900-123, office (01392) 123456, freephone 0800 123 4567.",
         "Mobile [PHONE], office [PHONE], freephone [PHONE]."),
        ("Dr. Jane Patel met Mr O'Brien and Prof J. R. Smith-Jones.",
         "[NAME] met [NAME] and [NAME]."),
        ("Lives at sw1a 1aa, then W1A 0AX and ex12lb.",
         "Lives at [POSTCODE], then [POSTCODE] and [POSTCODE]."),
        ("NHS no: 9434765919; old ref 943-476-5918.",
         "NHS no: [NHS NUMBER]; old ref [NHS NUMBER]."),
        ("Dr Patel's clinic", "[NAME]'s clinic"),
    ],
)
def test_redaction_positives(text, want):
    assert redact_pii(text) == want


def test_nhs_numbers_are_not_mistaken_for_phone_numbers_and_vice_versa():
    # a 3-3-4 group after +44 is a phone number; a bare 3-3-4 group is an NHS number
    assert redact_pii("+44 161 496 0000") == "[PHONE]"
    assert redact_pii("0161 496 0000 / 401 023 2137") == "[PHONE] / [NHS NUMBER]"


@pytest.mark.parametrize(
    "text",
    [
        "In 2019, 3,250 people aged 65+ attended 12 sessions; funding was £2.3m (£2,300,000).",
        "WEMWBS rose by 3.5 points (from 41.2 to 44.7) between 2019-2020 and 2021/22.",
        "Call NHS 111 or 999; the NHS Long Term Plan covers 42 ICSs.",
        "MS Teams meeting about her Dr appointment on 01/02/2019 at 10:30 for 10-12 weeks.",
        "Covid-19 2nd wave; B2 2nd cohort; ratio 1:10; ISBN 978-0-19-852663-6.",
        "Reference 1234567890.5 and ID 20190412; 0.1234567890 of a percent.",
    ],
)
def test_redaction_leaves_ordinary_text_unchanged(text):
    assert redact_pii(text) == text


def test_redact_series_keeps_missing_index_and_name():
    s = pd.Series(["Mr Jones rang 07700 900123", None, "aged 74 in 2019"],
                  index=[5, 6, 7], name="quote")
    out = redact_pii(s)
    assert out.tolist()[0] == "[NAME] rang [PHONE]"
    assert pd.isna(out[6]) and out[7] == "aged 74 in 2019"
    assert out.name == "quote" and out.index.tolist() == [5, 6, 7]
    assert s[5] == "Mr Jones rang 07700 900123"  # input unchanged


def test_placeholders_can_be_changed_or_switched_off():
    text = "Mrs Smith, EX1 2LB"
    assert redact_pii(text, placeholders={"name": None}) == "Mrs Smith, [POSTCODE]"
    assert redact_pii(text, placeholders={"postcode": r"<PC\1>"}) == r"[NAME], <PC\1>"
    with pytest.raises(InvalidValueError, match="'address'"):
        redact_pii(text, placeholders={"address": "[ADDRESS]"})
    with pytest.raises(InvalidValueError, match="text"):
        redact_pii(12345)
    assert redact_pii(None) is None
