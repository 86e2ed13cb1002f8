"""The renderer's own words, kept in one place so a later translation touches one file."""

from __future__ import annotations

WORDS: dict[str, str] = {
    "page": "Page {page} of",
    "revision": "Form {form}, rev. {date}",
    "identity": "Which form this is (filled in by the program, not by you)",
    "other": "Other (please list)",
    "comment": "Comment",
    "question": "Question",
    "printed_name": "Printed name",
    "signature": "Signature",
    "date": "Date",
    "date_format": "YYYY-MM-DD",
    "name": "Name",
    "completed_by": "Completed by",
    "minutes": "about {minutes} minutes to complete",
    "return_to": "Return it: {how}",
    "return_default": "e-mail it to {email}.",
    "other_formats": (
        "To ask for this form in another format, such as large print or plain text, contact {name} ({email}, {phone})."
    ),
    "extra_questions": "Further questions",
    "scale_intro": "How to use the rating scale",
}

TOOLTIPS: dict[str, str] = {
    "date": "{hint} (a date, written {format})",
    "email": "{hint} (an e-mail address)",
    "phone": "{hint} (a phone number)",
    "option": "{hint}: tick if this applies: {option}",
    "other": "{hint}: anything not listed above",
    "choice": "{hint}: choose one of {options}",
    "rating": "Question {n}: {question} Rate it as one of {options}",
    "comment": "Question {n}: your comment on the rating",
    "cell": "{hint}, row {row}: {column}",
    "sign_name": "{role}: printed name",
    "sign_date": "{role}: date signed, written {format}",
}
