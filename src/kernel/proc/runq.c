/*
 * runq.c - FIFO of intrusive nodes on a circular doubly-linked list.
 */
#include "proc/runq.h"
#include "uapi/errno.h"

void runq_init(struct runq *q)
{
    q->head.prev = q->head.next = &q->head;
    q->len = 0;
}

bool runq_queued(const struct list_node *n)
{
    return n->next != NULL;
}

int runq_push_back(struct runq *q, struct list_node *n)
{
    if (runq_queued(n))
        return -EEXIST;
    n->prev = q->head.prev;
    n->next = &q->head;
    q->head.prev->next = n;
    q->head.prev = n;
    q->len++;
    return 0;
}

void runq_remove(struct runq *q, struct list_node *n)
{
    if (!runq_queued(n))
        return;
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->prev = n->next = NULL;
    q->len--;
}

struct list_node *runq_pop_front(struct runq *q)
{
    if (q->head.next == &q->head)
        return NULL;
    struct list_node *n = q->head.next;
    runq_remove(q, n);
    return n;
}
