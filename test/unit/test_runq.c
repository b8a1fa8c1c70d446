/*
 * test_runq.c - host tests for the scheduler's run queue
 * (src/kernel/proc/runq.c): FIFO order, double queueing, removal from any
 * position, the length count, and round-robin rotation.
 *
 * Nodes are embedded in a struct the way struct proc embeds its rq node, so
 * the tests also check that container_of-style recovery sees the right
 * owner. After every mutation the queue is checked for consistency: the
 * circular list is walked in both directions, every link is mutual, and the
 * walk length equals q->len.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "proc/runq.h"
#include "uapi/errno.h"

struct item {
    char name;
    struct list_node rq;
};

#define OWNER(n) ((struct item *)((uintptr_t)(n) - offsetof(struct item, rq)))

#define NITEMS 5
static struct item items[NITEMS];
static struct runq q;

static int setup(void **state)
{
    (void)state;
    /* A queue full of garbage: runq_init() must fix it. */
    memset(&q, 0xA5, sizeof(q));
    runq_init(&q);
    for (int i = 0; i < NITEMS; i++)
        items[i] = (struct item){ .name = (char)('A' + i), .rq = { NULL, NULL } };
    return 0;
}

#define A (&items[0].rq)
#define B (&items[1].rq)
#define C (&items[2].rq)
#define D (&items[3].rq)
#define E (&items[4].rq)

/* Walk the list both ways; check links and the count. */
static void check_consistent(void)
{
    uint32_t fwd = 0, back = 0;
    const struct list_node *h = &q.head;
    for (const struct list_node *n = h->next; n != h; n = n->next) {
        assert_non_null(n);
        assert_ptr_equal(n->next->prev, n);
        assert_ptr_equal(n->prev->next, n);
        assert_true(runq_queued(n));
        assert_true(++fwd <= NITEMS);
    }
    for (const struct list_node *n = h->prev; n != h; n = n->prev) {
        assert_non_null(n);
        assert_true(++back <= NITEMS);
    }
    assert_ptr_equal(h->next->prev, h);
    assert_ptr_equal(h->prev->next, h);
    assert_int_equal(fwd, q.len);
    assert_int_equal(back, q.len);
}

/* The queue holds exactly the items named in @want, front to back. */
static void expect_order(const char *want)
{
    check_consistent();
    size_t k = 0;
    for (const struct list_node *n = q.head.next; n != &q.head; n = n->next, k++) {
        assert_true(k < strlen(want));
        if (OWNER(n)->name != want[k])
            print_error("position %zu: got %c, expected %c (want \"%s\")\n",
                        k, OWNER(n)->name, want[k], want);
        assert_int_equal(OWNER(n)->name, want[k]);
    }
    assert_int_equal(k, strlen(want));
    assert_int_equal(q.len, strlen(want));
}

static void push(struct list_node *n)
{
    assert_int_equal(runq_push_back(&q, n), 0);
}

static char pop_name(void)
{
    struct list_node *n = runq_pop_front(&q);
    assert_non_null(n);
    assert_false(runq_queued(n));
    return OWNER(n)->name;
}

/* ---- init / empty --------------------------------------------------------- */

static void test_init_gives_empty_queue(void **state)
{
    (void)state;
    assert_int_equal(q.len, 0);
    assert_ptr_equal(q.head.next, &q.head);
    assert_ptr_equal(q.head.prev, &q.head);
    expect_order("");
}

static void test_pop_on_empty_is_null(void **state)
{
    (void)state;
    assert_null(runq_pop_front(&q));
    assert_null(runq_pop_front(&q));
    expect_order("");
    /* Empty again after use. */
    push(A);
    assert_int_equal(pop_name(), 'A');
    assert_null(runq_pop_front(&q));
    expect_order("");
}

/* ---- FIFO ---------------------------------------------------------------- */

static void test_fifo_order(void **state)
{
    (void)state;
    push(A);
    expect_order("A");
    push(B);
    push(C);
    push(D);
    expect_order("ABCD");
    assert_int_equal(pop_name(), 'A');
    expect_order("BCD");
    push(E);
    expect_order("BCDE");
    assert_int_equal(pop_name(), 'B');
    assert_int_equal(pop_name(), 'C');
    assert_int_equal(pop_name(), 'D');
    assert_int_equal(pop_name(), 'E');
    assert_null(runq_pop_front(&q));
    expect_order("");
}

