/*
 * runq.h - the scheduler's run queue: a FIFO of intrusive list nodes.
 * Round-robin is "pop the front, run it for a time slice, push it at the
 * back". Pure logic: the host unit tests drive it directly.
 */
#ifndef RUNQ_H
#define RUNQ_H

#include "types.h"

struct list_node {
    struct list_node *prev, *next;  /* both NULL while not queued */
};

struct runq {
    struct list_node head;          /* sentinel */
    uint32_t len;                   /* nodes queued */
};

/* runq_init - make @q empty. */
void runq_init(struct runq *q);

/* runq_push_back - queue @n at the back. Returns 0, or -EEXIST if @n is
 * queued already (the queue is unchanged). */
int runq_push_back(struct runq *q, struct list_node *n);

/* runq_pop_front - dequeue and return the front node, or NULL if empty. */
struct list_node *runq_pop_front(struct runq *q);

/* runq_remove - dequeue @n wherever it is; no effect if it is not queued. */
void runq_remove(struct runq *q, struct list_node *n);

/* runq_queued - true while @n is in a queue. */
bool runq_queued(const struct list_node *n);

#endif /* RUNQ_H */
