"""The notification policy decision: the strictest matching action wins."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from microblog_core.models import NotificationKind, NotificationPolicy, PolicyAction
from microblog_core.rules.notifications import UNFILTERED_KINDS, policy_action

NOW = datetime(2026, 6, 1, tzinfo=UTC)
OLD = NOW - timedelta(days=365)
SEVERITY = [PolicyAction.ACCEPT, PolicyAction.FILTER, PolicyAction.DROP]
actions = st.sampled_from(PolicyAction)
policies = st.builds(
    NotificationPolicy,
    for_not_following=actions,
    for_not_followers=actions,
    for_new_accounts=actions,
    for_private_mentions=actions,
    new_account_days=st.integers(1, 90),
)


def decide(policy: NotificationPolicy, **overrides: object) -> PolicyAction:
    arguments: dict[str, object] = {
        "kind": NotificationKind.MENTION,
        "follows_sender": True,
        "followed_by_sender": True,
        "sender_created_at": OLD,
        "now": NOW,
        "private_mention": False,
    }
    arguments.update(overrides)
    return policy_action(policy, **arguments)  # type: ignore[arg-type]


def test_each_condition_applies_its_own_action() -> None:
    policy = NotificationPolicy(
        for_not_following=PolicyAction.FILTER,
        for_not_followers=PolicyAction.DROP,
        for_new_accounts=PolicyAction.FILTER,
        for_private_mentions=PolicyAction.DROP,
        new_account_days=30,
    )
    assert decide(policy) is PolicyAction.ACCEPT
    assert decide(policy, follows_sender=False) is PolicyAction.FILTER
    assert decide(policy, followed_by_sender=False) is PolicyAction.DROP
    assert decide(policy, sender_created_at=NOW - timedelta(days=29)) is PolicyAction.FILTER
    assert decide(policy, sender_created_at=NOW - timedelta(days=30)) is PolicyAction.ACCEPT
    assert decide(policy, follows_sender=False, private_mention=True) is PolicyAction.DROP
    # A private mention from someone the recipient follows is solicited.
    assert decide(policy, private_mention=True) is PolicyAction.ACCEPT


@given(
    policy=policies,
    kind=st.sampled_from(NotificationKind),
    follows=st.booleans(),
    followed=st.booleans(),
    age_days=st.integers(0, 400),
    private=st.booleans(),
)
def test_the_strictest_matching_action_wins_and_polls_and_edits_pass(
    policy: NotificationPolicy,
    kind: NotificationKind,
    follows: bool,
    followed: bool,
    age_days: int,
    private: bool,
) -> None:
    action = decide(
        policy,
        kind=kind,
        follows_sender=follows,
        followed_by_sender=followed,
        sender_created_at=NOW - timedelta(days=age_days),
        private_mention=private,
    )
    if kind in UNFILTERED_KINDS:
        assert action is PolicyAction.ACCEPT
        return
    matched = [PolicyAction.ACCEPT]
    if not follows:
        matched.append(policy.for_not_following)
        if private:
            matched.append(policy.for_private_mentions)
    if not followed:
        matched.append(policy.for_not_followers)
    if age_days < policy.new_account_days:
        matched.append(policy.for_new_accounts)
    assert action is max(matched, key=SEVERITY.index)
