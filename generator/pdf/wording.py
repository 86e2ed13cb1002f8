"""The renderer's own words, in English as marked for the catalog; read in the language being spoken."""

from __future__ import annotations

from ..i18n import N_, TranslatedWords

WORDS = TranslatedWords(
    {
        "page": N_("Page {page} of"),
        "revision": N_("Form {form}, rev. {date}"),
        "identity": N_("Which form this is (filled in by the program, not by you)"),
        "other": N_("Other (please list)"),
        "comment": N_("Comment"),
        "question": N_("Question"),
        "printed_name": N_("Printed name"),
        "signature": N_("Signature"),
        "date": N_("Date"),
        "date_format": N_("YYYY-MM-DD"),
        "name": N_("Name"),
        "completed_by": N_("Completed by"),
        "minutes": N_("about {minutes} minutes to complete"),
        "return_to": N_("Return it: {how}"),
        "return_default": N_("e-mail it to {email}."),
        "other_formats": N_(
            "To ask for this form in another format, such as large print or plain text, "
            "contact {name} ({email}, {phone})."
        ),
        "extra_questions": N_("Further questions"),
        "scale_intro": N_("How to use the rating scale"),
        # TRANSLATORS: a table's or checklist's label again at the top of the next page it runs on to.
        "continued": N_("{label} (continued)"),
    }
)

TOOLTIPS = TranslatedWords(
    {
        "date": N_("{hint} (a date, written {format})"),
        "email": N_("{hint} (an e-mail address)"),
        "phone": N_("{hint} (a phone number)"),
        "option": N_("{hint}: tick if this applies: {option}"),
        "other": N_("{hint}: anything not listed above"),
        "choice": N_("{hint}: choose one of {options}"),
        "rating": N_("Question {n}: {question} Rate it as one of {options}"),
        "comment": N_("Question {n}: your comment on the rating"),
        "cell": N_("{hint}, row {row}: {column}"),
        "sign_name": N_("{role}: printed name"),
        "sign_date": N_("{role}: date signed, written {format}"),
    }
)
