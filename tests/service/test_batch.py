"""Microblog.batch(): several use cases as one atomic unit, on every adapter."""

import pytest

from microblog_core.errors import PermissionDeniedError, ValidationError


def test_a_batch_commits_every_use_case_inside_it(blog):
    heard = []
    blog.subscribe(heard.append)
    ann, bob = blog.register("ann"), blog.register("bob")
    heard.clear()
    with blog.batch():
        post = blog.post(ann.id, "one")
        blog.like(bob.id, post.id)
        blog.follow(bob.id, ann.id)
        assert heard == []  # subscribers hear only after the batch commits
    assert len(heard) == 3
    assert blog.post_counters(post.id).likes == 1
    assert blog.relationship(bob.id, ann.id).following


def test_a_failing_use_case_leaves_nothing_of_the_batch(blog):
    ann, bob = blog.register("ann"), blog.register("bob")

    def post_follow_and_fail():
        with blog.batch():
            blog.post(ann.id, "lost")
            blog.follow(bob.id, ann.id)
            blog.follow(ann.id, ann.id)  # self-follow: refused

    with pytest.raises(PermissionDeniedError):
        post_follow_and_fail()
    assert blog.posts_by(ann.id).items == ()
    assert not blog.relationship(bob.id, ann.id).following


def test_a_failure_caught_inside_the_batch_still_rolls_it_back(blog):
    ann = blog.register("ann")

    def post_then_fail_quietly():
        with blog.batch():
            blog.post(ann.id, "first")
            with pytest.raises(PermissionDeniedError):
                blog.follow(ann.id, ann.id)

    with pytest.raises(ValidationError, match="nothing was kept"):
        post_then_fail_quietly()
    assert blog.posts_by(ann.id).items == ()


def test_batches_do_not_nest(blog):
    def nested():
        with blog.batch(), blog.batch():
            pass

    with pytest.raises(ValidationError, match="do not nest"):
        nested()


class _Failing:
    """A projector that refuses the n-th event it is given."""

    def __init__(self, after: int) -> None:
        self.left = after

    def project(self, uow, events):
        for _ in events:
            self.left -= 1
            if self.left < 0:
                raise PermissionDeniedError("the read model refuses", action="project", rule="test")


def test_a_projector_failing_inside_a_batch_leaves_nothing_of_it(blog):
    ann = blog.register("ann")
    heard = []
    blog.subscribe(heard.append)
    blog.add_projector(_Failing(after=1))

    def two_posts():
        with blog.batch():
            blog.post(ann.id, "kept only if all goes well")
            blog.post(ann.id, "the projector refuses this one")

    with pytest.raises(PermissionDeniedError, match="refuses"):
        two_posts()
    assert blog.posts_by(ann.id).items == ()
    assert heard == []


def test_a_use_case_returning_early_inside_a_batch_still_projects_its_events(blog):
    ann, bob = blog.register("ann"), blog.register("bob")
    heard = []
    blog.subscribe(heard.append)
    with blog.batch():
        blog.follow(bob.id, ann.id)
        blog.follow(bob.id, ann.id, notify=True)  # following again: updated, returns early
    assert [type(event).__name__ for event in heard] == ["Followed"]
    assert blog.relationship(bob.id, ann.id).notifying
    assert len(blog.notifications(ann.id).items) == 1
