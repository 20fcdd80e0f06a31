"""The notification policy decision (Mastodon 4.3's ``NotificationPolicy`` and its filters).

Mastodon 4.3 lets an account hold back (``filter``) or drop notifications
from accounts it does not follow, accounts that do not follow it, accounts
younger than 30 days, and unsolicited private mentions; the held-back ones
wait as notification requests, one per sender, to be accepted or dismissed.
Polls ending and edits are never held back.
"""

from datetime import datetime, timedelta

from microblog_core.models import NotificationKind, NotificationPolicy, PolicyAction

__all__ = ["UNFILTERED_KINDS", "policy_action"]

UNFILTERED_KINDS = frozenset({NotificationKind.POLL, NotificationKind.UPDATE})
"""Kinds a policy never holds back (Mastodon's ``NON_FILTERABLE_TYPES``)."""

_SEVERITY = {PolicyAction.ACCEPT: 0, PolicyAction.FILTER: 1, PolicyAction.DROP: 2}


def policy_action(
    policy: NotificationPolicy,
    *,
    kind: NotificationKind,
    follows_sender: bool,
    followed_by_sender: bool,
    sender_created_at: datetime,
    now: datetime,
    private_mention: bool,
) -> PolicyAction:
    """Return what ``policy`` does with one notification: the strictest matching action.

    Args:
        policy: The recipient's policy.
        kind: The notification's kind.
        follows_sender: Whether the recipient follows the sender.
        followed_by_sender: Whether the sender follows the recipient.
        sender_created_at: When the sender's account was created.
        now: The instant the notification is made.
        private_mention: Whether it is a mention in a direct post that does not
            reply to one of the recipient's posts.

    Returns:
        ``ACCEPT``, ``FILTER`` or ``DROP``.
    """
    if kind in UNFILTERED_KINDS:
        return PolicyAction.ACCEPT
    matched = [PolicyAction.ACCEPT]
    if not follows_sender:
        matched.append(policy.for_not_following)
        if private_mention:
            matched.append(policy.for_private_mentions)
    if not followed_by_sender:
        matched.append(policy.for_not_followers)
    if now - sender_created_at < timedelta(days=policy.new_account_days):
        matched.append(policy.for_new_accounts)
    return max(matched, key=_SEVERITY.__getitem__)
