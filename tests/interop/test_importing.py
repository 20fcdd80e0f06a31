import io
import json
import tracemalloc
from unittest import mock

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core import ManualClock, Microblog
from microblog_core._retry import RetryPolicy
from microblog_core.errors import TransientStorageError, ValidationError
from microblog_core.interop import _json
from microblog_core.interop._json import iter_records
from microblog_core.interop.importing import Delete, Importer, Undo
from microblog_core.interop.mastodon import read_statuses, status_to_json
from microblog_core.models import MASTODON_ACCOUNTS, Account, Follow, Like, Post
from microblog_core.text import MASTODON

from .helpers import T0


def _sample_blog():
    blog = Microblog.in_memory(clock=ManualClock(T0), account_policy=MASTODON_ACCOUNTS)
    ann, bob = blog.register("ann"), blog.register("bob", display_name="Bob")
    root = blog.post(ann.id, "hello @bob #first")
    reply = blog.reply(bob.id, root.id, "hi ann\nsecond line")
    blog.reply(ann.id, reply.id, "thread goes on")
    blog.repost(bob.id, root.id)
    blog.post(bob.id, "quoting", quote_of=root.id)
    return blog


def _export(blog):
    with blog.unit_of_work(readonly=True) as uow:
        accounts = {a.id: a for a in uow.accounts.page(limit=100)}
        posts = {p.id: p for p in uow.posts.scan(limit=1000)}
    lines = [
        json.dumps(status_to_json(p, accounts=accounts, posts=posts))
        for p in sorted(posts.values(), key=lambda p: p.id)
    ]
    return "\n".join(lines) + "\n"


def _shape(blog):
    with blog.unit_of_work(readonly=True) as uow:
        handles = {a.id: a.handle for a in uow.accounts.page(limit=100)}
        posts = sorted(uow.posts.scan(limit=1000), key=lambda p: p.id)
    order = {p.id: i for i, p in enumerate(posts)}
    return [
        (
            handles[p.author_id],
            p.text,
            p.visibility,
            order.get(p.reply_to.parent_id) if p.reply_to else None,
            order.get(p.reply_to.root_id) if p.reply_to else None,
            order.get(p.repost_of.root_id) if p.repost_of else None,
            order.get(p.quote_of) if p.quote_of else None,
            tuple(handles[m] for m in p.mentions),
            p.tags,
        )
        for p in posts
    ]


def test_a_mastodon_export_imports_into_an_equal_blog():
    source = _sample_blog()
    clock = ManualClock()
    target = Microblog.in_memory(clock=clock, account_policy=MASTODON_ACCOUNTS, policy=MASTODON)
    report = Importer(target, clock=clock, batch_size=3).run(
        read_statuses(io.StringIO(_export(source)))
    )
    assert (report.posts, report.reposts, report.detached) == (4, 1, 0)
    assert _shape(target) == _shape(source)
    assert target.get_account(target.account_by_handle("bob").id).display_name == "Bob"


def test_a_failing_record_leaves_its_batch_unapplied_and_earlier_batches_kept():
    blog = Microblog.in_memory(clock=ManualClock(T0))
    items = [
        ("$[0]", Account.create(id=1, handle="ann", created_at=T0)),
        ("$[1]", Account.create(id=2, handle="bob", created_at=T0)),
        ("$[2]", Post.create(id=10, author_id=1, created_at=T0, text="kept")),
        ("$[3]", Post.create(id=11, author_id=2, created_at=T0, text="lost with its batch")),
        ("$[4]", Like(account_id=2, post_id=10, created_at=T0)),
        ("$[5]", Post.create(id=12, author_id=1, created_at=T0, text="x" * 300)),  # too long
        ("$[6]", Post.create(id=13, author_id=1, created_at=T0, text="never reached")),
    ]
    importer = Importer(blog, batch_size=3)
    with pytest.raises(ValidationError) as info:
        importer.run(items)
    assert info.value.field == "$[5]"
    assert "$[3]" in str(info.value)
    ann = blog.account_by_handle("ann")
    assert [p.text for p in blog.posts_by(ann.id).items] == ["kept"]
    assert blog.posts_by(blog.account_by_handle("bob").id).items == ()
    assert blog.post_counters(importer.post_ids[10]).likes == 0
    assert 11 not in importer.post_ids


