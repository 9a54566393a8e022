"""pyqueue.py - a Python program with threads sharing a threading.Lock and
a queue.Queue (CPython's locks are POSIX semaphores, its GIL a pthread
mutex and condition variable): 4 producers put 5000 items each, 3
consumers take them and add them up under a shared lock, a None per
consumer ends it. The consumers first idle in q.get() for 1.5 s (a
semaphore wait that a producer will post: not a deadlock). Prints
deterministic totals; exits 0 when they are right. Used by
test_real_program.sh python, natively and under lockwatch."""
import queue
import threading
import time

PRODUCERS, CONSUMERS, ITEMS = 4, 3, 5000

q = queue.Queue(maxsize=100)
totals_lock = threading.Lock()
totals = {"items": 0, "sum": 0}
seen = [0] * (PRODUCERS * ITEMS)


def producer(p):
    for i in range(ITEMS):
        q.put(p * ITEMS + i)


def consumer():
    count = acc = 0
    while True:
        item = q.get()
        if item is None:
            q.task_done()
            break
        count += 1
        acc += item
        with totals_lock:
            seen[item] += 1
        q.task_done()
    with totals_lock:
        totals["items"] += count
        totals["sum"] += acc


def main():
    cs = [threading.Thread(target=consumer, name=f"consumer-{c}") for c in range(CONSUMERS)]
    ps = [threading.Thread(target=producer, args=(p,), name=f"producer-{p}") for p in range(PRODUCERS)]
    for t in cs:
        t.start()
    time.sleep(1.5)  # the consumers idle in q.get()
    for t in ps:
        t.start()
    for t in ps:
        t.join()
    for _ in cs:
        q.put(None)
    q.join()
    for t in cs:
        t.join()
    n = PRODUCERS * ITEMS
    ok = totals["items"] == n and totals["sum"] == n * (n - 1) // 2 and all(s == 1 for s in seen)
    print(f"items {totals['items']} sum {totals['sum']} each-once {all(s == 1 for s in seen)}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
