"""S: structure of template folders, manifests and fixtures.

These findings are produced by the loader while it reads the files (``toolkit.loader``);
the rules here document them so that they can be selected, ignored, re-graded or disabled
like every other rule.
"""

from __future__ import annotations

from toolkit.lint.rule import Rule


class LoaderRule(Rule):
    SCOPE = "loader"


class InvalidJson(LoaderRule):
    """A manifest or fixture is not valid JSON.

    The finding names the line and column of the first syntax error.

    Fails (``sms.json``)::

        {"Body": "Hi {{User.UserId}}",}

    Passes::

        {"Body": "Hi {{User.UserId}}"}
    """

    CODE = "S001"
    NAME = "invalid-json"


class SchemaViolation(LoaderRule):
    """A manifest or fixture does not match its JSON Schema.

    The finding names the JSON path of the offending value (``$.Content[0].BodyConfig``).

    Fails (``voice.json``)::

        {"Body": "Hello", "VoiceId": 7}

    Passes::

        {"Body": "Hello", "VoiceId": "Joanna", "LanguageCode": "en-US"}
    """

    CODE = "S002"
    NAME = "schema-violation"


class InvalidTemplateName(LoaderRule):
    """A template folder name is not a valid Pinpoint TemplateName.

    Names start with a letter or digit, have at most 128 characters from ``A-Z a-z 0-9 _ -``.

    Fails: ``templates/welcome email/``

    Passes: ``templates/welcome-email/``
    """

    CODE = "S003"
    NAME = "invalid-template-name"


class BodyInlineAndFile(LoaderRule):
    """A body is given both inline in the manifest and in its sibling file.

    Fails: ``sms.json`` with ``"Body": "Hi"`` next to an ``sms.txt``.

    Passes: ``sms.json`` without ``Body`` next to an ``sms.txt``.
    """

    CODE = "S004"
    NAME = "body-inline-and-file"


class UnknownFile(LoaderRule):
    """A template folder holds a file ptk does not know (typo in a file name?).

    Fails: ``templates/welcome/emial.html``

    Passes: ``templates/welcome/email.html``
    """

    CODE = "S005"
    NAME = "unknown-file"


class MissingRequiredPart(LoaderRule):
    """A channel lacks a part it needs (an email without Subject, an SMS without Body).

    Fails: ``email.json`` ``{}`` with an ``email.html``.

    Passes: ``email.json`` ``{"Subject": "Welcome"}`` with an ``email.html``.
    """

    CODE = "S006"
    NAME = "missing-required-part"


class UnreadableFile(LoaderRule):
    """A file cannot be read as text: not UTF-8, empty, binary, no permission, or not a
    regular file (a FIFO, which would block the read forever, or a folder).

    Fails: an ``email.html`` saved as Latin-1 with an ``é`` in it.

    Passes: the same file saved as UTF-8.
    """

    CODE = "S007"
    NAME = "unreadable-file"


class DuplicateHtmlSource(LoaderRule):
    """Both ``email.mjml`` and ``email.html`` exist: only one may be the HtmlPart.

    Fails: ``templates/welcome/{email.mjml,email.html}``

    Passes: ``templates/welcome/email.mjml`` alone.
    """

    CODE = "S008"
    NAME = "duplicate-html-source"


class MjmlError(LoaderRule):
    """``email.mjml`` does not compile.

    Fails::

        <mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-column></mj-section></mj-body></mjml>

    Passes::

        <mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>
    """

    CODE = "S009"
    NAME = "mjml-error"


class OutsideRepository(LoaderRule):
    """A file leads outside the repository: a symbolic link (a template folder, a manifest,
    a body file, a fixture) whose target is outside it, or an ``mj-include`` with an
    absolute path or a ``..`` path that leaves it.

    What ptk renders, previews and publishes must be in the repository: a link to
    ``~/.aws/credentials`` would otherwise be shown in a plan and published. The file is
    not read. The repository is the git work tree that holds ``ptk.toml`` (its folder when
    there is no git); symbolic links that stay inside it are fine.

    Fails: ``templates/welcome/sms.txt`` is a symbolic link to ``/etc/motd``, or::

        <mj-include path="../../../../shared/footer.mjml" />

    Passes: ``templates/welcome/sms.txt`` is a symbolic link to
    ``../_shared/sms-footer.txt``, or::

        <mj-include path="../_shared/footer.mjml" />
    """

    CODE = "S010"
    NAME = "outside-repository"


RULES = (InvalidJson, SchemaViolation, InvalidTemplateName, BodyInlineAndFile, UnknownFile,
         MissingRequiredPart, UnreadableFile, DuplicateHtmlSource, MjmlError, OutsideRepository)