def test_a_post_by_an_account_never_imported_names_its_path():
    blog = Microblog.in_memory(clock=ManualClock(T0))
    with pytest.raises(ValidationError, match=r"\$\[0\]: account 9"):
        Importer(blog).run([("$[0]", Post.create(id=1, author_id=9, created_at=T0, text="x"))])


def test_undo_delete_and_unknown_targets():
    blog = Microblog.in_memory(clock=ManualClock(T0))
    follow = Follow(follower_id=1, followee_id=2, created_at=T0)
    like = Like(account_id=2, post_id=10, created_at=T0)
    items = [
        ("a", Account.create(id=1, handle="ann", created_at=T0)),
        ("b", Account.create(id=2, handle="bob", created_at=T0)),
        ("c", Post.create(id=10, author_id=1, created_at=T0, text="hi")),
        ("d", follow),
        ("e", like),
        ("f", Undo(like)),
        ("g", Undo(follow)),
        ("h", Like(account_id=2, post_id=999, created_at=T0)),
        ("i", Follow(follower_id=1, followee_id=99, created_at=T0)),
        ("j", Delete(actor_id=1, post_id=10)),
    ]
    report = Importer(blog).run(items)
    assert (report.follows, report.likes, report.undone, report.skipped, report.deleted) == (
        1,
        1,
        2,
        2,
        1,
    )
    ann, bob = blog.account_by_handle("ann"), blog.account_by_handle("bob")
    assert not blog.relationship(ann.id, bob.id).following
    assert blog.posts_by(ann.id).items == ()


def test_a_rerun_maps_accounts_by_handle_instead_of_failing():
    blog = Microblog.in_memory(clock=ManualClock(T0))
    blog.register("ann")
    report = Importer(blog).run([("$[0]", Account.create(id=1, handle="ann", created_at=T0))])
    assert report.accounts == 0


def _statuses(count):
    account = {"id": "1", "username": "ann", "created_at": "2020-01-01T00:00:00Z"}
    for i in range(1, count + 1):
        yield (
            json.dumps(
                {
                    "id": str(i),
                    "created_at": "2020-01-01T00:00:00Z",
                    "account": account,
                    "content": f"<p>status number {i}</p>",
                }
            )
            + "\n"
        )


class _Lines(io.TextIOBase):
    """A text stream over a generator, so the test file never sits in memory."""

    def __init__(self, lines):
        self._lines = iter(lines)
        self._buffer = ""

    def readable(self):
        return True

    def read(self, size=-1):
        while size < 0 or len(self._buffer) < size:
            try:
                self._buffer += next(self._lines)
            except StopIteration:
                break
        if size < 0:
            size = len(self._buffer)
        out, self._buffer = self._buffer[:size], self._buffer[size:]
        return out

    def readline(self, size=-1):
        if "\n" not in self._buffer:
            self._buffer += next(self._lines, "")
        index = self._buffer.find("\n")
        end = len(self._buffer) if index < 0 else index + 1
        out, self._buffer = self._buffer[:end], self._buffer[end:]
        return out

    def __iter__(self):
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line


def _peak_reading(count, *, array):
    lines = _statuses(count)
    if array:
        lines = _as_array(lines)
    tracemalloc.start()
    seen = 0
    for _ in read_statuses(_Lines(lines)):
        seen += 1
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert seen == 2 * count
    return peak


def _as_array(lines):
    yield "["
    first = True
    for line in lines:
        yield ("" if first else ",") + line
        first = False
    yield "]"


@pytest.mark.parametrize("array", [False, True])
def test_reading_streams_in_memory_that_does_not_grow_with_the_file(array):
    small = _peak_reading(500, array=array)
    large = _peak_reading(5_000, array=array)
    assert large < small * 1.5 + 64_000


