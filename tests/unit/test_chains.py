"""Chains of acts: status comes from the chain, never from the clock; forks stop it."""

from bqw_desktop.domain.chains import Act, derive


def test_empty_chain():
    chain = derive([])
    assert chain.path == () and chain.last is None and not chain.forked


def test_chain_follows_links_not_list_order():
    acts = [Act("c", "b"), Act("a", None), Act("b", "a")]
    assert [a.id for a in derive(acts).path] == ["a", "b", "c"]


def test_two_acts_following_one_are_a_fork():
    acts = [Act("a", None), Act("b1", "a"), Act("b2", "a"), Act("c", "b1")]
    chain = derive(acts)
    assert [a.id for a in chain.path] == ["a"]
    assert {a.id for a in chain.fork} == {"b1", "b2"}
    assert chain.forked


def test_fork_at_the_start():
    chain = derive([Act("x", None), Act("y", None)])
    assert chain.path == () and {a.id for a in chain.fork} == {"x", "y"}


def test_act_following_an_unknown_act_is_dangling():
    chain = derive([Act("a", None), Act("z", "missing")])
    assert [a.id for a in chain.path] == ["a"]
    assert [a.id for a in chain.dangling] == ["z"]


def test_acts_in_a_cycle_are_never_reached():
    chain = derive([Act("a", None), Act("x", "y"), Act("y", "x")])
    assert [a.id for a in chain.path] == ["a"]