static void test_pop_returns_the_node_itself(void **state)
{
    (void)state;
    push(C);
    push(A);
    assert_ptr_equal(runq_pop_front(&q), C);
    assert_ptr_equal(runq_pop_front(&q), A);
    assert_null(C->prev);
    assert_null(C->next);
}

static void test_len_counts(void **state)
{
    (void)state;
    struct list_node *all[] = { A, B, C, D, E };
    for (uint32_t i = 0; i < NITEMS; i++) {
        assert_int_equal(q.len, i);
        push(all[i]);
        assert_int_equal(q.len, i + 1);
    }
    assert_int_equal(runq_push_back(&q, C), -EEXIST);    /* refused: no count */
    assert_int_equal(q.len, NITEMS);
    runq_remove(&q, C);
    assert_int_equal(q.len, NITEMS - 1);
    runq_remove(&q, C);                                  /* no-op: no count */
    assert_int_equal(q.len, NITEMS - 1);
    for (uint32_t i = NITEMS - 1; i > 0; i--) {
        (void)pop_name();
        assert_int_equal(q.len, i - 1);
    }
    assert_null(runq_pop_front(&q));
    assert_int_equal(q.len, 0);
}

/* ---- double push ----------------------------------------------------------- */

static void test_push_of_queued_node_is_eexist_and_queue_unchanged(void **state)
{
    (void)state;
    push(A);
    push(B);
    push(C);
    struct runq saved = q;
    struct item saved_items[NITEMS];
    memcpy(saved_items, items, sizeof(items));

    assert_int_equal(runq_push_back(&q, A), -EEXIST);    /* front */
    assert_int_equal(runq_push_back(&q, B), -EEXIST);    /* middle */
    assert_int_equal(runq_push_back(&q, C), -EEXIST);    /* back */
    assert_memory_equal(&q, &saved, sizeof(q));
    assert_memory_equal(items, saved_items, sizeof(items));
    expect_order("ABC");
}

static void test_push_of_only_node_is_eexist(void **state)
{
    (void)state;
    push(A);
    assert_int_equal(runq_push_back(&q, A), -EEXIST);
    expect_order("A");
    assert_ptr_equal(A->next, &q.head);
    assert_ptr_equal(A->prev, &q.head);
}

static void test_push_of_node_queued_elsewhere_is_eexist(void **state)
{
    (void)state;
    struct runq other;
    runq_init(&other);
    assert_int_equal(runq_push_back(&other, A), 0);
    assert_int_equal(runq_push_back(&q, A), -EEXIST);
    expect_order("");
    assert_int_equal(other.len, 1);
    assert_ptr_equal(runq_pop_front(&other), A);
    push(A);
    expect_order("A");
}

/* ---- remove ---------------------------------------------------------------- */

static void test_remove_from_middle(void **state)
{
    (void)state;
    push(A);
    push(B);
    push(C);
    push(D);
    runq_remove(&q, B);
    assert_false(runq_queued(B));
    assert_null(B->prev);
    assert_null(B->next);
    expect_order("ACD");
    runq_remove(&q, C);
    expect_order("AD");
}

static void test_remove_front(void **state)
{
    (void)state;
    push(A);
    push(B);
    push(C);
    runq_remove(&q, A);
    assert_false(runq_queued(A));
    expect_order("BC");
    assert_int_equal(pop_name(), 'B');
}

static void test_remove_back(void **state)
{
    (void)state;
    push(A);
    push(B);
    push(C);
    runq_remove(&q, C);
    assert_false(runq_queued(C));
    expect_order("AB");
    /* The new back is B: a push lands after it. */
    push(D);
    expect_order("ABD");
}

static void test_remove_only_node_empties_queue(void **state)
{
    (void)state;
    push(A);
    runq_remove(&q, A);
    expect_order("");
    assert_ptr_equal(q.head.next, &q.head);
    assert_ptr_equal(q.head.prev, &q.head);
    assert_null(runq_pop_front(&q));
}