def test_a_malformed_line_in_a_stream_names_its_record():
    text = '{"id": 1}\n\n{"id": \n'
    with pytest.raises(ValidationError) as info:
        list(iter_records(io.StringIO(text)))
    assert info.value.field == "$[1]"


def test_an_unclosed_array_and_a_twitter_archive_prefix():
    with pytest.raises(ValidationError, match="not closed"):
        list(iter_records(io.StringIO('[{"a": 1}, {"b": 2}')))
    records = list(iter_records(io.StringIO('window.YTD.tweets.part0 = [{"a": 1}, 2.5]')))
    assert [r.value for r in records] == [{"a": 1}, 2.5]
    assert [r.path for r in records] == ["$[0]", "$[1]"]


def test_a_line_separator_inside_a_json_string_does_not_split_a_record():
    text = json.dumps({"a": "x\u2028y"}, ensure_ascii=False) + "\n" + json.dumps({"b": 1}) + "\n"
    assert [r.value for r in iter_records(io.StringIO(text))] == [{"a": "x\u2028y"}, {"b": 1}]


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)
_ODD_LINES = st.sampled_from(
    [
        "",
        " ",
        "\t\r",
        "\ufeff{}",
        '{"a": 1} x',
        '{"a": 1}}',
        '{"a"',
        " {} ",
        "{}\r",
        "{}\u2028",
        "Infinity",
        "[1,",
        '"\\ud800"',
        '"\\x"',
        "1 2",
        "\u00a0{}",
    ]
)


def _reference_lines(text):
    """What reading JSON Lines means: json.loads of each non-blank line, up to the first error."""
    values, index = [], 0
    for line in text.split("\n"):
        if not line.strip():
            continue
        try:
            values.append(json.loads(line))
        except json.JSONDecodeError as exc:
            return values, (f"$[{index}]", exc.msg)
        index += 1
    return values, None


@given(
    st.lists(
        st.one_of(
            _JSON.map(lambda value: json.dumps(value, ensure_ascii=False)),
            _ODD_LINES,
            st.tuples(_JSON, st.sampled_from([" ", "\t", "\r", " \r"])).map(
                lambda pair: json.dumps(pair[0]) + pair[1]
            ),
        ),
        max_size=6,
    ),
    st.sampled_from([3, 17, 1 << 16]),
)
def test_json_lines_read_as_json_loads_reads_each_line(lines, chunk):
    """Each record is json.loads of its line; a bad line gives json.loads' error, naming it.

    ``chunk`` is how much is read ahead to tell JSON Lines from an array, so
    the first lines come from that read and the rest from the file.
    """
    text = '{"first": 0}\n' + "\n".join(lines) + "\n"
    values, error = _reference_lines(text)
    read = []
    with mock.patch.object(_json, "_CHUNK", chunk):
        records = iter_records(io.StringIO(text))
        if error is None:
            read.extend(record.value for record in records)
        else:
            with pytest.raises(ValidationError) as info:
                read.extend(record.value for record in records)
            assert info.value.field == error[0]
            assert error[1] in str(info.value)
    assert read == values


def _items_from(script):
    """Import items from a script of (action, actor, target) choices."""
    from datetime import timedelta

    from microblog_core.models import RepostRef

    people = 4
    items = [
        (f"$[{i}]", Account.create(id=i + 1, handle=f"u{i + 1}", created_at=T0))
        for i in range(people)
    ]
    originals: list[Post] = []
    for step, (action, actor, target) in enumerate(script):
        at = T0 + timedelta(seconds=step + 1)
        author = actor % people + 1
        path = f"$[{len(items)}]"
        if action == "post" or not originals:
            post = Post.create(id=100 + step, author_id=author, created_at=at, text=f"p{step} #t")
            originals.append(post)
            items.append((path, post))
            continue
        root = originals[target % len(originals)]
        if action == "repost":
            ref = RepostRef(root_id=root.id, root_author_id=root.author_id)
            items.append(
                (path, Post.create_repost(id=100 + step, author_id=author, created_at=at, of=ref))
            )
        elif action == "like":
            items.append((path, Like(account_id=author, post_id=root.id, created_at=at)))
        else:
            other = target % people + 1
            if other != author:
                items.append((path, Follow(follower_id=author, followee_id=other, created_at=at)))
    return items


