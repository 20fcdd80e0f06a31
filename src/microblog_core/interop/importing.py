"""Writing imported data through the service, in atomic batches.

Readers turn a file into *items*: values (:class:`~microblog_core.models.Account`,
:class:`~microblog_core.models.Post`, :class:`~microblog_core.models.Like`,
:class:`~microblog_core.models.Follow`, :class:`~microblog_core.models.Block`)
whose ids are the source's own, plus :class:`Undo` and :class:`Delete`.
An :class:`Importer` applies them through the service's use cases, so every
domain rule holds, and maps each source id to the id the service hands out.

Items are applied in batches; each batch is one :meth:`Microblog.batch`, so
it is applied whole or not at all. A reply or quote whose target was never
imported is posted as an original (counted as *detached*); a like, repost or
follow of something never imported is skipped (counted as *skipped*).

Example:
    >>> from microblog_core import ManualClock, Microblog
    >>> from microblog_core.interop.importing import Importer
    >>> from microblog_core.models import Account, Post
    >>> from datetime import datetime, timezone
    >>> t = datetime(2020, 1, 1, tzinfo=timezone.utc)
    >>> clock = ManualClock()
    >>> blog = Microblog.in_memory(clock=clock)
    >>> items = [
    ...     ("$[0]", Account.create(id=5, handle="ann", created_at=t)),
    ...     ("$[1]", Post.create(id=77, author_id=5, created_at=t, text="hi")),
    ... ]
    >>> importer = Importer(blog, clock=clock)
    >>> report = importer.run(items)
    >>> report.accounts, report.posts
    (1, 1)
    >>> blog.get_post(importer.post_ids[77]).created_at == t
    True
"""

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from attrs import frozen

from microblog_core._retry import run_retried
from microblog_core.clock import ManualClock
from microblog_core.errors import MicroblogError, TransientStorageError, ValidationError
from microblog_core.ids import AccountId, PostId
from microblog_core.models import Account, Block, Follow, FollowRequest, Like, Post
from microblog_core.rules import first_comment
from microblog_core.service import Microblog

__all__ = ["Delete", "ImportReport", "Importer", "Item", "Undo"]


@frozen
class Undo:
    """Withdraw a like, follow, block or repost.

    Attributes:
        value: What is withdrawn (a repost is a :class:`Post` with ``repost_of``).
    """

    value: Like | Follow | Block | Post


@frozen
class Delete:
    """Delete a post.

    Attributes:
        actor_id: Who deletes (source id).
        post_id: The post (source id).
    """

    actor_id: AccountId
    post_id: PostId


Item = Account | Post | Like | Follow | Block | Undo | Delete
"""What a reader yields, ids in the source's own id space."""

_COUNTED = (
    "accounts",
    "posts",
    "reposts",
    "likes",
    "follows",
    "blocks",
    "undone",
    "deleted",
    "detached",
    "skipped",
)
"""The :class:`ImportReport` fields an :class:`Importer` counts as it goes."""


@frozen(kw_only=True)
class ImportReport:
    """What an import did.

    Attributes:
        accounts: Accounts registered (or matched to an existing handle).
        posts: Originals, replies and quotes posted.
        reposts: Reposts made.
        likes: Likes made.
        follows: Follows made (or requested).
        blocks: Blocks made.
        undone: Likes, follows, blocks and reposts withdrawn.
        deleted: Posts deleted.
        detached: Replies and quotes posted as originals: their target was not imported.
        skipped: Items about something never imported, left out.
        batches: Batches committed.
    """

    accounts: int = 0
    posts: int = 0
    reposts: int = 0
    likes: int = 0
    follows: int = 0
    blocks: int = 0
    undone: int = 0
    deleted: int = 0
    detached: int = 0
    skipped: int = 0
    batches: int = 0

    @property
    def records(self) -> int:
        """Items applied or skipped."""
        return (
            self.accounts
            + self.posts
            + self.reposts
            + self.likes
            + self.follows
            + self.blocks
            + self.undone
            + self.deleted
            + self.skipped
        )