static void test_remove_of_unqueued_node_is_noop(void **state)
{
    (void)state;
    runq_remove(&q, A);                 /* never queued, empty queue */
    expect_order("");
    push(B);
    push(C);
    struct runq saved = q;
    runq_remove(&q, A);                 /* never queued, non-empty queue */
    runq_remove(&q, D);
    assert_memory_equal(&q, &saved, sizeof(q));
    expect_order("BC");
    /* Popped, then removed again: still a no-op. */
    assert_int_equal(pop_name(), 'B');
    runq_remove(&q, B);
    expect_order("C");
    assert_null(A->prev);
    assert_null(A->next);
}

static void test_removed_node_can_be_pushed_again(void **state)
{
    (void)state;
    push(A);
    push(B);
    push(C);
    runq_remove(&q, A);
    push(A);
    expect_order("BCA");
    runq_remove(&q, C);
    push(C);
    expect_order("BAC");
}

/* ---- round robin / queued state ---------------------------------------------- */

static void test_round_robin_rotation(void **state)
{
    (void)state;
    push(A);
    push(B);
    push(C);
    char seen[13] = { 0 };
    for (int i = 0; i < 12; i++) {
        struct list_node *n = runq_pop_front(&q);
        assert_non_null(n);
        seen[i] = OWNER(n)->name;
        assert_int_equal(q.len, 2);
        push(n);                        /* time slice used up: to the back */
    }
    assert_string_equal(seen, "ABCABCABCABC");
    expect_order("ABC");
}

static void test_round_robin_with_a_sleeper(void **state)
{
    (void)state;
    /* B blocks after its first slice and wakes later: it rejoins at the back. */
    push(A);
    push(B);
    push(C);
    char seen[9] = { 0 };
    int k = 0;
    struct list_node *n;
    n = runq_pop_front(&q); seen[k++] = OWNER(n)->name; push(n);   /* A */
    n = runq_pop_front(&q); seen[k++] = OWNER(n)->name;            /* B sleeps */
    n = runq_pop_front(&q); seen[k++] = OWNER(n)->name; push(n);   /* C */
    n = runq_pop_front(&q); seen[k++] = OWNER(n)->name; push(n);   /* A */
    push(B);                                                       /* B wakes */
    for (int i = 0; i < 4; i++) {
        n = runq_pop_front(&q);
        seen[k++] = OWNER(n)->name;
        push(n);
    }
    assert_string_equal(seen, "ABCACABC");
}

static void test_queued_states(void **state)
{
    (void)state;
    assert_false(runq_queued(A));
    push(A);
    assert_true(runq_queued(A));
    assert_false(runq_queued(B));
    push(B);
    assert_true(runq_queued(A));
    assert_true(runq_queued(B));
    struct list_node *n = runq_pop_front(&q);
    assert_ptr_equal(n, A);
    assert_false(runq_queued(A));
    assert_true(runq_queued(B));
    runq_remove(&q, B);
    assert_false(runq_queued(B));
    assert_int_equal(runq_push_back(&q, B), 0);
    assert_true(runq_queued(B));
    assert_ptr_equal(runq_pop_front(&q), B);
    assert_false(runq_queued(B));
    assert_null(runq_pop_front(&q));    /* the sentinel is never handed out */
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, NULL)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_init_gives_empty_queue),
        T(test_pop_on_empty_is_null),
        T(test_fifo_order),
        T(test_pop_returns_the_node_itself),
        T(test_len_counts),
        T(test_push_of_queued_node_is_eexist_and_queue_unchanged),
        T(test_push_of_only_node_is_eexist),
        T(test_push_of_node_queued_elsewhere_is_eexist),
        T(test_remove_from_middle),
        T(test_remove_front),
        T(test_remove_back),
        T(test_remove_only_node_empties_queue),
        T(test_remove_of_unqueued_node_is_noop),
        T(test_removed_node_can_be_pushed_again),
        T(test_round_robin_rotation),
        T(test_round_robin_with_a_sleeper),
        T(test_queued_states),
    };
    return cmocka_run_group_tests_name("run queue (runq_push_back, runq_pop_front, runq_remove)",
                                       tests, NULL, NULL);
}