def _import_recording(items, batch_size):
    clock = ManualClock(T0)
    blog = Microblog.in_memory(clock=clock, account_policy=MASTODON_ACCOUNTS)
    events = []
    blog.subscribe(events.append)
    try:
        report = Importer(blog, clock=clock, batch_size=batch_size).run(items)
    except ValidationError as exc:
        report = ("failed", exc.field)
    return report, _shape(blog), events


_script = st.lists(
    st.tuples(
        st.sampled_from(["post", "repost", "like", "follow"]),
        st.integers(0, 3),
        st.integers(0, 20),
    ),
    max_size=25,
)


@given(_script, st.integers(2, 30))
def test_batched_import_equals_one_by_one(script, batch_size):
    """Batches change nothing but atomicity: same report, same state, same events in order.

    A record that breaks a rule fails the import at the same path either way
    (what stays differs by design: only its own batch is left out).
    """
    items = _items_from(script)
    batched = _import_recording(items, batch_size)
    one_by_one = _import_recording(items, 1)
    if isinstance(batched[0], tuple) or isinstance(one_by_one[0], tuple):
        assert batched[0] == one_by_one[0]
        return
    assert batched[1:] == one_by_one[1:]
    assert attrs.evolve(batched[0], batches=0) == attrs.evolve(one_by_one[0], batches=0)


class _FaultOnPost:
    """A projector whose store write fails at the ``nth`` published post.

    It runs inside the use case, after the post is written to the unit: the
    fault strikes in the middle of a batch's writes. It records what the
    unit held when it struck.
    """

    def __init__(self, nth: int) -> None:
        self.nth = nth
        self.seen = 0
        self.held_at_fault: int | None = None

    def project(self, uow, events):
        from microblog_core.errors import StorageError
        from microblog_core.models.events import PostPublished

        for event in events:
            if isinstance(event, PostPublished):
                self.seen += 1
                if self.seen == self.nth:
                    self.held_at_fault = len(uow.posts.scan(limit=1000))
                    raise StorageError("disk full (injected)")


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_a_storage_fault_mid_batch_leaves_nothing_of_that_batch(store, tmp_path):
    """Each batch is atomic: a fault after some of its writes keeps none of them."""
    clock = ManualClock(T0)
    blog = (
        Microblog.in_memory(clock=clock, account_policy=MASTODON_ACCOUNTS)
        if store == "memory"
        else Microblog.sqlite(tmp_path / "blog.db", clock=clock, account_policy=MASTODON_ACCOUNTS)
    )
    fault = _FaultOnPost(nth=6)
    blog.add_projector(fault)
    items = [
        (f"$[{i}]", Account.create(id=i + 1, handle=f"u{i + 1}", created_at=T0)) for i in range(4)
    ]
    # The first batch: 4 accounts and 1 post. The second: 4 posts, then the fault
    # strikes at the 5th (the 6th post of the import) with 4 mentions notified.
    items += [
        (
            f"$[{4 + n}]",
            Post.create(
                id=100 + n, author_id=n % 4 + 1, created_at=T0, text=f"p{n} @u{(n + 1) % 4 + 1}"
            ),
        )
        for n in range(8)
    ]
    importer = Importer(blog, clock=clock, batch_size=5)
    with pytest.raises(ValidationError) as info:
        importer.run(items)
    assert info.value.field == "$[9]"
    # The fault fired mid-write: the batch's first four posts and the failing
    # one were in the unit when it struck.
    assert fault.held_at_fault == 1 + 5
    with blog.unit_of_work(readonly=True) as uow:
        kept = [p.text for p in uow.posts.scan(limit=1000)]
        handles = sorted(a.handle for a in uow.accounts.page(limit=100))
    assert kept == ["p0 @u2"]
    assert handles == ["u1", "u2", "u3", "u4"]
    mentioned = blog.account_by_handle("u2").id
    assert [n.post_id for n in blog.notifications(mentioned).items] == [importer.post_ids[100]]
    for other in ("u3", "u4", "u1"):
        assert blog.notifications(blog.account_by_handle(other).id).items == ()
    assert set(importer.post_ids) == {100}
    blog.close()