class Importer:
    """Applies items through a service in atomic batches, mapping source ids to local ids.

    Attributes:
        account_ids: Source account id -> the service's account id.
        post_ids: Source post id -> the service's post id.
    """

    def __init__(
        self, blog: Microblog, *, clock: ManualClock | None = None, batch_size: int = 1000
    ) -> None:
        """Prepare an import into ``blog``.

        Args:
            blog: The service written through.
            clock: The service's clock, when it is a :class:`ManualClock`: it is
                set to each item's time, so imported posts keep their dates.
            batch_size: Items per atomic batch.

        Raises:
            ValidationError: ``batch_size`` is not a positive integer.
        """
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValidationError(
                "batch_size must be a positive integer", field="batch_size", value=batch_size
            )
        self.blog = blog
        self.clock = clock
        self.batch_size = batch_size
        self.account_ids: dict[int, AccountId] = {}
        self.post_ids: dict[int, PostId] = {}
        self._counts: dict[str, int] = dict.fromkeys(_COUNTED, 0)
        self._profiles: dict[int, tuple[str, str]] = {}
        self._added_accounts: list[int] = []
        self._added_posts: list[int] = []
        # The profiles a batch updated, as they were before it (restored if it fails).
        self._profiles_before: dict[int, tuple[str, str] | None] = {}
        self._handlers: dict[type, Callable[[str, Any], None]] = {
            Account: self._register,
            Post: self._publish,
            Like: self._relate,
            Follow: self._relate,
            Block: self._relate,
            Undo: self._undo,
            Delete: self._delete,
        }

    def run(self, items: Iterable[tuple[str, Item]]) -> ImportReport:
        """Apply ``(path, item)`` pairs in batches and report what was done.

        Batches already committed stay when a later one fails.

        A batch that meets a transient storage error (a deadlock, a
        serialization failure, a busy database) runs again whole, as the
        service runs a use case again (its ``retry_policy``, counted in its
        ``retry_stats``).

        Raises:
            ValidationError: An item broke a rule or named an account that was
                not imported; the message names its path, and its whole batch
                was left unapplied.
            TransientStorageError: A batch met a transient storage error on
                every attempt; it was left unapplied.
        """
        batches = 0
        for batch in _batches(items, self.batch_size):
            self._apply_batch(batch)
            batches += 1
        return ImportReport(**self._counts, batches=batches)

    def _apply_batch(self, batch: list[tuple[str, Item]]) -> None:
        # A transient storage error (a deadlock, a serialization failure, a busy
        # database) leaves the batch unapplied and is not the records' fault: the
        # whole batch runs again, as the service runs a use case again.
        run_retried(
            lambda: self._apply_batch_once(batch), self.blog.retry_policy, self.blog.retry_stats
        )

    def _apply_batch_once(self, batch: list[tuple[str, Item]]) -> None:
        self._match_existing_handles(batch)
        counts = self._counts.copy()
        self._added_accounts.clear()
        self._added_posts.clear()
        self._profiles_before.clear()
        path = "$"
        # Readers yield these classes themselves: one look-up picks the handler
        # (a subclass takes the checks in order).
        handlers = self._handlers
        apply = self._apply
        try:
            with self.blog.batch():
                for path, item in batch:
                    handlers.get(item.__class__, apply)(path, item)
        except MicroblogError as exc:
            # Nothing of the batch was kept: forget what it mapped and counted.
            self._counts = counts
            for key in self._added_accounts:
                self.account_ids.pop(key, None)
                self._profiles.pop(key, None)
            for key in self._added_posts:
                self.post_ids.pop(key, None)
            for key, profile in self._profiles_before.items():
                if profile is None:
                    self._profiles.pop(key, None)
                else:
                    self._profiles[key] = profile
            if isinstance(exc, TransientStorageError):
                raise
            raise ValidationError(
                f"{path}: {exc} (its batch of {len(batch)} records, from {batch[0][0]}, "
                "was not applied)",
                field=path,
                value=None,
            ) from exc

    def _match_existing_handles(self, batch: list[tuple[str, Item]]) -> None:
        # Reads happen outside the batch (a re-run maps accounts already there),
        # through one reading unit for the whole batch rather than one per account.
        known = self.account_ids
        fresh = [item for _, item in batch if isinstance(item, Account) and item.id not in known]
        if not fresh:
            return
        with self.blog.unit_of_work(readonly=True) as uow:
            for account in fresh:
                existing = uow.accounts.by_handle(account.handle)
                if existing is not None:
                    known[account.id] = existing.id

    def _at(self, item: Account | Post | Like | Follow | Block) -> None:
        clock = self.clock
        if clock is not None:
            clock.set(item.created_at)

    def _account(self, source: AccountId, path: str) -> AccountId:
        local = self.account_ids.get(source)
        if local is None:
            raise ValidationError(
                f"{path}: account {source} is named before it was imported",
                field=path,
                value=source,
            )
        return local

    def _apply(self, path: str, item: Item) -> None:
        if isinstance(item, Account):
            self._register(path, item)
        elif isinstance(item, Post):
            self._publish(path, item)
        elif isinstance(item, Undo):
            self._undo(path, item)
        elif isinstance(item, Delete):
            self._delete(path, item)
        else:
            self._relate(path, item)

    def _delete(self, path: str, item: Delete) -> None:
        local = self.post_ids.get(item.post_id)
        if local is None:
            self._counts["skipped"] += 1
            return
        self.blog.delete_post(self._account(item.actor_id, path), local)
        self._counts["deleted"] += 1

    def _register(self, path: str, account: Account) -> None:  # the path: as every handler
        local = self.account_ids.get(account.id)
        if local is not None:
            # A fuller record of an account seen before (say, only as a mention) wins.
            if not (account.display_name or account.bio):
                return
            profile = (account.display_name, account.bio)
            before = self._profiles.get(account.id)
            if before != profile:
                self.blog.update_profile(local, display_name=profile[0], bio=profile[1])
                self._profiles_before.setdefault(account.id, before)
                self._profiles[account.id] = profile
            return
        self._at(account)
        registered = self.blog.register(
            account.handle,
            display_name=account.display_name,
            bio=account.bio,
            kind=account.kind,
            verified=account.verified,
            locked=account.locked,
        )
        self.account_ids[account.id] = registered.id
        self._profiles[account.id] = (account.display_name, account.bio)
        self._added_accounts.append(account.id)
        self._counts["accounts"] += 1

    def _publish(self, path: str, post: Post) -> None:
        if post.id in self.post_ids:
            return
        author = self._account(post.author_id, path)
        self._at(post)
        ref = post.repost_of
        if ref is not None:
            via = self.post_ids.get(ref.via_id) if ref.via_id is not None else None
            target = via if via is not None else self.post_ids.get(ref.root_id)
            if target is None:
                self._counts["skipped"] += 1
                return
            comment = post.text
            if via is not None and comment:
                comment = first_comment(comment)
            made = self.blog.repost(author, target, comment=comment or None)
            self._counts["reposts"] += 1
        else:
            parent = (
                self.post_ids.get(post.reply_to.parent_id) if post.reply_to is not None else None
            )
            quoted = self.post_ids.get(post.quote_of) if post.quote_of is not None else None
            if (post.reply_to is not None and parent is None) or (
                post.quote_of is not None and quoted is None
            ):
                self._counts["detached"] += 1
            if parent is not None:
                made = self.blog.reply(
                    author,
                    parent,
                    post.text,
                    visibility=post.visibility,
                    content_warning=post.content_warning,
                    language=post.language,
                    quote_of=quoted,
                    attachments=post.attachments,
                )
            else:
                made = self.blog.post(
                    author,
                    post.text,
                    visibility=post.visibility,
                    content_warning=post.content_warning,
                    language=post.language,
                    quote_of=quoted,
                    attachments=post.attachments,
                    reply_gate=post.reply_gate,
                    quote_policy=post.quote_policy,
                )
            self._counts["posts"] += 1
        self.post_ids[post.id] = made.id
        self._added_posts.append(post.id)

    def _relate(self, path: str, item: Like | Follow | Block) -> None:
        self._at(item)
        if isinstance(item, Like):
            post = self.post_ids.get(item.post_id)
            if post is None:
                self._counts["skipped"] += 1
                return
            self.blog.like(self._account(item.account_id, path), post)
            self._counts["likes"] += 1
            return
        pair = (
            (item.follower_id, item.followee_id)
            if isinstance(item, Follow)
            else (item.blocker_id, item.blocked_id)
        )
        if pair[1] not in self.account_ids:
            self._counts["skipped"] += 1
            return
        actor, other = self._account(pair[0], path), self.account_ids[pair[1]]
        if isinstance(item, Follow):
            made = self.blog.follow(
                actor,
                other,
                show_reposts=item.show_reposts,
                notify=item.notify,
                languages=item.languages,
            )
            if isinstance(made, FollowRequest):
                # The source says the follow took effect: the locked account approved it.
                self.blog.approve_follow(other, actor)
            self._counts["follows"] += 1
        else:
            self.blog.block(actor, other)
            self._counts["blocks"] += 1

    def _undo(self, path: str, item: Undo) -> None:
        value = item.value
        if isinstance(value, Like):
            post = self.post_ids.get(value.post_id)
            done = post is not None and self.blog.unlike(
                self._account(value.account_id, path), post
            )
        elif isinstance(value, Follow):
            other = self.account_ids.get(value.followee_id)
            done = other is not None and self.blog.unfollow(
                self._account(value.follower_id, path), other
            )
        elif isinstance(value, Block):
            other = self.account_ids.get(value.blocked_id)
            done = other is not None and self.blog.unblock(
                self._account(value.blocker_id, path), other
            )
        else:
            target = self.post_ids.get(value.repost_of.root_id) if value.repost_of else None
            done = target is not None and self.blog.unrepost(
                self._account(value.author_id, path), target
            )
        self._counts["undone" if done else "skipped"] += 1


def _batches(items: Iterable[tuple[str, Item]], size: int) -> Iterator[list[tuple[str, Item]]]:
    source = iter(items)
    while batch := list(islice(source, size)):
        yield batch
