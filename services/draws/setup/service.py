"""What the edges and the contexts above use of a draw's setup besides the activity's own
lifecycle (DrawSetup): the draft's corrections before submission, its attachments, the
request as the verifier reads it, the downloadable templates, the trading centres that
verify, and a draw made for another library."""

from __future__ import annotations

import services.draws.setup.drafts as drafts
from services.draws.setup.evidence import (
    attach,
    evidence_file,
    evidence_of,
    remove,
    require_evidence_size,
)
from services.draws.setup.for_peer import (
    apply_change,
    confirmed_for_peer,
    prepare_for_peer,
    roster_for_peer,
)
from services.draws.setup.form_options import form_options
from services.draws.setup.request_record import (
    changes,
    in_words,
    part_title,
    project_head,
    refused_request,
    request_of,
    rounds,
    words_of,
)
from services.draws.setup.templates import template_file, template_title
from services.draws.setup.terminals import chosen_terminal, offered, terminal_name


class Drafts:
    """A project and an activity corrected until submitted (GD-DRAW), and the lists their
    forms pick from."""

    update_project = staticmethod(drafts.update_project)
    delete_project = staticmethod(drafts.delete_project)
    add_section = staticmethod(drafts.add_section)
    remove_section = staticmethod(drafts.remove_section)
    update_activity = staticmethod(drafts.update_activity)
    cancel = staticmethod(drafts.cancel)
    update_notice = staticmethod(drafts.update_notice)
    delete_notice = staticmethod(drafts.delete_notice)
    update_condition = staticmethod(drafts.update_condition)
    delete_condition = staticmethod(drafts.delete_condition)
    preview = staticmethod(drafts.preview)
    form_options = staticmethod(form_options)


class Evidence:
    """The request's attachments (PDF or JPG): attached, removed, read."""

    attach = staticmethod(attach)
    remove = staticmethod(remove)
    evidence_file = staticmethod(evidence_file)
    evidence_of = staticmethod(evidence_of)
    require_evidence_size = staticmethod(require_evidence_size)


class RequestRecord:
    """The request as the verifier reads it, in words, and what changed since it was last
    refused."""

    project_head = staticmethod(project_head)
    request_of = staticmethod(request_of)
    words_of = staticmethod(words_of)
    part_title = staticmethod(part_title)
    in_words = staticmethod(in_words)
    changes = staticmethod(changes)
    rounds = staticmethod(rounds)
    refused_request = staticmethod(refused_request)


class Templates:
    """GD-DRAW's 模板下载: the Word forms and the avoidance sheet."""

    template_title = staticmethod(template_title)
    template_file = staticmethod(template_file)


class Terminals:
    """The trading centres (选择提交终端) that verify a project's draws."""

    terminal_name = staticmethod(terminal_name)
    offered = staticmethod(offered)
    chosen_terminal = staticmethod(chosen_terminal)


class PeerSetup:
    """A draw this library makes for another library's request."""

    prepare_for_peer = staticmethod(prepare_for_peer)
    apply_change = staticmethod(apply_change)
    roster_for_peer = staticmethod(roster_for_peer)
    confirmed_for_peer = staticmethod(confirmed_for_peer)