class _TransientPostWrites:
    """A memory store's units whose post writes numbered in ``fail_at`` (from 1) fail."""

    def __init__(self, fail_at: set[int]) -> None:
        from microblog_core.storage.memory import MemoryStore

        self.inner = MemoryStore()
        self.fail_at = fail_at
        self.post_writes = 0

    def unit_of_work(self, *, readonly: bool = False):
        unit = self.inner.unit_of_work(readonly=readonly)
        if readonly:
            return unit
        outer = self
        posts = unit.posts

        class Posts:
            def __getattr__(self, name):
                return getattr(posts, name)

            def add(self, post):
                outer.post_writes += 1
                if outer.post_writes in outer.fail_at:
                    raise TransientStorageError("deadlock detected (test)")
                posts.add(post)

        unit.posts = Posts()
        return unit


def _items(n_posts: int, *, bio: str = ""):
    items = [("$[0]", Account.create(id=5, handle="ann", created_at=T0, bio=bio))]
    items += [
        (f"$[{i}]", Post.create(id=100 + i, author_id=5, created_at=T0, text=f"post {i}"))
        for i in range(1, n_posts + 1)
    ]
    return items


def test_a_batch_that_meets_a_transient_error_runs_again_whole() -> None:
    # Batches of 3: the second batch's second post write fails once; that batch runs
    # again from its start, and the report counts each record once.
    store = _TransientPostWrites(fail_at={4})
    fast = RetryPolicy(attempts=3, base=0.0001, cap=0.0001)
    blog = Microblog(store.unit_of_work, clock=ManualClock(T0), retry=fast)
    importer = Importer(blog, clock=blog.clock, batch_size=3)
    report = importer.run(_items(5))
    assert (report.accounts, report.posts, report.batches) == (1, 5, 2)
    # Batch one: posts 1 and 2. Batch two: post 3, post 4 refused; again: posts 3, 4, 5.
    assert store.post_writes == 7
    assert blog.retry_stats.retries == 1
    with blog.unit_of_work(readonly=True) as uow:
        texts = sorted(p.text for p in uow.posts.scan(limit=100))
    assert texts == [f"post {i}" for i in range(1, 6)]
    assert sorted(importer.post_ids) == list(range(101, 106))


def test_a_batch_out_of_attempts_raises_the_transient_error_and_keeps_nothing() -> None:
    store = _TransientPostWrites(fail_at=set(range(3, 100)))
    fast = RetryPolicy(attempts=3, base=0.0001, cap=0.0001)
    blog = Microblog(store.unit_of_work, clock=ManualClock(T0), retry=fast)
    importer = Importer(blog, clock=blog.clock, batch_size=3)
    with pytest.raises(TransientStorageError):
        importer.run(_items(5))
    assert blog.retry_stats.exhausted == 1
    # The first batch (the account and two posts) stays; nothing of the second.
    assert sorted(importer.post_ids) == [101, 102]
    with blog.unit_of_work(readonly=True) as uow:
        assert uow.posts.count() == 2


def test_a_profile_update_in_a_failed_batch_is_made_again_when_the_records_come_again() -> None:
    blog = Microblog.in_memory(clock=ManualClock(T0))
    importer = Importer(blog, clock=blog.clock, batch_size=10)
    importer.run([("$[0]", Account.create(id=5, handle="ann", created_at=T0))])
    fuller = ("$[1]", Account.create(id=5, handle="ann", created_at=T0, bio="a fuller record"))
    orphan = ("$[2]", Post.create(id=100, author_id=6, created_at=T0, text="whose?"))
    with pytest.raises(ValidationError, match=r"\$\[2\]"):
        importer.run([fuller, orphan])
    assert blog.get_account(importer.account_ids[5]).bio == ""
    importer.run([fuller])
    assert blog.get_account(importer.account_ids[5]).bio == "a fuller record"
