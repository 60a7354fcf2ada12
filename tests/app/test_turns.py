"""Work after the ack takes turns (bot/turns.py): at most `per_iteration` of its pieces go on
per iteration of the event loop, new work before work Zoom or Slack has answered, the oldest
work first within each, work whose message is out last (for a while), and nothing else ever
waits behind it."""

from __future__ import annotations

import asyncio

from bot.inflight import InFlight
from bot.turns import Turns


class Iterations:
    """Counts the event loop's iterations (a callback that schedules itself again)."""

    def __init__(self) -> None:
        self.count = 0
        self._stopped = False

    def start(self) -> None:
        asyncio.get_running_loop().call_soon(self._tick)

    def stop(self) -> None:
        self._stopped = True

    def _tick(self) -> None:
        if not self._stopped:
            self.count += 1
            asyncio.get_running_loop().call_soon(self._tick)


async def test_at_most_per_iteration_pieces_go_on_per_iteration_in_order() -> None:
    turns = Turns(per_iteration=3)
    inflight = InFlight(turns)
    loop_turns = Iterations()
    went_on: list[tuple[int, int]] = []  # (task number, iteration)

    async def piece(n: int) -> None:
        await turns.take()
        went_on.append((n, loop_turns.count))

    loop_turns.start()
    await asyncio.gather(*(inflight.start(piece(n), name=f"listener:{n}") for n in range(10)))
    loop_turns.stop()
    assert [n for n, _ in went_on] == list(range(10))  # in the order they asked
    per_iteration: dict[int, int] = {}
    for _, iteration in went_on:
        per_iteration[iteration] = per_iteration.get(iteration, 0) + 1
    assert max(per_iteration.values()) == 3 and len(per_iteration) == 4


async def test_new_work_goes_before_work_that_zoom_or_slack_answered() -> None:
    turns = Turns(per_iteration=1)
    inflight = InFlight(turns)
    order: list[str] = []

    async def answered_piece() -> None:
        await turns.answered()  # Zoom just answered it
        order.append("answered")

    async def new_piece() -> None:
        await turns.take()
        order.append("new")

    # All three ask in the same iteration, the answered one first.
    tasks = [inflight.start(answered_piece(), name="listener:a")]
    tasks += [inflight.start(new_piece(), name=f"listener:n{n}") for n in range(2)]
    await asyncio.gather(*tasks)
    assert order == ["new", "new", "answered"]


async def test_the_oldest_work_goes_first_whatever_order_its_pieces_ask_in() -> None:
    """Work started first (its request came first) goes on first, even when a later one's
    piece asked before it: a burst's first requests finish first instead of all together."""
    turns = Turns(per_iteration=1)
    inflight = InFlight(turns)
    order: list[str] = []
    started = [(f"{kind}{n}", kind == "answered") for kind in ("new", "answered") for n in range(3)]
    go = {name: asyncio.Event() for name, _ in started}

    async def piece(name: str, answered: bool) -> None:
        await go[name].wait()
        await (turns.answered() if answered else turns.take())
        order.append(name)

    tasks = [inflight.start(piece(name, answered), name=name) for name, answered in started]
    await asyncio.sleep(0)  # every task now waits for its `go`
    for name, _ in reversed(started):  # the youngest ask first, all in one iteration
        go[name].set()
    await asyncio.gather(*tasks)
    assert order == ["new0", "new1", "new2", "answered0", "answered1", "answered2"]


async def test_work_whose_message_is_out_goes_last_but_not_for_ever(monkeypatch) -> None:
    turns = Turns(per_iteration=1)
    inflight = InFlight(turns)
    order: list[str] = []

    async def delivered_piece() -> None:
        turns.delivered()  # its message was just posted
        await turns.take()  # recording that, then the private confirmation
        order.append("delivered")

    async def answered_piece() -> None:
        await turns.answered()
        order.append("answered")

    async def new_piece() -> None:
        await turns.take()
        order.append("new")

    tasks = [inflight.start(delivered_piece(), name="listener:d")]
    tasks += [inflight.start(answered_piece(), name="listener:a")]
    tasks += [inflight.start(new_piece(), name="listener:n")]
    await asyncio.gather(*tasks)
    assert order == ["new", "answered", "delivered"]

    # Behind a queue that never empties, it still goes on after DELIVERED_WAIT.
    monkeypatch.setattr("bot.turns.DELIVERED_WAIT", 0.05)
    order.clear()

    async def busy() -> None:
        while True:
            await turns.take()

    background = [inflight.start(busy(), name=f"listener:b{n}") for n in range(3)]
    await asyncio.sleep(0)
    waited = asyncio.get_running_loop().time()
    await inflight.start(delivered_piece(), name="listener:d2")
    waited = asyncio.get_running_loop().time() - waited
    assert order == ["delivered"] and 0.05 <= waited < 1.0
    for task in background:
        task.cancel()
    await asyncio.gather(*background, return_exceptions=True)


async def test_nothing_else_waits_behind_queued_work() -> None:
    turns = Turns(per_iteration=1)
    inflight = InFlight(turns)
    loop_turns = Iterations()

    async def busy() -> None:
        for _ in range(50):
            await turns.take()

    loop_turns.start()
    background = [inflight.start(busy(), name=f"listener:{n}") for n in range(20)]
    for _ in range(100):  # until every background task waits in the queue
        if turns.waiting == len(background):
            break
        await asyncio.sleep(0)
    assert turns.waiting == len(background)
    before = loop_turns.count
    await turns.take()  # a request's own store call: one plain turn of the loop
    await turns.answered()  # an answer to a request: no turn at all
    assert loop_turns.count - before <= 2
    assert turns.waiting > 0  # while the background's pieces were still queued
    for task in background:
        task.cancel()
    await asyncio.gather(*background, return_exceptions=True)
    loop_turns.stop()


async def test_a_cancelled_waiter_does_not_use_a_turn() -> None:
    turns = Turns(per_iteration=1)
    inflight = InFlight(turns)
    done: list[int] = []

    async def piece(n: int) -> None:
        await turns.take()
        done.append(n)

    first = inflight.start(piece(0), name="listener:0")
    second = inflight.start(piece(1), name="listener:1")
    await asyncio.sleep(0)
    first.cancel()
    await asyncio.gather(first, second, return_exceptions=True)
    assert done == [1] and turns.waiting == 0


async def test_the_app_gives_its_store_and_clients_the_turns_of_its_work(runtime) -> None:
    turns = runtime.services.inflight.turns
    assert runtime.store.turns is turns
    assert runtime.slack.turns is turns
    assert runtime.services.poster.turns is turns
